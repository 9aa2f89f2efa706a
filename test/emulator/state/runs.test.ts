// A run's life as pure transitions: the events each step emits and the status it leaves.
import { describe, expect, it } from "vitest";
import type { Actor } from "./events.js";
import type { EmulatorState, JobRecord } from "./model.js";
import { cancelRun, completeJob, createRun, rerunRun, runConclusion, startJob, DEFAULT_GITHUB_TOKEN_PERMISSIONS } from "./runs.js";
import { addRepo, initialState } from "./setup.js";

const AT = "2025-06-01T12:00:00Z";
const APP: Actor = { login: "gastown[bot]", via: "app" };

function stateWithRun(): { state: EmulatorState; runId: number } {
  let state = initialState({ id: 1, slug: "gastown", name: "Gas Town", owner: "dev", clientId: "c", publicKeyPem: "", webhookSecret: "s", permissions: {}, events: [] }, AT);
  state = addRepo(state, { owner: "octo", name: "town" }, AT);
  const commit = { id: "a".repeat(40), treeId: "b".repeat(40), message: "m", timestamp: AT, author: { name: "n", email: "e@x.y" }, committer: { name: "n", email: "e@x.y" } };
  const created = createRun(state, {
    repo: "octo/town",
    workflow: { path: ".github/workflows/p.yml", name: "P" },
    event: "workflow_dispatch",
    headBranch: "main",
    headSha: commit.id,
    actor: APP.login,
    displayTitle: "t",
    inputs: {},
    headCommit: commit,
    jobs: [{ key: "a", name: "A" }, { key: "b", name: "B" }],
    token: "ghs_run",
    tokenPermissions: DEFAULT_GITHUB_TOKEN_PERMISSIONS,
    cause: APP,
    at: AT,
  });
  if (!created.ok) throw new Error(created.message);
  return { state: created.state, runId: created.value.id };
}

const job = (conclusion: JobRecord["conclusion"]) => ({ conclusion }) as JobRecord;

describe("runConclusion", () => {
  it("lets a failure win, then a cancellation; all skipped is skipped; else success", () => {
    expect(runConclusion([job("success"), job("failure"), job("cancelled")])).toBe("failure");
    expect(runConclusion([job("success"), job("cancelled")])).toBe("cancelled");
    expect(runConclusion([job("skipped"), job("skipped")])).toBe("skipped");
    expect(runConclusion([job("success"), job("skipped")])).toBe("success");
  });
});

describe("a run's transitions", () => {
  it("reports in_progress once, at the first job's start, and completed after the last job", () => {
    const { state, runId } = stateWithRun();
    const first = startJob(state, "octo/town", runId, "a", AT);
    if (!first.ok) throw new Error(first.message);
    const second = startJob(first.state, "octo/town", runId, "b", AT);
    if (!second.ok) throw new Error(second.message);
    const doneA = completeJob(second.state, "octo/town", runId, "a", "success", "", AT);
    if (!doneA.ok) throw new Error(doneA.message);
    const doneB = completeJob(doneA.state, "octo/town", runId, "b", "success", "", AT);
    if (!doneB.ok) throw new Error(doneB.message);

    const actions = (events: { event: string; action?: string }[]) => events.map((e) => `${e.event}.${e.action ?? ""}`);
    expect(actions(first.events)).toEqual(["workflow_run.in_progress", "workflow_job.in_progress"]);
    expect(actions(second.events)).toEqual(["workflow_job.in_progress"]);
    expect(actions(doneA.events)).toEqual(["workflow_job.completed"]);
    expect(actions(doneB.events)).toEqual(["workflow_job.completed", "workflow_run.completed"]);
    expect(doneB.state.repos["octo/town"]?.runs[0]).toMatchObject({ status: "completed", conclusion: "success" });
    // The run's GITHUB_TOKEN ends with it.
    expect(doneB.state.tokens["ghs_run"]).toMatchObject({ expiresAt: AT });
    // The state given in is never changed.
    expect(state.repos["octo/town"]?.runs[0]?.status).toBe("queued");
  });

  it("refuses to start a job twice, to cancel a finished run, and to re-run one still going", () => {
    const { state, runId } = stateWithRun();
    const started = startJob(state, "octo/town", runId, "a", AT);
    if (!started.ok) throw new Error(started.message);

    expect(startJob(started.state, "octo/town", runId, "a", AT)).toMatchObject({ ok: false, status: 409 });
    expect(rerunRun(started.state, "octo/town", runId, APP, "ghs_2", AT)).toMatchObject({ ok: false, status: 403, message: "This workflow is already running" });
    const cancelled = cancelRun(started.state, "octo/town", runId, APP, AT);
    if (!cancelled.ok) throw new Error(cancelled.message);
    expect(cancelled.value).toMatchObject({ status: "completed", conclusion: "cancelled" });
    expect(cancelRun(cancelled.state, "octo/town", runId, APP, AT)).toMatchObject({ ok: false, status: 409 });
  });
});
