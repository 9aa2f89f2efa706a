import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Bead } from "../../app/ledger/bead-schema.js";
import { dependencyWarnings } from "../../app/ledger/check-dependencies.js";
import {
  BeadFlag, dependencyGraph, EdgeKind, EXTERNAL, MISSING, REPEATED, StatusClass,
  type DependencyGraph,
} from "../../app/ledger/dependency-graph.js";
import { Ledger } from "../../app/ledger/ledger.js";
import { formatProblem } from "../../app/ledger/ledger-problems.js";
import { readLedger } from "../../app/ledger/read-ledger.js";
import { bead as someBead, jsonl } from "./ledger-builders.js";

/** A bead depending on each [type, target] in turn. */
function bead(id: string, fields: Record<string, unknown>, depends: readonly (readonly [string, string])[] = []): Bead {
  const dependencies = depends.map(([type, target]) => ({ issue_id: id, depends_on_id: target, type }));
  return someBead(id, { ...(dependencies.length > 0 ? { dependencies } : {}), ...fields });
}

/** Each bead's edges as [kind, target id or sentinel name], for reading test failures. */
function edges(graph: DependencyGraph): Record<string, [number, string][]> {
  const byId: Record<string, [number, string][]> = {};
  graph.records.forEach((record, i) => {
    const list: [number, string][] = [];
    for (let e = graph.edgeStart[i] as number; e < (graph.edgeStart[i + 1] as number); e++) {
      const target = graph.edgeTarget[e] as number;
      const name = target === MISSING ? "MISSING" : target === EXTERNAL ? "EXTERNAL" : graph.records[target]?.bead.id;
      list.push([graph.edgeType[e] as number, name as string]);
    }
    byId[record.bead.id] = list;
  });
  return byId;
}

describe("dependencyGraph", () => {
  // Inserted out of id order: indexes follow the ids, not the insertion.
  const ledger = Ledger.of([
    bead("gt-c", { status: "closed" }, [["blocks", "gt-a"], ["related", "gt-gone"], ["blocks", "external:web:gt-9"]]),
    bead("gt-a", { status: "in_progress" }),
    bead("gt-b", { defer_until: "2026-06-01T00:00:00Z" }, [["parent-child", "gt-a"], ["waits-for", "gt-c"]]),
    bead("gt-d", { status: "tombstone" }),
  ]);

  it("indexes beads in id order and lists every dependency in CSR arrays", () => {
    const graph = dependencyGraph(ledger);
    expect(graph.records.map((r) => r.bead.id)).toEqual(["gt-a", "gt-b", "gt-c", "gt-d"]);
    expect([...graph.edgeStart]).toEqual([0, 0, 2, 5, 5]);
    expect([...graph.edgeTarget]).toEqual([0, 2, 0, MISSING, EXTERNAL]);
    expect([...graph.edgeType]).toEqual([
      EdgeKind.PARENT_CHILD, EdgeKind.WAITS_FOR_ALL, EdgeKind.BLOCKS, EdgeKind.OTHER, EdgeKind.BLOCKS,
    ]);
    expect([...graph.status]).toEqual([
      StatusClass.ACTIVE, StatusClass.OPEN, StatusClass.CLOSED, StatusClass.TOMBSTONE,
    ]);
    expect([...graph.flags]).toEqual([0, BeadFlag.CLAIMABLE | BeadFlag.HAS_DEFER_UNTIL, 0, 0]);
    expect(["gt-c", "gt-d", "gt-e", "external:web:gt-9"].map((id) => graph.indexOf(id)))
      .toEqual([2, 3, MISSING, MISSING]);
  });

  it("is built once per ledger object, and anew for a changed ledger", () => {
    const graph = dependencyGraph(ledger);
    expect(dependencyGraph(ledger)).toBe(graph);
    const changed = ledger.update("gt-a", (b) => ({ ...b, status: "closed" }));
    expect(dependencyGraph(changed)).not.toBe(graph);
    expect(dependencyGraph(changed).status[0]).toBe(StatusClass.CLOSED);
    expect(dependencyGraph(new Ledger(ledger.records, ledger.otherLines))).not.toBe(graph);
  });

  it("marks a dependency on a target already listed as REPEATED, whatever its type", () => {
    const graph = dependencyGraph(Ledger.of([
      bead("gt-a", {}, [
        ["related", "gt-x"], ["blocks", "gt-x"], ["blocks", "gt-gone"], ["blocks", "gt-gone"],
        ["blocks", "gt-lost"], ["blocks", "external:p:1"], ["parent-child", "external:p:1"],
      ]),
      bead("gt-b", {}, [["blocks", "gt-x"]]),
      bead("gt-x", {}),
    ]));
    expect(edges(graph)).toEqual({
      "gt-a": [
        [EdgeKind.OTHER, "gt-x"],
        [EdgeKind.BLOCKS | REPEATED, "gt-x"],
        [EdgeKind.BLOCKS, "MISSING"],
        // Absent targets share a sentinel; their text still tells them apart.
        [EdgeKind.BLOCKS | REPEATED, "MISSING"],
        [EdgeKind.BLOCKS, "MISSING"],
        [EdgeKind.BLOCKS, "EXTERNAL"],
        [EdgeKind.PARENT_CHILD | REPEATED, "EXTERNAL"],
      ],
      // Another bead's edge to the same target is its own first.
      "gt-b": [[EdgeKind.BLOCKS, "gt-x"]],
      "gt-x": [],
    });
  });

  it("keeps repeated dependencies for validation, which reports each one as listed", () => {
    const ledger = Ledger.of([bead("gt-a", {}, [["blocks", "gt-gone"], ["related", "gt-gone"]])]);
    expect(dependencyWarnings(ledger, "l.jsonl").map(formatProblem)).toEqual([
      "l.jsonl:0: warning: dependencies[0].depends_on_id: gt-gone is not in the ledger",
      "l.jsonl:0: warning: dependencies[1].depends_on_id: gt-gone is not in the ledger",
    ]);
  });

  it("resolves a target to a bead the ledger holds even when its id looks external", () => {
    const graph = dependencyGraph(Ledger.of([
      bead("external:web:gt-9", { status: "closed" }),
      bead("gt-a", {}, [["blocks", "external:web:gt-9"]]),
    ]));
    expect([...graph.edgeTarget]).toEqual([0]);
    expect(graph.flags[0]).toBe(BeadFlag.EXTERNAL_ID);
  });

  it("reads the waits-for gate from the metadata", () => {
    const gate = (metadata?: string) => {
      const dep = { issue_id: "gt-a", depends_on_id: "gt-s", type: "waits-for", ...(metadata ? { metadata } : {}) };
      return dependencyGraph(Ledger.of([someBead("gt-a", { dependencies: [dep] }), someBead("gt-s")])).edgeType[0];
    };
    expect(gate('{"gate":"any-children","spawner_id":"x"}')).toBe(EdgeKind.WAITS_FOR_ANY);
    expect(gate('{"gate":"all-children"}')).toBe(EdgeKind.WAITS_FOR_ALL);
    expect(gate("any-children, not json")).toBe(EdgeKind.WAITS_FOR_ALL);
    expect(gate()).toBe(EdgeKind.WAITS_FOR_ALL);
  });

  it("flags as claimable only open work a bead could be given", () => {
    const graph = dependencyGraph(Ledger.of([
      bead("a-open", {}), bead("b-unset", { status: undefined }), bead("c-alias", { issue_type: "feat" }),
      bead("d-progress", { status: "in_progress" }), bead("e-pinned", { pinned: true }),
      bead("f-ephemeral", { ephemeral: true }), bead("g-wisp", { wisp: true }),
      bead("h-gate", { issue_type: "gate" }), bead("i-agent", { issue_type: "agent" }),
    ]));
    const claimable = graph.records.filter((_, i) => ((graph.flags[i] as number) & BeadFlag.CLAIMABLE) !== 0);
    expect(claimable.map((r) => r.bead.id)).toEqual(["a-open", "b-unset", "c-alias"]);
  });

  it("holds an empty ledger", () => {
    const graph = dependencyGraph(Ledger.empty());
    expect([...graph.edgeStart]).toEqual([0]);
    expect(graph.edgeTarget).toHaveLength(0);
    expect(graph.indexOf("gt-a")).toBe(MISSING);
  });
});

describe("dependencyGraph of a ledger just read", () => {
  /** Every array of the graph, and the ids in its order, as plain data. */
  const snapshot = (graph: DependencyGraph) => ({
    ids: graph.records.map((r) => r.bead.id),
    status: [...graph.status], flags: [...graph.flags],
    edgeStart: [...graph.edgeStart], edgeTarget: [...graph.edgeTarget], edgeType: [...graph.edgeType],
  });
  const ids = ["gt-a", "gt-a.1", "gt-a.10", "gt-a.2", "gt-b", "gt-é", "external:p:1"];
  const arbitraryBead = (id: string) => fc.record({
    status: fc.constantFrom("open", "in_progress", "closed", "pinned", "tombstone"),
    priority: fc.constantFrom(undefined, 0, 3),
    created: fc.constantFrom("2026-01-01T00:00:00Z", "2026-01-01T02:00:00.123456789+02:00", "2025-12-31T23:59:59.9Z"),
    deps: fc.array(fc.record({
      type: fc.constantFrom("blocks", "parent-child", "waits-for", "related", "conditional-blocks"),
      target: fc.constantFrom(...ids, "gt-gone", "external:q:2"),
    }), { maxLength: 4 }),
  }).map(({ status, priority, created, deps }) => someBead(id, {
    status, priority, created_at: created, ...(status === "closed" ? { closed_at: created } : {}),
    ...(deps.length > 0 ? { dependencies: deps.map((d) => ({ issue_id: id, depends_on_id: d.target, type: d.type })) } : {}),
  }));
  const arbitraryBeads = fc.tuple(...ids.map(arbitraryBead));

  it("is the graph built from the same beads in memory, whatever the order of the file", () => {
    fc.assert(fc.property(arbitraryBeads, fc.boolean(), (beads, shuffled) => {
      const lines = [...beads].sort((a, b) => (a.id < b.id ? -1 : 1));
      if (shuffled) lines.reverse();
      const { ledger, problems } = readLedger(jsonl(lines));
      expect(problems.map(formatProblem)).toEqual([]);
      const inMemory = new Ledger(ledger.records, ledger.otherLines);
      expect(snapshot(dependencyGraph(ledger))).toEqual(snapshot(dependencyGraph(inMemory)));
    }), { numRuns: 300 });
  });

  it("lists the records in id order after reading a file out of order", () => {
    const { ledger } = readLedger(jsonl([someBead("gt-b"), someBead("gt-a"), someBead("gt-c")]));
    expect(dependencyGraph(ledger).records.map((r) => r.bead.id)).toEqual(["gt-a", "gt-b", "gt-c"]);
  });
});

