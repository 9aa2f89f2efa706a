import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Bead, Dependency } from "../../app/ledger/bead-schema.js";
import { Ledger } from "../../app/ledger/ledger.js";
import {
  blockedIds, READY_SORTS, readyBeads, type ReadySort,
} from "../../app/ledger/ready.js";
import { bead as someBead, T0 } from "./ledger-builders.js";

const NOW = new Date("2026-05-01T12:00:00Z");
const OLD = T0;

type Edge = Omit<Dependency, "issue_id">;

/** A bead that is ready unless the test says otherwise: open, P2, an old task. */
function bead(id: string, fields: Record<string, unknown> = {}, depends: readonly Edge[] = []): Bead {
  const dependencies = depends.map((edge) => ({ issue_id: id, ...edge }));
  return someBead(id, { ...(dependencies.length > 0 ? { dependencies } : {}), ...fields });
}

const blocks = (target: string): Edge => ({ depends_on_id: target, type: "blocks" });
const childOf = (parent: string): Edge => ({ depends_on_id: parent, type: "parent-child" });
const waitsFor = (spawner: string, metadata?: string): Edge =>
  ({ depends_on_id: spawner, type: "waits-for", ...(metadata === undefined ? {} : { metadata }) });
const edge = (type: string, target: string): Edge => ({ depends_on_id: target, type });

const CLOSED = { status: "closed", closed_at: OLD };

function blocked(...beads: Bead[]): string[] {
  return [...blockedIds(Ledger.of(beads))].sort();
}

function ready(beads: readonly Bead[], sort?: ReadySort, now = NOW): string[] {
  return readyBeads(Ledger.of(beads), { now, ...(sort ? { sort } : {}) }).map((b) => b.id);
}

describe("blockedIds: blocks and conditional-blocks", () => {
  it.each(["open", "in_progress", "blocked", "deferred", "hooked", "review"])(
    "a %s target blocks",
    (status) => {
      expect(blocked(bead("a", {}, [blocks("b")]), bead("b", { status }))).toEqual(["a"]);
    },
  );

  it("a closed or pinned target does not block", () => {
    expect(blocked(
      bead("a", {}, [blocks("c")]), bead("c", CLOSED),
      bead("b", {}, [blocks("p")]), bead("p", { status: "pinned" }),
    )).toEqual([]);
  });

  it("conditional-blocks acts as blocks, whatever the close reason", () => {
    expect(blocked(
      bead("a", {}, [edge("conditional-blocks", "open")]), bead("open"),
      bead("b", {}, [edge("conditional-blocks", "done")]),
      bead("done", { ...CLOSED, close_reason: "completed fine" }),
    )).toEqual(["a"]);
  });

  it("an external target always blocks; a target the ledger lacks never does", () => {
    expect(blocked(
      bead("a", {}, [blocks("external:beads:mol-run")]),
      bead("b", {}, [blocks("gt-gone")]),
    )).toEqual(["a"]);
  });

  it("non-blocking types never block", () => {
    const types = ["related", "discovered-from", "tracks", "relates-to", "caused-by", "my-custom"];
    const targets = types.map((_, i) => bead(`t${i}`));
    expect(blocked(bead("a", {}, types.map((type, i) => edge(type, `t${i}`))), ...targets)).toEqual([]);
  });

  it("closed and pinned beads are never blocked, whatever they depend on", () => {
    expect(blocked(
      bead("c", CLOSED, [blocks("x")]),
      bead("p", { status: "pinned" }, [blocks("x")]),
      bead("x"),
    )).toEqual([]);
  });

  it("computes blocking from dependencies, never from a stored status", () => {
    expect(blocked(bead("says-blocked", { status: "blocked" }), bead("x"))).toEqual([]);
    expect(blocked(bead("really", { status: "blocked" }, [blocks("x")]), bead("x"))).toEqual(["really"]);
  });

  it("keeps only the first dependency on a target, as bd import does", () => {
    expect(blocked(
      bead("a", {}, [edge("related", "x"), blocks("x")]),
      bead("b", {}, [blocks("x"), edge("related", "x")]),
      bead("x"),
    )).toEqual(["b"]);
  });

  it("treats tombstones as absent: they neither block nor are blocked", () => {
    expect(blocked(
      bead("a", {}, [blocks("t")]),
      bead("t", { status: "tombstone" }, [blocks("x")]),
      bead("x"),
    )).toEqual([]);
  });
});

describe("blockedIds: parent-child", () => {
  it("passes a parent's blocking down every level of the tree", () => {
    expect(blocked(
      bead("epic", {}, [blocks("gate")]), bead("gate"),
      bead("story", {}, [childOf("epic")]),
      bead("task", {}, [childOf("story")]),
      bead("step", {}, [childOf("task")]),
      bead("substep", {}, [childOf("step")]),
      bead("other", {}, [childOf("gate")]),
    )).toEqual(["epic", "step", "story", "substep", "task"]);
  });

  it("does not block a parent because its children are open", () => {
    expect(blocked(bead("epic"), bead("child", {}, [childOf("epic")]))).toEqual([]);
  });

  it("stops at a closed or pinned bead in the middle of the tree", () => {
    expect(blocked(
      bead("top", {}, [blocks("x")]), bead("x"),
      bead("closed-mid", CLOSED, [childOf("top")]),
      bead("under-closed", {}, [childOf("closed-mid")]),
      bead("pinned-mid", { status: "pinned" }, [childOf("top")]),
      bead("under-pinned", {}, [childOf("pinned-mid")]),
    )).toEqual(["top"]);
  });

  it("ignores a tombstoned parent", () => {
    expect(blocked(
      bead("dead", { status: "tombstone" }, [blocks("x")]), bead("x"),
      bead("child", {}, [childOf("dead")]),
    )).toEqual([]);
  });

  it("blocks a child with any blocked parent among several", () => {
    expect(blocked(
      bead("free"), bead("stuck", {}, [blocks("x")]), bead("x"),
      bead("child", {}, [childOf("free"), childOf("stuck")]),
    )).toEqual(["child", "stuck"]);
  });
});

describe("blockedIds: waits-for", () => {
  const spawner = bead("spawner");
  const child = (id: string, fields: Record<string, unknown> = {}) =>
    bead(id, fields, [childOf("spawner")]);

  it("by default waits for every child to close", () => {
    const waiter = bead("waiter", {}, [waitsFor("spawner")]);
    expect(blocked(waiter, spawner, child("c1", CLOSED), child("c2"))).toEqual(["waiter"]);
    expect(blocked(waiter, spawner, child("c1", CLOSED), child("c2", CLOSED))).toEqual([]);
    expect(blocked(waiter, spawner, child("c1", { status: "in_progress" }))).toEqual(["waiter"]);
  });

  it("reads an explicit all-children gate, and any unreadable metadata, as the default", () => {
    for (const metadata of ['{"gate":"all-children"}', "not json", '{"gate":"some"}']) {
      const waiter = bead("waiter", {}, [waitsFor("spawner", metadata)]);
      expect(blocked(waiter, spawner, child("c1", CLOSED), child("c2"))).toEqual(["waiter"]);
    }
  });

  it("with any-children, one closed child is enough", () => {
    const waiter = bead("waiter", {}, [waitsFor("spawner", '{"gate":"any-children","spawner_id":"x"}')]);
    expect(blocked(waiter, spawner, child("c1"), child("c2"))).toEqual(["waiter"]);
    expect(blocked(waiter, spawner, child("c1", CLOSED), child("c2"))).toEqual([]);
  });

  it("holds only while some child is neither closed nor pinned", () => {
    const waiter = bead("waiter", {}, [waitsFor("spawner")]);
    expect(blocked(waiter, spawner)).toEqual([]);
    expect(blocked(waiter, spawner, child("c1", { status: "pinned" }))).toEqual([]);
    const anyGate = bead("waiter", {}, [waitsFor("spawner", '{"gate":"any-children"}')]);
    expect(blocked(anyGate, spawner, child("c1", { status: "pinned" }))).toEqual([]);
    expect(blocked(anyGate, spawner, child("c1", { status: "pinned" }), child("c2"))).toEqual(["waiter"]);
  });

  it("counts children by parent-child dependency only, not by the id pattern", () => {
    expect(blocked(bead("waiter", {}, [waitsFor("spawner")]), spawner, bead("spawner.1"))).toEqual([]);
  });

  it("ignores tombstoned children and a spawner the ledger lacks", () => {
    expect(blocked(
      bead("waiter", {}, [waitsFor("spawner")]), spawner, child("c1", { status: "tombstone" }),
      bead("orphan-waiter", {}, [waitsFor("gone")]), bead("g1", {}, [childOf("gone")]),
    )).toEqual([]);
  });

  it("passes a waiter's blocking on to its children", () => {
    expect(blocked(
      bead("waiter", {}, [waitsFor("spawner")]), spawner, child("c1"),
      bead("under-waiter", {}, [childOf("waiter")]),
    )).toEqual(["under-waiter", "waiter"]);
  });
});

describe("blockedIds: cycles", () => {
  it("blocks both beads of a blocks cycle", () => {
    expect(blocked(bead("a", {}, [blocks("b")]), bead("b", {}, [blocks("a")]))).toEqual(["a", "b"]);
  });

  it("ends on a parent-child loop with nothing blocking it", () => {
    expect(blocked(
      bead("a", {}, [childOf("c")]), bead("b", {}, [childOf("a")]), bead("c", {}, [childOf("b")]),
    )).toEqual([]);
  });

  it("blocks a whole parent-child loop when one bead in it is blocked", () => {
    expect(blocked(
      bead("a", {}, [childOf("c")]), bead("b", {}, [childOf("a")]),
      bead("c", {}, [childOf("b"), blocks("x")]), bead("x"),
    )).toEqual(["a", "b", "c"]);
  });

  it("judges a bead met on a loop while the search that met it succeeded elsewhere", () => {
    // Searching from root meets `loop` (whose only parent is root) before `stuck`; `loop`
    // must still come out blocked, through root.
    expect(blocked(
      bead("root", {}, [childOf("stuck"), childOf("loop")]),
      bead("loop", {}, [childOf("root")]),
      bead("stuck", {}, [blocks("x")]), bead("x"),
    )).toEqual(["loop", "root", "stuck"]);
  });

  it("ends on a long loop and a deep chain without overflowing the stack", () => {
    const size = 20_000;
    const loop = Array.from({ length: size }, (_, i) => bead(`l${i}`, {}, [childOf(`l${(i + 1) % size}`)]));
    expect(blocked(...loop)).toEqual([]);
    const chain = Array.from({ length: size }, (_, i) =>
      bead(`c${i}`, {}, [i === size - 1 ? blocks("x") : childOf(`c${i + 1}`)]));
    expect(blocked(...chain, bead("x"))).toHaveLength(size);
  });
});

describe("blockedIds agrees with the rules applied to a fixpoint", () => {
  /** Beads' rules, straight from §3: repeat until nothing changes. Slow but plain. */
  function referenceBlocked(beads: readonly Bead[]): string[] {
    const byId = new Map(beads.filter((b) => b.status !== "tombstone").map((b) => [b.id, b]));
    const status = (b: Bead) => b.status ?? "open";
    const active = (b: Bead | undefined) =>
      b !== undefined && !["closed", "pinned"].includes(status(b));
    const edges = (b: Bead) =>
      (b.dependencies ?? []).filter((d, i, all) => all.findIndex((e) => e.depends_on_id === d.depends_on_id) === i);
    const children = (id: string) =>
      [...byId.values()].filter((b) => edges(b).some((d) => d.type === "parent-child" && d.depends_on_id === id));
    const gateHolds = (d: Dependency) => {
      if (!byId.has(d.depends_on_id)) return false;
      const kids = children(d.depends_on_id);
      const anyGate = d.metadata !== undefined && d.metadata.includes('"any-children"');
      return kids.some(active) && !(anyGate && kids.some((k) => status(k) === "closed"));
    };
    const result = new Set<string>();
    for (let changed = true; changed;) {
      changed = false;
      for (const b of byId.values()) {
        if (!active(b) || result.has(b.id)) continue;
        const isBlocked = edges(b).some((d) =>
          ((d.type === "blocks" || d.type === "conditional-blocks") && active(byId.get(d.depends_on_id))) ||
          (d.type === "waits-for" && gateHolds(d)) ||
          (d.type === "parent-child" && result.has(d.depends_on_id)));
        if (isBlocked) {
          result.add(b.id);
          changed = true;
        }
      }
    }
    return [...result].sort();
  }

  const ids = ["a", "b", "c", "d", "e", "f", "g"];
  const arbitraryBead = (id: string) => fc.record({
    status: fc.constantFrom("open", "open", "in_progress", "closed", "pinned", "tombstone"),
    deps: fc.array(fc.record({
      type: fc.constantFrom("blocks", "conditional-blocks", "parent-child", "parent-child", "waits-for", "related"),
      target: fc.constantFrom(...ids, "missing"),
      gate: fc.constantFrom(undefined, '{"gate":"any-children"}', '{"gate":"all-children"}'),
    }), { maxLength: 3 }),
  }).map(({ status, deps }) => bead(id, { status }, deps.map((d) => ({
    depends_on_id: d.target, type: d.type, ...(d.gate ? { metadata: d.gate } : {}),
  }))));
  const arbitraryLedger = fc.tuple(...ids.map(arbitraryBead));

  it("for random small ledgers, in any order of insertion", () => {
    fc.assert(fc.property(arbitraryLedger, fc.boolean(), (beads, reverse) => {
      const ordered = reverse ? [...beads].reverse() : beads;
      expect(blocked(...ordered)).toEqual(referenceBlocked(beads));
    }), { numRuns: 500 });
  });

  it("and ready work, which asks about open beads only, agrees too", () => {
    fc.assert(fc.property(arbitraryLedger, (beads) => {
      const stuck = new Set(referenceBlocked(beads));
      const expected = beads.filter((b) => b.status === "open" && !stuck.has(b.id)).map((b) => b.id);
      expect(ready(beads, "oldest")).toEqual(expected);
    }), { numRuns: 500 });
  });
});

describe("readyBeads: what can be ready", () => {
  it("takes open beads only, a missing status counting as open", () => {
    const statuses = ["open", "in_progress", "blocked", "deferred", "hooked", "closed", "pinned", "review", "tombstone"];
    const beads = statuses.map((status) => bead(status, status === "closed" ? CLOSED : { status }));
    expect(ready([...beads, bead("unset", { status: undefined })], "oldest")).toEqual(["open", "unset"]);
  });

  it("leaves out pinned and ephemeral beads, including the legacy wisp flag", () => {
    expect(ready([
      bead("pinned", { pinned: true }), bead("ephemeral", { ephemeral: true }), bead("wisp", { wisp: true }),
      bead("plain", { pinned: false, ephemeral: false }),
    ])).toEqual(["plain"]);
  });

  it("leaves out infrastructure types, after resolving aliases", () => {
    const excluded = ["merge-request", "gate", "molecule", "message", "agent", "role", "rig"];
    const kept = ["bug", "feat", "epic", "chore", "convoy", "decision"];
    const beads = [...excluded, ...kept].map((type) => bead(type, { issue_type: type }));
    expect(ready([...beads, bead("untyped", { issue_type: undefined })], "oldest"))
      .toEqual(["bug", "chore", "convoy", "decision", "epic", "feat", "untyped"]);
  });

  it("leaves out blocked beads", () => {
    expect(ready([
      bead("a", {}, [blocks("b")]), bead("b"),
      bead("c", {}, [childOf("a")]),
      bead("d", {}, [blocks("done")]), bead("done", CLOSED),
    ], "oldest")).toEqual(["b", "d"]);
  });

  it("leaves out beads deferred past now, comparing instants across offsets", () => {
    expect(ready([
      bead("past", { defer_until: "2026-05-01T11:59:59Z" }),
      bead("exactly-now", { defer_until: "2026-05-01T12:00:00Z" }),
      bead("future", { defer_until: "2026-05-01T12:00:01Z" }),
      // 13:30 at +02:00 is 11:30Z; 08:00 at -05:00 is 13:00Z.
      bead("past-in-cairo", { defer_until: "2026-05-01T13:30:00+02:00" }),
      bead("future-in-lima", { defer_until: "2026-05-01T08:00:00-05:00" }),
      bead("half-a-millisecond-on", { defer_until: "2026-05-01T12:00:00.000500Z" }),
    ], "oldest")).toEqual(["exactly-now", "past", "past-in-cairo"]);
  });

  it("leaves out children of a parent deferred past now, but not grandchildren", () => {
    expect(ready([
      bead("later", { defer_until: "2026-06-01T00:00:00Z" }),
      bead("child", {}, [childOf("later")]),
      bead("grandchild", {}, [childOf("child")]),
      bead("was-deferred", { defer_until: "2026-04-01T00:00:00Z" }),
      bead("its-child", {}, [childOf("was-deferred")]),
      bead("closed-later", { ...CLOSED, defer_until: "2026-06-01T00:00:00Z" }),
      bead("child-of-closed", {}, [childOf("closed-later")]),
    ], "oldest")).toEqual(["grandchild", "its-child", "was-deferred"]);
  });

  it("returns nothing for an empty ledger", () => {
    expect(readyBeads(Ledger.empty(), { now: NOW })).toEqual([]);
  });
});

describe("readyBeads: order", () => {
  const HOUR = 3_600_000;
  const ago = (hours: number) => new Date(NOW.getTime() - hours * HOUR).toISOString().replace(".000", "");

  it("names its sorts for the CLI", () => {
    expect(READY_SORTS).toEqual(["hybrid", "priority", "oldest"]);
  });

  it("oldest: created_at ascending, then id", () => {
    expect(ready([
      bead("b", { created_at: ago(5), priority: 0 }),
      bead("c", { created_at: ago(100) }),
      bead("a", { created_at: ago(5), priority: 4 }),
    ], "oldest")).toEqual(["c", "a", "b"]);
  });

  it("priority: priority ascending, the newest first within one, then id", () => {
    expect(ready([
      bead("p1-old", { priority: 1, created_at: ago(200) }),
      bead("p1-new", { priority: 1, created_at: ago(1) }),
      bead("p0", { priority: 0, created_at: ago(300) }),
      bead("p1-twin-b", { priority: 1, created_at: ago(50) }),
      bead("p1-twin-a", { priority: 1, created_at: ago(50) }),
      bead("p3", { priority: 3, created_at: ago(2) }),
    ], "priority")).toEqual(["p0", "p1-new", "p1-twin-a", "p1-twin-b", "p1-old", "p3"]);
  });

  it("hybrid: the last 48 hours by priority then age, older beads after by age alone", () => {
    const beads = [
      bead("recent-p2-older", { priority: 2, created_at: ago(30) }),
      bead("recent-p2-newer", { priority: 2, created_at: ago(3) }),
      bead("recent-p0", { priority: 0, created_at: ago(1) }),
      bead("at-cutoff-p4", { priority: 4, created_at: ago(48) }),
      bead("old-p0", { priority: 0, created_at: ago(49) }),
      bead("older-p4", { priority: 4, created_at: ago(500) }),
    ];
    const expected = [
      "recent-p0", "recent-p2-older", "recent-p2-newer", "at-cutoff-p4", "older-p4", "old-p0",
    ];
    expect(ready(beads, "hybrid")).toEqual(expected);
    expect(ready(beads)).toEqual(expected);
  });

  it("counts a missing priority as P0", () => {
    expect(ready([
      bead("p1", { priority: 1, created_at: ago(1) }),
      bead("unset", { priority: undefined, created_at: ago(2) }),
    ], "priority")).toEqual(["unset", "p1"]);
  });

  it("orders by instant whatever the offset, down to the nanosecond", () => {
    const beads = [
      bead("18z-in-la", { created_at: "2026-04-20T10:00:00-08:00" }),
      bead("17z-in-paris", { created_at: "2026-04-20T19:00:00+02:00" }),
      bead("1730z", { created_at: "2026-04-20T17:30:00Z" }),
      bead("ns-later", { created_at: "2026-04-19T00:00:00.000000124Z" }),
      bead("ns-earlier", { created_at: "2026-04-18T16:00:00.000000123-08:00" }),
    ];
    const expected = ["ns-earlier", "ns-later", "17z-in-paris", "1730z", "18z-in-la"];
    expect(ready(beads, "oldest")).toEqual(expected);
    expect(ready(beads, "hybrid")).toEqual(expected);
    expect(ready(beads, "priority")).toEqual([...expected].reverse());
  });

  it("is the same whatever order the ledger holds the beads in", () => {
    const beads = Array.from({ length: 40 }, (_, i) => bead(`gt-${(i * 7) % 40}`, {
      priority: i % 3,
      created_at: ago(i % 4 === 0 ? 1 : 24 * (i % 5)),
    }));
    for (const sort of READY_SORTS) {
      const forward = ready(beads, sort);
      expect(ready([...beads].reverse(), sort)).toEqual(forward);
      expect(forward).toHaveLength(40);
    }
  });
});
