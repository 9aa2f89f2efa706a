// The refinery's batching decisions: the failure rate it plans with, the batch size it picks, and
// the exact runs its bisection makes for a red batch, with and without flakes.
import { describe, expect, it } from "vitest";
import {
  afterTrial, bestBatchSize, estimateFailureRate, expectedRunsForBatch, expectedRunsPerLanded, firstHalf,
  redLikelyAFlake, nextTrial, retriesFor, secondHalf, type Trial,
} from "../../app/town/refinery-batching.js";

/** Follows the plan from `first` to its end against a CI where `red(tree)` says a run fails; the trees run, in order. */
function follow(first: Trial<string>, red: (tree: readonly string[], run: number) => boolean, confirmRetries = 0) {
  const runs: string[] = [];
  const landed: string[] = [];
  const ejected: string[] = [];
  let trials: readonly Trial<string>[] = [first];
  while (trials.length > 0) {
    const [trial, ...rest] = trials as [Trial<string>, ...Trial<string>[]];
    runs.push(trial.prs.join(""));
    const decision = afterTrial(trial, !red(trial.prs, runs.length), rest, confirmRetries);
    landed.push(...decision.land);
    ejected.push(...decision.eject);
    trials = decision.next;
  }
  return { runs, landed: landed.join(""), ejected: ejected.join("") };
}

const EIGHT = [..."abcdefgh"];

describe("the failure rate the refinery plans with", () => {
  it("is one in ten before any outcome, and moves towards the share ejected", () => {
    expect(estimateFailureRate([])).toBe(0.1);
    expect(estimateFailureRate(["ejected", "landed"])).toBe(2 / 12);
    expect(estimateFailureRate(Array<"landed">(90).fill("landed"))).toBe(1 / 100);
  });
});

describe("the batch size", () => {
  it("halves a batch with the larger half first", () => {
    expect(firstHalf([..."abcde"])).toEqual([..."abc"]);
    expect(secondHalf([..."abcde"])).toEqual([..."de"]);
  });

  it("costs exactly the runs of its plan: a red pair always takes two more runs", () => {
    expect(expectedRunsForBatch(1, 0.5, 0)).toBe(1);
    expect(expectedRunsForBatch(2, 0.5, 0)).toBe(2.5);
    // Red (7/8): test the first two; green (1/8 of reds), confirm the third; red, bisect them (2) and test the third.
    expect(expectedRunsForBatch(3, 0.5, 0)).toBeCloseTo(4.25, 12);
    expect(expectedRunsForBatch(2, 0.5, 1)).toBe(3.25);
    expect(expectedRunsForBatch(8, 0, 1)).toBe(1);
    expect(expectedRunsPerLanded(8, 0, 0)).toBe(1 / 8);
    expect(expectedRunsPerLanded(1, 0.3, 0)).toBeCloseTo(1 / 0.7, 12);
  });

  it("is the largest allowed when little fails, and one PR at a time when much does", () => {
    expect([0, 0.02, 0.1, 0.2, 0.3, 0.5].map((p) => bestBatchSize(p, 0.02, 8, 1))).toEqual([8, 8, 8, 4, 1, 1]);
    expect([0.02, 0.05, 0.1].map((p) => bestBatchSize(p, 0.02, 32, 1))).toEqual([32, 16, 8]);
    expect(bestBatchSize(1, 0, 8, 1)).toBe(1);
  });

  it("retries a red tree only when a flake is at least nine times likelier than a failure", () => {
    expect(redLikelyAFlake(1, 0.001, 0.02)).toBe(true);
    expect(redLikelyAFlake(1, 0.0022, 0.02)).toBe(true);
    expect(redLikelyAFlake(1, 0.0023, 0.02)).toBe(false);
    expect(redLikelyAFlake(1, 0.01, 0.02)).toBe(false);
    expect(redLikelyAFlake(8, 0.02, 0.02)).toBe(false);
    expect(retriesFor(1, 0.001, 0.02, 2)).toBe(2);
    expect(retriesFor(8, 0.02, 0.02, 2)).toBe(0);
  });

  it("takes the head of the queue, fewer when fewer are queued", () => {
    const inputs = { failureRate: 0.02, flakeRate: 0.02, maxBatch: 8, retriesForFlakes: 1 };
    expect(nextTrial([..."abcdefghij"], inputs)).toEqual({ prs: EIGHT, retries: 0 });
    expect(nextTrial([..."abc"], inputs)).toEqual({ prs: [..."abc"], retries: 0 });
    expect(nextTrial([..."abc"], { ...inputs, failureRate: 0.3 })).toEqual({ prs: ["a"], retries: 0 });
    expect(nextTrial([..."abc"], { ...inputs, failureRate: 0.0001 })).toEqual({ prs: [..."abc"], retries: 1 });
  });
});

describe("a red batch", () => {
  it("finds one bad PR of eight in five more runs, skipping the half that must hold it", () => {
    const result = follow({ prs: EIGHT, retries: 0 }, (tree) => tree.includes("f"));
    expect(result).toEqual({ runs: ["abcdefgh", "abcd", "ef", "e", "f", "gh"], landed: "abcdegh", ejected: "f" });
  });

  it("finds two bad PRs, testing afresh the half after a red one", () => {
    const result = follow({ prs: EIGHT, retries: 0 }, (tree) => tree.includes("b") || tree.includes("h"));
    expect(result).toEqual({ runs: ["abcdefgh", "abcd", "ab", "a", "b", "cd", "efgh", "ef", "g", "h"], landed: "acdefg", ejected: "bh" });
  });

  it("lands a flaky batch on its retry", () => {
    const result = follow({ prs: EIGHT, retries: 1 }, (_tree, run) => run === 1);
    expect(result).toEqual({ runs: ["abcdefgh", "abcdefgh"], landed: "abcdefgh", ejected: "" });
  });

  it("stays red on its retries when a PR is bad, then bisects", () => {
    const result = follow({ prs: [..."ab"], retries: 2 }, (tree) => tree.includes("a"));
    expect(result).toEqual({ runs: ["ab", "ab", "ab", "a", "b"], landed: "b", ejected: "a" });
  });

  it("ejects nobody when its red was a flake: the PR the bisection blames is run before it is ejected", () => {
    const result = follow({ prs: [..."abcd"], retries: 0 }, (_tree, run) => run === 1);
    expect(result).toEqual({ runs: ["abcd", "ab", "c", "d"], landed: "abcd", ejected: "" });
  });

  it("runs a lone PR's red tree again retries_for_flakes times before it is ejected, and not a batch's", () => {
    expect(follow({ prs: [..."abcd"], retries: 0 }, (tree) => tree.includes("c"), 1))
      .toEqual({ runs: ["abcd", "ab", "c", "c", "d"], landed: "abd", ejected: "c" });
    // A flake that blames a lone PR is found by its run again.
    expect(follow({ prs: ["a"], retries: 0 }, (_tree, run) => run === 1, 2)).toEqual({ runs: ["a", "a"], landed: "a", ejected: "" });
    expect(follow({ prs: ["a"], retries: 0 }, () => true, 2)).toEqual({ runs: ["a", "a", "a"], landed: "", ejected: "a" });
  });
});
