// A GitHub issue as a work bead, mapped as `bd github sync` pulls one (reference/beads-format.md
// §6), so a team that syncs with Beads sees the same bead: title and body, `external_ref` the
// issue's URL, priority from `priority::<name>`, type from `type::<type>` or a bare `bug` or
// `feature`, and the other labels as they are. Gas Town's own `gt:` labels are triggers, not
// part of the work, so they stay off the bead.
import type { Bead } from "../ledger/bead-schema.js";
import { newBeadId } from "../ledger/new-bead-id.js";
import type { Ledger } from "../ledger/ledger.js";
import { priorityFromLabels, typeFromLabels, workLabels } from "../mirror/sync-labels.js";
import { timestamp } from "../molecules/pour.js";

/** What the App knows of an issue from a webhook payload. */
export interface IssueSnapshot {
  /** `html_url`: the bead's `external_ref`. */
  readonly url: string;
  readonly number: number;
  /** The database id, when the payload gave it: `metadata.gastown.issue_id` of an issue the mirror links. */
  readonly id?: number;
  readonly title: string;
  readonly body: string | null;
  readonly labels: readonly string[];
  readonly state: "open" | "closed";
  readonly createdAt: string;
  readonly author: string;
}

/** The issue as a new bead with a fresh id in `ledger`. */
export function beadFromIssue(ledger: Ledger, issue: IssueSnapshot, options: { prefix: string; now: Date; actor: string }): Bead {
  const id = newBeadId(
    { prefix: options.prefix, title: issue.title, description: issue.body ?? "", creator: options.actor, createdAt: options.now },
    ledger.records,
  );
  const labels = workLabels(issue.labels);
  return {
    id,
    title: issue.title,
    ...(issue.body ? { description: issue.body } : {}),
    status: "open",
    priority: priorityFromLabels(issue.labels),
    issue_type: typeFromLabels(issue.labels),
    created_at: timestamp(new Date(issue.createdAt)),
    created_by: issue.author,
    updated_at: timestamp(options.now),
    external_ref: issue.url,
    ...(labels.length > 0 ? { labels } : {}),
  };
}
