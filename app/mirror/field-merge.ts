// A 3-way merge, per field, of a bead and its GitHub issue against what was last synced
// (synced-state.ts): which side changed each field, and what to write where so that both sides
// agree again. Pure: the caller reads both sides, applies the plan, and records `synced` on the
// bead. Applying a plan and merging again gives an empty plan, so nothing echoes back and no
// `updated_at` is bumped when nothing changed.
//
// A field only one side changed takes that side's value; a field both changed to the same value
// is only recorded as synced. A field both changed to different values is decided by its rule,
// the ledger merge's (app/ledger/merge-fields.ts) where it has one, with the ledger as ours and
// GitHub as theirs:
//
// | field     | both sides changed it differently                                            |
// |-----------|------------------------------------------------------------------------------|
// | title     | GitHub's (a person's edit), with a conflict note holding both versions fenced |
// | body      | GitHub's (a person's edit), with a conflict note holding both versions fenced |
// | state     | closed wins (the ledger merge's `closedWins`); otherwise the ledger's          |
// | priority  | the more urgent, the lower number (the ledger merge's `moreUrgent`)            |
// | type      | GitHub's: a person relabelled it                                              |
// | labels    | a 3-way set merge (`mergeSets`): added on either side kept, removed on either  |
// |           | side removed                                                                  |
// | assignees | a 3-way set merge, as labels                                                  |
//
// A field never synced (a bead whose record is missing or unreadable) counts as changed on both
// sides when they differ: its rule decides, and a set merge keeps the union.
//
// The body is stored only as a hash, so a side changed it when its hash differs from the synced
// one. GitHub gives no per-field edit times, but an `issues.edited` webhook gives the old title
// and body (`changes.<field>.from`): with one, GitHub changed the field for sure, and a ledger
// still holding that old value did not change it (it is what the ledger pushed before a crash
// kept the sync from being recorded).
import { closedWins, moreUrgent } from "../ledger/merge-fields.js";
import { mergeSets } from "../ledger/merge-sets.js";
import { jsonEqual } from "../ledger/json-equal.js";
import { agentText } from "../town/fenced-text.js";
import {
  MIRRORED_FIELDS, isSetField, isTextField, sameValue,
  type MirroredField, type MirroredFields, type TextField,
} from "./mirrored-fields.js";
import { syncedField, syncedHolds, type SyncedField, type SyncedState } from "./synced-state.js";

/** `changes` of an `issues.edited` webhook: the values the title and body had before the edit. */
export interface EditedChanges {
  readonly title?: { readonly from: string };
  readonly body?: { readonly from: string };
}

/** Title or body edited on both sides: GitHub's version was kept, and `note` holds both. */
export interface Conflict {
  readonly field: TextField;
  readonly ledger: string;
  readonly github: string;
  readonly chosen: "github";
  /**
   * Markdown for the bead's notes or a comment: what happened, and both versions fenced. Two
   * long bodies can pass GitHub's 65,536 characters for a comment; the bead's notes hold any.
   */
  readonly note: string;
}

export interface MergePlan {
  /** Fields to write to the issue. */
  readonly toGitHub: Partial<MirroredFields>;
  /** Fields to write to the bead. */
  readonly toLedger: Partial<MirroredFields>;
  /** What to record on the bead as last synced once the plan is applied. */
  readonly synced: SyncedState;
  /** Whether `synced` differs from what the bead records: false means no ledger write is due for it. */
  readonly syncedChanged: boolean;
  readonly conflicts: readonly Conflict[];
}

export interface MergeInput {
  readonly synced: SyncedState;
  readonly ledger: MirroredFields;
  readonly github: MirroredFields;
  readonly edited?: EditedChanges;
}

type Writable<T> = { -readonly [K in keyof T]: T[K] };

/** One field's outcome. */
interface FieldDecision<F extends MirroredField> {
  readonly value: MirroredFields[F];
  readonly conflict?: Conflict;
}

const FIELD_NAMES: Readonly<Record<TextField, string>> = { title: "title", body: "description" };

/** The note a title or body conflict leaves, so neither version is lost. */
export function conflictNote(field: TextField, ledger: string, github: string): string {
  // Fenced as data with mentions neutralised: the note may become a comment, and quoting a
  // version must neither render as Markdown nor notify the people it names.
  return [
    `The ${FIELD_NAMES[field]} was changed both in the ledger and on GitHub since the mirror last synced ` +
      "them. GitHub's version, a person's edit, is kept; the ledger's version was:",
    agentText(ledger),
    "GitHub's version, now on both sides:",
    agentText(github),
  ].join("\n\n");
}

/** Both sides changed the field to different values: the field's rule decides. */
function decideByRule<F extends MirroredField>(
  field: F, base: SyncedField<F> | undefined, ledger: MirroredFields[F], github: MirroredFields[F],
): FieldDecision<F> {
  if (isSetField(field)) {
    const merged = mergeSets(
      base?.value as readonly string[] | undefined, ledger as readonly string[], github as readonly string[],
      (element) => element,
    );
    return { value: merged as unknown as MirroredFields[F] };
  }
  if (isTextField(field)) {
    const conflict: Conflict = {
      field, ledger: ledger as string, github: github as string, chosen: "github",
      note: conflictNote(field, ledger as string, github as string),
    };
    return { value: github, conflict };
  }
  switch (field) {
    case "state": return { value: closedWins(ledger, github) as MirroredFields[F] };
    case "priority": return { value: moreUrgent(ledger, github) };
    default: return { value: github };
  }
}

/** What GitHub held before the edit being handled, for the fields a webhook tells. */
function editedFrom(field: MirroredField, edited: EditedChanges | undefined): string | undefined {
  return isTextField(field) ? edited?.[field]?.from : undefined;
}

/** The value both sides should hold for one field. */
function decide<F extends MirroredField>(
  field: F, base: SyncedField<F> | undefined, ledger: MirroredFields[F], github: MirroredFields[F],
  edited: EditedChanges | undefined,
): FieldDecision<F> {
  if (sameValue(field, ledger, github)) return { value: ledger };
  const before = editedFrom(field, edited);
  const ledgerChanged = !syncedHolds(base, field, ledger) && ledger !== before;
  const githubChanged = before !== undefined ? github !== before : !syncedHolds(base, field, github);
  if (!ledgerChanged && githubChanged) return { value: github };
  if (ledgerChanged && !githubChanged) return { value: ledger };
  return decideByRule(field, base, ledger, github);
}

/** The plan that brings the bead and its issue into agreement, field by field. */
export function mergeMirroredFields({ synced, ledger, github, edited }: MergeInput): MergePlan {
  const toGitHub: Writable<Partial<MirroredFields>> = {};
  const toLedger: Writable<Partial<MirroredFields>> = {};
  const next: Record<string, SyncedField> = {};
  const conflicts: Conflict[] = [];
  const decideField = <F extends MirroredField>(field: F) => {
    const base = synced[field] as SyncedField<F> | undefined;
    const { value, conflict } = decide(field, base, ledger[field], github[field], edited);
    if (!sameValue(field, value, ledger[field])) toLedger[field] = value;
    if (!sameValue(field, value, github[field])) toGitHub[field] = value;
    // A record that already says `value` stays as it is, so an unchanged field writes nothing.
    next[field] = syncedHolds(base, field, value) ? (base as SyncedField<F>) : syncedField(field, value);
    if (conflict !== undefined) conflicts.push(conflict);
  };
  for (const field of MIRRORED_FIELDS) decideField(field);
  const nextSynced = next as SyncedState;
  return {
    toGitHub, toLedger, synced: nextSynced, syncedChanged: !jsonEqual(synced, nextSynced), conflicts,
  };
}

/** Whether the plan asks for nothing: no write on either side. */
export function isEmptyPlan(plan: MergePlan): boolean {
  return Object.keys(plan.toGitHub).length === 0 && Object.keys(plan.toLedger).length === 0 &&
    !plan.syncedChanged && plan.conflicts.length === 0;
}
