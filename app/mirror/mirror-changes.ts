// GitHub → ledger: a webhook as a mirror change, and a batch of changes as one ledger mutation.
// Pure: the handler (app/handlers/mirror-issue-events.ts) collects the changes that arrive while
// a ledger write is in flight, applies them all in one compare-and-swap commit, and then sends the
// issue edits this returns.
//
// No echo: an event the App's own login sent is its own mirror write (or answer), never a change
// to take in. A payload that is not what its event says (no issue, say) is no change: nothing
// stored is touched.
import type { Ledger } from "../ledger/ledger.js";
import { applyCommentChange, commentChangeOf, type CommentChange } from "./comment-changes.js";
import { applyIssueChange, coalesceIssueChanges, issueChangeOf, type IssueChange, type PendingEdit } from "./issue-event-changes.js";
import { applyLinkChange, linkChangeOf, type LinkChange } from "./link-changes.js";
import type { GitHubIssue } from "./issue-shape.js";
import { loginOf, recordAt, type MirrorContext } from "./mirror-context.js";

export type MirrorChange = IssueChange | CommentChange | LinkChange;

/** The webhook events the mirror takes from GitHub. */
export const MIRROR_EVENT_NAMES = ["issues", "issue_comment", "sub_issues", "issue_dependencies"] as const;

/** The change a webhook makes to the ledger, or undefined when it makes none. */
export function mirrorChangeOf(event: string, payload: unknown, botLogin: string): MirrorChange | undefined {
  const action = typeof payload === "object" && payload !== null ? (payload as { action?: unknown }).action : undefined;
  if (typeof action !== "string" || loginOf(recordAt(payload, "sender")) === botLogin) return undefined;
  switch (event) {
    case "issues": return issueChangeOf(action, payload);
    case "issue_comment": return commentChangeOf(action, payload);
    case "sub_issues":
    case "issue_dependencies": return linkChangeOf(event, action, payload);
    default: return undefined;
  }
}

/** The issues as a batch's `issues` webhooks show them. */
export function issuesOf(changes: readonly MirrorChange[]): GitHubIssue[] {
  return changes.flatMap((change) => change.kind === "issue" ? [change.issue] : []);
}

export interface MirrorApplied {
  readonly ledger: Ledger;
  /** Issue edits the merges decided for the ledger's side: to send after the commit, one per issue. */
  readonly edits: readonly PendingEdit[];
  /** The issue numbers and other things changed, for the commit message. */
  readonly summary: string;
}

/**
 * The ledger with a batch of changes applied: each issue's newest state first (so a comment or a
 * link on an issue opened in the same batch finds its bead), then comments and links in the order
 * they came. The same ledger when none changes anything.
 */
export function applyMirrorChanges(ledger: Ledger, changes: readonly MirrorChange[], context: MirrorContext): MirrorApplied {
  if (!context.mirror.enabled) return { ledger, edits: [], summary: "" };
  let next = ledger;
  const edits: PendingEdit[] = [];
  const issues = coalesceIssueChanges(changes.filter((change): change is IssueChange => change.kind === "issue"));
  for (const change of issues) {
    const applied = applyIssueChange(next, change, context);
    next = applied.ledger;
    if (applied.edit !== undefined) edits.push(applied.edit);
  }
  for (const change of changes) {
    if (change.kind === "comment") next = applyCommentChange(next, change, context);
    else if (change.kind === "link") next = applyLinkChange(next, change, context);
  }
  return { ledger: next, edits, summary: summaryOf(changes) };
}

function summaryOf(changes: readonly MirrorChange[]): string {
  const counts = { issue: 0, comment: 0, link: 0 };
  for (const change of changes) counts[change.kind]++;
  const parts = [
    counts.issue > 0 ? `${counts.issue} issue event${counts.issue === 1 ? "" : "s"}` : "",
    counts.comment > 0 ? `${counts.comment} comment${counts.comment === 1 ? "" : "s"}` : "",
    counts.link > 0 ? `${counts.link} link${counts.link === 1 ? "" : "s"}` : "",
  ].filter(Boolean);
  return parts.join(", ");
}
