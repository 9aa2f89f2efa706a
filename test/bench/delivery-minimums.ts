// The least GitHub requests each kind of delivery in the webhook bench's mix needs, by an App
// that has its installation token and knows its own login (the two requests a process makes
// once, below). The webhook bench fails, and so does test/app/requests-per-delivery.test.ts,
// when a delivery makes other requests than these; the README's "Requests per delivery" table
// mirrors this one, row for row.
import type { Counters } from "../emulator/faults/counters.js";
import {
  byOperation, COMMENT_REACTION, commitWrites, CONFIG, FIRST_SLING, HEARTBEAT, LEDGER_PEEK, LEDGER_READS, LOGIN, PERMISSION, REPLY, RUN_BY_NAME, SLING, TOKEN,
  type Needed,
} from "./request-minimums.js";
import { SLING_KIND, type MixKind } from "./webhook-mix.js";

export interface DeliveryMinimum {
  /** Why the kind needs these requests and no fewer, or none at all. */
  readonly why: string;
  readonly needed: readonly Needed[];
}

const MIRROR_SETTINGS = "the settings, which say whether the mirror takes it into the ledger (the mix's repository has the mirror off; one that has it on reads the ledger and commits what changed, batched)";
const NOT_QUEUE_ACTION = "the App takes a pull request's closing, pushes and reopening (app.yml subscribes to pull_request for those), not this action: Probot routes it nowhere";
const NOT_QUEUED = "the pull request has no gt:queue label and its branch is no staging branch, so it is neither queued nor the refinery's: the payload says so without a request";
const NOT_POLECAT_RUN = "the run's title is not a polecat run-name, so it is no polecat's: the payload says so without a request";

export const DELIVERY_MINIMUMS: Readonly<Record<MixKind, DeliveryMinimum>> = {
  "issues.opened": { why: MIRROR_SETTINGS, needed: [CONFIG] },
  "issues.labeled (plain)": { why: `a label that is not a gt: label asks nothing of the sling; ${MIRROR_SETTINGS}`, needed: [CONFIG] },
  "issues.labeled (gt:sling)": {
    why: "a sling, request by request as under Requests per sling, its token aside; the first in a repository needs 12, as the ledger branch is not there yet",
    needed: SLING,
  },
  "issue_comment.created (no command)": { why: `the comment holds no command; ${MIRROR_SETTINGS}`, needed: [CONFIG] },
  "issue_comment.created (no command, pull request)": {
    why: "the comment holds no command, and a pull request's comments are no bead's: the payload says so without a request", needed: [],
  },
  "issue_comment.created /peek": {
    why: "settings, permission (read), 👀, the ledger for the issue's bead, its run by its run-name (a queued run has not claimed the bead yet, nor any job log to read), its heartbeat check run, the answer",
    needed: [CONFIG, PERMISSION, COMMENT_REACTION, ...LEDGER_READS, RUN_BY_NAME, HEARTBEAT, REPLY],
  },
  "issue_comment.created /gt": {
    why: "settings (which switch Gas Town on, and give the help its sling label and who may use each command), permission (only those who may read are answered), the answer",
    needed: [CONFIG, PERMISSION, REPLY],
  },
  "issue_comment.created /nudge": {
    why: "settings, permission (write), 👀, the ledger read and one compare-and-swap commit with the message bead, the answer",
    needed: [CONFIG, PERMISSION, COMMENT_REACTION, ...LEDGER_READS, ...commitWrites("message"), REPLY],
  },
  "pull_request.opened": { why: NOT_QUEUE_ACTION, needed: [] },
  "pull_request.labeled": { why: "the same", needed: [] },
  "pull_request.synchronize": { why: NOT_QUEUED, needed: [] },
  "workflow_run.requested": { why: NOT_POLECAT_RUN, needed: [] },
  "workflow_job.queued": { why: "the witness acts on a job's end, not its start", needed: [] },
  "workflow_run.in_progress": { why: NOT_POLECAT_RUN, needed: [] },
  "workflow_job.in_progress": { why: "the same", needed: [] },
  "workflow_run.completed": { why: NOT_POLECAT_RUN, needed: [] },
  "workflow_job.completed": {
    why: "settings, and the ledger in one request (the raw contents of the file) to find the hooked bead its run claimed: a CI job's claims none",
    needed: [CONFIG, LEDGER_PEEK],
  },
};

/**
 * Requests a process makes once, whichever delivery comes first: the installation token (kept
 * for an hour) and the App's own login. Counted apart from the deliveries, at most once a run.
 */
export const ONCE_A_PROCESS: readonly Needed[] = [TOKEN, LOGIN];

/** The kinds that need no GitHub request at all. */
export const QUIET_KINDS: ReadonlySet<string> = new Set(
  Object.entries(DELIVERY_MINIMUMS).filter(([, minimum]) => minimum.needed.length === 0).map(([kind]) => kind),
);

/** The least a delivery of `kind` needs, by operation; a sling without a ledger branch makes it. */
export function minimumOf(kind: MixKind, ledgerBranch: boolean): Record<string, number> {
  return byOperation(kind === SLING_KIND && !ledgerBranch ? FIRST_SLING : DELIVERY_MINIMUMS[kind].needed);
}

/** The requests one delivery made, by operation, without those a process makes once. */
export function deliveryRequests(counters: Counters): Record<string, number> {
  const once = new Set(ONCE_A_PROCESS.map((needed) => needed.operationId));
  const out: Record<string, number> = {};
  for (const [id, count] of Object.entries(counters)) if (!once.has(id) && count.requests > 0) out[id] = count.requests;
  return out;
}
