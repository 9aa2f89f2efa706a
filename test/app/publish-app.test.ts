// The publisher (DESIGN §7, "After a polecat exits", "Mail", "Branches and credentials"): a real
// polecat run ends in the emulator and rings its mail; the App, handed the mail, publishes what
// the run recorded on its bead and its work ref, and nothing twice when it looks again.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Bead } from "../../app/ledger/bead-schema.js";
import { gastownMetadata, withGastownMetadata } from "../../app/molecules/gastown-metadata.js";
import { PUBLISH_CLAIM_MS } from "../../app/town/publish-exit.js";
import { AGENTS, startPolecatTown, type PolecatTown } from "../polecat/polecat-harness.js";
import { TEAM_CI as CI } from "../emulator/testing.js";
import { NOW, REPO, startTown } from "./app-harness.js";
import { commentsOn, deliverMail, editLedger, publishInActions, pullRequests, ringAs, workflowRuns } from "./publish-harness.js";

const CI_PATH = ".github/workflows/ci.yml";
const ZWSP = "\u200b";

let polecat: PolecatTown | undefined;
afterEach(async () => {
  await polecat?.close();
  expect(polecat?.town.github.problems ?? []).toEqual([]);
  polecat = undefined;
});

async function completed(): Promise<{ polecat: PolecatTown; bead: Bead; tip: string }> {
  const town = await startPolecatTown({ command: `${AGENTS}/diligent.sh`, files: { [CI_PATH]: CI } });
  polecat = town;
  await town.runPolecat();
  const bead = await town.bead();
  return { polecat: town, bead, tip: gastownMetadata(bead).work_tip as string };
}

/** What the App sent since `from`, as `METHOD path`. */
function sentSince(town: PolecatTown, from: number): string[] {
  return town.town.sent.slice(from).map((s) => `${s.method} ${s.url.replace(/\?.*$/, "").replace(/\b[0-9a-f]{40}\b/, "x")}`);
}

describe("publishing COMPLETED", () => {
  it("moves the PR branch to the work ref's tip with the App's token, opens the pull request and queues it", async () => {
    const { polecat: town, bead, tip } = await completed();
    const molecule = gastownMetadata(bead).molecule as string;
    const runId = gastownMetadata(bead).run_id as number;
    const from = town.town.sent.length;
    const mail = await deliverMail(town.town);

    expect(mail.map((d) => (d.payload as { client_payload: { type: string } }).client_payload.type)).toEqual(["MERGE_READY"]);
    const branch = `polecat/furiosa/${bead.id}`;
    expect(await town.town.github.git(REPO).resolveRef(`refs/heads/${branch}`)).toBe(tip);
    expect(pullRequests(town.town)).toEqual([{ number: 2, head: branch, base: "main", title: "Fix the pumps", state: "open", labels: ["gt:queue"] }]);
    expect(town.town.issue(2).body).toBe([
      `Polecat **furiosa** finished \`${bead.id}\` (attempt 1).`,
      "",
      "**Summary**",
      "",
      "```text",
      `Every step of ${molecule} is done (2).`,
      "```",
      "",
      "**Steps**",
      "",
      `- [x] Plan ${bead.id}`,
      "",
      "  ```text",
      "  Did plan: steps/plan.txt",
      "  ```",
      "",
      `- [x] Build ${bead.id}`,
      "",
      "  ```text",
      "  Did build: steps/build.txt",
      "  ```",
      "",
      "",
      "Closes #1",
      "",
      `Run: ${town.town.github.urls.web}/octo/town/actions/runs/${runId}`,
      `<!-- gastown:exit ${bead.id}@1 -->`,
      "",
    ].join("\n"));
    const after = await town.bead();
    expect(gastownMetadata(after)).toMatchObject({ pr: 2, published_attempt: 1, exit: "COMPLETED" });
    // Queued in the same write: the merge queue's bead for the pull request, at the work's tip.
    const queued = (await town.ledger()).beads().filter((b) => b.issue_type === "merge-request");
    expect(queued.map((b) => [b.title, b.created_by, gastownMetadata(b)])).toEqual([[
      "Merge #2: Fix the pumps", "gastown[bot]",
      { pr: 2, repo: "octo/town", head: `polecat/furiosa/${bead.id}`, head_sha: gastownMetadata(after).work_tip, base: "main", bead: bead.id,
        polecat: "furiosa", tries: 0, queued_at: expect.any(String), queued_by: "gastown[bot]" },
    ]]);
    // The sling label stays while the pull request is open; the status follows the bead.
    expect([...town.town.issue(1).labels].sort()).toEqual(["gt:sling/two-steps", "status::in_progress"]);
    expect(sentSince(town, from)).toEqual([
      ...completedLook(bead.id),
      "POST /repos/octo/town/git/refs",
      "POST /repos/octo/town/pulls",
      "POST /repos/octo/town/issues/2/labels",
      "GET /repos/octo/town/issues/1",
      "GET /repos/octo/town/issues/1/comments",
      `PATCH /repos/octo/town/issues/comments/${town.town.issue(1).comments[0]?.id}`,
      "POST /repos/octo/town/issues/1/labels",
      "DELETE /repos/octo/town/issues/1/labels/status%3A%3Ahooked",
      ...LEDGER_WRITE,
      // Its place in the queue, on the pull request's head, where the write just queued it.
      "POST /repos/octo/town/check-runs",
    ]);
    expect(town.town.github.state.repos[REPO]?.checkRuns.filter((r) => r.name === "gastown/queue").map((r) => [r.headSha, r.externalId, r.status, r.output.title])).toEqual([
      [tip, "gastown:queue/octo/town#2", "in_progress", "Queued: 1 of 1 into main"],
    ]);
    // The team's CI ran on the published commit: the App's push of the branch, and the pull request.
    expect(workflowRuns(town.town, CI_PATH)).toEqual([
      { event: "push", branch, sha: tip, status: "queued", conclusion: null },
      { event: "pull_request", branch, sha: tip, status: "queued", conclusion: null },
    ]);
  });

  it("does nothing twice when the mail comes again, nor when the record of the last look was lost", async () => {
    const { polecat: town, bead } = await completed();
    await deliverMail(town.town);
    const pulls = pullRequests(town.town);
    const issue = { labels: [...town.town.issue(1).labels], comments: commentsOn(town.town, 1).map(firstLine) };

    // The same mail again: the bead says its attempt is published, so only the ledger is read.
    await ringAs(town.town, "mayor", { type: "MERGE_READY", bead: bead.id, attempt: 1, run_id: 1 });
    let from = town.town.sent.length;
    await deliverMail(town.town);
    expect(sentSince(town, from)).toEqual(["GET /repos/octo/town/contents/.github%2Fgastown.yml", ...LEDGER_READ]);

    // A look that died after its effects, before its record.
    await loseRecord(town, bead.id);
    // While the look that died might still be at it, its claim holds others off.
    await ringAs(town.town, "mayor", { type: "MERGE_READY", bead: bead.id, attempt: 1, run_id: 1 });
    from = town.town.sent.length;
    await deliverMail(town.town);
    expect(sentSince(town, from)).toEqual(["GET /repos/octo/town/contents/.github%2Fgastown.yml", ...LEDGER_READ]);
    // After that, a look takes it over, and GitHub's own state says what is done already.
    town.town.clock.now = new Date(NOW.getTime() + PUBLISH_CLAIM_MS);
    await ringAs(town.town, "mayor", { type: "MERGE_READY", bead: bead.id, attempt: 1, run_id: 1 });
    from = town.town.sent.length;
    await deliverMail(town.town);
    expect(sentSince(town, from)).toEqual([
      ...completedLook(bead.id),
      "POST /repos/octo/town/pulls",
      "GET /repos/octo/town/pulls",
      "GET /repos/octo/town/issues/1",
      "GET /repos/octo/town/issues/1/comments",
      // The status comment says when it was updated.
      `PATCH /repos/octo/town/issues/comments/${town.town.issue(1).comments[0]?.id}`,
      ...LEDGER_WRITE,
      // The queue's check run, found again and edited in place.
      "GET /repos/octo/town/commits/x/check-runs",
      expect.stringMatching(/^PATCH \/repos\/octo\/town\/check-runs\/\d+$/),
    ]);
    expect(town.town.github.state.repos[REPO]?.checkRuns.filter((r) => r.name === "gastown/queue")).toHaveLength(1);
    expect(pullRequests(town.town)).toEqual(pulls);
    expect({ labels: [...town.town.issue(1).labels], comments: commentsOn(town.town, 1).map(firstLine) }).toEqual(issue);
    expect(gastownMetadata(await town.bead())).toMatchObject({ pr: 2, published_attempt: 1 });
    expect(workflowRuns(town.town, CI_PATH)).toHaveLength(2);
  });

  it("updates the same pull request on a later attempt, no longer needing a fix, and the team's CI runs on its commits", async () => {
    const { polecat: town, bead, tip } = await completed();
    await deliverMail(town.town);
    // The merge queue sends it back, labelled as needing a fix.
    await town.town.as("mayor", "POST", `/repos/${REPO}/issues/2/labels`, { labels: ["gt:fix-needed"] });
    // A later attempt (as after the merge queue sent the work back): one more commit on the work
    // ref, by that run's GITHUB_TOKEN, and its exit recorded by the run that claimed it.
    const git = town.town.github.git(REPO);
    const author = { name: "furiosa", email: "furiosa@example.com", date: "2026-11-24T13:00:00Z" };
    const next = await git.writeCommit({ tree: (await git.readCommit(tip)).tree, parents: [tip], message: "Fix the review\n", author, committer: author });
    await town.town.github.moveRef(REPO, `refs/heads/gastown/work/furiosa/${bead.id}`, next, tip, { login: "github-actions[bot]", via: "actions" });
    await editLedger(town.town, "mayor", "Attempt 2 ends", (ledger) =>
      ledger.withBead(withGastownMetadata(ledger.get(bead.id) as Bead, { attempt: 2, run_id: 4242, work_tip: next, exit_reason: "Fixed what @mayor asked" })));
    await ringAs(town.town, "mayor", { type: "MERGE_READY", bead: bead.id, attempt: 2, run_id: 4242 });
    await deliverMail(town.town);

    const branch = `polecat/furiosa/${bead.id}`;
    expect(await git.resolveRef(`refs/heads/${branch}`)).toBe(next);
    expect(pullRequests(town.town)).toEqual([{ number: 2, head: branch, base: "main", title: "Fix the pumps", state: "open", labels: ["gt:queue"] }]);
    expect(town.town.issue(2).body).toContain(`finished \`${bead.id}\` (attempt 2).\n\n**Summary**\n\n\`\`\`text\nFixed what @${ZWSP}mayor asked\n\`\`\`\n`);
    expect(gastownMetadata(await town.bead())).toMatchObject({ pr: 2, published_attempt: 2 });
    // Still one merge request, moved to the new head.
    expect((await town.ledger()).beads().filter((b) => b.issue_type === "merge-request").map((b) => gastownMetadata(b).head_sha)).toEqual([next]);
    expect(workflowRuns(town.town, CI_PATH)).toEqual([
      { event: "push", branch, sha: tip, status: "queued", conclusion: null },
      { event: "pull_request", branch, sha: tip, status: "queued", conclusion: null },
      { event: "push", branch, sha: next, status: "queued", conclusion: null },
      { event: "pull_request", branch, sha: next, status: "queued", conclusion: null },
    ]);
  });

  it("says on the issue and escalates, forcing nothing, when someone else moved the PR branch; once", async () => {
    const { polecat: town, bead, tip } = await completed();
    // A person pushed to the PR branch before the App published: a commit the work ref lacks.
    const git = town.town.github.git(REPO);
    const branch = `polecat/furiosa/${bead.id}`;
    const main = await git.resolveRef("refs/heads/main");
    const author = { name: "Ann", email: "ann@example.com", date: "2026-11-24T13:00:00Z" };
    const theirs = await git.writeCommit({ tree: (await git.readCommit(main as string)).tree, parents: [main as string], message: "Mine\n", author, committer: author });
    await town.town.github.moveRef(REPO, `refs/heads/${branch}`, theirs, "0".repeat(40), { login: "ann", via: "user" });
    await ringAs(town.town, "mayor", { type: "MERGE_READY", bead: bead.id, attempt: 1, run_id: 1 });
    await deliverMail(town.town);

    expect(await git.resolveRef(`refs/heads/${branch}`)).toBe(theirs);
    expect(pullRequests(town.town)).toEqual([]);
    const comments = commentsOn(town.town, 1);
    expect(comments.at(-1)).toEqual({
      user: "gastown[bot]",
      body: [
        `<!-- gastown:exit ${bead.id}@1 -->`,
        `Polecat **furiosa** ended attempt 1 of \`${bead.id}\` as **COMPLETED**, but its work cannot be published: ${branch} has commits the work does not, and no polecat's work moves a branch by force (GitHub: Update is not a fast forward).`,
        "",
        `The work stays on \`gastown/work/furiosa/${bead.id}\` at \`${tip.slice(0, 12)}\`. Once a person has put \`${branch}\` in order (or deleted it), slinging #1 again publishes the next attempt.`,
        "",
      ].join("\n"),
    });
    // A person has to act: escalated, and the sling label off, so they sling again when they have.
    expect([...town.town.issue(1).labels].sort()).toEqual(["gt:escalated", "status::in_progress"]);
    const status = comments[0]?.body ?? "";
    expect(status).toContain("Polecat **furiosa** ended attempt 1 as COMPLETED, but its work cannot be published: it needs a person.");
    expect(gastownMetadata(await town.bead())).toMatchObject({ published_attempt: 1, exit: "COMPLETED" });
    expect(gastownMetadata(await town.bead())).not.toHaveProperty("pr");

    // Looked at again: nothing more.
    await ringAs(town.town, "mayor", { type: "MERGE_READY", bead: bead.id, attempt: 1, run_id: 1 });
    const from = town.town.sent.length;
    await deliverMail(town.town);
    expect(sentSince(town, from)).toEqual(["GET /repos/octo/town/contents/.github%2Fgastown.yml", ...LEDGER_READ]);
    expect(commentsOn(town.town, 1)).toEqual(comments);
  });
});

describe("publishing the other exits", () => {
  it("BLOCKED: says on the issue what blocks it, fenced, and takes the sling label off; once", async () => {
    const town = await startPolecatTown({ command: `${AGENTS}/blocked.sh` });
    polecat = town;
    await town.runPolecat();
    const bead = await town.bead();
    const blocker = gastownMetadata(bead).exit_blocker as string;
    await deliverMail(town.town);

    const comments = commentsOn(town.town, 1);
    expect(comments.at(-1)).toEqual({
      user: "gastown[bot]",
      body: [
        `<!-- gastown:exit ${bead.id}@1 -->`,
        `Polecat **furiosa** ended attempt 1 of \`${bead.id}\` as **BLOCKED**: the work waits until what blocks it is done, then a person slings it again.`,
        "",
        "```text",
        `The pumps cannot be fixed without a pressure gauge (@${ZWSP}mayor, see ${blocker})`,
        "```",
        "",
        `It is blocked by \`${blocker}\`:`,
        "",
        "```text",
        "Add a pressure gauge to the pump API",
        "```",
        "",
      ].join("\n"),
    });
    expect([...town.town.issue(1).labels].sort()).toEqual(["status::blocked"]);
    expect(pullRequests(town.town)).toEqual([]);
    const status = comments[0]?.body ?? "";
    expect(status).toContain("### Gas Town · ⛔ Blocked");
    expect(status).toContain(`Polecat **furiosa** ended attempt 1 as BLOCKED: the work is blocked by \`${blocker}\`. Sling it again once that is done.`);
    expect(status).toContain(`\`\`\`text\nThe pumps cannot be fixed without a pressure gauge (@${ZWSP}mayor, see ${blocker})\n\`\`\``);
    expect(gastownMetadata(await town.bead())).toMatchObject({ published_attempt: 1, exit: "BLOCKED" });

    // The record lost: the comment is found, not made again.
    await loseRecord(town, bead.id);
    town.town.clock.now = new Date(NOW.getTime() + PUBLISH_CLAIM_MS);
    await ringAs(town.town, "mayor", { type: "POLECAT_DONE", bead: bead.id });
    await deliverMail(town.town);
    expect(commentsOn(town.town, 1).map(firstLine)).toEqual(comments.map(firstLine));
    expect(commentsOn(town.town, 1).at(-1)).toEqual(comments.at(-1));
    expect(gastownMetadata(await town.bead())).toMatchObject({ published_attempt: 1 });
  });

  it("with polecat.sandbox off: the exit's comment and the status say so under their first line", async () => {
    const town = await startPolecatTown({ command: `${AGENTS}/blocked.sh`, polecat: "  sandbox: off\n" });
    polecat = town;
    await town.runPolecat();
    const bead = await town.bead();
    const blocker = gastownMetadata(bead).exit_blocker as string;
    await deliverMail(town.town);

    const notice = "⚠️ **Sandbox off**: the agent runs unisolated, with the model's key and the runner's network (`polecat.sandbox: off`).";
    const comments = commentsOn(town.town, 1);
    expect(comments.at(-1)?.body.split("\n").slice(0, 5)).toEqual([
      `<!-- gastown:exit ${bead.id}@1 -->`,
      `Polecat **furiosa** ended attempt 1 of \`${bead.id}\` as **BLOCKED**: the work waits until what blocks it is done, then a person slings it again.`,
      "", notice, "",
    ]);
    expect(comments[0]?.body.split("\n").slice(2, 7)).toEqual([
      "### Gas Town · ⛔ Blocked",
      "",
      `Polecat **furiosa** ended attempt 1 as BLOCKED: the work is blocked by \`${blocker}\`. Sling it again once that is done.`,
      "", notice,
    ]);
  });

  it("REFACTOR: names the beads the work was split into, and the bead is deferred", async () => {
    const town = await startPolecatTown({ command: `${AGENTS}/refactor.sh` });
    polecat = town;
    await town.runPolecat();
    const bead = await town.bead();
    await deliverMail(town.town);

    const ledger = await town.ledger();
    const children = ["Fix the left pump", "Fix the right pump"].map((title) => ledger.beads().find((b) => b.title === title)?.id);
    expect(commentsOn(town.town, 1).at(-1)?.body).toBe([
      `<!-- gastown:exit ${bead.id}@1 -->`,
      `Polecat **furiosa** ended attempt 1 of \`${bead.id}\` as **REFACTOR**: the work is deferred, split into smaller beads.`,
      "",
      "```text",
      "Two pumps, two pull requests",
      "```",
      "",
      "It split the work into these 2 beads:",
      "",
      `- \`${children[0]}\`\n\n  \`\`\`text\n  Fix the left pump\n  \`\`\`\n`,
      `- \`${children[1]}\`\n\n  \`\`\`text\n  Fix the right pump\n  \`\`\`\n`,
      "",
    ].join("\n"));
    expect([...town.town.issue(1).labels].sort()).toEqual(["status::deferred"]);
    expect((await town.bead()).status).toBe("deferred");
  });

  it("ESCALATE: opens an issue labelled gt:escalated that mentions whoever slung the work; once", async () => {
    const town = await startPolecatTown({ command: `${AGENTS}/diligent.sh` });
    polecat = town;
    const bead = await town.bead();
    const main = await town.town.github.git(REPO).resolveRef("refs/heads/main");
    await town.town.as("mayor", "POST", "/repos/octo/town/git/refs", { ref: `refs/heads/gastown/work/furiosa/${bead.id}`, sha: main });
    await town.town.as("mayor", "PUT", "/repos/octo/town/contents/.github/workflows/ci.yml", { message: "Add CI", content: Buffer.from(CI).toString("base64") });
    await town.runPolecat();
    const reason = gastownMetadata(await town.bead()).exit_reason as string;
    await deliverMail(town.town);

    const escalation = town.town.issue(2);
    expect({ title: escalation.title, user: escalation.user, labels: escalation.labels, body: escalation.body }).toEqual({
      title: "Escalation: #1 needs a person",
      user: "gastown[bot]",
      labels: ["gt:escalated"],
      body: [
        `@mayor: polecat **furiosa** escalated #1 (bead \`${bead.id}\`, attempt 1): it needs a person.`,
        "",
        "```text",
        reason,
        "```",
        "",
        "The work is let go and its molecule stays open: once a person has acted, slinging #1 again resumes it.",
        `<!-- gastown:exit ${bead.id}@1 -->`,
        "",
      ].join("\n"),
    });
    expect([...town.town.issue(1).labels].sort()).toEqual(["gt:escalated", "status::open"]);
    expect(commentsOn(town.town, 1)[0]?.body).toContain("ended attempt 1 as ESCALATE: escalated as #2. Sling it again once a person has acted.");

    await loseRecord(town, bead.id);
    town.town.clock.now = new Date(NOW.getTime() + PUBLISH_CLAIM_MS);
    await ringAs(town.town, "mayor", { type: "POLECAT_DONE", bead: bead.id });
    await deliverMail(town.town);
    expect((town.town.github.state.repos[REPO]?.issues ?? []).map((i) => i.number)).toEqual([1, 2]);
  });
});

describe("mail is a doorbell", () => {
  it("a forged mail changes nothing: not for a bead still at work, and not as it claims for one that ended", async () => {
    const town = await startPolecatTown({ command: `${AGENTS}/blocked.sh` });
    polecat = town;
    const bead = await town.bead();
    // Before any run ended: the bead is hooked, nothing to publish, whatever the mail says.
    await ringAs(town.town, "ann", { type: "MERGE_READY", bead: bead.id, attempt: 1, run_id: 1, body: "Merge me, @mayor" });
    const from = town.town.sent.length;
    await deliverMail(town.town);
    expect(sentSince(town, from)).toEqual(["GET /repos/octo/town/contents/.github%2Fgastown.yml", ...LEDGER_READ]);

    // A run that ended BLOCKED, and a mail that says MERGE_READY: the ledger's word is published.
    await town.runPolecat();
    await town.town.newDeliveries();
    await ringAs(town.town, "ann", { type: "MERGE_READY", bead: bead.id, attempt: 1, run_id: 1 });
    await deliverMail(town.town);
    expect(pullRequests(town.town)).toEqual([]);
    expect(commentsOn(town.town, 1).at(-1)?.body).toContain("as **BLOCKED**");
  });

  it("another kind of repository_dispatch, or a mail that names no bead, costs no request", async () => {
    const town = await startTown();
    try {
      await town.as("mayor", "POST", `/repos/${REPO}/dispatches`, { event_type: "deploy", client_payload: { bead: "town-1" } });
      await ringAs(town, "mayor", { type: "MERGE_READY" });
      await ringAs(town, "mayor", { type: "MERGE_READY", bead: "../../refs" });
      expect(await deliverMail(town)).toHaveLength(3);
      expect(town.sent).toEqual([]);
    } finally {
      await town.close();
    }
  });

  it("two copies of the App handed the same mail at once: one publishes, the other finds its claim", async () => {
    const town = await startPolecatTown({ command: `${AGENTS}/blocked.sh` });
    polecat = town;
    await town.runPolecat();
    const [mail] = (await town.town.newDeliveries()).filter((d) => d.event === "repository_dispatch");
    if (!mail) throw new Error("no mail");
    const receive = (i: number) => town.town.app(i).receive({ id: mail.id, name: mail.event as never, payload: mail.payload as never });
    await Promise.all([receive(0), receive(1)]);

    expect(commentsOn(town.town, 1).filter((c) => c.body.startsWith("<!-- gastown:exit"))).toHaveLength(1);
    expect(gastownMetadata(await town.bead())).toMatchObject({ published_attempt: 1 });
    expect(gastownMetadata(await town.bead())).not.toHaveProperty("publishing");
  });

  it("a lost mail: the next look publishes what the run recorded", async () => {
    const { polecat: town, bead } = await completed();
    // The run's mail never arrives.
    await town.town.newDeliveries();
    expect(pullRequests(town.town)).toEqual([]);
    await ringAs(town.town, "mayor", { type: "POLECAT_DONE", bead: bead.id });
    await deliverMail(town.town);
    expect(pullRequests(town.town)).toEqual([expect.objectContaining({ number: 2, head: `polecat/furiosa/${bead.id}`, labels: ["gt:queue"] })]);
  });
});

describe("Actions-only mode: gastown-app.yml's job publishes", () => {
  const APP_WORKFLOW = ".github/workflows/gastown-app.yml";
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "gastown-publish-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** A polecat run with `agent`, in a town with the team's CI and the copied gastown-app.yml; its mail and the run it started. */
  async function endedInActions(agent: string) {
    const town = await startPolecatTown({
      command: `${AGENTS}/${agent}`,
      files: { [CI_PATH]: CI, [APP_WORKFLOW]: await readFile(new URL("../../examples/workflows/gastown-app.yml", import.meta.url), "utf8") },
    });
    polecat = town;
    await town.runPolecat({ run: town.runs().find((r) => r.event === "workflow_dispatch")?.id as number });
    const mail = (await town.town.newDeliveries()).find((d) => d.event === "repository_dispatch");
    const runs = town.town.github.state.repos[REPO]?.runs ?? [];
    const started = runs.find((r) => r.event === "repository_dispatch");
    if (!mail || !started) throw new Error("the mail started no gastown-app run");
    return { town, mail, run: { id: started.id, token: started.token }, bead: await town.bead() };
  }

  it("with GITHUB_TOKEN: opens the pull request as github-actions[bot]; its push starts no CI and its pull request's runs wait for approval", async () => {
    const { town, mail, run, bead } = await endedInActions("diligent.sh");
    const tip = gastownMetadata(bead).work_tip as string;
    const appRuns = workflowRuns(town.town, APP_WORKFLOW).length;
    const outcome = await publishInActions(town.town, mail, { run, dir });
    await town.town.github.settled();

    expect(outcome).toEqual({ kind: "handled", event: "repository_dispatch.gastown.mail" });
    const branch = `polecat/furiosa/${bead.id}`;
    expect(await town.town.github.git(REPO).resolveRef(`refs/heads/${branch}`)).toBe(tip);
    expect(pullRequests(town.town)).toEqual([{ number: 2, head: branch, base: "main", title: "Fix the pumps", state: "open", labels: ["gt:queue"] }]);
    expect(town.town.issue(2).user).toBe("github-actions[bot]");
    expect(gastownMetadata(await town.bead())).toMatchObject({ pr: 2, published_attempt: 1 });
    expect(workflowRuns(town.town, CI_PATH)).toEqual([{ event: "pull_request", branch, sha: tip, status: "completed", conclusion: "action_required" }]);
    // Its labels and comments started no run of gastown-app.yml.
    expect(workflowRuns(town.town, APP_WORKFLOW)).toHaveLength(appRuns);
  });

  it("with GITHUB_TOKEN: BLOCKED takes the sling label off with no workflow started by it, so no loop", async () => {
    const { town, mail, run } = await endedInActions("blocked.sh");
    const appRuns = workflowRuns(town.town, APP_WORKFLOW).length;
    await publishInActions(town.town, mail, { run, dir });
    await town.town.github.settled();

    expect([...town.town.issue(1).labels].sort()).toEqual(["status::blocked"]);
    // The App server slung it here, so its status comment is not this login's own: the
    // workflow makes one of its own beside the exit's comment.
    expect(commentsOn(town.town, 1).map((c) => [c.user, c.body.split("\n")[0]])).toEqual([
      ["gastown[bot]", "<!-- gastown:status -->"],
      ["github-actions[bot]", `<!-- gastown:exit ${(await town.bead()).id}@1 -->`],
      ["github-actions[bot]", "<!-- gastown:status -->"],
    ]);
    expect(workflowRuns(town.town, APP_WORKFLOW)).toHaveLength(appRuns);
  });

  it("with the App's token: its push and its pull request start the team's CI", async () => {
    const { town, mail, run, bead } = await endedInActions("diligent.sh");
    const tip = gastownMetadata(bead).work_tip as string;
    const installation = town.town.github.state.installations[0]?.id as number;
    const outcome = await publishInActions(town.town, mail, { run, app: { token: town.town.github.installationToken(installation), slug: "gastown" }, dir });
    await town.town.github.settled();

    expect(outcome).toEqual({ kind: "handled", event: "repository_dispatch.gastown.mail" });
    const branch = `polecat/furiosa/${bead.id}`;
    expect(town.town.issue(2).user).toBe("gastown[bot]");
    expect(workflowRuns(town.town, CI_PATH)).toEqual([
      { event: "push", branch, sha: tip, status: "queued", conclusion: null },
      { event: "pull_request", branch, sha: tip, status: "queued", conclusion: null },
    ]);
  });
});

const LEDGER_READ = [
  "GET /repos/octo/town/git/ref/heads%2Fgastown%2Fledger",
  "GET /repos/octo/town/git/commits/x",
  "GET /repos/octo/town/git/trees/x",
  "GET /repos/octo/town/git/blobs/x",
];
/** A look at a COMPLETED bead, up to what it publishes: settings, the ledger and its claim, the work ref and the PR branch. */
function completedLook(bead: string): string[] {
  return [
    "GET /repos/octo/town/contents/.github%2Fgastown.yml",
    ...LEDGER_READ,
    ...LEDGER_WRITE,
    `GET /repos/octo/town/git/ref/heads%2Fgastown%2Fwork%2Ffuriosa%2F${bead}`,
    `GET /repos/octo/town/git/ref/heads%2Fpolecat%2Ffuriosa%2F${bead}`,
  ];
}

/** A comment by its author and its first line (a marker, for the App's). */
function firstLine(comment: { user: string; body: string }): string {
  return `${comment.user}: ${comment.body.split("\n")[0]}`;
}

/**
 * A look that died after its effects and before its record: the bead as that look's claim left
 * it, with no record of what was published.
 */
async function loseRecord(town: PolecatTown, bead: string): Promise<void> {
  await editLedger(town.town, "mayor", "A look dies before its record", (ledger) => ledger.withBead(withGastownMetadata(ledger.get(bead) as Bead, {
    published_attempt: undefined, publishing: { attempt: 1, by: "a look that died", at: NOW.toISOString().replace(/\.\d{3}Z$/, "Z") },
  })));
}
const LEDGER_WRITE = ["POST /repos/octo/town/git/trees", "POST /repos/octo/town/git/commits", "PATCH /repos/octo/town/git/refs/heads%2Fgastown%2Fledger"];
