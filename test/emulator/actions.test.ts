// GitHub Actions: dispatches with inputs and run-name, runs whose jobs the test advances,
// logs, cancel, re-run, the webhooks of each step, and which events start runs at all.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Emulator } from "./emulator.js";
import { CANCEL_GRACE_MINUTES } from "./state/runs.js";
import { call, repoDeliveries, gitClient, startFixedEmulator } from "./testing.js";

const POLECAT = `name: Gas Town polecat
run-name: polecat \${{ inputs.polecat }} · \${{ inputs.bead }} · attempt \${{ inputs.attempt }}
on:
  workflow_dispatch:
    inputs:
      bead: { required: true }
      polecat: { required: true }
      attempt: { required: true }
      limits: { required: false, default: "{}" }
jobs:
  work:
    name: Polecat
    runs-on: ubuntu-latest
    steps: [{ run: "true" }]
  report:
    runs-on: ubuntu-latest
    steps: [{ run: "true" }]
`;

const TRIGGERED = `name: Triggered
on:
  push:
    branches: [main]
  issues:
    types: [opened]
  repository_dispatch:
    types: [gastown.mail]
jobs:
  react:
    runs-on: ubuntu-latest
    steps: [{ run: "true" }]
`;

let github: Emulator;
let token: string;

beforeEach(async () => {
  github = await startFixedEmulator();
  await github.addRepo({
    owner: "octo",
    name: "town",
    files: { "README.md": "# Town\n", ".github/workflows/gastown-polecat.yml": POLECAT, ".github/workflows/triggered.yml": TRIGGERED },
  });
  token = github.installationToken(github.install({ account: "octo" }));
});

afterEach(async () => {
  await github.close();
  expect(github.problems).toEqual([]);
});

const INPUTS = { bead: "gt-1", polecat: "nux", attempt: "1" };

async function dispatch(inputs: Record<string, unknown> = INPUTS, as = token): Promise<{ status: number; body: Record<string, unknown> }> {
  const answer = await call(github, "POST", "/repos/octo/town/actions/workflows/gastown-polecat.yml/dispatches", {
    token: as,
    body: { ref: "main", inputs, return_run_details: true },
  });
  return { status: answer.status, body: answer.body as Record<string, unknown> };
}

const runs = () => github.state.repos["octo/town"]?.runs ?? [];
const webhooks = () => repoDeliveries(github).map((d) => `${d.event}.${d.action ?? ""}`);

describe("workflow_dispatch", () => {
  // https://docs.github.com/en/rest/actions/workflows#create-a-workflow-dispatch-event
  it("starts a run and returns its id and URLs when asked, with run-name rendered", async () => {
    const answer = await dispatch();
    await github.settled();
    const id = answer.body["workflow_run_id"] as number;

    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      workflow_run_id: id,
      run_url: `${github.urls.api}/repos/octo/town/actions/runs/${id}`,
      html_url: `${github.urls.web}/octo/town/actions/runs/${id}`,
    });
    const run = (await call(github, "GET", `/repos/octo/town/actions/runs/${id}`, { token })).body;
    expect(run).toMatchObject({
      id,
      name: "Gas Town polecat",
      display_title: "polecat nux · gt-1 · attempt 1",
      event: "workflow_dispatch",
      status: "queued",
      conclusion: null,
      head_branch: "main",
      run_number: 1,
      run_attempt: 1,
      path: ".github/workflows/gastown-polecat.yml",
      actor: { login: "gastown[bot]" },
    });
    expect(runs()[0]?.inputs).toEqual({ bead: "gt-1", polecat: "nux", attempt: "1", limits: "{}" });
    expect(webhooks()).toEqual(["workflow_run.requested", "workflow_job.queued", "workflow_job.queued"]);
  });

  it("answers 204 and no body without return_run_details", async () => {
    const answer = await call(github, "POST", "/repos/octo/town/actions/workflows/gastown-polecat.yml/dispatches", { token, body: { ref: "main", inputs: INPUTS } });

    expect([answer.status, answer.body]).toEqual([204, ""]);
    expect(runs()).toHaveLength(1);
  });

  it.each([
    ["an input the workflow does not declare", { ...INPUTS, model: "x" }, 'Unexpected inputs provided: ["model"]'],
    ["a required input left out", { bead: "gt-1", polecat: "nux" }, "Required input 'attempt' not provided"],
    ["an input that is not a string", { ...INPUTS, attempt: 1 }, "Invalid request.\n\nFor 'properties/attempt', 1 is not a string."],
  ])("refuses %s with 422", async (_name, inputs, message) => {
    const answer = await dispatch(inputs);

    expect([answer.status, answer.body["message"]]).toEqual([422, message]);
    expect(runs()).toEqual([]);
  });

  it("refuses more than 25 inputs (GitHub's schema says so; the emulator reports the breach)", async () => {
    const inputs = Object.fromEntries(Array.from({ length: 26 }, (_, i) => [`input${i}`, "x"]));
    const answer = await dispatch(inputs);

    expect(answer.status).toBe(422);
    expect(github.problems).toHaveLength(1);
    expect(github.problems[0]).toContain("/inputs must NOT have more than 25 properties");
    github.problems.length = 0;
  });

  it("refuses a workflow without the trigger, an unknown ref and an unknown workflow", async () => {
    const noTrigger = await call(github, "POST", "/repos/octo/town/actions/workflows/triggered.yml/dispatches", { token, body: { ref: "main" } });
    const noRef = await call(github, "POST", "/repos/octo/town/actions/workflows/gastown-polecat.yml/dispatches", { token, body: { ref: "nowhere", inputs: INPUTS } });
    const noWorkflow = await call(github, "POST", "/repos/octo/town/actions/workflows/missing.yml/dispatches", { token, body: { ref: "main" } });

    expect([noTrigger.status, (noTrigger.body as { message: string }).message]).toEqual([422, "Workflow does not have 'workflow_dispatch' trigger"]);
    expect([noRef.status, (noRef.body as { message: string }).message]).toEqual([422, "No ref found for: nowhere"]);
    expect(noWorkflow.status).toBe(404);
  });
});

describe("disabled workflows", () => {
  // https://docs.github.com/en/rest/actions/workflows#disable-a-workflow
  it("shows the state a PUT disable or enable sets, and refuses to dispatch a disabled workflow", async () => {
    const state = async () => ((await call(github, "GET", "/repos/octo/town/actions/workflows/gastown-polecat.yml", { token })).body as { state: string }).state;
    expect(await state()).toBe("active");

    const disabled = await call(github, "PUT", "/repos/octo/town/actions/workflows/gastown-polecat.yml/disable", { token });
    const refused = await dispatch();
    expect([disabled.status, await state()]).toEqual([204, "disabled_manually"]);
    expect([refused.status, refused.body["message"]]).toEqual([422, "Cannot trigger a 'workflow_dispatch' on a disabled workflow"]);

    const enabled = await call(github, "PUT", "/repos/octo/town/actions/workflows/gastown-polecat.yml/enable", { token });
    expect([enabled.status, await state(), (await dispatch()).status]).toEqual([204, "active", 200]);
    const missing = await call(github, "PUT", "/repos/octo/town/actions/workflows/missing.yml/disable", { token });
    expect(missing.status).toBe(404);
  });

  it("starts no run of a workflow GitHub disabled for inactivity", async () => {
    await github.setWorkflowState("octo/town", "triggered.yml", "disabled_inactivity");
    await call(github, "POST", "/repos/octo/town/issues", { token, body: { title: "nobody listens" } });
    await github.settled();

    const listed = (await call(github, "GET", "/repos/octo/town/actions/workflows", { token })).body as { workflows: { path: string; state: string }[] };
    expect(listed.workflows.map((w) => [w.path, w.state])).toEqual([
      [".github/workflows/gastown-polecat.yml", "active"],
      [".github/workflows/triggered.yml", "disabled_inactivity"],
    ]);
    expect(runs()).toEqual([]);
  });
});

describe("a run's life", () => {
  it("advances as the test runs its jobs, serving each job's log only once it has completed", async () => {
    const id = (await dispatch()).body["workflow_run_id"] as number;
    github.startJob("octo/town", id, "work");
    const jobs = (await call(github, "GET", `/repos/octo/town/actions/runs/${id}/jobs`, { token })).body as { jobs: { id: number; name: string; status: string }[] };
    const work = jobs.jobs[0]?.id ?? 0;
    const early = await call(github, "GET", `/repos/octo/town/actions/jobs/${work}/logs`, { token });
    github.completeJob("octo/town", id, "work", "success", "step 1 done\n");
    github.completeJob("octo/town", id, "report", "failure", "boom\n");
    const late = await call(github, "GET", `/repos/octo/town/actions/jobs/${work}/logs`, { token });
    const log = await fetch(late.headers.get("location") ?? "");
    const run = (await call(github, "GET", `/repos/octo/town/actions/runs/${id}`, { token })).body;
    await github.settled();

    expect(jobs.jobs.map((j) => [j.name, j.status])).toEqual([["Polecat", "in_progress"], ["report", "queued"]]);
    expect(early.status).toBe(404);
    expect(late.status).toBe(302);
    expect(await log.text()).toBe("step 1 done\n");
    expect(run).toMatchObject({ status: "completed", conclusion: "failure" });
    expect(webhooks()).toEqual([
      "workflow_run.requested",
      "workflow_job.queued",
      "workflow_job.queued",
      "workflow_run.in_progress",
      "workflow_job.in_progress",
      "workflow_job.completed",
      "workflow_job.completed",
      "workflow_run.completed",
    ]);
    expect(repoDeliveries(github).at(-1)?.payload).toMatchObject({ workflow_run: { id, conclusion: "failure", display_title: "polecat nux · gt-1 · attempt 1" }, workflow: { path: ".github/workflows/gastown-polecat.yml" } });
  });

  it("cancels a run still going (202), and refuses to cancel a finished one (409)", async () => {
    const id = (await dispatch()).body["workflow_run_id"] as number;
    github.startJob("octo/town", id, "work");

    const cancelled = await call(github, "POST", `/repos/octo/town/actions/runs/${id}/cancel`, { token });
    const again = await call(github, "POST", `/repos/octo/town/actions/runs/${id}/cancel`, { token });
    const run = (await call(github, "GET", `/repos/octo/town/actions/runs/${id}`, { token })).body;

    expect([cancelled.status, cancelled.body]).toEqual([202, {}]);
    expect(again.status).toBe(409);
    expect(run).toMatchObject({ status: "completed", conclusion: "cancelled" });
  });

  it("leaves a job cancelled while it ran its token for a few minutes, as a runner winding down has; a queued one's dies at once", async () => {
    const running = (await dispatch()).body["workflow_run_id"] as number;
    github.startJob("octo/town", running, "work");
    const queued = (await dispatch()).body["workflow_run_id"] as number;
    const tokenOf = (id: number) => runs().find((r) => r.id === id)?.token ?? "";
    await call(github, "POST", `/repos/octo/town/actions/runs/${running}/cancel`, { token });
    await call(github, "POST", `/repos/octo/town/actions/runs/${queued}/cancel`, { token });

    expect((await call(github, "GET", "/repos/octo/town", { token: tokenOf(running) })).status).toBe(200);
    expect((await call(github, "GET", "/repos/octo/town", { token: tokenOf(queued) })).status).toBe(401);
    const record = github.state.tokens[tokenOf(running)];
    const expires = Date.parse(record?.kind === "actions" ? record.expiresAt : "");
    const cancelledAt = Date.parse(runs().find((r) => r.id === running)?.updatedAt ?? "");
    expect(expires - cancelledAt).toBe(CANCEL_GRACE_MINUTES * 60_000);
  });

  it("re-runs a finished run as its next attempt, with fresh jobs", async () => {
    const id = (await dispatch()).body["workflow_run_id"] as number;
    github.completeJob("octo/town", id, "work", "failure");
    github.completeJob("octo/town", id, "report", "success");
    const oldToken = runs()[0]?.token ?? "";

    const rerun = await call(github, "POST", `/repos/octo/town/actions/runs/${id}/rerun`, { token });
    const run = (await call(github, "GET", `/repos/octo/town/actions/runs/${id}`, { token })).body;
    const jobs = (await call(github, "GET", `/repos/octo/town/actions/runs/${id}/jobs`, { token })).body as { jobs: { status: string; run_attempt: number }[] };

    expect([rerun.status, rerun.body]).toEqual([201, {}]);
    expect(run).toMatchObject({ status: "queued", conclusion: null, run_attempt: 2, run_number: 1, previous_attempt_url: `${github.urls.api}/repos/octo/town/actions/runs/${id}/attempts/1` });
    expect(jobs.jobs.map((j) => [j.status, j.run_attempt])).toEqual([["queued", 2], ["queued", 2]]);
    // The first attempt's GITHUB_TOKEN died with it.
    expect((await call(github, "GET", "/repos/octo/town", { token: oldToken })).status).toBe(401);
  });
});

describe("what starts a run", () => {
  // https://docs.github.com/en/actions/writing-workflows/choosing-when-your-workflow-runs/triggering-a-workflow#triggering-a-workflow-from-a-workflow
  it("starts runs for an App's events but not for what a GITHUB_TOKEN does", async () => {
    await call(github, "POST", "/repos/octo/town/issues", { token, body: { title: "by the App" } });
    await github.settled();
    expect(runs().map((r) => [r.event, r.displayTitle])).toEqual([["issues", "by the App"]]);
    const githubToken = runs()[0]?.token ?? "";

    await call(github, "POST", "/repos/octo/town/issues", { token: githubToken, body: { title: "by GITHUB_TOKEN" } });
    const blob = await call(github, "PUT", "/repos/octo/town/contents/notes.md", { token: githubToken, body: { message: "Notes", content: Buffer.from("n\n").toString("base64") } });
    await github.settled();

    expect(blob.status).toBe(201);
    expect(runs()).toHaveLength(1);
  });

  it("starts runs for workflow_dispatch and repository_dispatch even from a GITHUB_TOKEN", async () => {
    await call(github, "POST", "/repos/octo/town/issues", { token, body: { title: "seed" } });
    await github.settled();
    const githubToken = runs()[0]?.token ?? "";

    const dispatched = await dispatch(INPUTS, githubToken);
    const mail = await call(github, "POST", "/repos/octo/town/dispatches", { token: githubToken, body: { event_type: "gastown.mail", client_payload: { type: "POLECAT_DONE", bead: "gt-1" } } });
    const ignored = await call(github, "POST", "/repos/octo/town/dispatches", { token: githubToken, body: { event_type: "other" } });
    await github.settled();

    expect([dispatched.status, mail.status, ignored.status]).toEqual([200, 204, 204]);
    expect(runs().map((r) => [r.event, r.actor])).toEqual([
      ["issues", "gastown[bot]"],
      ["workflow_dispatch", "github-actions[bot]"],
      ["repository_dispatch", "github-actions[bot]"],
    ]);
    const delivery = repoDeliveries(github).find((d) => d.event === "repository_dispatch");
    expect(delivery?.payload).toMatchObject({ action: "gastown.mail", branch: "main", client_payload: { type: "POLECAT_DONE", bead: "gt-1" }, sender: { login: "github-actions[bot]" } });
  });

  it("runs a push workflow only for the branches it names", async () => {
    const main = (await call(github, "GET", "/repos/octo/town/git/ref/heads/main", { token })).body as { object: { sha: string } };
    await call(github, "POST", "/repos/octo/town/git/refs", { token, body: { ref: "refs/heads/topic", sha: main.object.sha } });
    await call(github, "PUT", "/repos/octo/town/contents/a.md", { token, body: { message: "On main", content: Buffer.from("a\n").toString("base64") } });
    await github.settled();

    expect(runs().map((r) => [r.event, r.headBranch, r.displayTitle])).toEqual([["push", "main", "On main"]]);
  });

  it("refuses a client_payload of more than 10 keys (schema), reporting the breach", async () => {
    const payload = Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`k${i}`, i]));
    const answer = await call(github, "POST", "/repos/octo/town/dispatches", { token, body: { event_type: "gastown.mail", client_payload: payload } });

    expect(answer.status).toBe(422);
    expect(github.problems[0]).toContain("/client_payload must NOT have more than 10 properties");
    github.problems.length = 0;
  });
});

describe("pushes that start runs", () => {
  it("starts a push run for an App's git push, and none for a GITHUB_TOKEN's", async () => {
    const work = await mkdtemp(join(tmpdir(), "emulator-actions-push-"));
    try {
      await gitClient(work, "clone", "--quiet", github.gitUrl("octo/town", token), "town");
      const clone = join(work, "town");
      await writeFile(join(clone, "a.md"), "a\n");
      await gitClient(clone, "add", "a.md");
      await gitClient(clone, "commit", "--quiet", "-m", "By the App");
      await gitClient(clone, "push", "--quiet", "origin", "main");
      await github.settled();
      expect(runs().map((r) => [r.event, r.displayTitle])).toEqual([["push", "By the App"]]);

      const githubToken = runs()[0]?.token ?? "";
      await gitClient(clone, "remote", "set-url", "origin", github.gitUrl("octo/town", githubToken));
      await writeFile(join(clone, "b.md"), "b\n");
      await gitClient(clone, "add", "b.md");
      await gitClient(clone, "commit", "--quiet", "-m", "By GITHUB_TOKEN");
      await gitClient(clone, "push", "--quiet", "origin", "main");
      await github.settled();

      expect(runs()).toHaveLength(1);
      expect(repoDeliveries(github).filter((d) => d.event === "push").map((d) => (d.payload["sender"] as { login: string }).login)).toEqual(["gastown[bot]", "github-actions[bot]"]);
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  });
});
