// The refinery's state for one base branch, and what each thing it learns does to it, as pure
// ledger mutations (issue 17). The state sits on one `slot` bead per base (`external_ref`
// `gastown:refinery/<owner>/<repo>@<base>`): the batch under test (its *trial*: which merge
// requests, at which heads, on which staging commit, at which stage), the trials still planned
// (a bisection's), the recent outcomes the batch size adapts to, and the gates seen to flake.
// Each mutation applies only while the slot still shows the trial its caller saw (the same
// attempt at the same stage), so two refinery runs racing on one base act once: the loser's
// compare-and-swap finds the attempt moved on and changes nothing.
//
// A trial's life: `building` (the staging branch made from the base's tip and one merge commit
// per pull request) → `testing` (the gates run on the staging commit) → in review mode
// `review` (the refinery pull request waits for approval) → `landing` (the base moved to it) →
// gone, its pull requests landed. Red ends it too: retried as a fresh attempt, bisected or its
// pull request ejected (refinery-batching.ts decides). Every run of a tree is a fresh attempt on a
// fresh staging branch, so a retry is the same tree tested again from scratch.
import type { GastownConfig } from "../config/config-schema.js";
import { beadStatus, type Bead } from "../ledger/bead-schema.js";
import { beadByExternalRef } from "../ledger/external-ref.js";
import type { Ledger } from "../ledger/ledger.js";
import { newBeadId } from "../ledger/new-bead-id.js";
import { gastownMetadata, withGastownMetadata } from "../molecules/gastown-metadata.js";
import { timestamp } from "../molecules/pour.js";
import { leaveQueue, mergeRequestFor, mergeRequestOf, queueOrder, recordTry, type MergeRequest } from "./merge-queue.js";
import { afterTrial, estimateFailureRate, estimateFlakeRate, nextTrial, worthConfirming, type QueueOutcome, type Trial } from "./refinery-batching.js";
import { owingSendBack } from "./send-back.js";
import type { RedGate } from "./staging-verdict.js";

export const REFINERY_SLOT_TYPE = "slot";

/** How many finished pull requests the failure rate is estimated from. */
const RECENT_OUTCOMES = 30;

export type TrialStage = "building" | "testing" | "review" | "landing";

/** The batch under test. */
export interface TrialState {
  /** The attempt number: its staging branch is `gastown-refinery/<base>/<attempt>`. */
  readonly attempt: number;
  /** The merge requests' bead ids, in queue order. */
  readonly prs: readonly string[];
  /** Each merge request's head as it was merged into the staging branch. */
  readonly heads: Readonly<Record<string, string>>;
  /** Runs of this same tree still allowed when it is red. */
  readonly retries: number;
  /** A bisection's other half, holding the culprit if this half is green. */
  readonly sibling?: readonly string[];
  readonly stage: TrialStage;
  /** The base's tip the staging branch was built on. */
  readonly baseSha: string;
  readonly stagingSha?: string;
  /** The refinery pull request (review mode, or direct mode fallen back to review), and its page. */
  readonly pr?: number;
  readonly prUrl?: string;
  /** When this stage began: a wait past its limit is given up with its reason. */
  readonly since: string;
  /** The gates that were red on the last run of this same tree: if it is green now, they flaked. */
  readonly redBefore?: readonly string[];
  /** Why GitHub last refused to merge the refinery pull request, so a refusal is said once. */
  readonly refused?: string;
  /** When the gates were last dispatched again, their dispatch having made no run (refinery-run.ts). */
  readonly gatesAskedAt?: string;
}

/** A run of a batch's tree, and its verdict. */
export interface TestedRun {
  readonly attempt: number;
  /** Its pull requests' numbers, in queue order. */
  readonly prs: readonly number[];
  readonly verdict: "green" | "red";
}

/** A trial still to make; a retry of a red tree carries the gates that were red. */
export type PlannedTrial = Trial<string> & { readonly redBefore?: readonly string[] };

export interface RefinerySlot {
  readonly repo: string;
  readonly base: string;
  /** The last attempt number used. */
  readonly attempt: number;
  readonly trial?: TrialState;
  /** Trials planned after this one (a bisection's), as merge request ids. */
  readonly plan: readonly PlannedTrial[];
  /**
   * The runs since the batch under way was taken from the queue: after a red, its retries and the
   * bisection that looks for the culprit, which the refinery pull request draws.
   */
  readonly tested: readonly TestedRun[];
  /** The latest outcomes, newest last. */
  readonly recent: readonly QueueOutcome[];
  /** Verdicts seen, and of them how many were a flake (red, then green on the same tree). */
  readonly runs: number;
  readonly flakes: number;
  /** Gates seen to flake, with how often. */
  readonly flaky: Readonly<Record<string, number>>;
  /** Why the queue is not moving, when it is waiting on something that is not a test. */
  readonly stalled?: string;
}

/** The `external_ref` of a base's refinery slot. */
export function slotRef(repo: string, base: string): string {
  return `gastown:refinery/${repo}@${base}`;
}

/** The refinery's state for `base`: empty when it has never run there. */
export function slotOf(ledger: Ledger, repo: string, base: string): RefinerySlot {
  const bead = beadByExternalRef(ledger, slotRef(repo, base));
  const meta = bead === undefined ? {} : gastownMetadata(bead);
  const number = (value: unknown) => typeof value === "number" && Number.isFinite(value) ? value : 0;
  return {
    repo, base,
    attempt: number(meta.attempt),
    ...(isTrial(meta.trial) ? { trial: meta.trial } : {}),
    plan: Array.isArray(meta.plan) ? (meta.plan as PlannedTrial[]) : [],
    tested: Array.isArray(meta.tested) ? (meta.tested as TestedRun[]) : [],
    recent: Array.isArray(meta.recent) ? (meta.recent as QueueOutcome[]) : [],
    runs: number(meta.runs), flakes: number(meta.flakes),
    flaky: typeof meta.flaky === "object" && meta.flaky !== null ? meta.flaky as Record<string, number> : {},
    ...(typeof meta.stalled === "string" ? { stalled: meta.stalled } : {}),
  };
}

function isTrial(value: unknown): value is TrialState {
  const trial = value as Partial<TrialState> | null | undefined;
  return typeof trial === "object" && trial !== null && typeof trial.attempt === "number" && Array.isArray(trial.prs) &&
    typeof trial.stage === "string" && typeof trial.baseSha === "string" && typeof trial.since === "string";
}

export interface SlotWrite {
  readonly now: Date;
  /** The prefix of a new slot bead's id. */
  readonly prefix: string;
  readonly actor: string;
}

/** The batch under test a queued pull request is in, if it is in one. */
export function batchOf(ledger: Ledger, repo: string, number: number): TrialState | undefined {
  const request = mergeRequestFor(ledger, repo, number);
  const trial = request === undefined ? undefined : slotOf(ledger, repo, request.base).trial;
  return trial !== undefined && request !== undefined && trial.prs.includes(request.id) ? trial : undefined;
}

/** The ledger with the slot written back (its bead made the first time). */
export function withSlot(ledger: Ledger, slot: RefinerySlot, write: SlotWrite): Ledger {
  const ref = slotRef(slot.repo, slot.base);
  const found = beadByExternalRef(ledger, ref);
  const now = timestamp(write.now);
  const title = `Refinery of ${slot.repo} into ${slot.base}`;
  const bead: Bead = found ?? {
    id: newBeadId({ prefix: write.prefix, title, description: ref, creator: write.actor, createdAt: write.now }, ledger.records),
    title, description: `The merge queue's batch under test into ${slot.base}, and what the refinery has learnt of its gates.`,
    status: "open", priority: 2, issue_type: REFINERY_SLOT_TYPE, created_at: now, created_by: write.actor, updated_at: now, external_ref: ref,
  };
  return ledger.withBead(withGastownMetadata({ ...bead, status: slot.trial ? "in_progress" : "open", updated_at: now }, {
    base: slot.base, repo: slot.repo, attempt: slot.attempt, trial: slot.trial, plan: slot.plan,
    tested: slot.tested.length > 0 ? slot.tested : undefined, recent: slot.recent,
    runs: slot.runs, flakes: slot.flakes, flaky: slot.flaky, stalled: slot.stalled,
  }));
}

/** The slot with no trial under way. */
function withoutTrial(slot: RefinerySlot): RefinerySlot {
  const { trial: _, ...rest } = slot;
  return rest;
}

/** Whether the slot still shows the trial the caller saw: the same attempt at the same stage. */
export function sameTrial(slot: RefinerySlot, seen: Pick<TrialState, "attempt" | "stage">): boolean {
  return slot.trial !== undefined && slot.trial.attempt === seen.attempt && slot.trial.stage === seen.stage;
}

/** What the refinery settings and the slot's record make of the next batch's size and retries. */
function batching(slot: RefinerySlot, config: GastownConfig) {
  return {
    failureRate: estimateFailureRate(slot.recent),
    flakeRate: estimateFlakeRate(slot.flakes, slot.runs),
    maxBatch: config.refinery.batch,
    retriesForFlakes: config.refinery.retries_for_flakes,
  };
}

export interface StartInput extends SlotWrite {
  readonly repo: string;
  readonly base: string;
  /** The base's tip now: the staging branch is built on it. */
  readonly baseSha: string;
  readonly config: GastownConfig;
}

/**
 * The next trial begun (`building`, under a fresh attempt number): the plan's next one, with the
 * merge requests that left the queue meanwhile dropped, else a new batch from the head of the
 * queue. Unchanged, and no trial, when one is under way or nothing is queued.
 */
export function startTrial(ledger: Ledger, input: StartInput): { ledger: Ledger; trial?: TrialState } {
  const slot = slotOf(ledger, input.repo, input.base);
  if (slot.trial !== undefined) return { ledger };
  const queued = queueOrder(ledger, input.base).filter((request) => request.repo === input.repo);
  const open = new Map(queued.map((request) => [request.id, request]));
  const plan = slot.plan.map((trial) => ({ ...trial, prs: trial.prs.filter((id) => open.has(id)), ...(trial.sibling ? { sibling: trial.sibling.filter((id) => open.has(id)) } : {}) }));
  let next: PlannedTrial | undefined;
  while (plan.length > 0 && next === undefined) {
    const first = plan.shift() as PlannedTrial;
    if (first.prs.length > 0) next = first;
  }
  // A batch taken from the queue starts a new record of runs; a planned trial adds to its batch's.
  const tested = next === undefined ? [] : slot.tested;
  next ??= queued.length === 0 ? undefined : nextTrial(queued.map((request) => request.id), batching(slot, input.config));
  if (next === undefined) return { ledger: slot.plan.length === 0 ? ledger : withSlot(ledger, { ...slot, plan: [] }, input) };
  const trial = begun(next, slot.attempt + 1, open, input.baseSha, timestamp(input.now), next.redBefore);
  const { stalled: _, ...rest } = slot;
  return { ledger: withSlot(ledger, { ...rest, attempt: trial.attempt, trial, plan, tested }, input), trial };
}

function begun(trial: PlannedTrial, attempt: number, open: ReadonlyMap<string, MergeRequest>, baseSha: string, since: string, redBefore?: readonly string[]): TrialState {
  return {
    attempt, prs: trial.prs, retries: trial.retries, ...(trial.sibling && trial.sibling.length > 0 ? { sibling: trial.sibling } : {}),
    heads: Object.fromEntries(trial.prs.map((id) => [id, open.get(id)?.headSha ?? ""])),
    stage: "building", baseSha, since, ...(redBefore ? { redBefore } : {}),
  };
}

/** The open merge requests of a trial, by id. */
export function trialRequests(ledger: Ledger, trial: Pick<TrialState, "prs">): MergeRequest[] {
  return trial.prs.map((id) => ledger.get(id)).filter((bead): bead is Bead => bead !== undefined && beadStatus(bead) !== "closed")
    .map(mergeRequestOf).filter((request): request is MergeRequest => request !== undefined);
}

/**
 * Why the trial no longer tests what would land, if it does not: a pull request in it left the
 * queue or was pushed to since its head was merged into the staging branch.
 */
export function trialOutdated(ledger: Ledger, trial: TrialState): string | undefined {
  const open = new Map(trialRequests(ledger, trial).map((request) => [request.id, request]));
  for (const id of trial.prs) {
    const request = open.get(id);
    if (request === undefined) return `a pull request in it left the queue`;
    if (request.headSha !== trial.heads[id]) return `#${request.number} was pushed to (now at ${request.headSha.slice(0, 12)})`;
  }
  return undefined;
}

interface TrialUpdate extends SlotWrite {
  readonly repo: string;
  readonly base: string;
  /** The trial as the caller saw it. */
  readonly seen: Pick<TrialState, "attempt" | "stage">;
}

/** The trial moved on a stage, with what its caller learnt; unchanged when the slot moved on without it. */
export function advanceTrial(ledger: Ledger, update: TrialUpdate & { readonly to: TrialStage; readonly set?: Partial<Pick<TrialState, "stagingSha" | "pr" | "prUrl">> }): Ledger {
  const slot = slotOf(ledger, update.repo, update.base);
  if (!sameTrial(slot, update.seen) || slot.trial === undefined) return ledger;
  const trial: TrialState = { ...slot.trial, ...update.set, stage: update.to, since: timestamp(update.now) };
  return withSlot(ledger, { ...slot, trial }, update);
}

/** What the caller learnt of the trial recorded, at the same stage and with the same wait. */
export function noteTrial(ledger: Ledger, update: TrialUpdate & { readonly set: Partial<Pick<TrialState, "refused" | "gatesAskedAt">> }): Ledger {
  const slot = slotOf(ledger, update.repo, update.base);
  if (!sameTrial(slot, update.seen) || slot.trial === undefined) return ledger;
  return withSlot(ledger, { ...slot, trial: { ...slot.trial, ...update.set } }, update);
}

/**
 * The trial built again from the base's new tip under a fresh attempt: the base moved under it
 * (the tested tree is no longer the one that would land), or a pull request in it changed. Those
 * that left the queue are dropped; none left ends the trial.
 */
export function rebuildTrial(ledger: Ledger, update: TrialUpdate & { readonly baseSha: string }): { ledger: Ledger; trial?: TrialState } {
  const slot = slotOf(ledger, update.repo, update.base);
  if (!sameTrial(slot, update.seen) || slot.trial === undefined) return { ledger };
  const open = new Map(trialRequests(ledger, slot.trial).map((request) => [request.id, request]));
  const prs = slot.trial.prs.filter((id) => open.has(id));
  if (prs.length === 0) {
    return { ledger: withSlot(ledger, withoutTrial(slot), update) };
  }
  const sibling = slot.trial.sibling?.filter((id) => open.has(id));
  const trial = begun({ prs, retries: slot.trial.retries, ...(sibling ? { sibling } : {}) }, slot.attempt + 1, open, update.baseSha, timestamp(update.now));
  return { ledger: withSlot(ledger, { ...slot, attempt: trial.attempt, trial }, update), trial };
}

/**
 * The trial given up without a verdict (a wait past its limit, a refinery pull request closed
 * unmerged by a person who may yet reopen the batch by queueing): its pull requests stay queued,
 * and `stalled` says why until the next trial begins.
 */
export function abandonTrial(ledger: Ledger, update: TrialUpdate & { readonly why: string }): Ledger {
  const slot = slotOf(ledger, update.repo, update.base);
  if (!sameTrial(slot, update.seen)) return ledger;
  return withSlot(ledger, { ...withoutTrial(slot), stalled: update.why }, update);
}

/** A merge request that left the queue in a red trial or at its build, with why. */
export interface Ejected {
  readonly request: MergeRequest;
  readonly why: "failed" | "conflict" | "refused";
}

/**
 * What the staging build found, recorded before the trial is tested: merge requests that could
 * not be merged into the staging branch (a conflict, or GitHub refusing the merge) out of the
 * queue as ejected, and those whose head the base holds already (`inBase`: landed by a pass that
 * lost its record, or merged by hand) as landed in `where`. Either way they leave the trial.
 */
export function recordBuild(ledger: Ledger, update: TrialUpdate & {
  readonly ejected: readonly { readonly id: string; readonly why: "conflict" | "refused"; readonly text: string }[];
  readonly inBase: readonly string[];
  readonly where: string;
}): { ledger: Ledger; ejected: Ejected[]; landed: Landed[] } {
  const slot = slotOf(ledger, update.repo, update.base);
  if (!sameTrial(slot, update.seen) || slot.trial === undefined || update.ejected.length + update.inBase.length === 0) return { ledger, ejected: [], landed: [] };
  let next = ledger;
  const ejected: Ejected[] = [];
  for (const { id, why, text } of update.ejected) {
    const request = mergeRequestOf(next.get(id) as Bead);
    if (request === undefined) continue;
    next = owingSendBack(leaveQueue(next, request.repo, request.number, { reason: "ejected", why: text, now: update.now }), id, { why });
    ejected.push({ request, why });
  }
  const landed: Landed[] = [];
  for (const id of update.inBase) {
    const request = mergeRequestOf(next.get(id) as Bead);
    if (request === undefined) continue;
    const out = landRequest(next, request, update);
    next = out.ledger;
    landed.push(out.landed);
  }
  const gone = new Set([...update.ejected.map((e) => e.id), ...update.inBase]);
  const trial = { ...slot.trial, prs: slot.trial.prs.filter((id) => !gone.has(id)) };
  const recent = remember(slot.recent, [...ejected.map(() => "ejected" as const), ...landed.map(() => "landed" as const)]);
  if (trial.prs.length === 0) {
    return { ledger: withSlot(next, { ...withoutTrial(slot), recent }, update), ejected, landed };
  }
  return { ledger: withSlot(next, { ...slot, trial, recent }, update), ejected, landed };
}

/** A verdict on the staging commit of a trial in `testing`. */
export type Verdict =
  | { readonly kind: "green" }
  /** `failing`: the names of the gates that were red; `red`, what they said, for the evidence. */
  | { readonly kind: "red"; readonly failing: readonly string[]; readonly red?: readonly RedGate[] };

export interface AfterVerdict {
  readonly ledger: Ledger;
  /** Green: the trial waits for review or lands now (`landing`). */
  readonly trial?: TrialState;
  /** Red: merge requests out of the queue, with evidence to give them. */
  readonly ejected: readonly Ejected[];
  /** Red, and this same tree is to be tested again. */
  readonly retried: boolean;
}

/**
 * The trial's verdict recorded. Green moves it to `review` (review mode) or `landing`, and a
 * gate that was red on the last run of this tree is recorded as flaky. Red runs the same tree
 * again while it has retries (or when every red gate is one seen to flake, once), else ejects a
 * lone pull request or bisects the batch; the plan keeps what is still to test.
 */
export function recordVerdict(ledger: Ledger, update: TrialUpdate & { readonly verdict: Verdict; readonly config: GastownConfig }): AfterVerdict {
  const slot = slotOf(ledger, update.repo, update.base);
  const trial = slot.trial;
  if (!sameTrial(slot, update.seen) || trial === undefined) return { ledger, ejected: [], retried: false };
  const now = timestamp(update.now);
  const prs = trialRequests(ledger, trial).map((request) => request.number);
  const tested = [...slot.tested, { attempt: trial.attempt, prs, verdict: update.verdict.kind }];
  if (update.verdict.kind === "green") {
    const flaked = trial.redBefore ?? [];
    const flaky = { ...slot.flaky };
    for (const name of flaked) flaky[name] = (flaky[name] ?? 0) + 1;
    const stage: TrialStage = update.config.refinery.mode === "review" || trial.pr !== undefined ? "review" : "landing";
    const { redBefore: _, ...rest } = trial;
    const green: TrialState = { ...rest, stage, since: now };
    return {
      ledger: withSlot(ledger, { ...slot, trial: green, runs: slot.runs + 1, flakes: slot.flakes + (flaked.length > 0 ? 1 : 0), flaky, tested }, update),
      trial: green, ejected: [], retried: false,
    };
  }
  const failing = update.verdict.failing;
  const rerun = trial.redBefore !== undefined;
  // A red of gates all seen to flake before is run again once before anyone is blamed.
  const knownFlaky = failing.length > 0 && failing.every((name) => (slot.flaky[name] ?? 0) > 0) && !rerun;
  const decision = afterTrial<string>({
    prs: trial.prs, retries: Math.max(trial.retries, knownFlaky ? 1 : 0), rerun, ...(trial.sibling ? { sibling: trial.sibling } : {}),
  }, false, slot.plan, worthConfirming(estimateFailureRate(slot.recent), estimateFlakeRate(slot.flakes, slot.runs)) ? update.config.refinery.retries_for_flakes : 0);
  const recorded = { ...withoutTrial(slot), runs: slot.runs + 1, tested };
  const [again, ...later] = decision.next;
  if (again?.rerun === true && again.prs === trial.prs) {
    // The same tree again, on a fresh staging branch, carrying the gates that were red.
    const retry: PlannedTrial = { ...again, redBefore: failing };
    return { ledger: withSlot(ledger, { ...recorded, plan: [retry, ...later] }, update), ejected: [], retried: true };
  }
  let next = ledger;
  const ejected: Ejected[] = [];
  for (const id of decision.eject) {
    const request = mergeRequestOf(next.get(id) as Bead);
    if (request === undefined) continue;
    next = leaveQueue(recordTry(next, id, update.now), request.repo, request.number, { reason: "ejected", why: `failed: ${failing.join(", ") || "the gates"}`, now: update.now });
    next = owingSendBack(next, id, { why: "failed", red: update.verdict.red ?? failing.map((name) => ({ name })), ...(trial.stagingSha ? { staging_sha: trial.stagingSha } : {}) });
    ejected.push({ request, why: "failed" });
  }
  return {
    ledger: withSlot(next, { ...recorded, plan: decision.next, recent: remember(slot.recent, ejected.map(() => "ejected" as const)) }, update),
    ejected, retried: false,
  };
}

/** A landed merge request, for its digest and its pull request's comment. */
export interface Landed {
  readonly request: MergeRequest;
  /** Its work bead, closed now, when it had one. */
  readonly work?: Bead;
}

/**
 * The trial landed: each of its merge requests out of the queue as landed and its work bead
 * closed; a bisection's sibling, which now holds the culprit, bisected next.
 */
export function recordLanded(ledger: Ledger, update: TrialUpdate & { readonly where: string }): { ledger: Ledger; landed: Landed[] } {
  const slot = slotOf(ledger, update.repo, update.base);
  const trial = slot.trial;
  if (!sameTrial(slot, update.seen) || trial === undefined) return { ledger, landed: [] };
  let next = ledger;
  const landed: Landed[] = [];
  for (const request of trialRequests(ledger, trial)) {
    const out = landRequest(next, request, update);
    next = out.ledger;
    landed.push(out.landed);
  }
  const decision = afterTrial<string>({ prs: trial.prs, retries: 0, ...(trial.sibling ? { sibling: trial.sibling } : {}) }, true, slot.plan);
  return { ledger: withSlot(next, { ...withoutTrial(slot), plan: decision.next, recent: remember(slot.recent, landed.map(() => "landed" as const)) }, update), landed };
}

/** One merge request out of the queue as landed in `where`, and its work bead closed as merged. */
function landRequest(ledger: Ledger, request: MergeRequest, update: { readonly now: Date; readonly where: string }): { ledger: Ledger; landed: Landed } {
  const next = leaveQueue(ledger, request.repo, request.number, { reason: "landed", why: `landed in ${update.where}`, now: update.now });
  const work = request.bead === undefined ? undefined : next.get(request.bead);
  if (work === undefined || beadStatus(work) === "closed") return { ledger: next, landed: { request } };
  const now = timestamp(update.now);
  const closed: Bead = { ...work, status: "closed", closed_at: now, close_reason: "merged", updated_at: now };
  return { ledger: next.withBead(closed), landed: { request, work: closed } };
}

/** The trial's pull requests taken out of the queue by a person's hand on the refinery pull request. */
export function dequeueTrial(ledger: Ledger, update: TrialUpdate & { readonly why: string }): { ledger: Ledger; dequeued: MergeRequest[] } {
  const slot = slotOf(ledger, update.repo, update.base);
  const trial = slot.trial;
  if (!sameTrial(slot, update.seen) || trial === undefined) return { ledger, dequeued: [] };
  let next = ledger;
  const dequeued = trialRequests(ledger, trial);
  for (const request of dequeued) next = leaveQueue(next, request.repo, request.number, { reason: "dequeued", why: update.why, now: update.now });
  return { ledger: withSlot(next, withoutTrial(slot), update), dequeued };
}

function remember(recent: readonly QueueOutcome[], more: readonly QueueOutcome[]): QueueOutcome[] {
  return [...recent, ...more].slice(-RECENT_OUTCOMES);
}
