// `npm run bench`, the merge queue's part: the queue simulator (queue-simulator.ts) at three
// failure rates and two loads (half a PR per CI time T, and two: more than a queue testing PRs one
// by one can keep up with), one JSON line per load, failure rate and strategy, set against the
// information bound H(p) runs per PR. A good PR ejected on a flake comes back (queue-simulator.ts
// REQUEUE_T) and costs what sending it back costs (WRONG_EJECTION_RUNS): the refinery's strategy
// must cost no more per landed PR than bors' fixed batches at every rate, and land no bad PR; the
// bench fails otherwise.
import { binaryEntropy, simulateQueue, STRATEGIES, type QueueScenario, type StrategyResult } from "./queue-simulator.js";

const FAILURE_RATES = [0.02, 0.1, 0.3];
const LOADS = [0.5, 2];
const BASE: Omit<QueueScenario, "failureRate" | "arrivalsPerT"> = {
  prs: 20_000, flakeRate: 0.02, slots: 4, batch: 8, retriesForFlakes: 1, seed: 17,
};

const round = (n: number, places = 3) => Math.round(n * 10 ** places) / 10 ** places;

const failures: string[] = [];
for (const [arrivalsPerT, failureRate] of LOADS.flatMap((load) => FAILURE_RATES.map((p) => [load, p] as const))) {
  const scenario = { ...BASE, failureRate, arrivalsPerT };
  const results = new Map<string, StrategyResult>();
  for (const strategy of STRATEGIES) {
    const result = simulateQueue(scenario, strategy);
    results.set(strategy, result);
    console.log(JSON.stringify({
      case: "merge queue", p: failureRate, f: scenario.flakeRate, strategy, prs: scenario.prs, arrivals_per_T: scenario.arrivalsPerT,
      slots: strategy === "merge-groups" ? scenario.slots : 1, ci_runs: result.ciRuns, landed: result.landed,
      runs_per_landed_pr: round(result.runsPerLandedPr), cost_per_landed_pr: round(result.costPerLandedPr), runs_per_pr: round(result.runsPerPr), bound_runs_per_pr: round(binaryEntropy(failureRate)),
      mean_T_to_land: round(result.meanTimeToLand, 1), p95_T_to_land: round(result.p95TimeToLand, 1),
      wrongly_ejected: result.wronglyEjected, bad_landed: result.badLanded,
    }));
  }
  const refinery = results.get("refinery") as StrategyResult;
  const bors = results.get("bors") as StrategyResult;
  if (refinery.costPerLandedPr > bors.costPerLandedPr) failures.push(`${arrivalsPerT}/T, p=${failureRate}: refinery costs ${round(refinery.costPerLandedPr)} runs per landed PR, bors ${round(bors.costPerLandedPr)}`);
  for (const result of results.values()) if (result.badLanded > 0) failures.push(`${arrivalsPerT}/T, p=${failureRate}: ${result.strategy} landed ${result.badLanded} bad PRs`);
}
if (failures.length > 0) process.exitCode = 1;
console.log(JSON.stringify({
  case: "merge queue: the refinery costs no more per landed PR than bors (a good PR ejected counts as a fix), and lands no bad PR",
  result: failures.length === 0 ? "pass" : "fail", failures,
}));
