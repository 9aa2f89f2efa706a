// The merge queue simulator's invariants (test/bench/queue-simulator.ts): the same scenario gives
// the same figures, no strategy lands a bad PR, and with nothing failing each strategy makes
// exactly the runs its design says.
import { describe, expect, it } from "vitest";
import { arrivals, binaryEntropy, simulateQueue, STRATEGIES, type QueueScenario } from "../bench/queue-simulator.js";

const SCENARIO: QueueScenario = {
  prs: 300, failureRate: 0.1, flakeRate: 0.02, arrivalsPerT: 2, slots: 4, batch: 8, retriesForFlakes: 1, seed: 5,
};
/** Every PR queued at once, nothing failing. */
const ALL_AT_ONCE: QueueScenario = { ...SCENARIO, prs: 20, failureRate: 0, flakeRate: 0, queuedAtStart: 20 };

describe("the queue simulator", () => {
  it("gives the same figures for the same seed, and others for another", () => {
    for (const strategy of STRATEGIES) expect(simulateQueue(SCENARIO, strategy)).toEqual(simulateQueue(SCENARIO, strategy));
    expect(simulateQueue({ ...SCENARIO, seed: 6 }, "bors")).not.toEqual(simulateQueue(SCENARIO, "bors"));
  });

  it("never lands a bad PR; every good PR lands, one a flake ejected once it comes back", () => {
    const harsh = { ...SCENARIO, failureRate: 0.4, flakeRate: 0.1 };
    const bad = arrivals(harsh).filter((pr) => pr.bad).length;
    for (const strategy of STRATEGIES) {
      const result = simulateQueue(harsh, strategy);
      expect(result.badLanded).toBe(0);
      expect(result.landed).toBe(harsh.prs - bad);
      expect(result.ejected - result.wronglyEjected).toBe(bad);
    }
  });

  it("with nothing failing, lands all: one run a PR serially or in merge groups, one a batch in batches", () => {
    const runs = Object.fromEntries(STRATEGIES.map((strategy) => {
      const result = simulateQueue(ALL_AT_ONCE, strategy);
      expect([result.landed, result.ejected, result.wronglyEjected]).toEqual([20, 0, 0]);
      return [strategy, result.ciRuns];
    }));
    expect(runs).toEqual({ serial: 20, bors: Math.ceil(20 / 8), "merge-groups": 20, refinery: Math.ceil(20 / 8) });
  });

  it("lands in one T a PR serially, in slots at once in merge groups", () => {
    expect(simulateQueue(ALL_AT_ONCE, "serial").meanTimeToLand).toBeCloseTo(10.5, 6);
    expect(simulateQueue(ALL_AT_ONCE, "merge-groups").meanTimeToLand).toBeCloseTo(3, 6);
    expect(simulateQueue(ALL_AT_ONCE, "bors").p95TimeToLand).toBeCloseTo(3, 6);
  });

  it("ejects no good PR without flakes", () => {
    for (const strategy of STRATEGIES) expect(simulateQueue({ ...SCENARIO, flakeRate: 0 }, strategy).wronglyEjected).toBe(0);
  });

  it("bounds CI runs per PR below by the binary entropy", () => {
    expect(binaryEntropy(0.5)).toBe(1);
    expect(binaryEntropy(0)).toBe(0);
    expect(binaryEntropy(0.1)).toBeCloseTo(0.469, 3);
    for (const strategy of STRATEGIES) expect(simulateQueue({ ...SCENARIO, flakeRate: 0 }, strategy).runsPerPr).toBeGreaterThan(binaryEntropy(0.1));
  });
});
