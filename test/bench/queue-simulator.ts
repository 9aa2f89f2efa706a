// A merge queue, simulated: pull requests arrive over time, some bad (a bad PR fails every CI run
// that holds it), every run may fail as a flake, every run takes one CI time T. Four strategies
// land them: a serial queue, bors' fixed batches with bisection, GitHub's merge groups, and the
// refinery's own (app/town/refinery-batching.ts). What each costs in CI runs per landed PR and in
// time to land is set against the information bound: finding which of N PRs fail, each failing
// with probability p, takes at least N·H(p) pass/fail answers, H the binary entropy.
// Pure and seeded: one scenario gives the same figures on every machine.
import {
  afterTrial, estimateFailureRate, firstHalf, nextTrial, secondHalf, worthConfirming, WRONG_EJECTION_RUNS, type QueueOutcome, type Trial, type TrialDecision,
} from "../../app/town/refinery-batching.js";
import { seededRandom } from "./synthetic-ledger.js";

export interface QueueScenario {
  /** How many PRs arrive. */
  readonly prs: number;
  /** The chance a PR is bad. */
  readonly failureRate: number;
  /** The chance a CI run fails on its own. */
  readonly flakeRate: number;
  /** Mean arrivals per CI time T (exponential gaps between them). */
  readonly arrivalsPerT: number;
  /** CI runs at once (only GitHub's merge groups use more than one). */
  readonly slots: number;
  /** bors' batch size, and the refinery's `refinery.batch`. */
  readonly batch: number;
  /** The refinery's `retries_for_flakes`. */
  readonly retriesForFlakes: number;
  readonly seed: number;
  /** PRs already queued when the simulation starts (the rest arrive after them); none unless given. */
  readonly queuedAtStart?: number;
}

export const STRATEGIES = ["serial", "bors", "merge-groups", "refinery"] as const;
export type Strategy = (typeof STRATEGIES)[number];

export interface StrategyResult {
  readonly strategy: Strategy;
  readonly ciRuns: number;
  readonly landed: number;
  readonly ejected: number;
  /** Good PRs ejected because a flake was taken for their failure. */
  readonly wronglyEjected: number;
  /** Bad PRs that landed: none, or the strategy is broken. */
  readonly badLanded: number;
  readonly runsPerLandedPr: number;
  /** CI runs and good PRs ejected, each of those counted as WRONG_EJECTION_RUNS runs, per landed PR. */
  readonly costPerLandedPr: number;
  readonly runsPerPr: number;
  /** From arrival to landing, in CI times T. */
  readonly meanTimeToLand: number;
  readonly p95TimeToLand: number;
}

interface Pr {
  readonly id: number;
  readonly arrival: number;
  readonly bad: boolean;
}

/** The binary entropy, in bits: the least pass/fail answers a PR needs, on average, at failure rate `p`. */
export function binaryEntropy(p: number): number {
  if (p <= 0 || p >= 1) return 0;
  return -p * Math.log2(p) - (1 - p) * Math.log2(1 - p);
}

/** The PRs of a scenario, in arrival order; the same for every strategy. */
export function arrivals(scenario: QueueScenario): readonly Pr[] {
  const random = seededRandom(scenario.seed);
  const prs: Pr[] = [];
  let time = 0;
  for (let id = 0; id < scenario.prs; id++) {
    const gap = -Math.log(1 - random()) / scenario.arrivalsPerT;
    if (id >= (scenario.queuedAtStart ?? 0)) time += gap;
    prs.push({ id, arrival: time, bad: random() < scenario.failureRate });
  }
  return prs;
}

/**
 * How long a good PR that a flake got ejected takes to come back, in CI times T: whoever it went
 * back to (its polecat, or a person) finds nothing wrong and queues it again. It still has to
 * land, so a strategy that ejects good PRs pays for it in runs and in time to land.
 */
export const REQUEUE_T = 2;

/** The PRs as they reach the queue: in arrival order, and good PRs ejected on a flake, back after REQUEUE_T. */
class Arrivals {
  private next = 0;
  private readonly back: { readonly pr: Pr; readonly at: number }[] = [];

  constructor(private readonly prs: readonly Pr[]) {}

  /** Moves into `queue` every PR that has reached it by `now`, in the order they did. */
  admit(queue: Pr[], now: number): void {
    for (;;) {
      const first = this.prs[this.next];
      const returning = this.back[0];
      const firstAt = first?.arrival ?? Infinity;
      const returningAt = returning?.at ?? Infinity;
      if (Math.min(firstAt, returningAt) > now) return;
      if (firstAt <= returningAt) {
        queue.push(first as Pr);
        this.next++;
      } else {
        queue.push((this.back.shift() as { pr: Pr }).pr);
      }
    }
  }

  /** When the next PR reaches the queue; Infinity when none will. */
  nextAt(): number {
    return Math.min(this.prs[this.next]?.arrival ?? Infinity, this.back[0]?.at ?? Infinity);
  }

  /** The good ones among `ejected` come back REQUEUE_T after `now`. */
  requeue(ejected: readonly Pr[], now: number): void {
    for (const pr of ejected) if (!pr.bad) this.back.push({ pr, at: now + REQUEUE_T });
  }
}

/** What happened to each PR, and the runs made. */
class Tally {
  runs = 0;
  readonly landedAt = new Map<number, number>();
  readonly ejected: Pr[] = [];
  readonly recent: QueueOutcome[] = [];

  land(prs: readonly Pr[], now: number): void {
    for (const pr of prs) {
      this.landedAt.set(pr.id, now - pr.arrival);
      this.recent.push("landed");
    }
  }

  eject(prs: readonly Pr[]): void {
    this.ejected.push(...prs);
    for (let n = 0; n < prs.length; n++) this.recent.push("ejected");
  }

  result(strategy: Strategy, all: readonly Pr[]): StrategyResult {
    const times = [...this.landedAt.values()].sort((a, b) => a - b);
    const landed = times.length;
    return {
      strategy,
      ciRuns: this.runs,
      landed,
      ejected: this.ejected.length,
      wronglyEjected: this.ejected.filter((pr) => !pr.bad).length,
      badLanded: all.filter((pr) => pr.bad && this.landedAt.has(pr.id)).length,
      runsPerLandedPr: landed === 0 ? Infinity : this.runs / landed,
      costPerLandedPr: landed === 0 ? Infinity : (this.runs + WRONG_EJECTION_RUNS * this.ejected.filter((pr) => !pr.bad).length) / landed,
      runsPerPr: this.runs / all.length,
      meanTimeToLand: landed === 0 ? NaN : times.reduce((sum, t) => sum + t, 0) / landed,
      p95TimeToLand: landed === 0 ? NaN : (times[Math.min(landed - 1, Math.ceil(0.95 * landed) - 1)] as number),
    };
  }
}

/** A strategy that makes one run at a time: which run starts a batch, and what follows a run. */
interface OneAtATime {
  start(queue: readonly Pr[], tally: Tally): Trial<Pr>;
  after(trial: Trial<Pr>, green: boolean, rest: readonly Trial<Pr>[], tally: Tally): TrialDecision<Pr>;
}

/** How many recent outcomes the refinery estimates its failure rate from. */
const RECENT_OUTCOMES = 50;

function oneAtATime(scenario: QueueScenario, strategy: Strategy): OneAtATime {
  switch (strategy) {
    case "serial":
      return { start: (queue) => ({ prs: queue.slice(0, 1), retries: 0 }), after: (trial, green, rest) => afterTrial(trial, green, rest) };
    case "bors":
      return { start: (queue) => ({ prs: queue.slice(0, scenario.batch), retries: 0 }), after: borsAfter };
    case "refinery":
      return {
        start: (queue, tally) => nextTrial(queue, {
          failureRate: estimateFailureRate(tally.recent.slice(-RECENT_OUTCOMES)),
          flakeRate: scenario.flakeRate,
          maxBatch: scenario.batch,
          retriesForFlakes: scenario.retriesForFlakes,
        }),
        after: (trial, green, rest, tally) => afterTrial(trial, green, rest,
          worthConfirming(estimateFailureRate(tally.recent.slice(-RECENT_OUTCOMES)), scenario.flakeRate) ? scenario.retriesForFlakes : 0),
      };
    default:
      throw new Error(`${strategy} runs more than one run at a time`);
  }
}

/** bors: a red batch is split in halves and each half is tested as a batch of its own. */
function borsAfter(trial: Trial<Pr>, green: boolean, rest: readonly Trial<Pr>[]): TrialDecision<Pr> {
  if (green) return { land: trial.prs, eject: [], next: rest };
  if (trial.prs.length === 1) return { land: [], eject: trial.prs, next: rest };
  const halves = [firstHalf(trial.prs), secondHalf(trial.prs)].map((prs) => ({ prs, retries: 0 }));
  return { land: [], eject: [], next: [...halves, ...rest] };
}

/** A queue that tests one tree at a time on top of what has landed: serial, bors, the refinery. */
function simulateOneAtATime(scenario: QueueScenario, strategy: Strategy, prs: readonly Pr[]): StrategyResult {
  const plan = oneAtATime(scenario, strategy);
  const flake = seededRandom(scenario.seed + 1);
  const tally = new Tally();
  const queue: Pr[] = [];
  const arrivals = new Arrivals(prs);
  let now = 0;
  let trials: readonly Trial<Pr>[] = [];
  for (;;) {
    arrivals.admit(queue, now);
    if (trials.length === 0) {
      if (queue.length === 0) {
        if (arrivals.nextAt() === Infinity) break;
        now = arrivals.nextAt();
        continue;
      }
      const trial = plan.start(queue, tally);
      queue.splice(0, trial.prs.length);
      trials = [trial];
    }
    const [trial, ...rest] = trials as [Trial<Pr>, ...Trial<Pr>[]];
    tally.runs++;
    const green = !trial.prs.some((pr) => pr.bad) && !(flake() < scenario.flakeRate);
    now += 1;
    const decision = plan.after(trial, green, rest, tally);
    tally.land(decision.land, now);
    tally.eject(decision.eject);
    arrivals.requeue(decision.eject, now);
    trials = decision.next;
  }
  return tally.result(strategy, prs);
}

interface InFlight {
  readonly pr: Pr;
  readonly finishAt: number;
  readonly flaky: boolean;
}

/**
 * GitHub's merge groups: each queued PR is tested on top of the PRs before it, up to `slots` at
 * once. The head's group finishes first (all runs take T); green, it lands; red, it is ejected
 * (GitHub does not retry) and every group after it, built on it, is cancelled and rebuilt. Its
 * cancelled runs count: they took a CI slot.
 */
function simulateMergeGroups(scenario: QueueScenario, prs: readonly Pr[]): StrategyResult {
  const flake = seededRandom(scenario.seed + 1);
  const tally = new Tally();
  const queue: Pr[] = [];
  const arrivals = new Arrivals(prs);
  let inFlight: InFlight[] = [];
  let now = 0;
  for (;;) {
    arrivals.admit(queue, now);
    while (inFlight.length < scenario.slots && queue.length > 0) {
      tally.runs++;
      inFlight.push({ pr: queue.shift() as Pr, finishAt: now + 1, flaky: flake() < scenario.flakeRate });
    }
    const nextArrival = arrivals.nextAt();
    const head = inFlight[0];
    if (!head) {
      if (nextArrival === Infinity) break;
      now = nextArrival;
      continue;
    }
    if (nextArrival < head.finishAt && inFlight.length < scenario.slots) {
      now = nextArrival;
      continue;
    }
    now = head.finishAt;
    if (head.pr.bad || head.flaky) {
      tally.eject([head.pr]);
      arrivals.requeue([head.pr], now);
      queue.unshift(...inFlight.slice(1).map((entry) => entry.pr));
      inFlight = [];
    } else {
      tally.land([head.pr], now);
      inFlight = inFlight.slice(1);
    }
  }
  return tally.result("merge-groups", prs);
}

/** One strategy's figures for a scenario. */
export function simulateQueue(scenario: QueueScenario, strategy: Strategy): StrategyResult {
  const prs = arrivals(scenario);
  return strategy === "merge-groups" ? simulateMergeGroups(scenario, prs) : simulateOneAtATime(scenario, strategy, prs);
}
