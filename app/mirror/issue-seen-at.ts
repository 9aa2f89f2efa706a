// The issue's `updated_at` as the mirror last saw it, kept on the bead as
// `metadata.gastown.issue_updated_at`, so an issue's state older than one already taken in is
// known for what it is. Webhooks can arrive out of order, and the batches of two deliveries are
// applied one after the other: an `issues.edited` delivered after a newer one would otherwise
// take its stale title back into the bead. GitHub's times are to the second, so an issue of the
// same second is not older: it is applied (the merge finds it changes nothing, or what it does).
//
// The time is written only with a write the bead gets anyway: a comment or a `gt:` label moves
// the issue's `updated_at` without changing anything mirrored, and recording that would churn.
import type { Bead } from "../ledger/bead-schema.js";
import { gastownString, withGastownMetadata } from "../molecules/gastown-metadata.js";

export const ISSUE_UPDATED_AT_KEY = "issue_updated_at";

/** An issue as a webhook, a read or the listing gives it: its last change, when it says. */
export interface IssueUpdatedAt {
  readonly updated_at?: string | null;
}

function timeOf(text: string | null | undefined): number | undefined {
  if (text === undefined || text === null) return undefined;
  const time = Date.parse(text);
  return Number.isNaN(time) ? undefined : time;
}

/** Whether `issue` is strictly older than the state of it the bead last took in. */
export function isOlderThanSeen(bead: Bead, issue: IssueUpdatedAt): boolean {
  const seen = timeOf(gastownString(bead, ISSUE_UPDATED_AT_KEY));
  const updated = timeOf(issue.updated_at);
  return seen !== undefined && updated !== undefined && updated < seen;
}

/** The bead recording `issue`'s `updated_at` as seen; the same bead when there is nothing newer to record. */
export function withIssueSeenAt(bead: Bead, issue: IssueUpdatedAt): Bead {
  const updated = timeOf(issue.updated_at);
  const seen = timeOf(gastownString(bead, ISSUE_UPDATED_AT_KEY));
  if (updated === undefined || (seen !== undefined && updated <= seen)) return bead;
  return withGastownMetadata(bead, { [ISSUE_UPDATED_AT_KEY]: issue.updated_at });
}
