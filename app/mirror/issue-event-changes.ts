// An `issues` webhook as a ledger change: the issue as GitHub shows it after the event, brought
// into agreement with its bead by the one function every path uses (syncBeadAndIssue), or taken
// into the ledger as a new bead when the mirror's config imports it. Pure: the handler reads the
// ledger, applies these, commits once, and then sends any edit the merge decided for the ledger's
// side (the ledger had changed too).
//
// The webhook's issue is the state to use: no request reads it again. Several events on one issue
// in one batch come down to the newest (by `updated_at`) with the oldest `changes.*.from` among
// them, which is what GitHub held before the batch's first edit; across batches, a state older than
// the one the bead last took in is left alone (issue-seen-at.ts).
import type { Bead } from "../ledger/bead-schema.js";
import { beadByExternalRef } from "../ledger/external-ref.js";
import type { Ledger } from "../ledger/ledger.js";
import { gastownMetadata, withGastownMetadata } from "../molecules/gastown-metadata.js";
import { beadFromIssue } from "../town/import-issue.js";
import { syncBeadAndIssue, type IssueEdit } from "./bead-issue-sync.js";
import type { EditedChanges } from "./field-merge.js";
import { ISSUE_ID_KEY, linkedAtImport } from "./imported-issue.js";
import { withIssueSeenAt } from "./issue-seen-at.js";
import { isImportedIssue, isMirrored, issueLabelNames, type GitHubIssue } from "./issue-shape.js";
import { isTime, loginOf, newBeadPrefix, recordAt, type MirrorContext } from "./mirror-context.js";

/** The `issues` actions that change something the mirror keeps. */
export const MIRRORED_ISSUE_ACTIONS: ReadonlySet<string> = new Set([
  "opened", "edited", "closed", "reopened", "labeled", "unlabeled", "assigned", "unassigned",
]);

/** An issue as an `issues` webhook shows it: the mirrored fields and what links and imports it. */
export interface WebhookIssue extends GitHubIssue {
  /** The database id: `metadata.gastown.issue_id`. */
  readonly id: number;
  readonly created_at: string;
  readonly updated_at?: string;
  readonly user: { readonly login: string } | null;
  readonly pull_request?: unknown;
}

export interface IssueChange {
  readonly kind: "issue";
  readonly issue: WebhookIssue;
  /** Whether this event brings an issue not in the ledger yet into it (see importsIssue). */
  readonly imports: {
    readonly opened: boolean;
    /** The labels its events put on (one for an `issues.labeled`; a batch's may be several). */
    readonly labelled: readonly string[];
  };
  readonly edited?: EditedChanges;
}

/** An issue's edit, to send once the ledger commit has landed. */
export interface PendingEdit {
  readonly issueNumber: number;
  readonly edit: IssueEdit;
}

function isWebhookIssue(value: Record<string, unknown> | undefined): value is Record<string, unknown> & WebhookIssue {
  return value !== undefined && typeof value.html_url === "string" && typeof value.number === "number" &&
    typeof value.id === "number" && typeof value.title === "string" && isTime(value.created_at);
}

function editedChanges(payload: unknown): EditedChanges | undefined {
  const changes = recordAt(payload, "changes");
  const from = (field: "title" | "body") => {
    const value = recordAt(changes, field)?.from;
    return typeof value === "string" ? { [field]: { from: value } } : {};
  };
  const edited = { ...from("title"), ...from("body") };
  return Object.keys(edited).length === 0 ? undefined : edited;
}

/** The change an `issues` webhook makes, or undefined when it makes none (or is not one). */
export function issueChangeOf(action: string, payload: unknown): IssueChange | undefined {
  const issue = recordAt(payload, "issue");
  if (!MIRRORED_ISSUE_ACTIONS.has(action) || !isWebhookIssue(issue)) return undefined;
  // A pull request is no work bead: its own events and the merge queue look after it.
  if (issue.pull_request !== undefined) return undefined;
  const label = action === "labeled" ? recordAt(payload, "label")?.name : undefined;
  const edited = action === "edited" ? editedChanges(payload) : undefined;
  return {
    kind: "issue", issue,
    imports: { opened: action === "opened", labelled: typeof label === "string" ? [label] : [] },
    ...(edited ? { edited } : {}),
  };
}

/**
 * Whether the change brings its issue into the ledger: opened while the mirror imports it, or
 * labelled with the mirror's label. Issues that were there before the App are the drift pass's
 * to import, a page at a time, not one event's.
 */
function importsIssue(change: IssueChange, context: MirrorContext): boolean {
  const { opened, labelled } = change.imports;
  if (!opened && !labelled.includes(context.mirror.label)) return false;
  return isImportedIssue(issueLabelNames(change.issue), context.mirror);
}

function updatedAt(change: IssueChange): number {
  const time = Date.parse(change.issue.updated_at ?? "");
  return Number.isNaN(time) ? Number.NEGATIVE_INFINITY : time;
}

/**
 * The changes of one batch, one per issue: the newest state of each, importing if any of its
 * events imports, with each field's oldest `changes.*.from`. In the order each issue first came.
 */
export function coalesceIssueChanges(changes: readonly IssueChange[]): IssueChange[] {
  const byIssue = new Map<string, IssueChange>();
  for (const change of changes) {
    const seen = byIssue.get(change.issue.html_url);
    if (seen === undefined) {
      byIssue.set(change.issue.html_url, change);
      continue;
    }
    const newest = updatedAt(change) >= updatedAt(seen) ? change : seen;
    const edited = { ...change.edited, ...seen.edited };
    byIssue.set(change.issue.html_url, {
      kind: "issue", issue: newest.issue,
      imports: { opened: seen.imports.opened || change.imports.opened, labelled: [...seen.imports.labelled, ...change.imports.labelled] },
      ...(Object.keys(edited).length > 0 ? { edited } : {}),
    });
  }
  return [...byIssue.values()];
}

/** The issue as a new bead: `bd github sync`'s, recorded as synced and linked by id. */
function importedBead(ledger: Ledger, issue: WebhookIssue, context: MirrorContext): Bead {
  const bead = beadFromIssue(ledger, {
    url: issue.html_url, number: issue.number, title: issue.title, body: issue.body ?? null,
    labels: issueLabelNames(issue), state: issue.state === "closed" ? "closed" : "open",
    createdAt: issue.created_at, author: loginOf(issue.user ?? undefined) ?? "ghost",
  }, { prefix: newBeadPrefix(ledger, context), now: context.now, actor: loginOf(issue.user ?? undefined) ?? "ghost" });
  return linkedAtImport(bead, issue.id);
}

/** A linked bead first seen by the mirror gets the issue's database id. */
function withIssueId(bead: Bead, issueId: number): Bead {
  return gastownMetadata(bead)[ISSUE_ID_KEY] === issueId ? bead : withGastownMetadata(bead, { [ISSUE_ID_KEY]: issueId });
}

export interface IssueApplied {
  readonly ledger: Ledger;
  readonly edit: PendingEdit | undefined;
}

/**
 * The ledger with the issue's state taken in: its bead synced with it, or a new bead for an
 * issue the config imports. The very same ledger when nothing changes, so no commit is made.
 */
export function applyIssueChange(ledger: Ledger, change: IssueChange, context: MirrorContext): IssueApplied {
  const { issue } = change;
  const found = beadByExternalRef(ledger, issue.html_url);
  let bead: Bead;
  if (found !== undefined) {
    if (!isMirrored(found, context.mirror)) return { ledger, edit: undefined };
    bead = withIssueId(found, issue.id);
  } else {
    if (!importsIssue(change, context)) return { ledger, edit: undefined };
    bead = importedBead(ledger, issue, context);
  }
  // A bead just imported agrees with its issue on what beadFromIssue reads; the sync takes the rest
  // (its assignees, a closed state) in the same commit.
  const outcome = syncBeadAndIssue(bead, issue, {
    now: context.now, ...(context.customStatuses ? { customStatuses: context.customStatuses } : {}), ...(change.edited ? { edited: change.edited } : {}),
  });
  // The commit comes before the edit (mirror-issue-events.ts), so it records what GitHub holds
  // until the edit lands: an edit that never does is sent again, not lost. A bead just imported
  // is written whatever the sync found, and records the time of the issue it was made from.
  const written = found === undefined ? withIssueSeenAt(outcome.beadUntilEdited, issue) : outcome.beadUntilEdited;
  const next = written === found ? ledger : ledger.withBead(written);
  return { ledger: next, edit: outcome.edit === undefined ? undefined : { issueNumber: issue.number, edit: outcome.edit } };
}
