// Actions-only mode against the emulator: a person labels an issue gt:sling; the runner would
// write that event's payload to GITHUB_EVENT_PATH and start the copied workflow; the action's
// runner then slings the issue with the token the workflow gives it: the run's GITHUB_TOKEN, or
// the App's installation token.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { ProbotOctokit } from "probot";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { run, type RunnerDependencies } from "../../action/town/runner.js";
import type { TownInput } from "../../action/town/town-options.js";
import { realDependencies } from "../../app/handlers/app-dependencies.js";
import type { Bead } from "../../app/ledger/bead-schema.js";
import { gastownMetadata } from "../../app/molecules/gastown-metadata.js";
import { NOW, REPO, startTown, type Town } from "../app/app-harness.js";
import type { Delivery } from "../emulator/webhooks/deliveries.js";
import { pullRequest } from "../app/queue-harness.js";

const EXAMPLE_WORKFLOW = new URL("../../examples/workflows/gastown-app.yml", import.meta.url);
const APP_WORKFLOW = ".github/workflows/gastown-app.yml";

let town: Town;
let dir: string;
/** Requests the action sent, as `METHOD path`. */
let sent: string[];
let infos: string[];
let failures: string[];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "gastown-town-"));
  sent = [];
  infos = [];
  failures = [];
});

/** The town, with the example workflow copied in as its users would. */
async function start(files: Readonly<Record<string, string>> = {}): Promise<void> {
  town = await startTown({ files: { [APP_WORKFLOW]: await readFile(EXAMPLE_WORKFLOW, "utf8"), ...files } });
}

afterEach(async () => {
  await town.close();
  await rm(dir, { recursive: true, force: true });
  expect(town.github.problems).toEqual([]);
});

/** Probot's Octokit without its pacing of writes and retries (the emulator needs neither), recording. */
function octokitClass(): typeof ProbotOctokit {
  const Recording = ProbotOctokit.plugin((octokit) => {
    octokit.hook.before("request", (options) => {
      const parsed = octokit.request.endpoint.parse(options);
      sent.push(`${parsed.method} ${parsed.url.slice(town.github.urls.api.length)}`);
    });
  });
  return class Unpaced extends Recording {
    constructor(options: ConstructorParameters<typeof Recording>[0] = {}) {
      super({ ...options, throttle: { ...options.throttle, enabled: false }, retry: { enabled: false } } as never);
    }
  } as typeof ProbotOctokit;
}

function dependencies(): Partial<RunnerDependencies> {
  return {
    app: { ...realDependencies, clock: () => NOW, random: () => 0.5, sleep: async () => undefined },
    log: pino({ level: "silent" }),
    Octokit: octokitClass(),
    info: (message) => infos.push(message),
    fail: (message) => failures.push(message),
  };
}

/** The step's environment, as the runner sets it for this delivery and run. */
async function runnerEnv(delivery: Delivery, runId: number): Promise<Record<string, string>> {
  // The runner's event file is the webhook payload without the App's `installation`.
  const { installation: _installation, ...payload } = delivery.payload;
  const path = join(dir, `event-${delivery.id}.json`);
  await writeFile(path, JSON.stringify(payload, null, 2));
  return {
    GITHUB_EVENT_NAME: delivery.event, GITHUB_EVENT_PATH: path, GITHUB_API_URL: town.github.urls.api,
    GITHUB_RUN_ID: String(runId), GITHUB_RUN_ATTEMPT: "1",
  };
}

const runsOf = (path: string) => (town.github.state.repos[REPO]?.runs ?? []).filter((r) => {
  const workflow = town.github.state.repos[REPO]?.workflows.find((w) => w.id === r.workflowId);
  return workflow?.path === path;
});
const appRuns = () => runsOf(APP_WORKFLOW);
const polecatRuns = () => runsOf(".github/workflows/gastown-polecat.yml");

/** ann opens an issue and mayor labels it gt:sling: the delivery and the run it started. */
async function labelledBySomeone(): Promise<{ delivery: Delivery; runId: number; token: string }> {
  await town.as("ann", "POST", "/repos/octo/town/issues", { title: "Fix the pumps", body: "They leak." });
  await town.as("mayor", "POST", "/repos/octo/town/issues/1/labels", { labels: ["gt:sling"] });
  const deliveries = await town.newDeliveries();
  const delivery = deliveries.find((d) => d.event === "issues" && d.action === "labeled");
  const [started] = appRuns();
  if (delivery === undefined || started === undefined || appRuns().length !== 1) throw new Error("the label started no single gastown-app run");
  return { delivery, runId: started.id, token: started.token };
}

async function workBead(): Promise<Bead> {
  const found = (await town.ledger())?.beads().find((b) => b.issue_type !== "molecule" && !b.id.includes("."));
  if (!found) throw new Error("no work bead in the ledger");
  return found;
}

/** The ledger branch's commits, newest first: subject and committer. */
async function ledgerCommits(): Promise<{ subject: string; committer: string }[]> {
  const git = town.github.git(REPO);
  const commits: { subject: string; committer: string }[] = [];
  let sha = await git.resolveRef("refs/heads/gastown/ledger");
  while (sha !== undefined) {
    const commit = await git.readCommit(sha);
    commits.push({ subject: commit.message.split("\n")[0] ?? "", committer: commit.committer.name });
    sha = commit.parents[0];
  }
  return commits;
}

/** What a sling leaves behind, whoever's token made it. */
async function expectSlung(actingAs: string): Promise<void> {
  const bead = await workBead();
  expect(bead).toMatchObject({ title: "Fix the pumps", status: "hooked", assignee: "polecat/furiosa" });
  const [polecat] = polecatRuns();
  expect(polecatRuns().map((r) => [r.event, r.displayTitle, r.inputs?.bead, r.inputs?.attempt])).toEqual([
    ["workflow_dispatch", `polecat furiosa · ${bead.id} · attempt 1`, bead.id, "1"],
  ]);
  expect(gastownMetadata(bead)).toMatchObject({ polecat: "furiosa", attempt: 1, slung_by: "mayor" });
  // One ledger commit: the run claims the bead itself.
  expect(await ledgerCommits()).toEqual([
    { subject: `Sling #1 (${bead.id}) to polecat furiosa, attempt 1`, committer: actingAs },
  ]);
  const status = town.issue(1).comments.filter((c) => c.body.startsWith("<!-- gastown:status -->"));
  expect(status[0]?.body).toContain(`| Run | [#${polecat?.id}](`);
  expect(status.map((c) => c.user)).toEqual([actingAs]);
  expect(status[0]?.body).toContain(`<!-- gastown:bead ${bead.id} -->`);
  expect(status[0]?.body).toContain("Slung by @mayor to polecat **furiosa** (attempt 1). It is on its way.");
  expect(town.issue(1).labels).toEqual(["gt:sling", "status::hooked"]);
}

describe("with the workflow's GITHUB_TOKEN", () => {
  it("slings the issue as github-actions[bot], dispatching the polecat; its own answers start no workflow", async () => {
    await start();
    const { delivery, runId, token } = await labelledBySomeone();
    const inputs: Partial<Record<TownInput, string>> = { token, "github-token": token };

    const outcome = await run({ env: await runnerEnv(delivery, runId), inputs }, dependencies());
    await town.github.settled();

    expect(failures).toEqual([]);
    expect(outcome).toEqual({ kind: "handled", event: "issues.labeled" });
    expect(infos).toEqual([`Gas Town handled issues.labeled (delivery ${runId}-1), acting as github-actions[bot].`]);
    await expectSlung("github-actions[bot]");
    // GitHub starts no workflow for what a GITHUB_TOKEN did, bar dispatches: the hooked label
    // started no second run of this workflow, the dispatch started the polecat.
    expect(appRuns()).toHaveLength(1);
    expect(polecatRuns()).toHaveLength(1);
  });

  it("cannot read a private organisation .github repository, so _extends takes nothing from it", async () => {
    await start({ ".github/gastown.yml": "_extends: .github\npolecat:\n  agent: command\n  command: bin/agent\n" });
    await town.github.addRepo({ owner: "octo", name: ".github", files: { ".github/gastown.yml": "polecat:\n  max_turns: 12\n" } });
    const { delivery, runId, token } = await labelledBySomeone();
    await run({ env: await runnerEnv(delivery, runId), inputs: { token, "github-token": token } }, dependencies());
    expect(failures).toEqual([]);
    // GITHUB_TOKEN reaches this repository only: the organisation's file answers 404, as if absent.
    expect(sent.slice(0, 2)).toEqual([
      "GET /repos/octo/town/contents/.github%2Fgastown.yml",
      "GET /repos/octo/.github/contents/.github%2Fgastown.yml",
    ]);
    expect(JSON.parse(polecatRuns()[0]?.inputs?.limits ?? "{}")).toMatchObject({ agent: "command", command: "bin/agent", max_turns: 80 });
  });
});

describe("with the App's installation token", () => {
  it("slings the issue as the App, whose answers start workflows that then leave them alone", async () => {
    await start();
    const { delivery, runId, token: workflowToken } = await labelledBySomeone();
    const installation = town.github.state.installations[0]?.id as number;
    const appToken = town.github.installationToken(installation);
    const inputs: Partial<Record<TownInput, string>> = { token: appToken, "app-slug": "gastown", "github-token": workflowToken };

    const outcome = await run({ env: await runnerEnv(delivery, runId), inputs }, dependencies());
    expect(failures).toEqual([]);
    expect(outcome).toEqual({ kind: "handled", event: "issues.labeled" });
    await expectSlung("gastown[bot]");

    // The App's hooked label is an event that starts this workflow again (an App token's do);
    // that run finds the App's own answer and sends nothing.
    const answers = await town.newDeliveries();
    const hooked = answers.find((d) => d.event === "issues" && (d.payload as { label?: { name?: string } }).label?.name === "status::hooked");
    const [, second] = appRuns();
    expect(hooked?.payload).toMatchObject({ sender: { login: "gastown[bot]" } });
    if (hooked === undefined || second === undefined) throw new Error("the App's label started no run");
    sent.length = 0;
    const again = await run({ env: await runnerEnv(hooked, second.id), inputs: { ...inputs, "github-token": second.token } }, dependencies());
    expect(again).toEqual({ kind: "handled", event: "issues.labeled" });
    expect(sent).toEqual([]);
    expect(failures).toEqual([]);
  });
});

describe("the merge queue", () => {
  it("takes pull_request_target as the pull_request it carries: a queued pull request closed by a person leaves the queue", async () => {
    await start();
    const number = await pullRequest(town, "fix/pumps", "pumps.txt");
    await town.as("mayor", "POST", `/repos/${REPO}/issues/${number}/comments`, { body: "/queue" });
    await town.deliver();
    await town.as("ann", "PATCH", `/repos/${REPO}/pulls/${number}`, { state: "closed" });
    const closed = (await town.newDeliveries()).find((d) => d.event === "pull_request" && d.action === "closed");
    if (closed === undefined) throw new Error("no pull_request.closed delivery");
    const appToken = town.github.installationToken(town.github.state.installations[0]?.id as number);

    const outcome = await run({ env: await runnerEnv({ ...closed, event: "pull_request_target" }, 9), inputs: { token: appToken, "app-slug": "gastown" } }, dependencies());
    expect(failures).toEqual([]);
    expect(outcome).toEqual({ kind: "handled", event: "pull_request.closed" });
    expect((await town.ledger())?.beads().find((b) => b.issue_type === "merge-request")).toMatchObject({ status: "closed", close_reason: "closed" });
    expect(town.issue(number).comments.at(-1)).toMatchObject({
      user: "gastown[bot]", body: expect.stringContaining(`#${number} left the merge queue: \`ann\` closed it`),
    });
  });
});

describe("what it does not take", () => {
  it("an event the App does not handle: nothing sent, the step passes", async () => {
    await start();
    // A label made for the repository: no issue's, so neither a request nor the mirror's.
    await town.as("mayor", "POST", "/repos/octo/town/labels", { name: "pumps", color: "ededed" });
    const [created] = (await town.newDeliveries()).filter((d) => d.event === "label");
    if (created === undefined) throw new Error("no delivery");
    const outcome = await run({ env: await runnerEnv(created, 7), inputs: { token: "ghs_unused" } }, dependencies());
    expect(outcome).toEqual({ kind: "ignored", event: "label.created" });
    expect(infos).toEqual(["Gas Town does not handle label.created events, so there is nothing to do."]);
    expect(failures).toEqual([]);
    expect(sent).toEqual([]);
  });

  it("a malformed event file: the step fails naming the file", async () => {
    await start();
    const path = join(dir, "event.json");
    await writeFile(path, '{"action": "labeled",');
    const env = { GITHUB_EVENT_NAME: "issues", GITHUB_EVENT_PATH: path, GITHUB_API_URL: town.github.urls.api };
    const outcome = await run({ env, inputs: { token: "ghs_unused" } }, dependencies());
    // JSON.parse's own words, which name the position (and, from Node 22, line and column).
    const message = expect.stringMatching(/^The event file \S+event\.json \(GITHUB_EVENT_PATH\) is not JSON: Expected double-quoted property name in JSON at position 21\b/);
    expect(outcome).toEqual({ kind: "failed", message });
    expect(failures).toEqual([message]);
    expect(failures[0]).toContain(path);
    expect(sent).toEqual([]);
  });

  it("an event file that is not there, or holds no object: the step fails naming the file", async () => {
    await start();
    const missing = join(dir, "missing.json");
    const env = { GITHUB_EVENT_NAME: "issues", GITHUB_EVENT_PATH: missing };
    await run({ env, inputs: { token: "t" } }, dependencies());
    const list = join(dir, "list.json");
    await writeFile(list, "[]");
    await run({ env: { ...env, GITHUB_EVENT_PATH: list }, inputs: { token: "t" } }, dependencies());
    expect(failures).toEqual([
      `Cannot read the event file ${missing} (GITHUB_EVENT_PATH): ENOENT: no such file or directory, open '${missing}'`,
      `The event file ${list} (GITHUB_EVENT_PATH) holds no event: expected a JSON object, found an array.`,
    ]);
  });

  it("a token GitHub refuses: the step fails with GitHub's answer", async () => {
    await start();
    const { delivery, runId } = await labelledBySomeone();
    const outcome = await run({ env: await runnerEnv(delivery, runId), inputs: { token: "ghs_revoked" } }, dependencies());
    expect(outcome).toEqual({ kind: "failed", message: expect.stringMatching(/^Gas Town failed on issues\.labeled: Bad credentials/) });
    expect(await town.ledger()).toBeUndefined();
  });
});
