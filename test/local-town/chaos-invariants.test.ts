// The chaos run's pure parts: the schedule a seed gives, and the invariant checks over a ledger's
// history, pull requests and outcomes (local-town/chaos/).
import { describe, expect, it } from "vitest";
import { brokenInvariants, type LedgerCommit } from "../../local-town/chaos/invariants.js";
import { chaosSchedule, describeFault } from "../../local-town/chaos/schedule.js";

const commit = (sha: string, subject: string, beads: Record<string, [string, string?]>, problems: string[] = []): LedgerCommit => ({
  sha, subject, problems, beads: Object.fromEntries(Object.entries(beads).map(([id, [status, type]]) => [id, { status, type: type ?? "task" }])),
});

const healthy = {
  slung: [{ number: 1, outcome: "merged" as const }, { number: 2, outcome: "escalated" as const }],
  history: [
    commit("a".repeat(40), "Sling #1", { "t-1": ["hooked"], "t-mr": ["open", "merge-request"] }),
    commit("b".repeat(40), "t-1: step implement done by polecat nux, attempt 1", { "t-1": ["hooked"], "t-1.1": ["closed"], "t-mr": ["closed", "merge-request"] }),
    commit("c".repeat(40), "Queue #5 again", { "t-1": ["closed"], "t-1.1": ["closed"], "t-mr": ["open", "merge-request"] }),
  ],
  pulls: [{ number: 5, headRef: "polecat/nux/t-1" }, { number: 6, headRef: "gastown-refinery/main/1" }, { number: 7, headRef: "gastown-refinery/main/2" }],
  githubProblems: [],
};

describe("the chaos invariants", () => {
  it("find nothing broken in a town that converged, a merge request queued again included", () => {
    expect(brokenInvariants(healthy)).toEqual([]);
  });

  it("say each thing lost: an issue left open, a bad ledger, a second pull request, a bead reopened, a step redone, GitHub's problem", () => {
    const broken = brokenInvariants({
      slung: [{ number: 1, outcome: "merged" }, { number: 3, outcome: "open" }],
      history: [
        ...healthy.history,
        commit("d".repeat(40), "t-1: step implement done by polecat nux, attempt 1", { "t-1": ["hooked"], "t-1.1": ["closed"] }, ["issues.jsonl:2: id: t-1 is already on line 1"]),
      ],
      pulls: [...healthy.pulls, { number: 9, headRef: "polecat/slit/t-1" }],
      githubProblems: ["webhook breaks the contract: payload"],
    });
    expect(broken).toEqual([
      "issue #3 neither merged nor escalated",
      "the ledger is invalid at ddddddd (t-1: step implement done by polecat nux, attempt 1): issues.jsonl:2: id: t-1 is already on line 1",
      "2 pull requests for t-1: #5, #9",
      "t-1 reopened (hooked) by ddddddd (t-1: step implement done by polecat nux, attempt 1)",
      "ddddddd (t-1: step implement done by polecat nux, attempt 1) closes no step: the step was done before",
      "GitHub's problem: webhook breaks the contract: payload",
    ]);
  });
});

describe("the chaos schedule", () => {
  it("is the same for the same seed, and another for another", () => {
    expect(chaosSchedule(7)).toEqual(chaosSchedule(7));
    expect(chaosSchedule(8)).not.toEqual(chaosSchedule(7));
  });

  it("keeps its faults within the window, in time order, as many as asked", () => {
    const schedule = chaosSchedule(3, { windowMs: 1_000, faults: [5, 5] });
    expect(schedule).toHaveLength(5);
    expect(schedule.every((s) => s.atMs >= 0 && s.atMs < 1_000)).toBe(true);
    expect(schedule.map((s) => s.atMs)).toEqual([...schedule.map((s) => s.atMs)].sort((a, b) => a - b));
  });

  it("throws every kind of fault across a few seeds", () => {
    const kinds = new Set([1, 2, 3, 4, 5].flatMap((seed) => chaosSchedule(seed)).map((s) => (s.fault.kind === "github" ? s.fault.fault.kind : s.fault.kind)));
    expect([...kinds].sort()).toEqual(["drop-delivery", "duplicate-delivery", "kill-job", "lost-race", "restart-app", "secondary-rate-limit", "status"]);
  });

  it("describes a fault in a line", () => {
    expect(describeFault({ kind: "github", fault: { kind: "status", status: 502, operationId: "git/update-ref", times: 2 } })).toBe("status (status 502, operationId git/update-ref) ×2");
    expect(describeFault({ kind: "restart-app" })).toBe("the App restarted");
  });
});
