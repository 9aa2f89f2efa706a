// One work bead and the GitHub issue that mirrors it, brought into agreement: both read into the
// shared field shape (mirrored-fields.ts), merged per field against what was last synced
// (field-merge.ts), and the outcome turned into the bead to write and the issue edit to send.
// Pure: the ledger→GitHub pass, the webhook handlers and the drift repair all call syncBeadAndIssue
// and apply what it returns, so the three agree on every rule. When nothing changed it returns
// the very same bead and no edit: no request, no commit, no `updated_at` bumped.
import { beadStatus, beadType, type Bead } from "../ledger/bead-schema.js";
import { timestamp } from "../molecules/pour.js";
import { mergeMirroredFields, type Conflict, type EditedChanges, type MergePlan } from "./field-merge.js";
import { issueBody } from "./issue-body.js";
import {
  issueAssignees, issueFields, issueLabelNames, issueShape, stateReason, type GitHubIssue, type StateReason,
} from "./issue-shape.js";
import { canonicalSet, type MirroredField, type MirroredFields } from "./mirrored-fields.js";
import { isOlderThanSeen, withIssueSeenAt } from "./issue-seen-at.js";
import { readSynced, syncedField, syncedState, withSynced, type SyncedState } from "./synced-state.js";
import { workLabels } from "./sync-labels.js";

/**
 * What the mirror changes on an issue: the fields of `PATCH /repos/{owner}/{repo}/issues/{issue_number}`,
 * and the labels to put on and take off one by one (app/github/edit-issue.ts). Never the whole
 * label set: a `gt:` label the App puts on meanwhile (a sling, a polecat's state) would go with it.
 */
export interface IssueEdit {
  title?: string;
  body?: string;
  state?: "open" | "closed";
  state_reason?: StateReason | "reopened";
  assignees?: string[];
  /** Labels the issue lacks, added beside those it has. */
  addLabels?: string[];
  /** Labels the issue has that the bead does not show; never a `gt:` one. */
  removeLabels?: string[];
}

export interface SyncOutcome {
  /**
   * The bead as it should be written once the edit has landed (or when there is none): the very
   * same object when nothing on it changes.
   */
  readonly bead: Bead;
  /**
   * The bead to write when the write must come before the edit: the fields the edit sends are
   * recorded as GitHub holds them now. Should the edit never land, the next sync sees the ledger
   * changed and GitHub not, and sends it again, where `bead` would have it take GitHub's old
   * value as a person's edit. Once the edit lands, the next sync records the agreement.
   */
  readonly beadUntilEdited: Bead;
  /** What to send the issue; undefined when it already agrees. */
  readonly edit: IssueEdit | undefined;
  /** Title or body changed on both sides: GitHub's kept, both versions in the bead's notes. */
  readonly conflicts: readonly Conflict[];
  readonly plan: MergePlan;
}

export interface SyncOptions {
  /** `changes` of the `issues.edited` webhook being handled, if any. */
  readonly edited?: EditedChanges;
  /** Statuses of the ledger's config that a `status::` label may name beside the built-in ones. */
  readonly customStatuses?: readonly string[];
  /** Stamped as `updated_at` (and `closed_at`) on a bead that changes. */
  readonly now: Date;
}

/** A bead whose assignee is no GitHub user (a polecat) leaves the issue's assignees to people. */
function keepsGitHubAssignees(bead: Bead): boolean {
  return issueAssignees(bead) === undefined;
}

/** What the bead says of each mirrored field. */
export function ledgerFields(bead: Bead): MirroredFields {
  return {
    title: bead.title,
    body: bead.description ?? "",
    state: beadStatus(bead),
    // A missing priority labels as P0 (sync-labels.ts), so it compares as 0.
    priority: bead.priority ?? 0,
    type: beadType(bead),
    labels: workLabels(bead.labels ?? []),
    assignees: issueAssignees(bead) ?? [],
  };
}

/**
 * What the issue says of each mirrored field. A body the mirror had to cut says nothing of the
 * description (the issue cannot hold it all), and a status only the bead's own ledger knows
 * (a custom one) reads back as itself rather than as open.
 */
export function githubFields(issue: GitHubIssue, bead: Bead | undefined, customStatuses: readonly string[] = []): MirroredFields {
  const statuses = bead === undefined ? customStatuses : [...customStatuses, beadStatus(bead)];
  const fields = issueFields(issue, statuses);
  const logins = issue.assignees?.map((user) => user.login) ?? (issue.assignee ? [issue.assignee.login] : []);
  return {
    title: fields.title,
    body: fields.descriptionCut && bead !== undefined ? bead.description ?? "" : fields.description,
    state: fields.status,
    priority: fields.priority,
    type: fields.issue_type,
    labels: bead === undefined ? fields.labels : inBeadSpelling(fields.labels, bead.labels ?? []),
    assignees: canonicalSet(logins),
  };
}

/**
 * The issue's labels, each the bead already holds in another case spelt as the bead spells it:
 * GitHub takes label names without case (`UI` is `ui`), so the spelling is no change to take in.
 */
function inBeadSpelling(labels: readonly string[], beadLabels: readonly string[]): string[] {
  const spelt = new Map(beadLabels.map((label) => [label.toLowerCase(), label]));
  return canonicalSet(labels.map((label) => spelt.get(label.toLowerCase()) ?? label));
}

/** The bead with `fields` written into it; the same bead when none differs. */
export function beadWithFields(bead: Bead, fields: Partial<MirroredFields>, closeReason: string | undefined, now: Date): Bead {
  if (Object.keys(fields).length === 0) return bead;
  const next: Record<string, unknown> = { ...bead };
  const set = (key: string, value: unknown, empty: boolean) => {
    if (empty) delete next[key];
    else next[key] = value;
  };
  if (fields.title !== undefined) next.title = fields.title;
  if (fields.body !== undefined) set("description", fields.body, fields.body === "");
  if (fields.priority !== undefined) next.priority = fields.priority;
  if (fields.type !== undefined) next.issue_type = fields.type;
  if (fields.labels !== undefined) set("labels", canonicalSet(fields.labels), fields.labels.length === 0);
  if (fields.assignees !== undefined) set("assignee", canonicalSet(fields.assignees)[0], fields.assignees.length === 0);
  if (fields.state !== undefined) {
    const wasClosed = beadStatus(bead) === "closed";
    next.status = fields.state;
    if (fields.state === "closed" && !wasClosed) {
      next.closed_at = timestamp(now);
      next.close_reason = closeReason ?? "completed";
    } else if (fields.state !== "closed" && wasClosed) {
      delete next.closed_at;
      delete next.close_reason;
    }
  }
  next.updated_at = timestamp(now);
  return next as Bead;
}

/** The bead's notes with each conflict's note appended, so neither version is lost. */
function withConflictNotes(bead: Bead, conflicts: readonly Conflict[]): Bead {
  if (conflicts.length === 0) return bead;
  const notes = [bead.notes ?? "", ...conflicts.map((conflict) => conflict.note)].filter((text) => text !== "");
  return { ...bead, notes: notes.join("\n\n---\n\n") };
}

/** Whether `labels` hold `label`: GitHub's label names ignore case. */
function holdsLabel(labels: readonly string[], label: string): boolean {
  return labels.some((held) => held.toLowerCase() === label.toLowerCase());
}

/**
 * The labels to add to and remove from `issue` so it shows `wanted`. Gas Town's `gt:` triggers
 * and markers are GitHub's, never the bead's: none is ever removed.
 */
function labelChanges(wanted: readonly string[], issue: GitHubIssue): Pick<IssueEdit, "addLabels" | "removeLabels"> {
  const current = issueLabelNames(issue).filter((label) => !label.toLowerCase().startsWith("gt:"));
  const add = wanted.filter((label) => !holdsLabel(current, label));
  const remove = current.filter((label) => !holdsLabel(wanted, label));
  return { ...(add.length > 0 ? { addLabels: add } : {}), ...(remove.length > 0 ? { removeLabels: remove } : {}) };
}

/** The edit that makes `issue` show `bead` for the fields the plan sends to GitHub. */
function issueEdit(bead: Bead, issue: GitHubIssue, toGitHub: Partial<MirroredFields>): IssueEdit | undefined {
  const shape = issueShape(bead);
  const edit: IssueEdit = {};
  if (toGitHub.title !== undefined) edit.title = shape.title;
  if (toGitHub.body !== undefined) edit.body = issueBody(bead.id, bead.description);
  const labelled = ["state", "priority", "type", "labels"].some((field) => Object.hasOwn(toGitHub, field));
  if (toGitHub.state !== undefined) {
    const open = issue.state !== "closed";
    if (shape.state === "closed" && open) {
      edit.state = "closed";
      edit.state_reason = stateReason(bead.close_reason);
    } else if (shape.state === "open" && !open) {
      edit.state = "open";
      edit.state_reason = "reopened";
    }
  }
  if (toGitHub.assignees !== undefined) edit.assignees = canonicalSet(toGitHub.assignees);
  if (labelled) Object.assign(edit, labelChanges(shape.labels, issue));
  return Object.keys(edit).length === 0 ? undefined : edit;
}

/**
 * The bead and its issue brought into agreement: the bead to write (with `synced` recorded and
 * any conflict noted) and the issue edit to send. Applying both and syncing again gives the same
 * bead and no edit.
 */
export function syncBeadAndIssue(bead: Bead, issue: GitHubIssue, options: SyncOptions): SyncOutcome {
  // An issue older than one the bead took in already (a webhook delivered late) says nothing new.
  if (isOlderThanSeen(bead, issue)) {
    const plan: MergePlan = { toGitHub: {}, toLedger: {}, synced: readSynced(bead), syncedChanged: false, conflicts: [] };
    return { bead, beadUntilEdited: bead, edit: undefined, conflicts: [], plan };
  }
  const github = githubFields(issue, bead, options.customStatuses);
  // A bead assigned to a polecat: the issue's people stay, and the bead keeps its polecat.
  const polecats = keepsGitHubAssignees(bead);
  const ledger = polecats ? { ...ledgerFields(bead), assignees: github.assignees } : ledgerFields(bead);
  const plan = mergeMirroredFields({ synced: readSynced(bead), ledger, github, ...(options.edited ? { edited: options.edited } : {}) });
  const closeReason = issue.state === "closed" ? issue.state_reason ?? undefined : undefined;
  const next = withConflictNotes(beadWithFields(bead, plan.toLedger, closeReason, options.now), plan.conflicts);
  // Only the record of what was synced may change: the work did not, so `updated_at` stays. A bead
  // written anyway records the issue's time too; one that is not keeps the time it had.
  const seen = (written: Bead) => written === bead ? bead : withIssueSeenAt(written, issue);
  const synced = seen(withSynced(next, plan.synced));
  const edit = issueEdit(next, issue, plan.toGitHub);
  if (edit === undefined) return { bead: synced, beadUntilEdited: synced, edit, conflicts: plan.conflicts, plan };
  const untilEdited: Record<string, unknown> = { ...plan.synced };
  for (const field of Object.keys(plan.toGitHub) as MirroredField[]) untilEdited[field] = syncedField(field, github[field]);
  return { bead: synced, beadUntilEdited: seen(withSynced(next, untilEdited as SyncedState)), edit, conflicts: plan.conflicts, plan };
}

/** The record a bead carries right after its issue was opened from it: every field as sent. */
export function syncedAtCreation(bead: Bead): Bead {
  return withSynced(bead, syncedState(ledgerFields(bead)));
}
