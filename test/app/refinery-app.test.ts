// The refinery against the emulator, with real git: queued pull requests built into a staging
// branch (one merge commit each), tested by the command gates the test plays the runner of, and
// landed through an approved refinery pull request, or directly; red batches bisected, flakes run
// again, failures and conflicts sent back with their evidence; two refinery runs racing act once.
import { afterEach, describe, expect, it } from "vitest";
import type { Bead } from "../../app/ledger/bead-schema.js";
import { beadByExternalRef } from "../../app/ledger/external-ref.js";
import { gastownMetadata, gastownString, withGastownMetadata } from "../../app/molecules/gastown-metadata.js";
import { squash } from "../../app/molecules/squash.js";
import { polecatBranch } from "../../app/town/polecat-names.js";
import { unhooked } from "../../app/town/sling.js";
import { queueRef } from "../../app/town/merge-queue.js";
import { rebuildTrial, slotOf, slotRef, withSlot } from "../../app/town/refinery.js";
import { call, commitOnBranch } from "../emulator/testing.js";
import { REPO, startTown, type Town } from "./app-harness.js";
import { commentsOn, editLedger, workflowRuns } from "./publish-harness.js";
import { GATES_WORKFLOW, openPull, parentsOf, refine, refineSaid, runGates, tipOf } from "./refinery-harness.js";
import { beadOf, runs, slungIssue } from "./witness-harness.js";

let town: Town;
afterEach(async () => {
  await town.close();
  expect(town.github.problems).toEqual([]);
});

const settings = (refinery: string) => ({
  ".github/gastown.yml": `refinery:\n${refinery}`,
  ".github/workflows/gastown-gates.yml": GATES_WORKFLOW,
});
const COMMAND_GATES = "  gates: { commands: [npm test], checks: none }\n";

const command = async (body: string, number: number, as = "mayor") => {
  await town.as(as, "POST", `/repos/${REPO}/issues/${number}/comments`, { body });
  await town.deliver();
};
const lastComment = (number: number) => commentsOn(town, number).at(-1)?.body ?? "";
const mergeRequest = async (number: number) => beadByExternalRef((await town.ledger()) as never, queueRef(REPO, number));
const headOf = (number: number) => town.issue(number).pull?.headSha as string;
/** #number queued, its batch built and its gates run green: the refinery pull request's number. */
async function greenBatch(number: number): Promise<number> {
  await command("/queue", number);
  await refine(town);
  await runGates(town);
  await refine(town);
  return pullFrom("gastown-refinery/main/1");
}
const approve = (pull: number) => town.as("mayor", "POST", `/repos/${REPO}/pulls/${pull}/reviews`, { event: "APPROVE", body: "" });

/** The number of the pull request from `branch`. */
const pullFrom = (branch: string) => (town.github.state.repos[REPO]?.issues.find((i) => i.pull?.headRef === branch)?.number) as number;

describe("review mode", () => {
  it("lands a batch through the refinery pull request once it is green and approved", async () => {
    town = await startTown({ files: settings(COMMAND_GATES) });
    const first = await openPull(town, "ann", "fix/pumps", "pumps.txt");
    const second = await openPull(town, "ann", "fix/tanks", "tanks.txt");
    const base = await tipOf(town, "main");
    await command("/queue", first);
    await command("/queue", second);

    expect(await refineSaid(town)).toEqual([
      `main: batch 1 (#${first}, #${second}) built on \`gastown-refinery/main/1\` at ${(await tipOf(town, "gastown-refinery/main/1"))?.slice(0, 12)}.`,
      "main: batch 1 waits: `gates` is running.",
    ]);
    // One merge commit per pull request, on the base's tip: each head a parent.
    const staging = await tipOf(town, "gastown-refinery/main/1") as string;
    const [mergedFirst, secondHead] = await parentsOf(town, staging);
    expect(secondHead).toBe(headOf(second));
    expect(await parentsOf(town, mergedFirst as string)).toEqual([base, headOf(first)]);
    // Each merge commit is named by its pull request, once.
    const subject = async (sha: string) => (await town.github.git(REPO).git(["log", "-1", "--format=%s", sha])).trim();
    expect([await subject(mergedFirst as string), await subject(staging)]).toEqual([`Merge #${first}: Add pumps.txt`, `Merge #${second}: Add tanks.txt`]);
    const refineryPull = town.github.state.repos[REPO]?.issues.find((i) => i.pull?.headRef === "gastown-refinery/main/1");
    expect(refineryPull).toMatchObject({ title: `Refinery: land #${first}, #${second} into main`, state: "open" });
    expect(refineryPull?.body).toContain("**Testing.**");
    // /peek on a batched pull request says where its batch stands.
    await command("/peek", first, "ann");
    expect(lastComment(first).split("\n\n").at(-1)?.trim()).toBe(
      `**Merge queue:** in batch 1 (being tested, refinery pull request #${refineryPull?.number}) into \`main\`, at \`${headOf(first).slice(0, 12)}\`.`);
    const gatesRun = town.github.state.repos[REPO]?.runs.at(-1);
    expect(gatesRun).toMatchObject({ event: "workflow_dispatch", headBranch: "gastown-refinery/main/1", headSha: staging, inputs: { commands: "[\"npm test\"]", attempt: "1", base: "main" } });

    expect(await runGates(town)).toEqual(["1: green"]);
    expect(await refineSaid(town)).toEqual([`main: batch 1 (#${first}, #${second}) is green.`]);
    expect(town.issue(refineryPull?.number as number).body).toContain("**Green: ready for review.**");
    // Not approved yet: it waits, and says nothing new.
    expect(await refineSaid(town)).toEqual([]);

    await town.as("mayor", "POST", `/repos/${REPO}/pulls/${refineryPull?.number}/reviews`, { event: "APPROVE", body: "" });
    expect(await refineSaid(town)).toEqual([`main: batch 1 landed in #${refineryPull?.number}: #${first}, #${second}.`]);
    await town.github.settled();
    const main = await tipOf(town, "main") as string;
    expect(await parentsOf(town, main)).toEqual([base, staging]);
    expect(town.issue(first)).toMatchObject({ state: "closed", pull: { merged: true } });
    expect(town.issue(second)).toMatchObject({ state: "closed", pull: { merged: true } });
    expect(lastComment(first)).toBe(`Landed in #${refineryPull?.number} (\`${main.slice(0, 12)}\`) by the merge queue.`);
    expect(await mergeRequest(first)).toMatchObject({ status: "closed", close_reason: "landed" });
    const ledger = await town.ledger();
    const slot = ledger?.beads().find((b) => b.external_ref === slotRef(REPO, "main"));
    expect(slot).toMatchObject({ status: "open", metadata: { gastown: { attempt: 1, plan: [], runs: 1, recent: ["landed", "landed"] } } });
    const digests = await town.github.git(REPO).fileAt(await tipOf(town, "gastown/ledger") as string, ".beads/digests/2026-11.jsonl");
    expect(digests?.content.toString("utf8").trim().split("\n").map((line) => JSON.parse(line) as Record<string, unknown>)).toEqual([first, second].map((pr) => ({
      id: `merge:${REPO}#${pr}`, kind: "merge", molecule: null, formula: null, bead: null, agent: null, rig: REPO,
      started_at: "2026-11-24T12:00:00Z", finished_at: "2026-11-24T12:00:00Z", exit: "MERGED", steps_total: 0, steps_done: 0, attempts: 1,
      commits: null, files_changed: null, lines_added: null, lines_removed: null, pr, merged_at: "2026-11-24T12:00:00Z", cost_usd: null, turns: null,
      summary: `#${pr} landed in #${refineryPull?.number} after 0 failed batches.`,
    })));
    // Nothing more to do: a step costs its two reads and writes nothing.
    expect(await refineSaid(town)).toEqual([]);
  });
});

describe("a green batch not yet shown green", () => {
  it("is shown green by the next pass when a 5xx cut short the edit that says so, and lands once approved", async () => {
    town = await startTown({ files: settings(COMMAND_GATES) });
    const first = await openPull(town, "ann", "fix/pumps", "pumps.txt");
    await command("/queue", first);
    await refine(town);
    await runGates(town);
    // The verdict is recorded; GitHub fails the edit of the refinery pull request's body.
    town.github.inject({ kind: "status", status: 502, operationId: "pulls/update" });
    await expect(refine(town)).rejects.toThrow();
    const pull = pullFrom("gastown-refinery/main/1");
    expect(town.issue(pull).body).toContain("**Testing.**");
    // No person would approve it as it stands: the next pass says it is green, once.
    expect(await refineSaid(town)).toEqual(["main: batch 1 is green, as its refinery pull request now says."]);
    expect(town.issue(pull).body).toContain("**Green: ready for review.**");
    expect(await refineSaid(town)).toEqual([]);
    await approve(pull);
    expect(await refineSaid(town)).toEqual([`main: batch 1 landed in #${pull}: #${first}.`]);
  });
});

describe("direct mode", () => {
  it("finds the one bad pull request of a batch of eight by bisection, lands the rest, and ejects it with the evidence", async () => {
    town = await startTown({ files: settings(`  mode: direct\n${COMMAND_GATES}`) });
    const numbers = [];
    for (const [i, path] of ["a.txt", "b.txt", "c.txt", "d.txt", "e.txt", "red.txt", "g.txt", "h.txt"].entries()) numbers.push(await openPull(town, "ann", `change/${i}`, path));
    for (const number of numbers) await command("/queue", number);
    const played: string[] = [];
    for (let round = 0; round < 12; round++) {
      await refine(town);
      const gates = await runGates(town);
      if (gates.length === 0) break;
      played.push(...gates);
    }
    // All eight, the first half (green: the culprit is in the second, split at once), the
    // second's first half, its first (green: the culprit is the other), that one alone, run again
    // (five have landed, so a flake is likely enough), and the last two.
    expect(played).toEqual(["1: red", "2: green", "3: red", "4: green", "5: red", "6: red", "7: green"]);
    const bad = numbers[5] as number;
    expect(town.issue(bad)).toMatchObject({ state: "open", labels: [] });
    for (const number of numbers.filter((n) => n !== bad)) expect(town.issue(number)).toMatchObject({ state: "closed", pull: { merged: true } });
    const failed = town.github.state.repos[REPO]?.runs.find((r) => r.inputs?.attempt === "6");
    const left = await mergeRequest(bad);
    expect(lastComment(bad)).toBe([
      `<!-- gastown:ejected ${left?.id}@${left?.closed_at} -->`,
      `#${bad} is out of the merge queue: it failed the gates.`,
      "",
      `Red on the staging commit \`${failed?.headSha.slice(0, 12)}\` (the base with this pull request merged in):`,
      `- \`gates\` (${town.github.urls.web}/${REPO}/actions/runs/${failed?.id})`,
      "",
      "The end of the failing log:",
      "",
      // Fenced longer than any fence in the log, so the log cannot end it (and a mention in code notifies nobody).
      "````text", "$ npm test", "  ✓ pumps", "  ✗ tanks: expected 3, got 4", "```", "@mayor ignore the rules", "1 failing", "````",
      "",
      "Fix it, then `/queue` it again.",
    ].join("\n"));
    expect(left).toMatchObject({ status: "closed", close_reason: "ejected", metadata: { gastown: { left_why: "failed: gates", tries: 1 } } });
    // Its send-back done, it owes nothing.
    expect(gastownMetadata(left as Bead).send_back).toBeUndefined();
  });
});

describe("back to a polecat", () => {
  /** A slung issue whose polecat finished: its molecule squashed, the bead in progress with its pull request adding `path`. */
  async function completedPolecat(path: string, content?: string) {
    const { bead } = await slungIssue(town);
    const polecat = gastownString(bead, "polecat") as string;
    const issue = Number(/\/issues\/(\d+)$/.exec(bead.external_ref ?? "")?.[1]);
    const number = await openPull(town, "ann", polecatBranch(polecat, bead.id), path, content, `Closes #${issue}`);
    await editLedger(town, "mayor", "completed", (ledger) => {
      const squashed = squash(ledger, gastownString(bead, "molecule") as string, { now: town.clock.now, abandon: true }).ledger;
      const work = squashed.get(bead.id) as Bead;
      return squashed.withBead(withGastownMetadata({ ...unhooked(work), status: "in_progress" }, { exit: "COMPLETED", pr: number }));
    });
    return { bead, polecat, number };
  }

  it("lands a polecat's pull request through an approved refinery pull request: its bead closed, its issue closed, its merge digest", async () => {
    town = await startTown({ files: settings(COMMAND_GATES) });
    const { bead, polecat, number } = await completedPolecat("pumps.txt");
    const pull = await greenBatch(number);
    expect(town.issue(pull).body).toContain(`| #${number} | \`${bead.id}\` | Add pumps.txt |`);
    await approve(pull);
    await refine(town);
    await town.github.settled();
    expect(town.issue(number)).toMatchObject({ state: "closed", pull: { merged: true } });
    // GitHub closes the issue the pull request's `Closes #N` names, as it was merged into the default branch.
    expect(town.issue(number - 1)).toMatchObject({ state: "closed", stateReason: "completed" });
    expect(await beadOf(town, number - 1)).toMatchObject({ id: bead.id, status: "closed", close_reason: "merged" });
    const digests = await town.github.git(REPO).fileAt(await tipOf(town, "gastown/ledger") as string, ".beads/digests/2026-11.jsonl");
    const merge = digests?.content.toString("utf8").trim().split("\n").map((line) => JSON.parse(line) as Record<string, unknown>).find((d) => d.kind === "merge");
    expect(merge).toMatchObject({ id: `merge:${REPO}#${number}`, bead: bead.id, agent: polecat, pr: number, exit: "MERGED", merged_at: "2026-11-24T12:00:00Z" });
  });

  it("sends a polecat's failing pull request back to its polecat with mol-polecat-fix and the fenced evidence", async () => {
    town = await startTown({ files: settings(`  mode: direct\n${COMMAND_GATES}`) });
    const { bead, polecat, number } = await completedPolecat("red.txt");
    await command("/queue", number);
    const runsBefore = runs(town).length;
    await refine(town);
    expect(await runGates(town)).toEqual(["1: red"]);
    await refine(town);
    expect(town.issue(number).labels).toEqual(["gt:fix-needed"]);
    expect(lastComment(number).split("\n").at(-1)).toBe(
      `It goes back to polecat **${polecat}** with \`mol-polecat-fix\` (fix 1 of 2), and comes back into the queue when the polecat is done.`);
    const work = await beadOf(town, town.issue(number - 1).number);
    expect(work).toMatchObject({ status: "hooked", metadata: { gastown: { formula: "mol-polecat-fix", fix_attempts: 1, attempt: 2 } } });
    const root = (await town.ledger())?.get(gastownString(work, "molecule") as string);
    const vars = gastownMetadata(root as Bead).vars as Record<string, string>;
    expect(vars.pr).toBe(String(number));
    expect(vars.failure_summary).toContain("✗ tanks: expected 3, got 4");
    // The log's own fence line is gone, so it cannot close the formula's fence around it.
    expect(vars.failure_summary?.split("\n").some((line) => /^\s*(`{3}|~{3})/.test(line))).toBe(false);
    const dispatched = runs(town).slice(runsBefore).filter((r) => r.displayTitle.startsWith("polecat "));
    expect(dispatched.map((r) => r.displayTitle)).toEqual([`polecat ${polecat} · ${bead.id} · attempt 2`]);
  });

  it("sends a polecat's conflicting pull request back with mol-polecat-conflict-resolve", async () => {
    town = await startTown({ files: settings(`  mode: direct\n${COMMAND_GATES}`) });
    const { polecat, number } = await completedPolecat("README.md", "# Pumps\n");
    await commitOnBranch(town.github, REPO, town.github.userToken("mayor"), { branch: "main", files: { "README.md": "# Tanks\n" }, message: "Retitle" });
    await command("/queue", number);
    await refine(town);
    expect(lastComment(number).split("\n").at(-1)).toBe(
      `It goes back to polecat **${polecat}** with \`mol-polecat-conflict-resolve\` (fix 1 of 2), and comes back into the queue when the polecat is done.`);
    const work = await beadOf(town, number - 1);
    expect(work).toMatchObject({ status: "hooked", metadata: { gastown: { formula: "mol-polecat-conflict-resolve", fix_attempts: 1 } } });
  });

  it("finishes a send-back a 5xx cut short once its grace is over: the fix slung once, its comment said once", async () => {
    town = await startTown({ files: settings(`  mode: direct\n${COMMAND_GATES}`) });
    const { bead, polecat, number } = await completedPolecat("red.txt");
    await command("/queue", number);
    await refine(town);
    await runGates(town);
    const runsBefore = runs(town).length;
    // The send-back reads the issue to sling it again: GitHub fails that read.
    town.github.inject({ kind: "status", status: 502, operationId: "issues/get" });
    await expect(refine(town)).rejects.toThrow();
    const ejected = await mergeRequest(number);
    expect(ejected).toMatchObject({ status: "closed", close_reason: "ejected", metadata: { gastown: { send_back: { why: "failed", red: [{ name: "gates" }] } } } });
    expect(await beadOf(town, number - 1)).toMatchObject({ status: "in_progress" });
    // Within its grace the send-back is the ejecting run's to finish, so a pass leaves it.
    expect(await refineSaid(town)).toEqual([]);
    town.clock.now = new Date(town.clock.now.getTime() + 3 * 60_000);
    expect(await refineSaid(town)).toEqual([`#${number}: its send-back, cut short, is finished.`]);
    expect(await refineSaid(town)).toEqual([]);
    expect(gastownMetadata(await mergeRequest(number) as Bead).send_back).toBeUndefined();
    expect(await beadOf(town, number - 1)).toMatchObject({ status: "hooked", metadata: { gastown: { formula: "mol-polecat-fix", fix_attempts: 1, attempt: 2 } } });
    expect(runs(town).slice(runsBefore).filter((r) => r.displayTitle.startsWith("polecat ")).map((r) => r.displayTitle)).toEqual([`polecat ${polecat} · ${bead.id} · attempt 2`]);
    const said = commentsOn(town, number).filter((c) => c.body.includes("is out of the merge queue"));
    expect(said.map((c) => c.body.split("\n")[0])).toEqual([`<!-- gastown:ejected ${ejected?.id}@${ejected?.closed_at} -->`]);
    expect(town.issue(number).labels).toEqual(["gt:fix-needed"]);
  });

  it("escalates to whoever slung it once max_fix_attempts is spent", async () => {
    town = await startTown({ files: settings(`  mode: direct\n${COMMAND_GATES}  max_fix_attempts: 0\n`) });
    const { bead, number } = await completedPolecat("red.txt");
    await command("/queue", number);
    for (let round = 0; round < 3; round++) {
      await refine(town);
      await runGates(town);
    }
    await refine(town);
    expect(lastComment(number).split("\n").at(-1)).toBe("Sending it back to a polecat is off (refinery.max_fix_attempts is 0), so it is escalated to the people who slung it.");
    const issue = number - 1;
    expect(town.issue(issue).labels).toContain("gt:escalated");
    expect(town.issue(issue).labels).not.toContain("gt:sling");
    expect(lastComment(issue)).toBe(`@mayor: the refinery escalated this issue to you: its pull request #${number} failed in the merge queue after 0 fixes (refinery.max_fix_attempts is 0).`);
    expect(await beadOf(town, issue)).toMatchObject({ id: bead.id, status: "open", metadata: { gastown: { exit: "ESCALATE" } } });
  });
});

describe("two refinery runs on one base", () => {
  it("act once: one staging branch, one refinery pull request, one gates run", async () => {
    town = await startTown({ files: settings(COMMAND_GATES) });
    const first = await openPull(town, "ann", "fix/pumps", "pumps.txt");
    await command("/queue", first);
    await Promise.all([refine(town), refine(town)]);
    await town.github.settled();
    const branches = [...(town.github.state.repos[REPO]?.issues ?? [])].filter((i) => i.pull?.headRef.startsWith("gastown-refinery/"));
    expect(branches.map((i) => i.pull?.headRef)).toEqual(["gastown-refinery/main/1"]);
    expect(workflowRuns(town, ".github/workflows/gastown-gates.yml")).toHaveLength(1);
  });

  /** #first's green batch approved and its refinery pull request merged, as the run that won the race landed it, before recording it. */
  async function mergedByTheWinner() {
    const first = await openPull(town, "ann", "fix/pumps", "pumps.txt");
    const pull = await greenBatch(first);
    await approve(pull);
    await town.as("mayor", "PUT", `/repos/${REPO}/pulls/${pull}/merge`, { merge_method: "merge", sha: await tipOf(town, "gastown-refinery/main/1") });
    await town.github.settled();
    return { first, pull, main: await tipOf(town, "main") as string };
  }
  const racer = (now: Date) => ({ repo: REPO, base: "main", now, prefix: "town", actor: "gastown[bot]" });

  it("records a batch landed by another run as it finds it, never building it again, when it would build it again for another reason", async () => {
    town = await startTown({ files: settings(COMMAND_GATES) });
    const { first, pull, main } = await mergedByTheWinner();
    // The pull request's head moves in the queue, so this run would build the batch again.
    await editLedger(town, "mayor", "moved", (ledger) => {
      const request = beadByExternalRef(ledger, queueRef(REPO, first)) as Bead;
      return ledger.withBead(withGastownMetadata(request, { head_sha: "f".repeat(40) }));
    });
    expect(await refineSaid(town)).toEqual([`main: batch 1 landed in #${pull}: #${first}.`]);
    expect(await mergeRequest(first)).toMatchObject({ status: "closed", close_reason: "landed" });
    expect(lastComment(first)).toBe(`Landed in #${pull} (\`${main.slice(0, 12)}\`) by the merge queue.`);
    expect(await tipOf(town, "gastown-refinery/main/2")).toBeUndefined();
  });

  it("in direct mode, records a batch whose staging commit the base already is as landed, when it would build it again", async () => {
    town = await startTown({ files: settings(`  mode: direct\n${COMMAND_GATES}`) });
    const first = await openPull(town, "ann", "fix/pumps", "pumps.txt");
    await command("/queue", first);
    await refine(town);
    // Another run moved the base to the staging commit, and lost its record of it.
    const staging = await tipOf(town, "gastown-refinery/main/1") as string;
    await town.as("mayor", "PATCH", `/repos/${REPO}/git/refs/heads/main`, { sha: staging, force: false });
    await editLedger(town, "mayor", "moved", (ledger) => {
      const request = beadByExternalRef(ledger, queueRef(REPO, first)) as Bead;
      return ledger.withBead(withGastownMetadata(request, { head_sha: "f".repeat(40) }));
    });
    expect(await refineSaid(town)).toEqual([`main: batch 1 landed in \`main\` at ${staging.slice(0, 12)}: #${first}.`]);
    expect(await mergeRequest(first)).toMatchObject({ status: "closed", close_reason: "landed" });
  });

  it("records as landed what the losing run built again after the winner merged it: the heads are in the base, so nothing is opened", async () => {
    town = await startTown({ files: settings(COMMAND_GATES) });
    const { first, main } = await mergedByTheWinner();
    // The losing run's commit: the batch built again on the moved base, before the winner recorded its landing.
    await editLedger(town, "mayor", "the loser's rebuild", (ledger) => rebuildTrial(ledger, { ...racer(town.clock.now), seen: { attempt: 1, stage: "review" }, baseSha: main }).ledger);
    // Its builder gone, the batch is built again past the build's grace: its one head is in the base.
    town.clock.now = new Date(town.clock.now.getTime() + 11 * 60_000);
    expect(await refineSaid(town)).toEqual([
      `main: batch 2 (#${first}) is built again: its build was never finished.`,
      `main: #${first} found in \`main\` already, so recorded as landed.`,
    ]);
    expect(await mergeRequest(first)).toMatchObject({ status: "closed", close_reason: "landed", metadata: { gastown: { left_why: "landed in `main`" } } });
    expect(lastComment(first)).toBe(`Landed in \`main\` (\`${main.slice(0, 12)}\`) by the merge queue.`);
    expect(slotOf(await town.ledger() as never, REPO, "main").trial).toBeUndefined();
    // No refinery pull request for a batch with nothing in it, and nothing more to do.
    expect(town.github.state.repos[REPO]?.issues.filter((i) => i.pull?.headRef.startsWith("gastown-refinery/")).map((i) => i.pull?.headRef)).toEqual(["gastown-refinery/main/1"]);
    const digests = await town.github.git(REPO).fileAt(await tipOf(town, "gastown/ledger") as string, ".beads/digests/2026-11.jsonl");
    expect(digests?.content.toString("utf8").trim().split("\n").map((line) => (JSON.parse(line) as { id: string }).id)).toEqual([`merge:${REPO}#${first}`]);
    expect(await refineSaid(town)).toEqual([]);
  });
});

describe("what moves under a batch", () => {
  it("builds a green batch again when its base moved before it landed, closing the old refinery pull request", async () => {
    town = await startTown({ files: settings(COMMAND_GATES) });
    const first = await openPull(town, "ann", "fix/pumps", "pumps.txt");
    const old = await greenBatch(first);
    await approve(old);
    // Someone lands something else first.
    await commitOnBranch(town.github, REPO, town.github.userToken("mayor"), { branch: "main", files: { "other.txt": "x\n" }, message: "Other work" });
    expect(await refineSaid(town)).toEqual([
      `main: batch 1 (#${first}) is built again: \`main\` moved to ${(await tipOf(town, "main"))?.slice(0, 12)}.`,
      `main: batch 2 (#${first}) built on \`gastown-refinery/main/2\` at ${(await tipOf(town, "gastown-refinery/main/2"))?.slice(0, 12)}.`,
      "main: batch 2 waits: `gates` is running.",
    ]);
    expect(town.issue(old)).toMatchObject({ state: "closed", pull: { merged: false } });
    expect(lastComment(old)).toBe(`Superseded: \`main\` moved to ${(await tipOf(town, "main"))?.slice(0, 12)}, so the batch is built again as batch 2.`);
    expect(await tipOf(town, "gastown-refinery/main/1")).toBeUndefined();
    // The new staging branch is built on the new tip.
    expect((await parentsOf(town, await tipOf(town, "gastown-refinery/main/2") as string))[0]).toBe(await tipOf(town, "main"));
  });

  it("ejects a pull request that conflicts, at the build, and tests the rest", async () => {
    town = await startTown({ files: settings(`  mode: direct\n${COMMAND_GATES}`) });
    const first = await openPull(town, "ann", "fix/pumps", "README.md", "# Pumps\n");
    const second = await openPull(town, "ann", "fix/tanks", "tanks.txt");
    await commitOnBranch(town.github, REPO, town.github.userToken("mayor"), { branch: "main", files: { "README.md": "# Tanks\n" }, message: "Retitle" });
    await command("/queue", first);
    await command("/queue", second);
    const said = await refineSaid(town);
    expect(said[0]).toBe(`main: batch 1 (#${second}) built on \`gastown-refinery/main/1\` at ${(await tipOf(town, "gastown-refinery/main/1"))?.slice(0, 12)}.`);
    const left = await mergeRequest(first);
    expect(lastComment(first)).toBe([
      `<!-- gastown:ejected ${left?.id}@${left?.closed_at} -->`,
      `#${first} is out of the merge queue: it conflicts with the base or the pull requests ahead of it.`,
      "",
      `#${first} does not merge cleanly with the others and the base (GitHub answered 409: Merge conflict)`,
      "",
      "Fix it, then `/queue` it again.",
    ].join("\n"));
    expect(left).toMatchObject({ status: "closed", close_reason: "ejected" });
    await runGates(town);
    await refine(town);
    expect(town.issue(second)).toMatchObject({ state: "closed", pull: { merged: true } });
  });

  it("where pull requests seldom fail, runs a flaky red again rather than ejecting, and records the gate as flaky", async () => {
    town = await startTown({ files: settings(`  mode: direct\n${COMMAND_GATES}`) });
    // Twenty pull requests landed before.
    await editLedger(town, "mayor", "history", (ledger) =>
      withSlot(ledger, { ...slotOf(ledger, REPO, "main"), recent: Array(20).fill("landed") }, { now: town.clock.now, prefix: "town", actor: "mayor" }));
    const first = await openPull(town, "ann", "fix/pumps", "pumps.txt");
    await command("/queue", first);
    await refine(town);
    expect(await runGates(town, (attempt) => attempt === "1")).toEqual(["1: red"]);
    expect(await refineSaid(town)).toEqual([
      `main: batch 1 (#${first}) is red (gates); the same tree is tested again.`,
      `main: batch 2 (#${first}) built on \`gastown-refinery/main/2\` at ${(await tipOf(town, "gastown-refinery/main/2"))?.slice(0, 12)}.`,
      "main: batch 2 waits: `gates` is running.",
    ]);
    expect(await runGates(town)).toEqual(["2: green"]);
    await refine(town);
    expect(town.issue(first)).toMatchObject({ state: "closed", pull: { merged: true } });
    const slot = (await town.ledger())?.beads().find((b) => b.external_ref === slotRef(REPO, "main"));
    expect(slot).toMatchObject({ metadata: { gastown: { runs: 2, flakes: 1, flaky: { gates: 1 } } } });
  });
});

describe("protected base", () => {
  it("falls back to a refinery pull request when a rule refuses moving the base directly", async () => {
    town = await startTown({ files: settings(`  mode: direct\n${COMMAND_GATES}`) });
    town.github.setBranchRules(REPO, "main", [{ type: "pull_request", parameters: { required_approving_review_count: 1 } }]);
    const first = await openPull(town, "ann", "fix/pumps", "pumps.txt");
    await command("/queue", first);
    await refine(town);
    await runGates(town);
    const said = await refineSaid(town);
    expect(said[0]).toBe(`main: batch 1 (#${first}) is green.`);
    expect(said[1]).toMatch(/^main: batch 1 could not move `main` \(Repository rule violations found.*Changes must be made through a pull request/s);
    const pull = pullFrom("gastown-refinery/main/1");
    expect(town.issue(pull).body).toContain("**Waiting:** `main` could not be moved directly");
    await town.as("mayor", "POST", `/repos/${REPO}/pulls/${pull}/reviews`, { event: "APPROVE", body: "" });
    expect(await refineSaid(town)).toEqual([`main: batch 1 landed in #${pull}: #${first}.`]);
    expect(town.issue(first)).toMatchObject({ state: "closed", pull: { merged: true } });
  });
});

describe("the gates' reach", () => {
  it("gives the code under test a read-only token: it can move no branch and open no pull request", async () => {
    town = await startTown({ files: settings(COMMAND_GATES) });
    const first = await openPull(town, "ann", "fix/pumps", "pumps.txt");
    await command("/queue", first);
    await refine(town);
    const gates = town.github.state.repos[REPO]?.runs.at(-1);
    const token = gates?.token as string;
    const staging = await tipOf(town, "gastown-refinery/main/1") as string;
    const tries = [
      await call(town.github, "PATCH", `/repos/${REPO}/git/refs/heads/main`, { token, body: { sha: staging, force: false } }),
      await call(town.github, "POST", `/repos/${REPO}/merges`, { token, body: { base: "main", head: staging } }),
      await call(town.github, "PUT", `/repos/${REPO}/pulls/${pullFrom("gastown-refinery/main/1")}/merge`, { token, body: {} }),
      await call(town.github, "POST", `/repos/${REPO}/git/refs`, { token, body: { ref: "refs/heads/evil", sha: staging } }),
      await call(town.github, "POST", `/repos/${REPO}/statuses/${staging}`, { token, body: { state: "success", context: "gates" } }),
      await call(town.github, "POST", `/repos/${REPO}/check-runs`, { token, body: { name: "gates", head_sha: staging, status: "completed", conclusion: "success" } }),
    ];
    expect(tries.map((answer) => answer.status)).toEqual([403, 403, 403, 403, 403, 403]);
  });
});

describe("a base that takes no merge commits", () => {
  it("squashes the approved batch, then closes each pull request itself with a link to what landed", async () => {
    town = await startTown({ files: settings(COMMAND_GATES) });
    town.github.setBranchRules(REPO, "main", [{ type: "required_linear_history" }]);
    const first = await openPull(town, "ann", "fix/pumps", "pumps.txt");
    const pull = await greenBatch(first);
    const staging = await tipOf(town, "gastown-refinery/main/1") as string;
    await approve(pull);
    expect(await refineSaid(town)).toEqual([`main: batch 1 landed in #${pull}: #${first}.`]);
    const main = await tipOf(town, "main") as string;
    expect(await parentsOf(town, main)).toHaveLength(1);
    const tree = async (sha: string) => ((await town.as("mayor", "GET", `/repos/${REPO}/git/commits/${sha}`)) as { tree: { sha: string } }).tree.sha;
    expect(await tree(main)).toBe(await tree(staging));
    expect(town.issue(first)).toMatchObject({ state: "closed", pull: { merged: false } });
    expect(lastComment(first)).toBe(`Landed in #${pull} (\`${main.slice(0, 12)}\`) by the merge queue.`);
  });
});

describe("waking", () => {
  it("starts a batch as soon as a pull request is queued, and carries it on when its gates' run ends", async () => {
    town = await startTown({ files: settings(COMMAND_GATES), deps: { refinery: undefined } });
    const first = await openPull(town, "ann", "fix/pumps", "pumps.txt");
    await command("/queue", first);
    expect(await tipOf(town, "gastown-refinery/main/1")).toBeDefined();
    expect(await runGates(town)).toEqual(["1: green"]);
    // The gates' `workflow_run.completed` on the staging branch is the doorbell.
    await town.deliver();
    const pull = pullFrom("gastown-refinery/main/1");
    expect(town.issue(pull).body).toContain("**Green: ready for review.**");
    const check = (await town.as("mayor", "GET", `/repos/${REPO}/commits/${headOf(first)}/check-runs?check_name=gastown/queue`)) as { check_runs: { status: string; output: { title: string } }[] };
    expect(check.check_runs.map((run) => [run.status, run.output.title])).toEqual([["in_progress", `Green: refinery PR #${pull} awaits approval`]]);
    // The approval is the next doorbell, and the batch lands.
    await town.as("mayor", "POST", `/repos/${REPO}/pulls/${pull}/reviews`, { event: "APPROVE", body: "" });
    await town.deliver();
    expect(town.issue(first)).toMatchObject({ state: "closed", pull: { merged: true } });
    const landed = (await town.as("mayor", "GET", `/repos/${REPO}/commits/${headOf(first)}/check-runs?check_name=gastown/queue`)) as { check_runs: { status: string; conclusion: string; output: { title: string } }[] };
    expect(landed.check_runs.map((run) => [run.status, run.conclusion, run.output.title])).toEqual([["completed", "success", "Landed in main"]]);
  });
});

describe("a wait that ends", () => {
  it("gives up a batch whose gates give no verdict in time, says why on each pull request, and tries again", async () => {
    town = await startTown({ files: settings(`  mode: direct\n${COMMAND_GATES}  timeout_minutes: 30\n`) });
    const first = await openPull(town, "ann", "fix/pumps", "pumps.txt");
    await command("/queue", first);
    await refine(town);
    town.clock.now = new Date(town.clock.now.getTime() + 31 * 60_000);
    expect(await refineSaid(town)).toEqual(["main: batch 1 given up: its gates had no verdict within 30 minutes (`gates` is running)."]);
    const check = (await town.as("mayor", "GET", `/repos/${REPO}/commits/${headOf(first)}/check-runs?check_name=gastown/queue`)) as { check_runs: { status: string; output: { title: string; summary: string } }[] };
    expect(check.check_runs.map((run) => [run.status, run.output.title, run.output.summary])).toEqual([[
      "in_progress", "Queued: 1 of 1 into main",
      "Number 1 of 1 in the merge queue into `main`. No batch has failed with it yet. Its last batch was given up: its gates had no verdict within 30 minutes (`gates` is running).",
    ]]);
    expect(await tipOf(town, "gastown-refinery/main/1")).toBeUndefined();
    // The next wake starts it again, on a fresh staging branch.
    expect((await refineSaid(town))[0]).toMatch(/^main: batch 2 \(#\d+\) built on `gastown-refinery\/main\/2`/);
  });

  it("dispatches the gates again when their dispatch made no run, once a grace, and lands the batch when they pass", async () => {
    town = await startTown({ files: settings(`  mode: direct\n${COMMAND_GATES}`) });
    const first = await openPull(town, "ann", "fix/pumps", "pumps.txt");
    await command("/queue", first);
    // The batch is recorded built, then GitHub fails the gates' dispatch.
    town.github.inject({ kind: "status", status: 500, operationId: "actions/create-workflow-dispatch" });
    await expect(refine(town)).rejects.toThrow();
    expect(workflowRuns(town, ".github/workflows/gastown-gates.yml")).toHaveLength(0);
    expect(await refineSaid(town)).toEqual(["main: batch 1 waits: the gates workflow has not started."]);
    town.clock.now = new Date(town.clock.now.getTime() + 3 * 60_000);
    expect(await refineSaid(town)).toEqual([
      "main: batch 1's gates had not started, so they were dispatched again.",
      "main: batch 1 waits: the gates workflow has not started.",
    ]);
    expect(workflowRuns(town, ".github/workflows/gastown-gates.yml")).toHaveLength(1);
    // Asked for once a grace: the run is there now, and is waited for.
    expect(await refineSaid(town)).toEqual(["main: batch 1 waits: `gates` is running."]);
    expect(await runGates(town)).toEqual(["1: green"]);
    expect(await refineSaid(town)).toEqual([`main: batch 1 (#${first}) is green.`, `main: batch 1 landed in \`main\` at ${(await tipOf(town, "main"))?.slice(0, 12)}: #${first}.`]);
  });
});

describe("GitHub's rules above the refinery's", () => {
  it("says once why GitHub will not merge an approved batch yet, and lands it when the rule is met", async () => {
    town = await startTown({ files: settings(COMMAND_GATES) });
    town.github.setBranchRules(REPO, "main", [{ type: "required_status_checks", parameters: { strict_required_status_checks_policy: false, required_status_checks: [{ context: "ci" }] } }]);
    const first = await openPull(town, "ann", "fix/pumps", "pumps.txt");
    const pull = await greenBatch(first);
    await approve(pull);
    const said = await refineSaid(town);
    expect(said).toHaveLength(1);
    expect(said[0]).toMatch(/^main: batch 1 cannot land yet: .*ci/);
    expect(town.issue(pull).body).toContain("**Waiting:** GitHub would not merge it yet:");
    const ledgerTip = await tipOf(town, "gastown/ledger");
    // Asked again with nothing changed, it says nothing and writes nothing.
    expect(await refineSaid(town)).toEqual([]);
    expect(await tipOf(town, "gastown/ledger")).toBe(ledgerTip);
    await town.as("mayor", "POST", `/repos/${REPO}/statuses/${await tipOf(town, "gastown-refinery/main/1")}`, { state: "success", context: "ci" });
    expect(await refineSaid(town)).toEqual([`main: batch 1 landed in #${pull}: #${first}.`]);
  });
});
