import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Bead } from "../../app/ledger/bead-schema.js";
import { Ledger } from "../../app/ledger/ledger.js";
import { mergeBeads, mergeLedgerTexts, mergeOtherLines } from "../../app/ledger/merge.js";
import { NOTES_SEPARATOR } from "../../app/ledger/merge-fields.js";
import { LedgerReadError, readLedger } from "../../app/ledger/read-ledger.js";
import { canonicalLine, serializeLedger } from "../../app/ledger/write-ledger.js";
import { seededRandom } from "../bench/synthetic-ledger.js";
import { bead as someBead, T0 } from "./ledger-builders.js";

const T1 = T0;
const T2 = "2026-01-02T00:00:00Z";
const T3 = "2026-01-03T00:00:00Z";
const T4 = "2026-01-04T00:00:00Z";

function bead(id: string, fields: Record<string, unknown> = {}): Bead {
  return someBead(id, { title: "Merge ledgers", ...fields });
}

function text(...lines: (Bead | string)[]): string {
  return lines.map((line) => (typeof line === "string" ? line : JSON.stringify(line)) + "\n").join("");
}

/** Merges one bead in all three versions, for the field rules. */
function mergeOne(base: Record<string, unknown> | undefined, ours: Record<string, unknown>, theirs: Record<string, unknown>): Bead | undefined {
  return mergeBeads(base && bead("gt-1", base), bead("gt-1", ours), bead("gt-1", theirs));
}

describe("mergeBeads: the ordinary 3-way rule", () => {
  it("takes a field changed on one side only, from either side", () => {
    expect(mergeOne({}, { title: "Ours" }, { description: "Theirs" }))
      .toEqual(bead("gt-1", { title: "Ours", description: "Theirs" }));
  });

  it("takes a field both sides changed to the same value", () => {
    expect(mergeOne({}, { priority: 0, assignee: "a" }, { priority: 0, assignee: "b" }))
      .toEqual(bead("gt-1", { priority: 0, assignee: "a" }));
  });

  it("counts a removed field as a change", () => {
    expect(mergeOne({ description: "old" }, {}, { description: "old", notes: "n" }))
      .toEqual(bead("gt-1", { notes: "n" }));
  });

  it("counts the same instant written with another offset as a change", () => {
    const base = { due_at: "2026-02-01T00:00:00Z" };
    expect(mergeOne(base, { due_at: "2026-02-01T01:00:00+01:00" }, base))
      .toEqual(bead("gt-1", { due_at: "2026-02-01T01:00:00+01:00" }));
  });

  it("compares objects as values, whatever the order of their keys", () => {
    const base = { metadata: { a: 1, b: 2 } };
    expect(mergeOne(base, { metadata: { b: 2, a: 1 } }, { metadata: { a: 1, b: 3 } }))
      .toEqual(bead("gt-1", { metadata: { a: 1, b: 3 } }));
  });
});

describe("mergeBeads: fields both sides changed differently", () => {
  it("title and description: the later updated_at wins, compared as instants", () => {
    // 2026-01-02T01:00:00+02:00 is 2026-01-01T23:00:00Z: earlier than theirs, though larger as text.
    expect(mergeOne({},
      { title: "Ours", description: "ours", updated_at: "2026-01-02T01:00:00+02:00" },
      { title: "Theirs", description: "theirs", updated_at: "2026-01-01T23:30:00Z" }))
      .toEqual(bead("gt-1", { title: "Theirs", description: "theirs", updated_at: "2026-01-01T23:30:00Z" }));
  });

  it("title: ours on a tie of updated_at", () => {
    expect(mergeOne({}, { title: "Ours", updated_at: T2 }, { title: "Theirs", updated_at: "2026-01-02T01:00:00+01:00" }))
      .toEqual(bead("gt-1", { title: "Ours", updated_at: T2 }));
  });

  it("notes: both kept, ours first, with Beads' separator", () => {
    expect(mergeOne({ notes: "base" }, { notes: "ours" }, { notes: "theirs" }))
      .toEqual(bead("gt-1", { notes: "ours\n\n---\n\ntheirs" }));
    expect(NOTES_SEPARATOR).toBe("\n\n---\n\n");
  });

  it("notes: a side that emptied them loses to one that wrote", () => {
    expect(mergeOne({ notes: "base" }, {}, { notes: "theirs" })).toEqual(bead("gt-1", { notes: "theirs" }));
    expect(mergeOne({ notes: "base" }, { notes: "ours" }, { notes: "" })).toEqual(bead("gt-1", { notes: "ours" }));
  });

  it("status: closed wins, with its close", () => {
    expect(mergeOne({},
      { status: "in_progress" },
      { status: "closed", closed_at: T2, close_reason: "done", closed_by_session: "s1" }))
      .toEqual(bead("gt-1", { status: "closed", closed_at: T2, close_reason: "done", closed_by_session: "s1" }));
  });

  it("status: otherwise ours", () => {
    expect(mergeOne({}, { status: "blocked" }, { status: "in_progress" })).toEqual(bead("gt-1", { status: "blocked" }));
  });

  it("priority: the more urgent wins, and P0 is a real priority", () => {
    expect(mergeOne({ priority: 2 }, { priority: 3 }, { priority: 0 })).toEqual(bead("gt-1", { priority: 0 }));
    expect(mergeOne({ priority: 2 }, { priority: 0 }, { priority: 4 })).toEqual(bead("gt-1", { priority: 0 }));
    expect(mergeOne({ priority: 2 }, { priority: 1 }, { priority: 3 })).toEqual(bead("gt-1", { priority: 1 }));
  });

  it("issue_type, other strings and unknown fields: ours", () => {
    expect(mergeOne({},
      { issue_type: "bug", assignee: "ours", holder: "ours", estimated_minutes: 5 },
      { issue_type: "feature", assignee: "theirs", holder: "theirs", estimated_minutes: 9 }))
      .toEqual(bead("gt-1", { issue_type: "bug", assignee: "ours", holder: "ours", estimated_minutes: 5 }));
  });

  it("updated_at: the later instant", () => {
    // Ours is 2026-01-02T01:00:00Z: earlier, though larger as text.
    expect(mergeOne({}, { updated_at: "2026-01-02T10:00:00+09:00" }, { updated_at: "2026-01-02T01:30:00Z" }))
      .toEqual(bead("gt-1", { updated_at: "2026-01-02T01:30:00Z" }));
  });

  it("closed_at, close_reason, closed_by_session: from the later close", () => {
    expect(mergeOne({},
      { status: "closed", closed_at: T3, close_reason: "ours", closed_by_session: "s-ours" },
      { status: "closed", closed_at: T2, close_reason: "theirs", closed_by_session: "s-theirs" }))
      .toEqual(bead("gt-1", { status: "closed", closed_at: T3, close_reason: "ours", closed_by_session: "s-ours" }));
  });

  it("labels and comments: whole lists, ours when both changed", () => {
    const comment = (text: string) => ({ id: text, author: "a", text, created_at: T1 });
    expect(mergeOne({ labels: ["a"], comments: [comment("base")] },
      { labels: ["a", "b"], comments: [comment("base"), comment("ours")] },
      { labels: ["c"], comments: [comment("theirs")] }))
      .toEqual(bead("gt-1", { labels: ["a", "b"], comments: [comment("base"), comment("ours")] }));
  });

  it("metadata: the later updated_at wins", () => {
    expect(mergeOne({ metadata: { v: 0 } }, { metadata: { v: 1 }, updated_at: T2 }, { metadata: { v: 2 }, updated_at: T3 }))
      .toEqual(bead("gt-1", { metadata: { v: 2 }, updated_at: T3 }));
  });

  it("bool flags: either side's true wins", () => {
    expect(mergeOne({}, { pinned: false, is_template: true, crystallizes: false }, { pinned: true, is_template: false, crystallizes: true }))
      .toEqual(bead("gt-1", { pinned: true, is_template: true, crystallizes: true }));
  });

  it("bool flags: ephemeral and no_history exclude each other, so ours' pair stands", () => {
    expect(mergeOne({}, { ephemeral: true }, { no_history: true })).toEqual(bead("gt-1", { ephemeral: true }));
    expect(mergeOne({}, { no_history: true, ephemeral: false }, { ephemeral: true }))
      .toEqual(bead("gt-1", { no_history: true, ephemeral: false }));
  });

  it("due_at and defer_until: the later instant; a removal loses to a change", () => {
    expect(mergeOne({ due_at: T1, defer_until: T1 },
      { due_at: "2026-01-03T01:00:00+02:00", defer_until: T2 },
      { due_at: T3 }))
      .toEqual(bead("gt-1", { due_at: T3, defer_until: T2 }));
  });

  it("compaction fields: all from the newer compaction", () => {
    const compaction = (at: string, level: number, commit: string, size: number) =>
      ({ compacted_at: at, compaction_level: level, compacted_at_commit: commit, original_size: size });
    expect(mergeOne({}, compaction(T3, 2, "abc", 10), compaction(T2, 1, "def", 20)))
      .toEqual(bead("gt-1", compaction(T3, 2, "abc", 10)));
  });

  it("dependencies: a set merge where removals win and additions from both sides stay", () => {
    const dep = (target: string, type = "blocks", extra: Record<string, unknown> = {}) =>
      ({ issue_id: "gt-1", depends_on_id: target, type, created_at: T1, ...extra });
    expect(mergeOne(
      { dependencies: [dep("gt-b"), dep("gt-c", "related"), dep("gt-d")] },
      // ours: removes gt-c, adds gt-e, keeps gt-d as it was
      { dependencies: [dep("gt-b"), dep("gt-d"), dep("gt-e")] },
      // theirs: removes gt-b, edits gt-d's creator, adds gt-f and gt-c as `blocks` (another edge)
      { dependencies: [dep("gt-c", "related"), dep("gt-d", "blocks", { created_by: "theirs" }), dep("gt-f"), dep("gt-c")] }))
      .toEqual(bead("gt-1", {
        dependencies: [dep("gt-d", "blocks", { created_by: "theirs" }), dep("gt-e"), dep("gt-f"), dep("gt-c")],
      }));
  });

  it("dependencies: a list emptied by removals is left out", () => {
    const dep = (target: string) => ({ issue_id: "gt-1", depends_on_id: target, type: "blocks" });
    expect(mergeOne({ dependencies: [dep("a"), dep("b")] }, { dependencies: [dep("b")] }, { dependencies: [dep("a")] }))
      .toEqual(bead("gt-1"));
  });
});

describe("mergeBeads: tombstones (deterministic, no TTL)", () => {
  const tombstone = (deletedAt: string | undefined, updatedAt = T1) => bead("gt-1", {
    status: "tombstone", updated_at: updatedAt, deleted_by: "mayor", delete_reason: "delete",
    original_type: "task", ...(deletedAt ? { deleted_at: deletedAt } : {}),
  });
  const base = bead("gt-1");
  const live = (updatedAt: string) => bead("gt-1", { title: "Edited", updated_at: updatedAt });

  it("a tombstone wins over a live edit made before the deletion", () => {
    expect(mergeBeads(base, tombstone(T3), live(T2))).toEqual(tombstone(T3));
    expect(mergeBeads(base, live(T2), tombstone(T3))).toEqual(tombstone(T3));
  });

  it("a tombstone wins over a live edit made at the same instant", () => {
    expect(mergeBeads(base, live("2026-01-03T02:00:00+02:00"), tombstone(T3))).toEqual(tombstone(T3));
  });

  it("a live edit made after the deletion wins over the tombstone", () => {
    expect(mergeBeads(base, tombstone(T2), live(T3))).toEqual(live(T3));
    expect(mergeBeads(base, live(T3), tombstone(T2))).toEqual(live(T3));
  });

  it("a tombstone without deleted_at was deleted when last updated", () => {
    expect(mergeBeads(base, tombstone(undefined, T3), live(T2))).toEqual(tombstone(undefined, T3));
    expect(mergeBeads(base, tombstone(undefined, T2), live(T3))).toEqual(live(T3));
  });

  it("between two tombstones the later deleted_at wins, ours on a tie", () => {
    expect(mergeBeads(base, tombstone(T2), tombstone(T3))).toEqual(tombstone(T3));
    expect(mergeBeads(base, tombstone(T3, T2), tombstone(T3))).toEqual(tombstone(T3, T2));
  });

  it("a tombstone on one side only is that side's change, whatever the clock", () => {
    expect(mergeBeads(base, base, tombstone(T1))).toEqual(tombstone(T1));
  });

  it("a bead deleted in the base and revived on one side only stays alive", () => {
    expect(mergeBeads(tombstone(T2), live(T1), tombstone(T2))).toEqual(live(T1));
  });

  it("a tombstone added on both sides against no base is still decided by the rule", () => {
    expect(mergeBeads(undefined, live(T4), tombstone(T3))).toEqual(live(T4));
  });
});

describe("mergeBeads: missing records and beads added on both sides", () => {
  const base = bead("gt-1");
  const changed = bead("gt-1", { title: "Changed", updated_at: T2 });

  it("a record missing from one side is not a deletion: the other side's version stands", () => {
    expect(mergeBeads(base, undefined, changed)).toEqual(changed);
    expect(mergeBeads(base, changed, undefined)).toEqual(changed);
    expect(mergeBeads(base, undefined, base)).toEqual(base);
  });

  it("a record missing from both sides is kept as the base had it", () => {
    expect(mergeBeads(base, undefined, undefined)).toEqual(base);
  });

  it("a bead added on one side is kept; no version at all is nothing", () => {
    expect(mergeBeads(undefined, changed, undefined)).toEqual(changed);
    expect(mergeBeads(undefined, undefined, changed)).toEqual(changed);
    expect(mergeBeads(undefined, undefined, undefined)).toBeUndefined();
  });

  it("a bead added on both sides merges against an empty base", () => {
    expect(mergeBeads(undefined,
      bead("gt-1", { title: "Ours", description: "only ours", priority: 3, updated_at: T2 }),
      bead("gt-1", { title: "Theirs", notes: "only theirs", priority: 1, updated_at: T3, labels: ["x"] })))
      .toEqual(bead("gt-1", {
        title: "Theirs", description: "only ours", notes: "only theirs", priority: 1, updated_at: T3,
        labels: ["x"],
      }));
  });
});

describe("mergeBeads: invariants", () => {
  it("a reopen on one side drops the close the other side edited", () => {
    const closed = { status: "closed", closed_at: T2, close_reason: "done", closed_by_session: "s" };
    expect(mergeOne(closed,
      { status: "open", updated_at: T3 },
      { ...closed, closed_at: T4, close_reason: "really done" }))
      .toEqual(bead("gt-1", { status: "open", updated_at: T3 }));
  });

  it("a close reason an open side carries itself is its own to keep", () => {
    expect(mergeOne({}, { status: "in_progress", close_reason: "was done" }, { status: "blocked", close_reason: "x" }))
      .toEqual(bead("gt-1", { status: "in_progress", close_reason: "was done" }));
  });

  it("a closed result always has closed_at, taken from the side that closed", () => {
    // A legacy tombstone could carry closed_at; revived closed on ours and open on theirs.
    const base = { status: "tombstone", closed_at: T2, deleted_at: T3, updated_at: T3 };
    expect(mergeOne(base,
      { status: "closed", closed_at: T2, updated_at: T4 },
      { status: "in_progress", updated_at: T4 }))
      .toEqual(bead("gt-1", { status: "closed", closed_at: T2, updated_at: T4 }));
  });
});

describe("mergeOtherLines", () => {
  it("keeps ours in order, then theirs' additions, and drops base lines either side removed", () => {
    expect(mergeOtherLines(["m1", "m2", "m3"], ["m3", "m1", "o1", "o1"], ["m1", "m2", "t1", "o1", "t1"]))
      .toEqual(["m1", "o1", "o1", "t1"]);
  });
});

const memory = (key: string, value: string) => JSON.stringify({ _type: "memory", key, value });

describe("mergeLedgerTexts", () => {
  // Written as a SQLite-era `bd` wrote them: local offsets, not our canonical form.
  const a = bead("gt-a", { updated_at: "2025-12-31T16:00:00-08:00" });
  const b = bead("gt-b", { priority: 1 });
  const c = bead("gt-c");

  it("writes untouched beads and one-sided changes as the lines they were, merged beads canonically", () => {
    const aOurs = { ...a, title: "Ours" };
    const bTheirs = { ...b, status: "closed", closed_at: "2026-01-02T09:00:00+09:00" };
    const cOurs = { ...c, priority: 3, notes: "ours" };
    const cTheirs = { ...c, priority: 0, notes: "theirs", updated_at: T2 };
    const result = mergeLedgerTexts(
      text(a, b, c, memory("k", "1")),
      text(cOurs, aOurs, b, memory("k", "1"), memory("k2", "ours")),
      text(a, bTheirs, cTheirs, memory("k3", "theirs")),
    );
    const cMerged = bead("gt-c", { priority: 0, notes: `ours${NOTES_SEPARATOR}theirs`, updated_at: T2 });
    expect(result.text).toBe(text(
      JSON.stringify(aOurs), JSON.stringify(bTheirs), canonicalLine(cMerged),
      memory("k2", "ours"), memory("k3", "theirs"),
    ));
    expect(canonicalLine(cMerged)).toBe(
      '{"id":"gt-c","title":"Merge ledgers","notes":"ours\\n\\n---\\n\\ntheirs","status":"open",' +
      '"priority":0,"issue_type":"task","created_at":"2026-01-01T00:00:00Z","updated_at":"2026-01-02T00:00:00Z"}',
    );
    expect(result.mergedBeads).toBe(1);
    expect(result.resolved).toEqual([{ id: "gt-c", fields: ["priority", "notes"] }]);
    expect(result.ledger.get("gt-c")).toEqual(cMerged);
  });

  it("writes a bead both sides changed as ours' line when the merge equals ours", () => {
    const ours = { ...b, status: "closed", closed_at: T2, updated_at: T2 };
    const theirs = { ...b, status: "blocked", updated_at: T1 };
    expect(mergeLedgerTexts(text(b), text(ours), text(theirs)).text).toBe(text(ours));
    expect(mergeLedgerTexts(text(b), text(theirs), text(ours)).text).toBe(text(ours));
  });

  it("keeps beads missing from one side, and adds beads from both", () => {
    const d = bead("gt-d", { title: "New on ours" });
    const e = bead("gt-e", { title: "New on theirs" });
    const result = mergeLedgerTexts(text(a, b, c), text(a, c, d), text(b, e));
    expect(result.text).toBe(text(a, b, c, d, e));
  });

  it("reports every unreadable input by file and line, and writes nothing", () => {
    const files = { base: "base.jsonl", ours: "ours.jsonl", theirs: "theirs.jsonl" };
    let error: unknown;
    try {
      mergeLedgerTexts(
        text(a, b),
        text(a, "{not json", b),
        text(a, b, bead("gt-z", { status: "closed" }), { ...a, title: "again" }),
        { files },
      );
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(LedgerReadError);
    const problems = (error as LedgerReadError).problems;
    expect(problems.map((p) => `${p.file}:${p.line}:${p.field}`))
      .toEqual(["ours.jsonl:2:", "theirs.jsonl:3:closed_at", "theirs.jsonl:4:id"]);
    expect(problems[0]?.message).toMatch(/^not valid JSON \(/);
    expect((error as Error).message.split("\n").slice(1)).toEqual([
      "theirs.jsonl:3: closed_at: is required when status is closed",
      "theirs.jsonl:4: id: gt-a is already on line 1",
    ]);
  });

  it("reads a base with errors as an error, not as lines known valid", () => {
    const bad = JSON.stringify(bead("gt-a", { status: "closed" }));
    let error: unknown;
    try {
      mergeLedgerTexts(text(bad), text(bad), text(bad), { files: { base: "B", ours: "O", theirs: "T" } });
    } catch (caught) {
      error = caught;
    }
    expect((error as LedgerReadError).problems.map((p) => `${p.file}:${p.line}:${p.field}`))
      .toEqual(["B:1:closed_at", "O:1:closed_at", "T:1:closed_at"]);
  });

  it("validates with the ledger's config", () => {
    const convoyish = bead("gt-a", { issue_type: "widget" });
    const input = text(convoyish);
    expect(() => mergeLedgerTexts(input, input, input)).toThrow('base:1: issue_type: unknown type "widget"');
    const config = { prefix: "gt", customTypes: ["widget"], customStatuses: [] };
    expect(mergeLedgerTexts(input, input, input, { config }).text).toBe(input);
  });

  describe("on a side out of step with the base", () => {
    const many = Array.from({ length: 200 }, (_, n) => bead(`gt-${String(n).padStart(3, "0")}`));
    const baseText = text(...many);

    it("still recognises every unchanged line", () => {
      const reversed = text(...[...many].reverse());
      const changed = many.map((x, n) => (n % 50 === 7 ? { ...x, title: `changed ${n}` } : x));
      expect(mergeLedgerTexts(baseText, reversed, text(...changed)).text).toBe(text(...changed));
    });

    it("numbers problems by the side's own lines", () => {
      const lines = [...many].reverse().map((x) => JSON.stringify(x));
      lines.splice(150, 0, JSON.stringify(many[3]));
      expect(() => mergeLedgerTexts(baseText, text(...lines), baseText, { files: { base: "B", ours: "O", theirs: "T" } }))
        .toThrow("O:198: id: gt-003 is already on line 151");
    });
  });
});

// Property tests over small random ledgers: a handful of ids, so versions collide often.

const IDS = ["gt-a", "gt-b", "gt-c", "gt-d"];
const TIMES = [
  "2026-01-01T00:00:00Z", "2026-01-01T10:00:00+02:00", "2026-01-02T00:00:00Z",
  "2026-01-01T16:00:00-08:00", "2026-01-03T00:00:00.5Z",
];
const DEPS = IDS.flatMap((target) => ["blocks", "related"].map((type) => `${target} ${type}`));
const MEMORIES = ["m1", "m2", "m3", "m4"].map((key) => memory(key, "v"));

const optional = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
const time = fc.constantFrom(...TIMES);

const specModel = {
  title: fc.constantFrom("Fix the merge", "Ship it"),
  description: optional(fc.constantFrom("why", "how")),
  notes: optional(fc.constantFrom("n1", "n2")),
  status: fc.constantFrom("open", "in_progress", "blocked", "closed", "tombstone"),
  priority: optional(fc.integer({ min: 0, max: 4 })),
  updated_at: time,
  closed_at: time,
  close_reason: optional(fc.constantFrom("done", "duplicate")),
  deleted_at: optional(time),
  labels: optional(fc.subarray(["backend", "docs", "ux"])),
  deps: fc.subarray(DEPS),
  metadata: optional(fc.constantFrom({ k: 1 }, { k: 2 })),
  flag: fc.constantFrom(undefined, "ephemeral", "no_history", "pinned"),
  due_at: optional(time),
};
const specArb = fc.record(specModel);
type Spec = typeof specArb extends fc.Arbitrary<infer S> ? S : never;
const SPEC_KEYS = Object.keys(specModel) as (keyof Spec)[];

/** A valid bead from a spec: closed_at exactly when closed, deleted_at only on tombstones. */
function build(id: string, spec: Spec): Bead {
  const record: Record<string, unknown> = {
    id, title: spec.title, description: spec.description, notes: spec.notes, status: spec.status,
    priority: spec.priority, issue_type: "task", created_at: TIMES[0], updated_at: spec.updated_at,
    closed_at: spec.status === "closed" ? spec.closed_at : undefined, close_reason: spec.close_reason,
    labels: spec.labels, metadata: spec.metadata, due_at: spec.due_at,
    deleted_at: spec.status === "tombstone" ? spec.deleted_at : undefined,
    dependencies: spec.deps.length === 0 ? undefined : spec.deps.map((d) => {
      const [target, type] = d.split(" ");
      return { issue_id: id, depends_on_id: target, type, created_at: TIMES[0] };
    }),
  };
  if (spec.flag) record[spec.flag] = true;
  return JSON.parse(JSON.stringify(record)) as Bead;
}

type Choice =
  | { readonly kind: "same" }
  | { readonly kind: "missing" }
  | { readonly kind: "new"; readonly spec: Spec }
  | { readonly kind: "tweak"; readonly spec: Spec; readonly keys: (keyof Spec)[] };

const choiceArb: fc.Arbitrary<Choice> = fc.oneof(
  fc.constant({ kind: "same" as const }),
  fc.constant({ kind: "missing" as const }),
  specArb.map((spec) => ({ kind: "new" as const, spec })),
  fc.tuple(specArb, fc.subarray(SPEC_KEYS, { minLength: 1, maxLength: 3 }))
    .map(([spec, keys]) => ({ kind: "tweak" as const, spec, keys })),
);

function apply(choice: Choice, base: Spec | undefined): Spec | undefined {
  switch (choice.kind) {
    case "same": return base;
    case "missing": return undefined;
    case "new": return choice.spec;
    case "tweak": {
      if (!base) return choice.spec;
      const changed: Record<string, unknown> = { ...base };
      for (const key of choice.keys) changed[key] = choice.spec[key];
      return changed as Spec;
    }
  }
}

interface Version {
  readonly beads: Bead[];
  readonly memories: string[];
}

interface Triple {
  readonly base: Version;
  readonly ours: Version;
  readonly theirs: Version;
}

const versionsArb = fc.tuple(
  fc.tuple(...IDS.map(() => fc.tuple(optional(specArb), choiceArb, choiceArb))),
  fc.subarray(MEMORIES), fc.subarray(MEMORIES), fc.subarray(MEMORIES),
);

const tripleArb: fc.Arbitrary<Triple> = versionsArb.map(([perId, baseMem, oursMem, theirsMem]) => {
  const beads = (pick: (row: (typeof perId)[number]) => Spec | undefined) =>
    IDS.flatMap((id, i) => {
      const spec = pick(perId[i] as (typeof perId)[number]);
      return spec ? [build(id, spec)] : [];
    });
  return {
    base: { beads: beads(([base]) => base), memories: baseMem },
    ours: { beads: beads(([base, ours]) => apply(ours, base)), memories: oursMem },
    theirs: { beads: beads(([base, , theirs]) => apply(theirs, base)), memories: theirsMem },
  };
});

/** A version as a SQLite-era file: lines as JSON.stringify wrote them, sorted by id. */
function fileOf(version: Version): string {
  return text(...version.beads, ...version.memories);
}

function mergeTriple({ base, ours, theirs }: Triple) {
  return mergeLedgerTexts(fileOf(base), fileOf(ours), fileOf(theirs));
}

function byId(beads: readonly Bead[]): Map<string, Bead> {
  return new Map(beads.map((x) => [x.id, x]));
}

const RUNS = { numRuns: 200 };

describe("mergeLedgerTexts properties", () => {
  it("merges a ledger with itself to itself, byte for byte", () => {
    fc.assert(fc.property(tripleArb, ({ ours }) => {
      const x = serializeLedger(new Ledger(Ledger.of(ours.beads).records, ours.memories));
      expect(mergeLedgerTexts(x, x, x).text).toBe(x);
    }), RUNS);
  });

  it("lets a change on one side only win outright, either side", () => {
    fc.assert(fc.property(tripleArb, ({ base, ours }) => {
      const expected = [...byId([...base.beads, ...ours.beads]).values()].sort((x, y) => (x.id < y.id ? -1 : 1));
      const oursOnly = mergeLedgerTexts(fileOf(base), fileOf(ours), fileOf(base));
      expect(oursOnly.ledger.beads()).toEqual(expected);
      expect(oursOnly.text).toBe(text(...expected, ...ours.memories));
      const theirsOnly = mergeLedgerTexts(fileOf(base), fileOf(base), fileOf(ours));
      expect(theirsOnly.ledger.beads()).toEqual(expected);
      expect(theirsOnly.text).toBe(text(...expected, ...mergeOtherLines(base.memories, base.memories, ours.memories)));
    }), RUNS);
  });

  it("takes the same change made on both sides", () => {
    fc.assert(fc.property(tripleArb, ({ base, ours }) => {
      const expected = [...byId([...base.beads, ...ours.beads]).values()].sort((x, y) => (x.id < y.id ? -1 : 1));
      expect(mergeLedgerTexts(fileOf(base), fileOf(ours), fileOf(ours)).text).toBe(text(...expected, ...ours.memories));
    }), RUNS);
  });

  it("never loses a bead, and only a tombstone on a side makes one", () => {
    fc.assert(fc.property(tripleArb, (triple) => {
      const result = mergeTriple(triple);
      const versions = [triple.base, triple.ours, triple.theirs].map((v) => byId(v.beads));
      const ids = new Set(versions.flatMap((v) => [...v.keys()]));
      expect(result.ledger.beads().map((x) => x.id)).toEqual([...ids].sort());
      for (const merged of result.ledger.beads()) {
        if (merged.status !== "tombstone") continue;
        expect(versions.some((v) => v.get(merged.id)?.status === "tombstone")).toBe(true);
      }
    }), RUNS);
  });

  it("always writes a ledger that reads back without errors, as the ledger returned", () => {
    fc.assert(fc.property(tripleArb, (triple) => {
      const result = mergeTriple(triple);
      const read = readLedger(result.text);
      expect(read.problems).toEqual([]);
      // A bead merged anew is written canonically (UTC, priority always present): compare so.
      expect(read.ledger.beads().map(canonicalLine)).toEqual(result.ledger.beads().map(canonicalLine));
      for (const merged of result.ledger.beads()) {
        if (merged.status === "tombstone") continue;
        expect(merged.closed_at !== undefined).toBe(merged.status === "closed");
      }
    }), RUNS);
  });

  it("merges each bead as mergeBeads does, whatever shortcuts the text allows", () => {
    fc.assert(fc.property(tripleArb, (triple) => {
      const result = mergeTriple(triple);
      const [b, o, t] = [byId(triple.base.beads), byId(triple.ours.beads), byId(triple.theirs.beads)];
      for (const merged of result.ledger.beads()) {
        expect(merged).toEqual(mergeBeads(b.get(merged.id), o.get(merged.id), t.get(merged.id)));
      }
    }), RUNS);
  });

  it("does not depend on the order of the lines of any input", () => {
    // Bead lines in any order; memory lines anywhere among them, but in their order, since the
    // merge keeps ours' memory lines in the order ours has them.
    const shuffled = (version: Version, random: () => number): string => {
      const lines = version.beads.map((x) => JSON.stringify(x));
      for (let i = lines.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [lines[i], lines[j]] = [lines[j] as string, lines[i] as string];
      }
      let at = 0;
      for (const line of version.memories) {
        at += Math.floor(random() * (lines.length - at + 1));
        lines.splice(at++, 0, line);
      }
      return text(...lines);
    };
    fc.assert(fc.property(tripleArb, fc.integer(), (triple, seed) => {
      const random = seededRandom(seed);
      const expected = mergeTriple(triple).text;
      expect(mergeLedgerTexts(
        shuffled(triple.base, random), shuffled(triple.ours, random), shuffled(triple.theirs, random),
      ).text).toBe(expected);
    }), RUNS);
  });
});
