// The merge queue's events through the real App against the emulator: the `gastown/queue` check
// run on a queued pull request, made once and edited in place; a queued pull request closed or
// merged by hand leaves the queue and says so; a push moves its bead; a review of a refinery
// pull request, or CI ending on a staging branch, wakes the refinery; anything else costs nothing.
import { afterEach, describe, expect, it } from "vitest";
import type { AppDependencies } from "../../app/handlers/app-dependencies.js";
import { gastownMetadata, withGastownMetadata } from "../../app/molecules/gastown-metadata.js";
import { leaveQueue, queueRef } from "../../app/town/merge-queue.js";
import { TEAM_CI } from "../emulator/testing.js";
import { webhookPayload } from "../fidelity/webhook-payloads.js";
import { NOW, REPO, startTown, type Town } from "./app-harness.js";
import { commentsOn, editLedger } from "./publish-harness.js";
import { commitOn, pullRequest } from "./queue-harness.js";

let town: Town;
afterEach(async () => {
  await town.close();
  expect(town.github.problems).toEqual([]);
});

/** The refinery's wakes, by base, with the login the App passed. */
type Woken = { base: string | undefined; botLogin: string; repo: string };

function refinerySpy(): { woken: Woken[]; refinery: NonNullable<AppDependencies["refinery"]> } {
  const woken: Woken[] = [];
  return {
    woken,
    refinery: async (ref, _deps, botLogin, wake = {}) => {
      woken.push({ base: wake.base, botLogin, repo: `${ref.owner}/${ref.repo}` });
      return { kind: "refined", rig: `${ref.owner}/${ref.repo}`, said: [] };
    },
  };
}

/** One ledger read, and one compare-and-swap commit, as the App makes them. */
const LEDGER_READ = [
  "GET /repos/octo/town/git/ref/heads%2Fgastown%2Fledger",
  expect.stringMatching(/^GET \/repos\/octo\/town\/git\/commits\/[0-9a-f]{40}$/),
  expect.stringMatching(/^GET \/repos\/octo\/town\/git\/trees\/[0-9a-f]{40}\?recursive=1$/),
  expect.stringMatching(/^GET \/repos\/octo\/town\/git\/blobs\/[0-9a-f]{40}$/),
];
const LEDGER_WRITE = ["POST /repos/octo/town/git/trees", "POST /repos/octo/town/git/commits", "PATCH /repos/octo/town/git/refs/heads%2Fgastown%2Fledger"];

const command = async (body: string, number: number, as = "mayor") => {
  await town.as(as, "POST", `/repos/${REPO}/issues/${number}/comments`, { body });
  await town.deliver();
};
/** What the App sent since `from`, as `METHOD path`, the ledger's own requests left out. */
const sentSince = (from: number) => town.sent.slice(from).map((s) => `${s.method} ${s.url}`);
const queueChecks = () => (town.github.state.repos[REPO]?.checkRuns ?? []).filter((r) => r.name === "gastown/queue")
  .map((r) => ({ id: r.id, headSha: r.headSha, externalId: r.externalId, status: r.status, conclusion: r.conclusion, title: r.output.title, summary: r.output.summary }));
const mergeRequest = async (number: number) => (await town.ledger())?.beads().find((b) => b.external_ref === queueRef(REPO, number));
const kinds = (deliveries: readonly { event: string; action?: string | undefined }[]) => deliveries.map((d) => `${d.event}.${d.action ?? ""}`);
/** The pull request deliveries people caused, not the App. */
const pullRequestKinds = (deliveries: readonly { event: string; action?: string | undefined; payload: unknown }[]) =>
  kinds(deliveries.filter((d) => d.event.startsWith("pull_request") && (d.payload as { sender: { login: string } }).sender.login !== "gastown[bot]"));
const headOf = (number: number) => town.issue(number).pull?.headSha as string;
const checkRunsOf = (sha: string) => `/repos/${REPO}/commits/${sha}/check-runs?check_name=gastown%2Fqueue&filter=all&per_page=100`;

describe("the gastown/queue check run", () => {
  it("is made by /queue on the pull request's head, and edited in place by the next /queue and /dequeue", async () => {
    town = await startTown();
    const first = await pullRequest(town, "fix/pumps", "pumps.txt");
    const second = await pullRequest(town, "fix/tanks", "tanks.txt");
    let from = town.sent.length;
    await command("/queue", first);
    const sha = headOf(first);
    // Queued just now, so no check run of the queue's can be on the head: made without looking.
    expect(sentSince(from).filter((s) => s.includes("check-runs"))).toEqual([`POST /repos/${REPO}/check-runs`]);
    expect(queueChecks()).toEqual([{
      id: expect.any(Number), headSha: sha, externalId: queueRef(REPO, first), status: "in_progress", conclusion: null,
      title: "Queued: 1 of 1 into main", summary: "Number 1 of 1 in the merge queue into `main`. No batch has failed with it yet.",
    }]);
    const [made] = queueChecks();
    await command("/queue", second);
    from = town.sent.length;
    await command("/queue", first);
    expect(sentSince(from).filter((s) => s.includes("check-runs"))).toEqual([
      `GET ${checkRunsOf(sha)}`,
      `PATCH /repos/${REPO}/check-runs/${made?.id}`,
    ]);
    expect(town.sent.at(-2)?.body).toEqual({
      output: { title: "Queued: 1 of 2 into main", summary: "Number 1 of 2 in the merge queue into `main`. No batch has failed with it yet." },
    });
    expect(queueChecks().filter((c) => c.headSha === sha)).toEqual([expect.objectContaining({ id: made?.id, status: "in_progress", title: "Queued: 1 of 2 into main" })]);

    from = town.sent.length;
    await command("/dequeue", first, "ann");
    expect(sentSince(from).filter((s) => s.includes("check-runs"))).toEqual([`GET ${checkRunsOf(sha)}`, `PATCH /repos/${REPO}/check-runs/${made?.id}`]);
    expect(queueChecks().filter((c) => c.headSha === sha)).toEqual([{
      id: made?.id, headSha: sha, externalId: queueRef(REPO, first), status: "completed", conclusion: "neutral",
      title: "Dequeued by ann", summary: "Taken out of the merge queue by `ann`. `/queue` puts it back.",
    }]);
    // The check run's own events (completed, and its suite) are none of the App's business, nor
    // are its own comment and label: no request.
    from = town.sent.length;
    const caused = await town.deliver();
    expect(kinds(caused).filter((kind) => kind.startsWith("check_"))).toEqual(["check_run.completed", "check_suite.completed"]);
    expect(sentSince(from)).toEqual([]);
    // Queued again, it gets a new run: a completed one is not put back in progress.
    await command("/queue", first);
    expect(queueChecks().filter((c) => c.headSha === sha).map((c) => [c.status, c.title])).toEqual([
      ["completed", "Dequeued by ann"], ["in_progress", "Queued: 1 of 2 into main"],
    ]);
  });
});

describe("a queued pull request", () => {
  it("closed by hand leaves the queue: its bead closed with why, its check run neutral, a comment saying so; the label stays", async () => {
    town = await startTown();
    const number = await pullRequest(town, "fix/pumps", "pumps.txt");
    await command("/queue", number);
    const sha = headOf(number);
    const [made] = queueChecks();
    await town.as("ann", "PATCH", `/repos/${REPO}/pulls/${number}`, { state: "closed" });
    const from = town.sent.length;
    expect(pullRequestKinds(await town.deliver())).toEqual(["pull_request.closed"]);
    expect(sentSince(from)).toEqual([
      "GET /repos/octo/town/contents/.github%2Fgastown.yml",
      ...LEDGER_READ,
      ...LEDGER_WRITE,
      `GET ${checkRunsOf(sha)}`,
      `PATCH /repos/${REPO}/check-runs/${made?.id}`,
      `POST /repos/${REPO}/issues/${number}/comments`,
    ]);
    expect(await mergeRequest(number)).toMatchObject({
      status: "closed", close_reason: "closed", closed_at: "2026-11-24T12:00:00Z", metadata: { gastown: { left_why: "closed by @ann" } },
    });
    expect(queueChecks()).toEqual([{
      id: made?.id, headSha: sha, externalId: queueRef(REPO, number), status: "completed", conclusion: "neutral",
      title: "Closed by ann, out of the queue",
      summary: "Closed by `ann`, so it left the merge queue. Reopening it does not queue it again: `/queue` does.",
    }]);
    expect(commentsOn(town, number).at(-1)).toEqual({
      user: "gastown[bot]",
      body: `#${number} left the merge queue: \`ann\` closed it, so the refinery will not test or land it. Reopen it and comment \`/queue\` to queue it again.`,
    });
    expect(town.issue(number).labels).toEqual(["gt:queue"]);

    // Reopened: nothing automatic, and no request. Closed again: the queue has nothing to say.
    const comments = commentsOn(town, number).length;
    await town.as("ann", "PATCH", `/repos/${REPO}/pulls/${number}`, { state: "open" });
    let again = town.sent.length;
    expect(pullRequestKinds(await town.deliver())).toEqual(["pull_request.reopened"]);
    expect(sentSince(again)).toEqual([]);
    await town.as("ann", "PATCH", `/repos/${REPO}/pulls/${number}`, { state: "closed" });
    again = town.sent.length;
    await town.deliver();
    expect(sentSince(again).filter((s) => !s.startsWith("GET "))).toEqual([]);
    expect(commentsOn(town, number)).toHaveLength(comments);
  });

  it("merged by hand leaves the queue saying who merged it; one the refinery recorded as landed says nothing", async () => {
    town = await startTown();
    const byHand = await pullRequest(town, "fix/pumps", "pumps.txt");
    const landed = await pullRequest(town, "fix/tanks", "tanks.txt");
    await command("/queue", byHand);
    await command("/queue", landed);
    await town.as("mayor", "PUT", `/repos/${REPO}/pulls/${byHand}/merge`, { merge_method: "merge" });
    await town.deliver();
    expect(await mergeRequest(byHand)).toMatchObject({ status: "closed", close_reason: "closed", metadata: { gastown: { left_why: "merged by @mayor outside the refinery" } } });
    expect(commentsOn(town, byHand).at(-1)?.body).toBe(
      `#${byHand} left the merge queue: \`mayor\` merged it outside the refinery, so there is nothing left for the queue to land.`,
    );
    expect(queueChecks().find((c) => c.headSha === headOf(byHand))).toMatchObject({
      status: "completed", conclusion: "neutral", title: "Merged by mayor, outside the queue",
      summary: "Merged by `mayor` outside the refinery, so it left the merge queue.",
    });

    // The refinery lands a batch and records it: the pull request's closing is its own.
    await editLedger(town, "mayor", "Land #2", (ledger) => leaveQueue(ledger, REPO, landed, { reason: "landed", why: "landed in main", now: NOW }));
    const comments = commentsOn(town, landed).length;
    await town.as("mayor", "PUT", `/repos/${REPO}/pulls/${landed}/merge`, { merge_method: "merge" });
    const from = town.sent.length;
    await town.deliver();
    expect(sentSince(from).filter((s) => !s.startsWith("GET "))).toEqual([]);
    expect(commentsOn(town, landed)).toHaveLength(comments);
    expect(await mergeRequest(landed)).toMatchObject({ close_reason: "landed" });
  });

  it("closed by the App itself (the refinery landing it) is the App's own act: no request", async () => {
    town = await startTown();
    const number = await pullRequest(town, "fix/pumps", "pumps.txt");
    await command("/queue", number);
    await town.as("ann", "PATCH", `/repos/${REPO}/pulls/${number}`, { state: "closed" });
    const closed = (await town.newDeliveries()).find((d) => d.event === "pull_request");
    const payload = structuredClone(closed?.payload) as { sender: { login: string } };
    payload.sender.login = "gastown[bot]";
    const from = town.sent.length;
    await town.app(0).receive({ id: "own-close", name: "pull_request", payload: payload as never });
    expect(sentSince(from)).toEqual([]);
    expect(await mergeRequest(number)).toMatchObject({ status: "open" });
  });

  it("pushed to moves its bead to the new head, a polecat's keeping its bead, and shows its place there", async () => {
    town = await startTown();
    const number = await pullRequest(town, "fix/pumps", "pumps.txt");
    await command("/queue", number);
    const before = headOf(number);
    // As the publisher queues a polecat's pull request: with its work bead and polecat.
    await editLedger(town, "mayor", "Link the work", (ledger) => {
      const bead = ledger.beads().find((b) => b.external_ref === queueRef(REPO, number));
      return bead ? ledger.withBead(withGastownMetadata(bead, { bead: "town-w1", polecat: "nux" })) : ledger;
    });
    const comments = commentsOn(town, number).length;
    const after = await commitOn(town, "fix/pumps", "pumps.txt", "second try\n");
    const from = town.sent.length;
    expect(pullRequestKinds(await town.deliver())).toEqual(["pull_request.synchronize"]);
    // The head read again (deliveries of two pushes may come in either order), the bead moved in
    // one commit, and a check run made on the new head without looking: no other can be there.
    expect(sentSince(from)).toEqual([
      "GET /repos/octo/town/contents/.github%2Fgastown.yml",
      `GET /repos/${REPO}/pulls/${number}`,
      ...LEDGER_READ,
      ...LEDGER_WRITE,
      `POST /repos/${REPO}/check-runs`,
    ]);
    const bead = await mergeRequest(number);
    expect(bead?.status).toBe("open");
    expect(bead && gastownMetadata(bead)).toMatchObject({ head_sha: after, head: "fix/pumps", bead: "town-w1", polecat: "nux", tries: 0 });
    expect(queueChecks().map((c) => [c.headSha, c.status, c.title])).toEqual([
      [before, "in_progress", "Queued: 1 of 1 into main"], [after, "in_progress", "Queued: 1 of 1 into main"],
    ]);
    // The check run says it; no comment does.
    expect(commentsOn(town, number)).toHaveLength(comments);
  });

  it("not queued, pushed to or closed, costs no request", async () => {
    town = await startTown();
    const number = await pullRequest(town, "fix/pumps", "pumps.txt");
    await commitOn(town, "fix/pumps", "pumps.txt", "second try\n");
    await town.as("ann", "PATCH", `/repos/${REPO}/pulls/${number}`, { state: "closed" });
    const from = town.sent.length;
    expect(pullRequestKinds(await town.deliver())).toEqual(["pull_request.synchronize", "pull_request.closed"]);
    expect(sentSince(from)).toEqual([]);
  });
});

describe("waking the refinery", () => {
  it("a review of a refinery pull request, and a person closing it, wake the refinery for its base", async () => {
    const spy = refinerySpy();
    town = await startTown({ deps: { refinery: spy.refinery } });
    const number = await pullRequest(town, "gastown-refinery/main/1", "batch.txt");
    expect(spy.woken).toEqual([]);
    await town.as("mayor", "POST", `/repos/${REPO}/pulls/${number}/reviews`, { event: "APPROVE", body: "" });
    const from = town.sent.length;
    expect(pullRequestKinds(await town.deliver())).toEqual(["pull_request_review.submitted"]);
    // The App's login, asked once a process; the refinery's own requests are the spy's.
    expect(sentSince(from)).toEqual(["GET /app"]);
    expect(spy.woken).toEqual([{ base: "main", botLogin: "gastown[bot]", repo: REPO }]);
    await town.as("ann", "PATCH", `/repos/${REPO}/pulls/${number}`, { state: "closed" });
    await town.deliver();
    expect(spy.woken).toHaveLength(2);
  });

  it("CI ending on a staging branch wakes it; the same on any other branch costs nothing", async () => {
    const spy = refinerySpy();
    town = await startTown({ deps: { refinery: spy.refinery }, files: { ".github/workflows/ci.yml": TEAM_CI } });
    await commitOn(town, "gastown-refinery/main/2", "batch.txt", "two\n");
    await commitOn(town, "fix/pumps", "pumps.txt", "one\n");
    await town.deliver();
    const runs = town.github.state.repos[REPO]?.runs ?? [];
    for (const run of runs) {
      town.github.startJob(REPO, run.id, "test");
      town.github.completeJob(REPO, run.id, "test", "success", "2026-11-24T12:00:00.0000000Z done\n");
    }
    const from = town.sent.length;
    const delivered = await town.deliver();
    expect(delivered.filter((d) => d.event === "workflow_run" && d.action === "completed").map((d) => (d.payload as { workflow_run: { head_branch: string } }).workflow_run.head_branch).sort())
      .toEqual(["fix/pumps", "gastown-refinery/main/2"]);
    // The staging run's end wakes the refinery; the other branch's, and the runs' starts, cost
    // nothing. Each job's end costs the witness what it costs today: settings and the ledger.
    expect(spy.woken).toEqual([{ base: "main", botLogin: "gastown[bot]", repo: REPO }]);
    const settings = "GET /repos/octo/town/contents/.github%2Fgastown.yml";
    const ledger = "GET /repos/octo/town/contents/.beads%2Fissues.jsonl?ref=refs%2Fheads%2Fgastown%2Fledger";
    expect(sentSince(from)).toEqual([settings, "GET /app", ledger, settings, ledger]);
  });

  it("a commit status on a staging branch wakes it; on another branch, or pending, it costs nothing", async () => {
    const spy = refinerySpy();
    town = await startTown({ deps: { refinery: spy.refinery } });
    const status = (state: string, branch: string) => webhookPayload("status", undefined, (payload) => {
      const repository = payload["repository"] as { name: string; full_name: string; owner: { login: string } };
      repository.name = "town";
      repository.full_name = REPO;
      repository.owner.login = "octo";
      payload["state"] = state;
      payload["branches"] = [{ name: branch, commit: { sha: payload["sha"], url: "" }, protected: false }];
    });
    const from = town.sent.length;
    await town.app(0).receive({ id: "s1", name: "status", payload: status("success", "main") as never });
    await town.app(0).receive({ id: "s2", name: "status", payload: status("pending", "gastown-refinery/main/3") as never });
    expect(sentSince(from)).toEqual([]);
    expect(spy.woken).toEqual([]);
    await town.app(0).receive({ id: "s3", name: "status", payload: status("failure", "gastown-refinery/main/3") as never });
    expect(spy.woken).toEqual([{ base: "main", botLogin: "gastown[bot]", repo: REPO }]);
  });
});
