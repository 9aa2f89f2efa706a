// The refinery's batching, as pure decisions: how many queued pull requests to test together, and,
// when a batch is red, what to test next until each PR has landed or been ejected. The batch size
// adapts to the recent failure rate: with few failures a big batch lands many PRs on one CI run;
// with many, a batch is mostly red and its bisection costs more than testing PRs one by one. The
// size chosen is the one that needs the fewest expected CI runs per landed PR (flakes aside) under
// the plan `afterTrial` follows, so the two stay one strategy (the queue simulator,
// test/bench/queue-simulator.ts, measures it against bors, GitHub's merge groups and the bound).

/** What the refinery assumes of a queue it knows nothing about yet: one PR in ten fails. */
const PRIOR_FAILURE_RATE = 0.1;
/** How many PRs' worth of belief that prior carries, so a few outcomes move it but do not rule it. */
const PRIOR_WEIGHT = 10;

/** What became of a PR that left the queue. */
export type QueueOutcome = "landed" | "ejected";

/**
 * The failure rate to plan with, from the outcomes of recently finished PRs (any window the caller
 * keeps): the share ejected, pulled towards one in ten while there are few outcomes.
 */
export function estimateFailureRate(recent: readonly QueueOutcome[]): number {
  const ejected = recent.filter((outcome) => outcome === "ejected").length;
  return (ejected + PRIOR_FAILURE_RATE * PRIOR_WEIGHT) / (recent.length + PRIOR_WEIGHT);
}

/** What the refinery assumes of gates it knows nothing about yet: one run in fifty flakes. */
const PRIOR_FLAKE_RATE = 0.02;
/** How many runs' worth of belief that prior carries. */
const PRIOR_FLAKE_WEIGHT = 50;

/** The flake rate to plan with: flakes seen over runs made, pulled towards one in fifty while there are few. */
export function estimateFlakeRate(flakes: number, runs: number): number {
  return (flakes + PRIOR_FLAKE_RATE * PRIOR_FLAKE_WEIGHT) / (runs + PRIOR_FLAKE_WEIGHT);
}

/**
 * What ejecting a good PR costs, in CI runs: it goes back to an agent (a run of a model on a
 * runner, longer than a CI run, for a fix it does not need) or to a person, comes back, and is
 * tested again later.
 */
export const WRONG_EJECTION_RUNS = 10;

/**
 * Whether a lone PR's red run is worth running again before the PR is ejected: when the chance
 * that it was a flake, at failure rate `p` and flake rate `flakeRate`, times what ejecting a good
 * PR costs, is more than two runs. Two, not one: a lone PR is mostly run because its batch was
 * red, which makes its own red likelier real than its rate alone says (the queue simulator finds
 * one run too low a bar). Often, then, where PRs seldom fail; not where a red is nearly always real.
 */
export function worthConfirming(p: number, flakeRate: number): boolean {
  const flaked = (1 - p) * flakeRate;
  return flaked + p === 0 ? false : (flaked / (flaked + p)) * WRONG_EJECTION_RUNS > 2;
}

/** The first half of a group to bisect (the larger when odd), tested first. */
export function firstHalf<T>(group: readonly T[]): readonly T[] {
  return group.slice(0, Math.ceil(group.length / 2));
}

/** The rest of a group to bisect. */
export function secondHalf<T>(group: readonly T[]): readonly T[] {
  return group.slice(Math.ceil(group.length / 2));
}

/**
 * Expected CI runs to find the failing PRs of a group of `size` known to hold at least one (it was
 * red), each PR failing independently with probability `p`, under `afterTrial`'s plan: test the
 * first half; if it is green, the culprit is in the second half, which is bisected at once without
 * a run of its own (a single PR gets one run to confirm it before it is ejected); if it is red,
 * bisect it, then test the second half as a fresh group.
 */
function runsToBisect(size: number, p: number): number {
  if (size <= 1) return 0;
  const q = 1 - p;
  const first = Math.ceil(size / 2);
  const second = size - first;
  const firstGreen = q ** first * (1 - q ** second);
  const firstRed = 1 - q ** first;
  const inferred = second === 1 ? 1 : runsToBisect(second, p);
  const fresh = 1 + (1 - q ** second) * runsToBisect(second, p);
  return 1 + (firstGreen * inferred + firstRed * (runsToBisect(first, p) + fresh)) / (1 - q ** size);
}

/**
 * How much likelier than a failure a flake must be before a red tree is run again. A retry of a
 * real failure is a run spent for nothing, while a bisection finds a flake anyway (the half it
 * blames tests green, and a single PR is run on its own before it is ejected), so a retry must
 * be nearly sure to pay: nine to one.
 */
const FLAKE_ODDS_TO_RETRY = 9;

/**
 * Whether a red batch of `size` is so much likelier a flake than a failure, at failure rate `p`
 * and flake rate `flakeRate` (the ledger's record of flaky gates), that running the same tree
 * again is cheaper than bisecting it.
 */
export function redLikelyAFlake(size: number, p: number, flakeRate: number): boolean {
  const allGood = (1 - p) ** size;
  return allGood * flakeRate > FLAKE_ODDS_TO_RETRY * (1 - allGood);
}

/** How many times a red batch's tree is run again before bisecting: `retriesForFlakes` when the red is likely a flake, else none. */
export function retriesFor(size: number, p: number, flakeRate: number, retriesForFlakes: number): number {
  return redLikelyAFlake(size, p, flakeRate) ? retriesForFlakes : 0;
}

/**
 * Expected CI runs for a batch of `size` at failure rate `p`: one run, and when it is red the
 * `retries` runs of the same tree (a real failure stays red) and the bisection.
 */
export function expectedRunsForBatch(size: number, p: number, retries: number): number {
  const red = 1 - (1 - p) ** size;
  return 1 + (red === 0 ? 0 : red * (retries + runsToBisect(size, p)));
}

/** Expected CI runs per landed PR for a batch of `size`: its runs over the good PRs it holds. */
export function expectedRunsPerLanded(size: number, p: number, retries: number): number {
  return expectedRunsForBatch(size, p, retries) / (size * (1 - p));
}

/**
 * The batch size, from 1 to `maxBatch`, with the fewest expected CI runs per landed PR at failure
 * rate `p` and flake rate `flakeRate`; the smaller size on a tie, since a smaller batch lands sooner.
 */
export function bestBatchSize(p: number, flakeRate: number, maxBatch: number, retriesForFlakes: number): number {
  if (p >= 1) return 1;
  const cost = (size: number) => expectedRunsPerLanded(size, p, retriesFor(size, p, flakeRate, retriesForFlakes));
  let best = 1;
  for (let size = 2; size <= maxBatch; size++) if (cost(size) < cost(best) - 1e-12) best = size;
  return best;
}

/** The refinery's settings and estimates a batch is chosen from. */
export interface BatchingInputs {
  /** The recent failure rate (`estimateFailureRate`). */
  readonly failureRate: number;
  /** The flake rate of the gates, as the ledger records them. */
  readonly flakeRate: number;
  /** `refinery.batch`: the most PRs in one batch. */
  readonly maxBatch: number;
  /** `refinery.retries_for_flakes`. */
  readonly retriesForFlakes: number;
}

/**
 * The first run of the next batch: the head of the queue (in queue order), as many as
 * `bestBatchSize` says, fewer when fewer are queued (waiting for a full batch would hold up those
 * already there), with its retries for flakes.
 */
export function nextTrial<T>(queue: readonly T[], inputs: BatchingInputs): Trial<T> {
  const { failureRate, flakeRate, maxBatch, retriesForFlakes } = inputs;
  const batch = queue.slice(0, bestBatchSize(failureRate, flakeRate, maxBatch, retriesForFlakes));
  return { prs: batch, retries: retriesFor(batch.length, failureRate, flakeRate, retriesForFlakes) };
}

/** One CI run to make: a tree of the base and these PRs. */
export interface Trial<T> {
  readonly prs: readonly T[];
  /** Runs of this same tree still allowed when it is red, to tell a flake from a failure. */
  readonly retries: number;
  /** PRs whose parent tree was red: if this tree is green, the culprit is among them. */
  readonly sibling?: readonly T[];
  /** This same tree was red before: this run is a retry. */
  readonly rerun?: boolean;
}

/** What a finished run decides: PRs to land now, PRs to eject, and the runs still to make in order. */
export interface TrialDecision<T> {
  readonly land: readonly T[];
  readonly eject: readonly T[];
  readonly next: readonly Trial<T>[];
}

/** The runs that find the culprit in a group known to hold one: its first half, the rest as its sibling. */
function bisect<T>(group: readonly T[]): Trial<T>[] {
  if (group.length === 1) return [{ prs: group, retries: 0 }];
  return [{ prs: firstHalf(group), retries: 0, sibling: secondHalf(group) }];
}

/**
 * After a run of `trial` (`rest` the runs planned after it): green lands its PRs, and when its
 * parent was red the sibling holds the culprit, so the sibling is bisected without a run of its own
 * (a single PR gets one run: one red run of its own is the evidence it is ejected on). Red with
 * retries left runs the same tree again; so does a lone PR's first red, `confirmRetries` times
 * (`refinery.retries_for_flakes`, when `worthConfirming` says a flake is likely enough that one
 * more run is cheaper than ejecting a good PR). Red otherwise ejects a single PR, or bisects the group, with the
 * sibling, no longer known to hold a culprit, tested afresh after it.
 */
export function afterTrial<T>(trial: Trial<T>, green: boolean, rest: readonly Trial<T>[], confirmRetries = 0): TrialDecision<T> {
  if (green) {
    const inferred = trial.sibling ? bisect(trial.sibling) : [];
    return { land: trial.prs, eject: [], next: [...inferred, ...rest] };
  }
  const retries = trial.prs.length === 1 && trial.rerun !== true ? Math.max(trial.retries, confirmRetries) : trial.retries;
  if (retries > 0) return { land: [], eject: [], next: [{ ...trial, retries: retries - 1, rerun: true }, ...rest] };
  const fresh: Trial<T>[] = trial.sibling ? [{ prs: trial.sibling, retries: 0 }] : [];
  if (trial.prs.length === 1) return { land: [], eject: trial.prs, next: [...fresh, ...rest] };
  return { land: [], eject: [], next: [...bisect(trial.prs), ...fresh, ...rest] };
}
