// The merge queue in the ledger (issue 17): each queued pull request is a `merge-request` bead,
// which holds the queue's whole state for it (its head, base, tries and outcome), so any event or
// pass can carry it on. Pure: the refinery and the `/queue` handlers commit what these return.
//   - queue: a pull request enters (a polecat's on COMPLETED, anyone else's by `/queue`), found
//     again by its `external_ref` (`gastown:queue/<owner>/<repo>#<pr>`), so a second `/queue`
//     or a redelivery changes nothing but a moved head
//   - order: priority, then a convoy's age, then tries, then age (the upstream refinery's score)
//   - leave: dequeued, landed or ejected, with why; the bead is closed with its outcome
import type { Bead } from "../ledger/bead-schema.js";
import { beadStatus } from "../ledger/bead-schema.js";
import { beadByExternalRef } from "../ledger/external-ref.js";
import type { Ledger } from "../ledger/ledger.js";
import { newBeadId } from "../ledger/new-bead-id.js";
import { gastownMetadata, gastownString, withGastownMetadata } from "../molecules/gastown-metadata.js";
import { timestamp } from "../molecules/pour.js";

export const MERGE_REQUEST_TYPE = "merge-request";

/** A pull request as the queue needs it. */
export interface QueuedPull {
  /** `owner/repo`. */
  readonly repo: string;
  readonly number: number;
  readonly title: string;
  /** The head branch and the commit queued: a later push re-queues the new one. */
  readonly head: string;
  readonly headSha: string;
  readonly base: string;
  /** The work bead it carries (a polecat's), if any. */
  readonly bead?: string;
  /** The polecat that opened it: only its pull requests go back to an agent when they fail. */
  readonly polecat?: string;
  /** 0 (most urgent) to 4, as beads count; the work bead's, else 2. */
  readonly priority?: number;
  /** When its convoy was made, for convoys' work to go first (when convoys exist). */
  readonly convoyAt?: string;
}

export interface MergeRequest {
  readonly id: string;
  readonly repo: string;
  readonly number: number;
  readonly head: string;
  readonly headSha: string;
  readonly base: string;
  readonly bead: string | undefined;
  readonly polecat: string | undefined;
  readonly priority: number;
  readonly convoyAt: string | undefined;
  /** Batches it has failed in (a flake's retries aside). */
  readonly tries: number;
  readonly queuedAt: string;
  readonly queuedBy: string;
}

export type Queued =
  | { readonly kind: "queued"; readonly request: MergeRequest }
  /** Already queued at this head: nothing changed. */
  | { readonly kind: "already"; readonly request: MergeRequest }
  /** Already queued, at an older head: the new one replaces it, its tries kept. */
  | { readonly kind: "moved"; readonly request: MergeRequest; readonly from: string };

/** The `external_ref` a pull request's merge-request bead is found by. */
/** A merge request bead's title: `Merge #N: <the pull request's title>`, as short as a commit subject may be. */
export function mergeRequestTitle(number: number, pullTitle: string): string {
  return `Merge #${number}: ${pullTitle}`.slice(0, 200);
}

/** The pull request's own title, from its merge request bead's. */
export function pullTitleOf(mergeRequestTitle: string): string {
  return mergeRequestTitle.replace(/^Merge #\d+: /, "");
}

export function queueRef(repo: string, number: number): string {
  return `gastown:queue/${repo}#${number}`;
}

/** The pull request queued: its merge-request bead made, or moved to a new head. */
export function queuePull(ledger: Ledger, pull: QueuedPull, input: { readonly by: string; readonly now: Date; readonly prefix: string }): { ledger: Ledger; outcome: Queued } {
  const ref = queueRef(pull.repo, pull.number);
  const found = beadByExternalRef(ledger, ref);
  const now = timestamp(input.now);
  if (found !== undefined && beadStatus(found) !== "closed") {
    const request = mergeRequestOf(found);
    if (request === undefined || request.headSha === pull.headSha) {
      return { ledger, outcome: { kind: "already", request: request ?? fromPull(found.id, pull, input.by, now) } };
    }
    const moved = withGastownMetadata({ ...found, updated_at: now }, { head: pull.head, head_sha: pull.headSha, base: pull.base });
    return { ledger: ledger.withBead(moved), outcome: { kind: "moved", request: mergeRequestOf(moved) as MergeRequest, from: request.headSha } };
  }
  const title = mergeRequestTitle(pull.number, pull.title);
  const id = found?.id ?? newBeadId({ prefix: input.prefix, title, description: ref, creator: input.by, createdAt: input.now }, ledger.records);
  // Queued again after it left (a fix after an ejection), it keeps the batches it failed in: its
  // place behind those that fail less, and its merge digest's count.
  const tries = found === undefined ? 0 : mergeRequestOf(found)?.tries ?? 0;
  const request = { ...fromPull(id, pull, input.by, now), tries };
  const bead: Bead = withGastownMetadata({
    id, title, description: `Pull request #${pull.number} (${pull.head} into ${pull.base}), queued by ${input.by}.`,
    status: "open", priority: request.priority, issue_type: MERGE_REQUEST_TYPE,
    created_at: found?.created_at ?? now, created_by: input.by, updated_at: now, external_ref: ref, labels: ["gt:queue"],
  }, {
    pr: pull.number, repo: pull.repo, head: pull.head, head_sha: pull.headSha, base: pull.base, bead: pull.bead, polecat: pull.polecat,
    convoy_at: pull.convoyAt, tries, queued_at: now, queued_by: input.by,
    // Queued again, it owes nothing from its last time out of the queue (send-back.ts).
    send_back: undefined,
  });
  return { ledger: ledger.withBead(bead), outcome: { kind: "queued", request } };
}

function fromPull(id: string, pull: QueuedPull, by: string, now: string): MergeRequest {
  return {
    id, repo: pull.repo, number: pull.number, head: pull.head, headSha: pull.headSha, base: pull.base, bead: pull.bead, polecat: pull.polecat,
    priority: pull.priority ?? 2, convoyAt: pull.convoyAt, tries: 0, queuedAt: now, queuedBy: by,
  };
}

/** The merge request a bead holds, or undefined when it is no well-formed merge-request bead. */
export function mergeRequestOf(bead: Bead): MergeRequest | undefined {
  if (bead.issue_type !== MERGE_REQUEST_TYPE) return undefined;
  const meta = gastownMetadata(bead);
  const text = (key: string) => gastownString(bead, key);
  const [repo, head, headSha, base, queuedAt, queuedBy] = [text("repo"), text("head"), text("head_sha"), text("base"), text("queued_at"), text("queued_by")];
  if (typeof meta.pr !== "number" || !repo || !head || !headSha || !base || !queuedAt || !queuedBy) return undefined;
  return {
    id: bead.id, repo, number: meta.pr, head, headSha, base, bead: text("bead"), polecat: text("polecat"), priority: bead.priority ?? 2,
    convoyAt: text("convoy_at"), tries: typeof meta.tries === "number" ? meta.tries : 0, queuedAt, queuedBy,
  };
}

/**
 * The open merge requests into `base`, next first: priority (most urgent first), then the oldest
 * convoy's (work of a convoy before work of none), then the fewest tries (a pull request that
 * keeps failing does not hold up the rest), then the longest queued, then the number.
 */
export function queueOrder(ledger: Ledger, base: string): MergeRequest[] {
  return ledger.beads()
    .filter((bead) => bead.issue_type === MERGE_REQUEST_TYPE && beadStatus(bead) !== "closed")
    .map(mergeRequestOf)
    .filter((request): request is MergeRequest => request !== undefined && request.base === base)
    .sort((a, b) => a.priority - b.priority || convoyFirst(a.convoyAt, b.convoyAt) || a.tries - b.tries ||
      compare(a.queuedAt, b.queuedAt) || a.number - b.number);
}

/** The pull request's merge request, queued or not any more (the head it was queued at), or undefined. */
export function mergeRequestFor(ledger: Ledger, repo: string, number: number): MergeRequest | undefined {
  const found = beadByExternalRef(ledger, queueRef(repo, number));
  return found && mergeRequestOf(found);
}

/** Where the pull request stands in its base's queue (1 is next), or undefined when it is not queued. */
export function queuePosition(ledger: Ledger, repo: string, number: number): { readonly position: number; readonly of: number } | undefined {
  const found = beadByExternalRef(ledger, queueRef(repo, number));
  const request = found && beadStatus(found) !== "closed" ? mergeRequestOf(found) : undefined;
  if (request === undefined) return undefined;
  const queue = queueOrder(ledger, request.base);
  return { position: queue.findIndex((r) => r.id === request.id) + 1, of: queue.length };
}

/**
 * Where the pull request stands, as `/peek` on it says; undefined when it is not queued. `batch`,
 * when the refinery is testing it: its attempt, its stage, and the refinery pull request.
 */
export function queueLine(ledger: Ledger, repo: string, number: number, batch?: { readonly attempt: number; readonly stage: string; readonly pr?: number }): string | undefined {
  const found = beadByExternalRef(ledger, queueRef(repo, number));
  const request = found && beadStatus(found) !== "closed" ? mergeRequestOf(found) : undefined;
  const place = queuePosition(ledger, repo, number);
  if (request === undefined || place === undefined) return undefined;
  const tries = request.tries === 0 ? "" : `, after ${request.tries} failed batch${request.tries === 1 ? "" : "es"}`;
  const where = batch === undefined ? `number ${place.position} of ${place.of}`
    : `in batch ${batch.attempt} (${BATCH_STAGES[batch.stage] ?? batch.stage}${batch.pr === undefined ? "" : `, refinery pull request #${batch.pr}`})`;
  return `**Merge queue:** ${where} into \`${request.base}\`${tries}, at \`${request.headSha.slice(0, 12)}\`.`;
}

/** A batch's stage as people read it. */
const BATCH_STAGES: Readonly<Record<string, string>> = {
  building: "being built", testing: "being tested", review: "green, awaiting approval", landing: "landing",
};

/** How a pull request left the queue. */
export type LeaveReason = "dequeued" | "landed" | "ejected" | "closed";

/** The pull request out of the queue, its bead closed with why; unchanged when it was not queued. */
export function leaveQueue(ledger: Ledger, repo: string, number: number, leave: { readonly reason: LeaveReason; readonly why: string; readonly now: Date }): Ledger {
  const found = beadByExternalRef(ledger, queueRef(repo, number));
  if (found === undefined || beadStatus(found) === "closed") return ledger;
  const now = timestamp(leave.now);
  return ledger.withBead(withGastownMetadata(
    { ...found, status: "closed", closed_at: now, close_reason: leave.reason, updated_at: now },
    { left_why: leave.why },
  ));
}

/** One more failed batch for the pull request: it goes behind those with fewer. */
export function recordTry(ledger: Ledger, id: string, now: Date): Ledger {
  const found = ledger.get(id);
  const request = found && mergeRequestOf(found);
  if (found === undefined || request === undefined) return ledger;
  return ledger.withBead(withGastownMetadata({ ...found, updated_at: timestamp(now) }, { tries: request.tries + 1 }));
}

/** A convoy's work before work of none, and an older convoy's first. */
function convoyFirst(a: string | undefined, b: string | undefined): number {
  if (a === b) return 0;
  if (a === undefined) return 1;
  if (b === undefined) return -1;
  return compare(a, b);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
