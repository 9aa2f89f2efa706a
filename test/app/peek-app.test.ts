// /peek through the App's own client against the emulator: a slung issue's polecat while it
// runs (heartbeat fresh, its output from the check run), once it is stuck, once it has finished
// (its output from the job log), an issue with no polecat, a polecat's pull request, and
// /peek all. The exact requests and the exact reply.
import { afterEach, describe, expect, it } from "vitest";
import { parseCommands } from "../../app/commands/parse-commands.js";
import type { GitHubClient } from "../../app/github/github-client.js";
import { realDependencies, type AppDependencies } from "../../app/handlers/app-dependencies.js";
import { issueSnapshot } from "../../app/handlers/issue-events.js";
import { peekIssue, type PeekRequest } from "../../app/handlers/peek-issue.js";
import { openTown, type Town as RepositoryTown } from "../../app/handlers/repository-town.js";
import { LedgerStore } from "../../app/github/ledger-store.js";
import { restClient } from "../../app/github/rest-client.js";
import type { Bead } from "../../app/ledger/bead-schema.js";
import { claimBead } from "../../app/town/polecat-claim.js";
import { fleetPicture, polecatWorkPicture } from "../town/expected-pictures.js";
import { minutesAfter } from "../town/town-builders.js";
import { call } from "../emulator/testing.js";
import { permissionFor } from "../fidelity/app-permissions.js";
import { findOperation } from "../fidelity/rest-contract.js";
import { NOW, REPO, startTown, type Town, type TownOptions } from "./app-harness.js";

let town: Town;
afterEach(async () => {
  await town.close();
  expect(town.github.problems).toEqual([]);
  for (const { method, url } of town.sent) {
    const operation = findOperation(method, url.replace(/\?.*$/, ""))?.operationId;
    if (operation !== "apps/get-authenticated") expect(() => permissionFor(operation ?? `${method} ${url}`)).not.toThrow();
  }
});

const runs = () => town.github.state.repos[REPO]?.runs ?? [];
const requests = () => town.sent.map((s) => `${s.method} ${s.url}`);
const replies = (issue = 1) => town.issue(issue).comments.filter((c) => c.user === "gastown[bot]" && !c.body.startsWith("<!-- gastown:status -->")).map((c) => c.body);
const LEDGER_READ = [
  "GET /repos/octo/town/git/ref/heads%2Fgastown%2Fledger",
  expect.stringMatching(/^GET \/repos\/octo\/town\/git\/commits\/\w+$/),
  expect.stringMatching(/^GET \/repos\/octo\/town\/git\/trees\/\w+\?recursive=1$/),
  expect.stringMatching(/^GET \/repos\/octo\/town\/git\/blobs\/\w+$/),
];

/** Issue 1, "Fix the pumps", slung by the mayor: its bead hooked to furiosa, its run dispatched and claimed. */
async function startSlung(options: TownOptions = {}): Promise<{ bead: Bead; runId: number }> {
  town = await startTown(options);
  await town.as("ann", "POST", "/repos/octo/town/issues", { title: "Fix the pumps", body: "They leak." });
  await town.deliver();
  await town.as("mayor", "POST", "/repos/octo/town/issues/1/labels", { labels: ["gt:sling"] });
  await town.deliver();
  const runId = runs()[0]?.id as number;
  await claimAsRun(runId);
  return { bead: await workBead(1), runId };
}

/** The run's claim on its bead, written with the run's own token as the polecat action writes it. */
async function claimAsRun(runId: number): Promise<void> {
  const run = runs().find((r) => r.id === runId);
  const inputs = run?.inputs ?? {};
  const github = restClient({ token: run?.token as string, baseUrl: town.github.urls.api, retries: 0 });
  const store = new LedgerStore(github, { owner: "octo", repo: "town", branch: "gastown/ledger", prefix: "town" });
  await store.update("Claim", (ledger) => {
    const claimed = claimBead(ledger, {
      bead: inputs["bead"] ?? "", polecat: inputs["polecat"] ?? "", attempt: Number(inputs["attempt"]), limits: inputs["limits"] ?? "",
      runId, runUrl: runUrl(runId),
    }, town.clock.now);
    if (!claimed.ok) throw new Error(claimed.refusal);
    return claimed.ledger;
  });
}

async function workBead(issue: number): Promise<Bead> {
  const found = (await town.ledger())?.beads().find((b) => b.external_ref?.endsWith(`/issues/${issue}`));
  if (!found) throw new Error(`no bead for issue ${issue}`);
  return found;
}

/** The polecat's side: its work ref, and its heartbeat check run, written with the run's token. */
async function beat(
  runId: number, bead: string, heartbeat: { at: Date; state: string; step: string | number },
  output: { text?: string; conclusion?: string } = {}, token = runs().find((r) => r.id === runId)?.token as string,
) {
  const branch = `gastown/work/furiosa/${bead}`;
  const act = async (method: string, path: string, body: unknown) => {
    const answer = await call(town.github, method, path, { token, body });
    if (answer.status >= 300) throw new Error(`${method} ${path}: ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer.body as Record<string, unknown>;
  };
  const tip = async (name: string) => ((await call(town.github, "GET", `/repos/octo/town/git/ref/heads/${name}`, { token })).body as { object?: { sha: string } }).object?.sha;
  if ((await tip(branch)) === undefined) await act("POST", "/repos/octo/town/git/refs", { ref: `refs/heads/${branch}`, sha: await tip("main") });
  // A check run belongs to a commit: the heartbeat is on the branch's tip.
  const head = await tip(branch);
  const summary = `<!-- gastown:heartbeat ${JSON.stringify({ at: heartbeat.at.toISOString(), state: heartbeat.state, step: heartbeat.step, attempt: 1 })} -->\n\nPolecat furiosa.`;
  await act("POST", "/repos/octo/town/check-runs", {
    name: "gastown/polecat", head_sha: head, external_id: `${bead}@1`, status: "in_progress",
    output: { title: `${heartbeat.state} · step 2/6`, summary, ...(output.text === undefined ? {} : { text: output.text }) },
    ...(output.conclusion ? { conclusion: output.conclusion } : {}),
  });
}

/** The App's side: the town as the issue handler opens it, with the App's installation client. */
async function openAppTown(): Promise<RepositoryTown> {
  const installation = town.github.state.installations[0]?.id as number;
  const github = (await town.app().auth(installation)) as unknown as GitHubClient;
  const deps: AppDependencies = { ...realDependencies, clock: () => town.clock.now, random: () => 0.5, sleep: async () => undefined };
  const opened = await openTown({ github, owner: "octo", repo: "town", defaultBranch: "main" }, deps);
  if (opened.kind !== "on") throw new Error(`the town is ${opened.kind}`);
  return opened.town;
}

/** `body` commented on issue `number` by `login`, then peeked as the handler would, with the command parsed from it. */
async function peek(body: string, fields: Partial<PeekRequest> = {}, number = 1, login = "ann"): Promise<string[]> {
  const command = parseCommands(body).commands.find((c) => c.name === "peek");
  if (command?.name !== "peek") throw new Error(`no /peek in ${body}`);
  const comment = await town.as(login, "POST", `/repos/octo/town/issues/${number}/comments`, { body }) as { id: number };
  const issue = await town.as(login, "GET", `/repos/octo/town/issues/${number}`);
  await town.newDeliveries();
  const app = await openAppTown();
  town.sent.length = 0;
  await peekIssue(app, {
    issue: issueSnapshot(issue as never), all: command.all, ...(command.lines === undefined ? {} : { lines: command.lines }), sender: login,
    acknowledge: { owner: "octo", repo: "town", comment_id: comment.id }, ...fields,
  });
  return replies(number);
}

const runUrl = (id: number) => `${town.github.urls.web}/octo/town/actions/runs/${id}`;
const issueUrl = (n: number) => `${town.github.urls.web}/octo/town/issues/${n}`;
const checkRunsOf = (bead: string, polecat = "furiosa") =>
  `GET /repos/octo/town/commits/gastown%2Fwork%2F${polecat}%2F${bead}/check-runs?check_name=gastown%2Fpolecat&filter=all&per_page=100`;

const STEPS = (bead: string, now: string) => [
  "",
  "**Steps** (0 of 6 done)",
  "",
  `- [ ] Load the assignment for ${bead}${now === "load" ? " ← now" : " ← next"}`,
  `- [ ] Implement ${bead}${now === "implement" ? " ← now" : ""}`,
  `- [ ] Review the change to ${bead}`,
  `- [ ] Build and test ${bead}`,
  `- [ ] Merge the latest main into ${bead} and verify again`,
  `- [ ] Submit ${bead}`,
  "",
  ...polecatWorkPicture(bead, now === "implement" ? "implement" : "load"),
];

describe("/peek on a slung issue", () => {
  it("shows a running polecat: fresh heartbeat, run in progress, the tail of the check run's output", async () => {
    const { bead, runId } = await startSlung();
    town.github.startJob(REPO, runId, "polecat");
    await beat(runId, bead.id, { at: minutesAfter(NOW, 2), state: "working", step: "implement" }, {
      text: "\u001b[32m$ npm test\u001b[0m\n```\nok 1 - pumps hold\u202e\nok 2 - valves\n",
    });
    town.clock.now = minutesAfter(NOW, 3);

    expect(await peek("/peek")).toEqual([[
      "### Gas Town · 🔭 Peek at polecat **furiosa**",
      "",
      "@ann: polecat **furiosa** is 🟢 working: its last heartbeat was 1 minute ago.",
      "",
      "| | |",
      "|---|---|",
      `| Bead | \`${bead.id}\` (hooked) · [#1](${issueUrl(1)}) |`,
      "| Heartbeat | 1 minute ago (2026-11-24 12:02 UTC): working, step `implement` |",
      `| Run | [#${runId}](${runUrl(runId)}) (in_progress) |`,
      "| Exit | none yet |",
      "| Attempts | 1 of 3 |",
      ...STEPS(bead.id, "implement"),
      "",
      "**Output** (the last 4 lines, from its heartbeat)",
      "",
      "````text",
      "$ npm test",
      "```",
      "ok 1 - pumps hold",
      "ok 2 - valves",
      "````",
      "",
      "<sub>As of 2026-11-24 12:03 UTC · `/peek <n>` shows the last n lines of output, `/peek all` every polecat.</sub>",
      "",
    ].join("\n")]);
    expect(requests()).toEqual([
      "POST /repos/octo/town/issues/comments/" + town.issue(1).comments.at(-2)?.id + "/reactions",
      ...LEDGER_READ,
      `GET /repos/octo/town/actions/runs/${runId}`,
      checkRunsOf(bead.id),
      "POST /repos/octo/town/issues/1/comments",
    ]);
    expect(town.sent[0]?.body).toEqual({ content: "eyes" });
  });

  it("shows a stuck polecat: its heartbeat older than witness.stuck_minutes", async () => {
    const { bead, runId } = await startSlung();
    town.github.startJob(REPO, runId, "polecat");
    await beat(runId, bead.id, { at: minutesAfter(NOW, 1), state: "working", step: 1 }, { text: "thinking…\n" });
    town.clock.now = minutesAfter(NOW, 26);

    const [reply] = await peek("/peek 5");
    expect(reply?.split("\n").slice(0, 11)).toEqual([
      "### Gas Town · 🔭 Peek at polecat **furiosa**",
      "",
      "@ann: polecat **furiosa** is 🔴 stuck: its heartbeat is stale: none for 25 minutes (witness.stuck_minutes is 20), so its runner looks gone.",
      "",
      "| | |",
      "|---|---|",
      `| Bead | \`${bead.id}\` (hooked) · [#1](${issueUrl(1)}) |`,
      "| Heartbeat | 25 minutes ago (2026-11-24 12:01 UTC): working, step 1 |",
      `| Run | [#${runId}](${runUrl(runId)}) (in_progress) |`,
      "| Exit | none yet |",
      "| Attempts | 1 of 3 |",
    ]);
    expect(reply).toContain(`- [ ] Load the assignment for ${bead.id} ← now\n`);
    expect(reply).toContain("**Output** (the last line, from its heartbeat)\n\n```text\nthinking…\n```\n");
  });

  it("shows a finished polecat: its run's conclusion and the tail of the job's log", async () => {
    const { bead, runId } = await startSlung();
    town.github.startJob(REPO, runId, "polecat");
    await beat(runId, bead.id, { at: minutesAfter(NOW, 9), state: "done", step: "submit" }, { text: "heartbeat text\n", conclusion: "success" });
    town.github.completeJob(REPO, runId, "polecat", "success", [
      "2026-11-24T12:08:00.0000000Z ##[group]Run gastown/polecat",
      "2026-11-24T12:09:00.0000000Z pushed polecat/furiosa",
      "2026-11-24T12:09:30.0000000Z opened pull request #2",
      "2026-11-24T12:10:00.0000000Z ##[endgroup]",
      "",
    ].join("\n"));
    town.clock.now = minutesAfter(NOW, 12);
    const jobId = runs()[0]?.jobs[0]?.id;

    const [reply] = await peek("/peek 2");
    expect(reply?.split("\n").slice(2, 11)).toEqual([
      "@ann: polecat **furiosa** is 🏁 done: its run has completed (success).",
      "",
      "| | |",
      "|---|---|",
      `| Bead | \`${bead.id}\` (hooked) · [#1](${issueUrl(1)}) |`,
      "| Heartbeat | 3 minutes ago (2026-11-24 12:09 UTC): done, step `submit` |",
      `| Run | [#${runId}](${runUrl(runId)}) (completed, success) |`,
      "| Exit | none recorded |",
      "| Attempts | 1 of 3 |",
    ]);
    expect(reply).toContain("**Output** (the last 2 lines, from the job log)\n\n```text\nopened pull request #2\n##[endgroup]\n```\n");
    expect(requests().slice(LEDGER_READ.length + 1)).toEqual([
      `GET /repos/octo/town/actions/runs/${runId}`,
      checkRunsOf(bead.id),
      `GET /repos/octo/town/actions/runs/${runId}/jobs?per_page=100`,
      `GET /repos/octo/town/actions/jobs/${jobId}/logs`,
      "POST /repos/octo/town/issues/1/comments",
    ]);
  });

  it("says under the state, from the repository's settings, that the sandbox is off", async () => {
    const { runId } = await startSlung({ files: { ".github/gastown.yml": "polecat:\n  sandbox: off\n" } });
    town.clock.now = minutesAfter(NOW, 1);

    const [reply] = await peek("/peek");
    expect(reply?.split("\n").slice(2, 7)).toEqual([
      "@ann: polecat **furiosa** is 🟢 working: its run is under way, with no heartbeat yet; it was dispatched 1 minute ago.",
      "",
      "⚠️ **Sandbox off**: the agent runs unisolated, with the model's key and the runner's network (`polecat.sandbox: off`).",
      "",
      "| | |",
    ]);
    expect(JSON.parse(runs().find((r) => r.id === runId)?.inputs?.["limits"] ?? "{}")).toMatchObject({ sandbox: "off" });
  });

  it("shows a polecat whose branch and heartbeat do not exist yet as starting", async () => {
    const { bead, runId } = await startSlung();
    town.clock.now = minutesAfter(NOW, 1);

    const [reply] = await peek("/peek");
    expect(reply).toContain("@ann: polecat **furiosa** is 🟢 working: its run is under way, with no heartbeat yet; it was dispatched 1 minute ago.\n");
    expect(reply).toContain(`| Heartbeat | none yet |\n| Run | [#${runId}](${runUrl(runId)}) (queued) |\n`);
    expect(reply).toContain("**Output**: none to show.\n");
    expect(requests()).toContain(checkRunsOf(bead.id));
  });
});

describe("/peek trusts only a polecat's own heartbeat", () => {
  it("takes none made by any App but GitHub Actions, whatever its name and external id", async () => {
    const { bead, runId } = await startSlung();
    town.github.startJob(REPO, runId, "polecat");
    const appToken = town.github.installationToken(town.github.state.installations[0]?.id as number);
    await beat(runId, bead.id, { at: minutesAfter(NOW, 2), state: "working", step: "implement" }, { text: "forged\n" }, appToken);
    town.clock.now = minutesAfter(NOW, 3);

    const [reply] = await peek("/peek");
    expect(reply).toContain("| Heartbeat | none yet |\n");
    expect(reply).not.toContain("forged");
  });
});

describe("/peek with no polecat", () => {
  it("says so plainly on an issue that was never slung", async () => {
    town = await startTown();
    await town.as("ann", "POST", "/repos/octo/town/issues", { title: "Paint the tower" });
    await town.deliver();

    expect(await peek("/peek")).toEqual([
      "@ann: no polecat has worked on this issue; it has not been slung. Label it `gt:sling` or comment `/sling` to start one.\n",
    ]);
    expect(requests()).toEqual([
      expect.stringMatching(/^POST \/repos\/octo\/town\/issues\/comments\/\d+\/reactions$/),
      // No ledger branch yet: nothing more to read.
      "GET /repos/octo/town/git/ref/heads%2Fgastown%2Fledger",
      "POST /repos/octo/town/issues/1/comments",
    ]);
  });
});

describe("/peek on a pull request", () => {
  it("finds the polecat from the pull request's branch", async () => {
    const { bead, runId } = await startSlung();
    town.github.startJob(REPO, runId, "polecat");
    await beat(runId, bead.id, { at: NOW, state: "working", step: "load" });
    const token = runs()[0]?.token as string;
    const pushed = await call(town.github, "PUT", `/repos/octo/town/contents/pumps.txt`, {
      token, body: { message: "Fix the pumps", content: Buffer.from("fixed\n").toString("base64"), branch: `gastown/work/furiosa/${bead.id}` },
    });
    // After a push the polecat beats on the new tip: a check run stays with the commit it was made on.
    await beat(runId, bead.id, { at: NOW, state: "working", step: "implement" });
    // The publisher moves the pull request's branch to the work ref's tip and opens it.
    const tip = (pushed.body as { commit: { sha: string } }).commit.sha;
    await town.as("mayor", "POST", "/repos/octo/town/git/refs", { ref: `refs/heads/polecat/furiosa/${bead.id}`, sha: tip });
    const pull = await town.as("mayor", "POST", "/repos/octo/town/pulls", { title: "Fix the pumps", head: `polecat/furiosa/${bead.id}`, base: "main" }) as { number: number };
    town.clock.now = minutesAfter(NOW, 1);

    const [reply] = await peek("/peek", { pullRequest: true }, pull.number);
    expect(reply).toContain("@ann: polecat **furiosa** is 🟢 working: its last heartbeat was 1 minute ago.\n");
    expect(requests().slice(0, 2)).toEqual([
      expect.stringMatching(/^POST \/repos\/octo\/town\/issues\/comments\/\d+\/reactions$/),
      `GET /repos/octo/town/pulls/${pull.number}`,
    ]);
    expect(requests().at(-1)).toBe(`POST /repos/octo/town/issues/${pull.number}/comments`);
  });

  it("says a pull request from another branch has no polecat", async () => {
    town = await startTown();
    const token = town.github.userToken("ann");
    const main = (await call(town.github, "GET", "/repos/octo/town/git/ref/heads/main", { token })).body as { object: { sha: string } };
    await town.as("ann", "POST", "/repos/octo/town/git/refs", { ref: "refs/heads/paint", sha: main.object.sha });
    await town.as("ann", "PUT", "/repos/octo/town/contents/paint.txt", { message: "Paint", content: Buffer.from("red\n").toString("base64"), branch: "paint" });
    const pull = await town.as("ann", "POST", "/repos/octo/town/pulls", { title: "Paint", head: "paint", base: "main" }) as { number: number };

    expect(await peek("/peek", { pullRequest: true }, pull.number)).toEqual([
      "@ann: this pull request is not a polecat's (its branch is not `polecat/<name>/<bead>` in this repository), so there is no polecat to peek at.\n",
    ]);
    // The ledger, in one request, for the pull request's place in the merge queue: it has none.
    expect(requests().slice(1)).toEqual([
      `GET /repos/octo/town/pulls/${pull.number}`,
      "GET /repos/octo/town/contents/.beads%2Fissues.jsonl?ref=refs%2Fheads%2Fgastown%2Fledger",
      `POST /repos/octo/town/issues/${pull.number}/comments`,
    ]);
  });
});

describe("/peek all", () => {
  it("lists every polecat of the repository in one table", async () => {
    const { bead, runId } = await startSlung();
    town.github.startJob(REPO, runId, "polecat");
    await beat(runId, bead.id, { at: minutesAfter(NOW, 2), state: "working", step: "implement" });
    await town.as("ann", "POST", "/repos/octo/town/issues", { title: "Oil the gears" });
    await town.deliver();
    town.clock.now = minutesAfter(NOW, 20);
    await town.as("mayor", "POST", "/repos/octo/town/issues/2/labels", { labels: ["gt:sling"] });
    await town.deliver();
    const second = await workBead(2);
    // Its run waits for a runner: it has not claimed the bead, so the App finds it by its run-name.
    const secondRun = runs()[1]?.id as number;
    town.clock.now = minutesAfter(NOW, 25);

    expect(await peek("/peek all", {}, 2)).toEqual([[
      "### Gas Town · 🔭 Every polecat",
      "",
      "@ann: 2 polecats.",
      "",
      "| Polecat | Bead | State | Heartbeat | Run | Steps | Attempts |",
      "|---|---|---|---|---|---|---|",
      `| **furiosa** | \`${bead.id}\` (hooked) · [#1](${issueUrl(1)}) | 🔴 stuck | 23 minutes ago | [#${runId}](${runUrl(runId)}) (in_progress) | 0 of 6 done | 1 of 3 |`,
      `| **nux** | \`${second.id}\` (hooked) · [#2](${issueUrl(2)}) | 🟢 working | none | [#${secondRun}](${runUrl(secondRun)}) (queued) | 0 of 6 done | 1 of 3 |`,
      "",
      ...fleetPicture([
        ["Stuck", "p1", `furiosa, ${bead.id}, 0 of 6 steps`, "failed"],
        ["Working", "p2", `nux, ${second.id}, 0 of 6 steps`, "current"],
      ]),
      "",
      "<sub>As of 2026-11-24 12:25 UTC · `/peek` on an issue or its pull request shows one polecat in full.</sub>",
      "",
    ].join("\n")]);
    expect(requests()).toEqual([
      expect.stringMatching(/^POST \/repos\/octo\/town\/issues\/comments\/\d+\/reactions$/),
      ...LEDGER_READ,
      // The most recently changed hooked bead first.
      "GET /repos/octo/town/actions/workflows/gastown-polecat.yml/runs?event=workflow_dispatch&per_page=100",
      checkRunsOf(second.id, "nux"),
      `GET /repos/octo/town/actions/runs/${runId}`,
      checkRunsOf(bead.id),
      "POST /repos/octo/town/issues/2/comments",
    ]);
  });
});
