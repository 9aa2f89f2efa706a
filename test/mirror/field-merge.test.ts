import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  conflictNote, isEmptyPlan, mergeMirroredFields, type EditedChanges, type MergePlan,
} from "../../app/mirror/field-merge.js";
import { MIRRORED_FIELDS, sameValue, type MirroredField, type MirroredFields } from "../../app/mirror/mirrored-fields.js";
import { syncedField, syncedState, type SyncedState } from "../../app/mirror/synced-state.js";

const BASE: MirroredFields = {
  title: "Fix the login",
  body: "Steps:\n1. open /login\n2. it fails",
  state: "open",
  priority: 2,
  type: "task",
  labels: ["ui", "bug"],
  assignees: ["alice"],
};

function merge(
  ledger: Partial<MirroredFields>, github: Partial<MirroredFields>,
  synced: SyncedState = syncedState(BASE), edited?: EditedChanges,
): MergePlan {
  return mergeMirroredFields({ synced, ledger: { ...BASE, ...ledger }, github: { ...BASE, ...github }, edited });
}

/** Both sides and the record as they are once `plan` is applied. */
function applied(plan: MergePlan, ledger: MirroredFields, github: MirroredFields) {
  return {
    synced: plan.synced,
    ledger: { ...ledger, ...plan.toLedger },
    github: { ...github, ...plan.toGitHub },
  };
}

/** The plan of merging again after `plan` is applied. */
function mergeAgain(plan: MergePlan, ledger: Partial<MirroredFields>, github: Partial<MirroredFields>): MergePlan {
  return mergeMirroredFields(applied(plan, { ...BASE, ...ledger }, { ...BASE, ...github }));
}

function syncedWith<F extends MirroredField>(field: F, value: MirroredFields[F]): SyncedState {
  return { ...syncedState(BASE), [field]: syncedField(field, value) };
}

interface FieldCase<F extends MirroredField> {
  readonly field: F;
  readonly ledger: MirroredFields[F];
  readonly github: MirroredFields[F];
  /** What the field's rule decides when both sides changed it to those values. */
  readonly merged: MirroredFields[F];
}

const CASES: readonly FieldCase<MirroredField>[] = [
  { field: "title", ledger: "Fix the login page", github: "Fix login on Safari", merged: "Fix login on Safari" },
  { field: "body", ledger: "Steps: none", github: "Only on Safari 17", merged: "Only on Safari 17" },
  { field: "state", ledger: "in_progress", github: "closed", merged: "closed" },
  { field: "priority", ledger: 3, github: 1, merged: 1 },
  { field: "type", ledger: "bug", github: "feature", merged: "feature" },
  // The ledger removed `ui` and added `urgent`; GitHub added `docs`.
  { field: "labels", ledger: ["bug", "urgent"], github: ["ui", "bug", "docs"], merged: ["bug", "urgent", "docs"] },
  // The ledger added bob; GitHub removed alice.
  { field: "assignees", ledger: ["alice", "bob"], github: [], merged: ["bob"] },
];

describe("mergeMirroredFields: every field, every way it can change", () => {
  it("every field unchanged on both sides: an empty plan, the record kept as it is", () => {
    const synced = syncedState(BASE);
    const plan = merge({}, {}, synced);
    expect(plan).toEqual({ toGitHub: {}, toLedger: {}, synced, syncedChanged: false, conflicts: [] });
    for (const field of MIRRORED_FIELDS) expect(plan.synced[field]).toBe(synced[field]);
    expect(isEmptyPlan(plan)).toBe(true);
  });

  it.each(CASES)("$field changed in the ledger only: pushed to GitHub", ({ field, ledger }) => {
    const plan = merge({ [field]: ledger }, {});
    expect(plan).toEqual({
      toGitHub: { [field]: ledger }, toLedger: {}, synced: syncedWith(field, ledger), syncedChanged: true, conflicts: [],
    });
    expect(isEmptyPlan(mergeAgain(plan, { [field]: ledger }, {}))).toBe(true);
  });

  it.each(CASES)("$field changed on GitHub only: written to the ledger", ({ field, github }) => {
    const plan = merge({}, { [field]: github });
    expect(plan).toEqual({
      toGitHub: {}, toLedger: { [field]: github }, synced: syncedWith(field, github), syncedChanged: true, conflicts: [],
    });
    expect(isEmptyPlan(mergeAgain(plan, {}, { [field]: github }))).toBe(true);
  });

  it.each(CASES)("$field changed to the same value on both sides: only recorded as synced", ({ field, github }) => {
    const plan = merge({ [field]: github }, { [field]: github });
    expect(plan).toEqual({
      toGitHub: {}, toLedger: {}, synced: syncedWith(field, github), syncedChanged: true, conflicts: [],
    });
    expect(isEmptyPlan(mergeAgain(plan, { [field]: github }, { [field]: github }))).toBe(true);
  });

  it.each(CASES)("$field changed differently on both sides: its rule decides", ({ field, ledger, github, merged }) => {
    const plan = merge({ [field]: ledger }, { [field]: github });
    const text = field === "title" || field === "body";
    expect(plan).toEqual({
      toGitHub: sameValue(field, merged, github) ? {} : { [field]: merged },
      toLedger: sameValue(field, merged, ledger) ? {} : { [field]: merged },
      synced: syncedWith(field, merged),
      syncedChanged: true,
      conflicts: text
        ? [{ field, ledger, github, chosen: "github", note: conflictNote(field, ledger as string, github as string) }]
        : [],
    });
    expect(isEmptyPlan(mergeAgain(plan, { [field]: ledger }, { [field]: github }))).toBe(true);
  });

  it("sets compare as sets: another order or a repeat is no change", () => {
    expect(isEmptyPlan(merge({ labels: ["bug", "ui", "bug"] }, { labels: ["ui", "bug"], assignees: ["alice", "alice"] })))
      .toBe(true);
  });
});

describe("mergeMirroredFields: the rules of state and priority", () => {
  it("keeps a close made in the ledger against another status set on GitHub", () => {
    expect(merge({ state: "closed" }, { state: "blocked" }).toGitHub).toEqual({ state: "closed" });
  });

  it("keeps the ledger's status when neither side closed", () => {
    const plan = merge({ state: "in_progress" }, { state: "blocked" });
    expect([plan.toGitHub, plan.toLedger]).toEqual([{ state: "in_progress" }, {}]);
  });

  it("takes the more urgent priority from the ledger too, P0 included", () => {
    const plan = merge({ priority: 0 }, { priority: 3 });
    expect([plan.toGitHub, plan.toLedger]).toEqual([{ priority: 0 }, {}]);
  });
});

describe("mergeMirroredFields: a field never synced", () => {
  it("decides every differing field by its rule, a set by the union of both sides", () => {
    const plan = merge(
      { title: "Ledger title", priority: 1, labels: ["bug"], assignees: ["bob"] },
      { title: "GitHub title", priority: 3, labels: ["docs"] },
      {},
    );
    expect(plan.toGitHub).toEqual({ priority: 1, labels: ["bug", "docs"], assignees: ["bob", "alice"] });
    expect(plan.toLedger).toEqual({ title: "GitHub title", labels: ["bug", "docs"], assignees: ["bob", "alice"] });
    expect(plan.conflicts.map((c) => c.field)).toEqual(["title"]);
    expect(plan.synced).toEqual(syncedState({
      ...BASE, title: "GitHub title", priority: 1, labels: ["bug", "docs"], assignees: ["bob", "alice"],
    }));
  });

  it("records what both sides already agree on, and then has nothing to do", () => {
    const plan = merge({}, {}, {});
    expect(plan).toEqual({ toGitHub: {}, toLedger: {}, synced: syncedState(BASE), syncedChanged: true, conflicts: [] });
    expect(isEmptyPlan(mergeAgain(plan, {}, {}))).toBe(true);
  });
});

describe("mergeMirroredFields: the old values an issues.edited webhook gives", () => {
  it("takes GitHub's edit without a conflict when the ledger holds GitHub's old value, though the sync was not recorded", () => {
    // The ledger's title was pushed to GitHub, the record of that sync was lost, then a person edited it.
    const edited = { title: { from: "Ledger's title" } };
    const plan = merge({ title: "Ledger's title" }, { title: "A person's title" }, syncedState(BASE), edited);
    expect(plan).toEqual({
      toGitHub: {}, toLedger: { title: "A person's title" }, synced: syncedWith("title", "A person's title"),
      syncedChanged: true, conflicts: [],
    });
    // Without the old value both sides differ from the record: a conflict, noted.
    expect(merge({ title: "Ledger's title" }, { title: "A person's title" }).conflicts).toHaveLength(1);
  });

  it("uses the old value as the base of a field never synced", () => {
    const edited = { body: { from: BASE.body } };
    const plan = merge({}, { body: "Edited on GitHub" }, {}, edited);
    expect([plan.toGitHub, plan.toLedger, plan.conflicts]).toEqual([{}, { body: "Edited on GitHub" }, []]);
  });

  it("still notes a conflict when the ledger changed the field as well", () => {
    const edited = { body: { from: BASE.body } };
    const plan = merge({ body: "Edited in the ledger" }, { body: "Edited on GitHub" }, syncedState(BASE), edited);
    expect(plan.toLedger).toEqual({ body: "Edited on GitHub" });
    expect(plan.conflicts.map((c) => [c.field, c.ledger, c.github])).toEqual([["body", "Edited in the ledger", "Edited on GitHub"]]);
  });
});

/** The texts inside each fence of a note, with the fence that held them. */
function fencedBlocks(note: string): { fence: string; text: string }[] {
  return [...note.matchAll(/^(`{3,})text\n([\s\S]*?)\n\1$/gm)].map((m) => ({ fence: m[1] as string, text: m[2] as string }));
}

describe("conflict notes", () => {
  it("says what happened and holds both versions fenced, the mentions in them pinging no one", () => {
    expect(conflictNote("title", "Ask @alice", "Ask @bob")).toBe([
      "The title was changed both in the ledger and on GitHub since the mirror last synced them. " +
        "GitHub's version, a person's edit, is kept; the ledger's version was:",
      "```text\nAsk @\u200balice\n```",
      "GitHub's version, now on both sides:",
      "```text\nAsk @\u200bbob\n```",
    ].join("\n\n"));
  });

  it("fences a long body containing backtick runs with a longer fence, both versions whole", () => {
    const line = "A line of the report with ``` and ```` inside.\n";
    const ledger = ("Ledger " + line).repeat(1200).slice(0, 65_536);
    const github = ("GitHub " + line).repeat(1200).slice(0, 65_536);
    const plan = merge({ body: ledger }, { body: github });
    expect(plan.toLedger).toEqual({ body: github });
    expect(plan.synced.body).toEqual({ hash: syncedField("body", github).hash });
    const [conflict] = plan.conflicts;
    expect(conflict?.note.startsWith("The description was changed both in the ledger and on GitHub")).toBe(true);
    expect(fencedBlocks(conflict?.note ?? "")).toEqual([
      { fence: "`````", text: ledger },
      { fence: "`````", text: github },
    ]);
  });
});

describe("mergeMirroredFields converges", () => {
  const title = fc.constantFrom("Fix the login", "Fix login on Safari", "T".repeat(300), "");
  const fields: fc.Arbitrary<MirroredFields> = fc.record({
    title,
    body: fc.constantFrom("", BASE.body, "```js\nx\n```", "Another body"),
    state: fc.constantFrom("open", "in_progress", "blocked", "closed"),
    priority: fc.integer({ min: 0, max: 4 }),
    type: fc.constantFrom("task", "bug", "feature"),
    labels: fc.subarray(["bug", "ui", "docs", "urgent"]).chain((labels) => fc.shuffledSubarray(labels, { minLength: labels.length })),
    assignees: fc.subarray(["alice", "bob", "carol"]),
  });
  const synced: fc.Arbitrary<SyncedState> = fc.tuple(fields, fc.subarray([...MIRRORED_FIELDS])).map(([base, kept]) => {
    const all = syncedState(base) as Record<string, unknown>;
    return Object.fromEntries(kept.map((field) => [field, all[field]])) as SyncedState;
  });
  const edited: fc.Arbitrary<EditedChanges | undefined> = fc.option(
    fc.record({ title: fc.record({ from: title }) }, { requiredKeys: [] }), { nil: undefined },
  );

  it("agrees on every field once a plan is applied, and the next merge plans nothing", () => {
    fc.assert(fc.property(synced, fields, fields, edited, (base, ledger, github, hint) => {
      const plan = mergeMirroredFields({ synced: base, ledger, github, edited: hint });
      const after = applied(plan, ledger, github);
      for (const field of MIRRORED_FIELDS) {
        expect(sameValue(field, after.ledger[field], after.github[field] as never)).toBe(true);
      }
      const again = mergeMirroredFields(after);
      expect(again).toEqual({ toGitHub: {}, toLedger: {}, synced: plan.synced, syncedChanged: false, conflicts: [] });
      // Nothing is dropped silently: a text one side loses is in a note.
      for (const conflict of plan.conflicts) {
        expect(fencedBlocks(conflict.note).length).toBe(2);
      }
    }), { numRuns: 500 });
  });
});
