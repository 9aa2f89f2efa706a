import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Bead } from "../../app/ledger/bead-schema.js";
import { blockingComponents, dependencyWarnings, IDS_NAMED } from "../../app/ledger/check-dependencies.js";
import { findBlockingComponents } from "../../app/ledger/blocking-components.js";
import { dependencyGraph } from "../../app/ledger/dependency-graph.js";
import { Ledger } from "../../app/ledger/ledger.js";
import { formatProblem } from "../../app/ledger/ledger-problems.js";
import { loadLedger } from "../../app/ledger/read-ledger.js";
import { bead as someBead, jsonl } from "./ledger-builders.js";

/** A bead depending on each target in turn, by `blocks` unless written `type target`. */
function bead(id: string, ...targets: string[]): Bead {
  const dependencies = targets.map((t) => {
    const [type, target] = t.includes(" ") ? t.split(" ") as [string, string] : ["blocks", t];
    return { issue_id: id, depends_on_id: target, type };
  });
  return someBead(id, dependencies.length > 0 ? { dependencies } : {});
}

/** The warnings of a ledger read from these beads, one a line, as `gt ledger validate` prints them. */
function warnings(beads: readonly Bead[], allIds = false): string[] {
  return dependencyWarnings(loadLedger(jsonl(beads)), "l.jsonl", { allIds }).map(formatProblem);
}

describe("one warning per set of beads that block one another", () => {
  it("names a self-loop, a 2-cycle and two separate components once each", () => {
    expect(warnings([
      bead("a", "a"),
      bead("b1", "b2"), bead("b2", "b1"),
      // Two components joined one way only: each is its own finding.
      bead("c1", "c2"), bead("c2", "c3"), bead("c3", "c1", "d1"),
      bead("d1", "d2", "d3"), bead("d2", "d1"), bead("d3", "d1", "d2"),
      // Leads into a cycle without being on one.
      bead("e", "b1"),
    ])).toEqual([
      "l.jsonl:1: warning: dependencies: blocking dependencies form a cycle: a → a",
      "l.jsonl:2: warning: dependencies: blocking dependencies form a cycle: b1 → b2 → b1",
      "l.jsonl:4: warning: dependencies: blocking dependencies form a cycle: c1 → c2 → c3 → c1",
      "l.jsonl:7: warning: dependencies: blocking dependencies form cycles through d1, d2, d3",
    ]);
  });

  it("counts every blocking type, and neither related links, missing targets nor external ones", () => {
    expect(warnings([
      bead("a", "parent-child b"), bead("b", "waits-for c"), bead("c", "conditional-blocks a"),
      bead("r1", "related r2"), bead("r2", "relates-to r1"),
      bead("x", "gone", "external:p:x"),
    ])).toEqual([
      "l.jsonl:1: warning: dependencies: blocking dependencies form a cycle: a → b → c → a",
      "l.jsonl:6: warning: dependencies[0].depends_on_id: gone is not in the ledger",
    ]);
  });

  it("reads a cycle whose beads list a target twice as the one cycle it is", () => {
    expect(warnings([bead("a", "b", "b"), bead("b", "related a", "a")])).toEqual([
      "l.jsonl:1: warning: dependencies: blocking dependencies form a cycle: a → b → a",
    ]);
  });

  it(`names the first ${IDS_NAMED} ids of a large one and counts them, or every id when asked`, () => {
    const ring = Array.from({ length: 8 }, (_, i) => bead(`r${i}`, `r${(i + 3) % 8}`));
    expect(warnings(ring)).toEqual([
      "l.jsonl:1: warning: dependencies: blocking dependencies form a cycle: r0 → r3 → r6 → r1 → r4 → … (8 beads in all)",
    ]);
    expect(warnings(ring, true)).toEqual([
      "l.jsonl:1: warning: dependencies: blocking dependencies form a cycle: r0 → r3 → r6 → r1 → r4 → r7 → r2 → r5 → r0 (8 beads in all)",
    ]);
    const knot = Array.from({ length: 7 }, (_, i) => bead(`k${i}`, `k${(i + 1) % 7}`, `k${(i + 2) % 7}`));
    expect(warnings(knot)).toEqual([
      "l.jsonl:1: warning: dependencies: blocking dependencies form cycles through k0, k1, k2, k3, k4, … (7 beads in all)",
    ]);
    expect(warnings(knot, true)).toEqual([
      "l.jsonl:1: warning: dependencies: blocking dependencies form cycles through k0, k1, k2, k3, k4, k5, k6 (7 beads in all)",
    ]);
  });

  it("warns on the line of the component's smallest id, in line order with the other warnings", () => {
    // The file is out of id order: b2 is read first, and b1 is the smallest id of its cycle.
    expect(warnings([bead("z", "gone"), bead("b2", "b1"), bead("b1", "b2"), bead("a", "a")])).toEqual([
      "l.jsonl:1: warning: dependencies[0].depends_on_id: gone is not in the ledger",
      "l.jsonl:3: warning: dependencies: blocking dependencies form a cycle: b1 → b2 → b1",
      "l.jsonl:4: warning: dependencies: blocking dependencies form a cycle: a → a",
    ]);
  });

  it("lists each component's ids in id order", () => {
    const ledger = Ledger.of([bead("c", "a"), bead("a", "b"), bead("b", "c"), bead("s", "s"), bead("t", "c")]);
    expect(blockingComponents(ledger)).toEqual([["a", "b", "c"], ["s"]]);
  });

  it("walks a cycle and a chain as long as the ledger without overflowing the stack", () => {
    const size = 100_000;
    const id = (i: number) => `b${String(i).padStart(6, "0")}`;
    const loop = Array.from({ length: size }, (_, i) => bead(id(i), id((i + 1) % size)));
    const [component] = findBlockingComponents(dependencyGraph(Ledger.of(loop)));
    expect(component?.members).toHaveLength(size);
    expect(component?.cycle?.slice(0, 3)).toEqual(Int32Array.from([0, 1, 2]));
    const chain = Array.from({ length: size }, (_, i) => bead(id(i), ...(i + 1 < size ? [id(i + 1)] : [])));
    expect(findBlockingComponents(dependencyGraph(Ledger.of(chain)))).toEqual([]);
  });
});

describe("findBlockingComponents agrees with components read off reachability", () => {
  /** Beads that reach one another by blocking edges, from the transitive closure: slow but plain. */
  function referenceComponents(beads: readonly Bead[]): string[][] {
    const ids = beads.map((b) => b.id).sort();
    const at = new Map(ids.map((id, i) => [id, i]));
    const reach = ids.map(() => ids.map(() => false));
    for (const b of beads) {
      for (const dep of b.dependencies ?? []) {
        const target = at.get(dep.depends_on_id);
        if (target !== undefined && dep.type !== "related") (reach[at.get(b.id) as number] as boolean[])[target] = true;
      }
    }
    for (let k = 0; k < ids.length; k++) {
      for (let i = 0; i < ids.length; i++) {
        for (let j = 0; j < ids.length; j++) if (reach[i]?.[k] && reach[k]?.[j]) (reach[i] as boolean[])[j] = true;
      }
    }
    const found: string[][] = [];
    const placed = new Set<number>();
    for (let i = 0; i < ids.length; i++) {
      if (placed.has(i)) continue;
      const members = ids.map((_, j) => j).filter((j) => j === i || (reach[i]?.[j] && reach[j]?.[i]));
      for (const j of members) placed.add(j);
      if (members.length > 1 || reach[i]?.[i]) found.push(members.map((j) => ids[j] as string));
    }
    return found;
  }

  const names = ["a", "b", "c", "d", "e", "f", "g"];
  const arbitraryLedger = fc.tuple(...names.map((id) => fc.array(
    fc.tuple(fc.constantFrom("blocks", "parent-child", "waits-for", "related"), fc.constantFrom(...names, "gone")),
    { maxLength: 3 },
  ).map((deps) => bead(id, ...deps.map(([type, target]) => `${type} ${target}`)))));

  it("on random ledgers of a few beads", () => {
    fc.assert(fc.property(arbitraryLedger, (beads) => {
      expect(blockingComponents(Ledger.of(beads))).toEqual(referenceComponents(beads));
    }), { numRuns: 500 });
  });
});
