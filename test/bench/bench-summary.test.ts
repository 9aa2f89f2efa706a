import { describe, expect, it } from "vitest";
import { benchRow, benchTable, benchVerdict } from "./bench-summary.js";

describe("the bench's one table", () => {
  it("reads each bench's lines into figure, ratio, target and result", () => {
    const rows = [
      benchRow("ledger", { case: "load+validate", beads: 100000, ms: 1300.5, bare_parse_ms: 800, ratio: 1.63, target: "<= 3x bare parse", result: "pass" }),
      benchRow("ledger", { case: "fmt", beads: 100000, ms: 1700, ratio: 2.2, target: "(no target)" }),
      benchRow("sling", { case: "sling, ledger of 0 beads", requests: 16, minimum_requests: 16, ratio: 1, target: "<= 1.5x minimum", result: "pass" }),
      benchRow("sling", { case: "first sling", error: "the dispatch failed", requests: 4, minimum_requests: 13, ratio: null, target: "<= 1.5x minimum", result: "fail" }),
      benchRow("mirror-drift", { case: "drift pass after one edit", requests: 11, charged_to_rate_limit: 9, at_most: 11, target: "one commit", result: "pass" }),
      benchRow("webhooks", { case: "webhooks, requests by kind", kind: "issues.opened", requests: 3, minimum: 3, target: "= minimum", result: "pass" }),
      benchRow("polecat", { case: "polecat run of 1 step", rest_requests: 24, rest_minimum: 24, git_requests: 13, git_minimum: 12, target: "the listed minimum, no more", result: "fail" }),
      benchRow("queue", { case: "merge queue", p: 0.1, arrivals_per_T: 2, strategy: "refinery", runs_per_landed_pr: 0.667, runs_per_pr: 0.6, bound_runs_per_pr: 0.469, mean_T_to_land: 89.3 }),
      benchRow("sandbox", { case: "start-up", runs: 15, sandboxed_median_ms: 304.2, plain_median_ms: 3.4, target: "(no target)" }),
    ];
    expect(benchTable(rows)).toBe([
      "| bench | case | figure | ratio | target | result |",
      "|---|---|---|---|---|---|",
      "| ledger | load+validate | 1300.5 ms | 1.63x | <= 3x bare parse | pass |",
      "| ledger | fmt | 1700 ms | 2.2x |  | - |",
      "| sling | sling, ledger of 0 beads | 16 requests (minimum 16) | 1x | <= 1.5x minimum | pass |",
      "| sling | first sling | error: the dispatch failed | 0.31x | <= 1.5x minimum | fail |",
      "| mirror-drift | drift pass after one edit | 11 requests (at most 11), 9 charged | 1x | one commit | pass |",
      "| webhooks | webhooks, requests by kind: issues.opened | 3 requests (minimum 3) | 1x | = minimum | pass |",
      "| polecat | polecat run of 1 step | 24 REST + 13 git requests (minimum 24 + 12) | 1.03x | the listed minimum, no more | fail |",
      "| queue | merge queue, 2 PRs per CI time, 10% failing | refinery: 0.667 CI runs per landed PR, mean 89.3 T to land | 1.28x the H(p) bound |  | - |",
      "| sandbox | start-up | 304.2 ms sandboxed, 3.4 ms plainly |  |  | - |",
    ].join("\n"));
    expect(benchVerdict(rows)).toEqual({ passed: false, failed: ["sling: first sling", "polecat: polecat run of 1 step"] });
  });

  it("fails a case that ended in an error whatever it says, and passes a run with no failing case", () => {
    expect(benchRow("sling", { case: "x", error: "boom", result: "pass" }).result).toBe("fail");
    expect(benchVerdict([benchRow("ledger", { case: "fmt", ms: 1, target: "(no target)" })])).toEqual({ passed: true, failed: [] });
  });

  it("keeps a `|` in a case from breaking the table", () => {
    expect(benchTable([benchRow("b", { case: "a | b", ms: 1 })]).split("\n")[2]).toBe("| b | a \\| b | 1 ms |  |  | - |");
  });
});
