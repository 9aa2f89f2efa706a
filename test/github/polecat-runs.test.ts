// The polecat workflow's runs, against the emulator (which reads the workflow file from git,
// checks the inputs and renders run-name as GitHub does).
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { GitHubClient } from "../../app/github/github-client.js";
import {
  cancelRun, dispatchWorkflow, DispatchError, findRunByName, getRun, isLiveRun,
} from "../../app/github/polecat-runs.js";
import type { Emulator } from "../emulator/emulator.js";
import { octokitFor, startFixedEmulator } from "../emulator/testing.js";
import { POLECAT_WORKFLOW as POLECAT } from "../app/app-harness.js";

const TOWN = { owner: "octo", repo: "town" };
const WORKFLOW = "gastown-polecat.yml";
const inputs = (polecat: string, attempt: string) => ({ bead: "gt-1", molecule: "gt-mol-1", polecat, attempt, limits: '{"max_turns":80}' });

let github: Emulator;
let app: GitHubClient;

beforeEach(async () => {
  github = await startFixedEmulator();
  await github.addRepo({ owner: "octo", name: "town", files: { "README.md": "# Town\n", [`.github/workflows/${WORKFLOW}`]: POLECAT } });
  await github.addRepo({ owner: "octo", name: "bare", files: { "README.md": "# Bare\n" } });
  app = octokitFor(github, github.installationToken(github.install({ account: "octo" })));
});

afterEach(async () => {
  await github.close();
  expect(github.problems).toEqual([]);
});

const runs = () => github.state.repos["octo/town"]?.runs ?? [];

async function thrown(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected a rejection");
}

describe("dispatching the polecat workflow", () => {
  it("starts a run with the inputs and returns its id and page", async () => {
    const dispatched = await dispatchWorkflow(app, { ...TOWN, workflow: WORKFLOW, ref: "main", inputs: inputs("nux", "1") });

    expect(dispatched).toEqual({ runId: runs()[0]?.id, htmlUrl: `${github.urls.web}/octo/town/actions/runs/${runs()[0]?.id}` });
    expect(runs().map((r) => [r.event, r.headBranch, r.actor, r.inputs])).toEqual([
      ["workflow_dispatch", "main", "gastown[bot]", inputs("nux", "1")],
    ]);
  });

  it("gives no id when GitHub answers 204 without run details", async () => {
    // An older GitHub (Enterprise Server) ignores return_run_details.
    const older: GitHubClient = {
      request: async (route, parameters) => {
        const { return_run_details: _ignored, ...rest } = parameters ?? {};
        return app.request(route, rest);
      },
    };

    expect(await dispatchWorkflow(older, { ...TOWN, workflow: WORKFLOW, ref: "main", inputs: inputs("nux", "1") })).toEqual({});
    expect(runs()).toHaveLength(1);
  });

  it("names the missing workflow file when the repository has none (404)", async () => {
    const error = await thrown(dispatchWorkflow(app, { owner: "octo", repo: "bare", workflow: WORKFLOW, ref: "main", inputs: inputs("nux", "1") }));

    expect(error).toBeInstanceOf(DispatchError);
    expect(error).toMatchObject({
      status: 404,
      message: ".github/workflows/gastown-polecat.yml was not found on main in octo/bare (GitHub answered 404 Not Found): " +
        "add the polecat workflow there, or name another with polecat.workflow in .github/gastown.yml",
    });
  });

  it("says what GitHub refused when the workflow does not declare an input (422)", async () => {
    const error = await thrown(dispatchWorkflow(app, { ...TOWN, workflow: WORKFLOW, ref: "main", inputs: { ...inputs("nux", "1"), model: "opus" } }));

    expect(error).toBeInstanceOf(DispatchError);
    expect(error).toMatchObject({
      status: 422,
      message: 'GitHub refused to dispatch .github/workflows/gastown-polecat.yml on main in octo/town: Unexpected inputs provided: ["model"]. ' +
        "It must be on main with a workflow_dispatch trigger that declares the inputs bead, molecule, polecat, attempt, limits, model",
    });
    expect(runs()).toEqual([]);
  });

  it("lets other failures through as they are", async () => {
    github.inject({ kind: "status", status: 500, operationId: "actions/create-workflow-dispatch" });

    const error = await thrown(dispatchWorkflow(app, { ...TOWN, workflow: WORKFLOW, ref: "main", inputs: inputs("nux", "1") }));

    expect(error).not.toBeInstanceOf(DispatchError);
    expect(error).toMatchObject({ status: 500 });
  });
});

describe("finding a run", () => {
  it("by its run-name, exactly, the newest of those that match", async () => {
    const first = await dispatchWorkflow(app, { ...TOWN, workflow: WORKFLOW, ref: "main", inputs: inputs("nux", "1") });
    const again = await dispatchWorkflow(app, { ...TOWN, workflow: WORKFLOW, ref: "main", inputs: inputs("nux", "1") });
    await dispatchWorkflow(app, { ...TOWN, workflow: WORKFLOW, ref: "main", inputs: inputs("nux", "11") });
    github.resetCounters();

    const found = await findRunByName(app, { ...TOWN, workflow: WORKFLOW, name: "polecat nux · gt-1 · attempt 1" });
    const none = await findRunByName(app, { ...TOWN, workflow: WORKFLOW, name: "polecat nux · gt-1 · attempt 2" });

    expect(found).toEqual({
      id: again.runId,
      status: "queued",
      conclusion: null,
      html_url: again.htmlUrl,
      display_title: "polecat nux · gt-1 · attempt 1",
      created_at: "2025-06-01T12:00:00Z",
    });
    expect(found?.id).not.toBe(first.runId);
    expect(none).toBeUndefined();
    expect(github.counters["actions/list-workflow-runs"]?.requests).toBe(2);
  });

  it("finds none where the workflow is missing", async () => {
    expect(await findRunByName(app, { owner: "octo", repo: "bare", workflow: WORKFLOW, name: "polecat nux · gt-1 · attempt 1" })).toBeUndefined();
  });

  it("by id, undefined for one GitHub does not have", async () => {
    const { runId = 0 } = await dispatchWorkflow(app, { ...TOWN, workflow: WORKFLOW, ref: "main", inputs: inputs("nux", "1") });
    github.startJob("octo/town", runId, "polecat");

    const run = await getRun(app, { ...TOWN, runId });

    expect(run).toMatchObject({ id: runId, status: "in_progress", conclusion: null, display_title: "polecat nux · gt-1 · attempt 1" });
    expect(isLiveRun(run ?? { status: "" })).toBe(true);
    expect(await getRun(app, { ...TOWN, runId: 999_999 })).toBeUndefined();
  });
});

describe("cancelling a run", () => {
  it("cancels one still going, and says a finished or unknown one is not running", async () => {
    const live = await dispatchWorkflow(app, { ...TOWN, workflow: WORKFLOW, ref: "main", inputs: inputs("nux", "1") });
    const done = await dispatchWorkflow(app, { ...TOWN, workflow: WORKFLOW, ref: "main", inputs: inputs("slit", "1") });
    github.startJob("octo/town", live.runId ?? 0, "polecat");
    github.completeJob("octo/town", done.runId ?? 0, "polecat", "success");

    expect(await cancelRun(app, { ...TOWN, runId: live.runId ?? 0 })).toBe("cancelling");
    expect(await cancelRun(app, { ...TOWN, runId: done.runId ?? 0 })).toBe("not-running");
    expect(await cancelRun(app, { ...TOWN, runId: 999_999 })).toBe("not-running");
    expect(runs().map((r) => [r.id, r.status, r.conclusion])).toEqual([
      [live.runId, "completed", "cancelled"],
      [done.runId, "completed", "success"],
    ]);
  });
});

describe("a live run", () => {
  it.each([
    ["queued", true], ["in_progress", true], ["waiting", true], ["requested", true], ["pending", true],
    ["completed", false], ["", false],
  ])("%s → %s", (status, live) => {
    expect(isLiveRun({ status })).toBe(live);
  });
});
