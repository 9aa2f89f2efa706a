// The witness in the emulator (issue 16): every way a polecat run goes wrong, injected, and what
// the App's events and the patrol pass then do: exact ledger fields, runs, comments, requests.
import { afterEach, describe, expect, it } from "vitest";
import { minutesAfter } from "../town/town-builders.js";
import { REPO, startTown, type Town } from "./app-harness.js";
import type { Bead } from "../../app/ledger/bead-schema.js";
import { recordPolecatExit } from "../../app/town/polecat-exit.js";
import { bead as ledgerBead } from "../ledger/ledger-builders.js";
import { gastownMetadata, withGastownMetadata } from "../../app/molecules/gastown-metadata.js";
import { commentsOn, editLedger } from "./publish-harness.js";
import type { Delivery } from "../emulator/webhooks/deliveries.js";
import { beadOf, beat, deliverRunEvents, eventAction, handRunEvent, openAndSling, patrol, requests, runOf, runs, slungIssue, startAndClaim, witnessOf } from "./witness-harness.js";

let town: Town;
afterEach(async () => {
  await town.close();
  expect(town.github.problems).toEqual([]);
});

async function start(config = "witness:\n  stuck_minutes: 20\n  max_attempts: 3\n"): Promise<Town> {
  town = await startTown({ files: { ".github/gastown.yml": config } });
  return town;
}

/** Moves the App's clock on. */
const later = (minutes: number) => { town.clock.now = minutesAfter(town.clock.now, minutes); };
const runStates = () => runs(town).map((r) => ({ id: r.id, title: r.displayTitle, status: r.status, conclusion: r.conclusion }));
const lastComment = (issue = 1) => commentsOn(town, issue).at(-1)?.body ?? "";

describe("a run that ends without its exit", () => {
  it("timed out: the next attempt, resuming, with the witness's note; the duplicate delivery and the old run's job do nothing", async () => {
    await start();
    const { bead, runId } = await slungIssue(town);
    await startAndClaim(town, runId);
    later(5);
    town.github.completeJob(REPO, runId, "polecat", "timed_out");
    await town.github.settled();

    const from = town.sent.length;
    const handed = await deliverRunEvents(town);
    expect(handed.map(eventAction)).toEqual(["workflow_job.completed", "workflow_run.completed"]);
    // GitHub delivers it again.
    await handRunEvent(town, handed[1] as Delivery);
    const after = await beadOf(town, 1);
    expect(witnessOf(after)).toEqual({ attempt: 2, run_id: undefined, witness_rung: undefined, witness_at: undefined, status: "hooked" });
    // The witness's note to the bead: the next attempt's prompt reads it.
    const note = (await town.ledger())?.beads().find((b) => b.issue_type === "message" && b.assignee === bead.id);
    expect(note?.description).toBe(
      "The witness restarted this bead: attempt 1's run ended (timed_out) without recording an exit. " +
        "This attempt resumes at the first open step; check the work ref for what the last one left.",
    );
    expect(runStates()).toEqual([
      { id: runId, title: `polecat furiosa · ${bead.id} · attempt 1`, status: "completed", conclusion: "timed_out" },
      { id: runOf(town, after).id, title: `polecat furiosa · ${bead.id} · attempt 2`, status: "queued", conclusion: null },
    ]);
    expect(lastComment()).toContain("The witness restarted polecat **furiosa** as attempt 2.");
    // The job's end acted; both run deliveries found the bead on a newer attempt: a look each, no write.
    const writes = requests(town, from).filter((r) => r.startsWith("POST") || r.startsWith("PATCH"));
    expect(writes.filter((r) => r.endsWith("/dispatches"))).toHaveLength(1);
    expect(writes.filter((r) => r.endsWith("/git/commits"))).toHaveLength(1);
  });
});

describe("the patrol pass", () => {
  it("an idle pass reads the settings, the ledger in one request and each heartbeat, and writes nothing", async () => {
    await start();
    const { runId } = await slungIssue(town);
    await startAndClaim(town, runId);
    later(10);
    await beat(town, runId);
    const from = town.sent.length;
    const ledgerBefore = await town.ledger();
    expect(await patrol(town)).toEqual({ kind: "patrolled", rig: REPO, looked: 1, actions: [], promoted: [], refinery: [] });
    expect(requests(town, from).map((r) => r.replace(/\?.*$/, ""))).toEqual([
      "GET /repos/octo/town/contents/.github%2Fgastown.yml",
      "GET /repos/octo/town/contents/.beads%2Fissues.jsonl",
      "GET /repos/octo/town/commits/gastown%2Fwork%2Ffuriosa%2Ftown-8k1/check-runs",
    ]);
    expect(await town.ledger()).toEqual(ledgerBefore);
  });

  it("a dead runner (its heartbeat stopped, its run in progress): restarted, the old run cancelled after the dispatch", async () => {
    await start();
    const { bead, runId } = await slungIssue(town);
    await startAndClaim(town, runId);
    await beat(town, runId);
    later(25);
    const from = town.sent.length;
    const report = await patrol(town);
    expect(report).toEqual({
      kind: "patrolled", rig: REPO, looked: 1, promoted: [], refinery: [], actions: [{ bead: bead.id, text: "restarted it as attempt 2 (dead-runner)" }],
    });
    const sent = requests(town, from).map((r) => r.replace(/\?.*$/, ""));
    // The run is read only because the heartbeat is stale; the commit, then the dispatch, then the cancel.
    expect(sent.slice(0, 4)).toEqual([
      "GET /repos/octo/town/contents/.github%2Fgastown.yml",
      "GET /repos/octo/town/contents/.beads%2Fissues.jsonl",
      "GET /repos/octo/town/commits/gastown%2Fwork%2Ffuriosa%2Ftown-8k1/check-runs",
      `GET /repos/octo/town/actions/runs/${runId}`,
    ]);
    const order = ["/git/commits", "/dispatches", `/actions/runs/${runId}/cancel`].map((end) => sent.findIndex((r) => r.startsWith("POST") && r.endsWith(end)));
    expect(order.every((i, n) => i >= 0 && (n === 0 || i > (order[n - 1] as number)))).toBe(true);
    expect(witnessOf(await beadOf(town, 1))).toMatchObject({ attempt: 2, status: "hooked" });
    // The cancelled run's end, delivered: its bead is on a newer attempt, so nothing more.
    await town.github.settled();
    const commits = town.sent.filter((s) => s.url.endsWith("/git/commits")).length;
    await deliverRunEvents(town);
    expect(town.sent.filter((s) => s.url.endsWith("/git/commits")).length).toBe(commits);
    expect(runStates().map((r) => `${r.title}: ${r.status}/${r.conclusion}`)).toEqual([
      `polecat furiosa · ${bead.id} · attempt 1: completed/cancelled`,
      `polecat furiosa · ${bead.id} · attempt 2: queued/null`,
    ]);
    // The patrol's digest, in the same commit.
    const digests = await town.github.git(REPO).fileAt("refs/heads/gastown/ledger", ".beads/digests/2026-11.jsonl");
    const digest = JSON.parse(digests?.content.toString("utf8").trim() ?? "{}") as Record<string, unknown>;
    expect(digest).toMatchObject({
      kind: "patrol", formula: "mol-witness-patrol@1", agent: "witness", rig: REPO, exit: "OK", steps_total: 8, steps_done: 8,
      summary: `Looked at 1 hooked bead: ${bead.id} restarted it as attempt 2 (dead-runner).`,
    });
  });

  it("a run still queued past stuck_minutes waits for a runner: nothing dispatched, nothing cancelled, nothing written", async () => {
    await start();
    const { bead, runId } = await slungIssue(town);
    later(90);
    const from = town.sent.length;
    const ledgerBefore = await town.ledger();
    expect(await patrol(town)).toEqual({ kind: "patrolled", rig: REPO, looked: 1, actions: [], promoted: [], refinery: [] });
    expect(requests(town, from).filter((r) => !r.startsWith("GET"))).toEqual([]);
    expect(await town.ledger()).toEqual(ledgerBefore);
    expect(runStates()).toEqual([{ id: runId, title: `polecat furiosa · ${bead.id} · attempt 1`, status: "queued", conclusion: null }]);
  });

  it("a silent agent climbs the ladder: a nudge, then a fresh attempt with the old run cancelled, then an escalation", async () => {
    await start();
    const { bead, runId } = await slungIssue(town);
    await startAndClaim(town, runId);
    const stalled = town.clock.now;
    later(25);
    await beat(town, runId, { progressAt: stalled });
    expect((await patrol(town) as { actions: unknown }).actions).toEqual([{ bead: bead.id, text: "nudged attempt 1 (no progress)" }]);
    const nudged = await beadOf(town, 1);
    expect(witnessOf(nudged)).toEqual({ attempt: 1, run_id: runId, witness_rung: 1, witness_at: "2026-11-24T12:25:00Z", status: "hooked" });
    const nudge = (await town.ledger())?.beads().filter((b) => b.issue_type === "message" && b.assignee === bead.id);
    expect(nudge?.map((m) => [m.created_by, m.description])).toEqual([[
      "witness",
      "The witness sees no progress from you for more than 20 minutes. If you are waiting on something, say so with " +
        "`gt done --exit BLOCKED` or `gt mail send --to witness`; otherwise carry on with the current step.",
    ]]);
    expect(lastComment()).toContain("The witness nudged polecat **furiosa**: it has shown no progress for more than 20 minutes.");
    expect(lastComment()).toContain("| Witness | nudged the agent (no progress)");

    // Within the rung's minutes: nothing more.
    later(10);
    await beat(town, runId, { progressAt: stalled });
    expect(await patrol(town)).toEqual({ kind: "patrolled", rig: REPO, looked: 1, actions: [], promoted: [], refinery: [] });

    // Still stuck: cancel and restart.
    later(11);
    await beat(town, runId, { progressAt: stalled });
    expect((await patrol(town) as { actions: unknown }).actions).toEqual([{ bead: bead.id, text: "restarted it as attempt 2 (stuck)" }]);
    expect(witnessOf(await beadOf(town, 1))).toEqual({ attempt: 2, run_id: undefined, witness_rung: 2, witness_at: "2026-11-24T12:46:00Z", status: "hooked" });
    await town.github.settled();
    expect(runs(town).find((r) => r.id === runId)?.conclusion).toBe("cancelled");

    // The fresh attempt is stuck too: the witness gives up, and says so to whoever slung it.
    const second = runOf(town, await beadOf(town, 1)).id;
    await startAndClaim(town, second);
    const stalledAgain = town.clock.now;
    later(21);
    await beat(town, second, { progressAt: stalledAgain });
    expect((await patrol(town) as { actions: unknown }).actions).toEqual([{ bead: bead.id, text: "escalated it after attempt 2" }]);
    const escalated = await beadOf(town, 1);
    expect(witnessOf(escalated)).toEqual({ attempt: 2, run_id: undefined, witness_rung: undefined, witness_at: undefined, status: "open" });
    await town.github.settled();
    expect(runs(town).find((r) => r.id === second)?.conclusion).toBe("cancelled");
    expect([...town.issue(1).labels].sort()).toEqual(["gt:escalated"]);
    expect(lastComment()).toBe("@mayor: the witness gave up on polecat **furiosa** and escalated this issue to you.");
  });

  it("a lost dispatch (hooked, no run past the grace period) is dispatched again", async () => {
    await start();
    const { bead } = await slungIssue(town);
    // The App died between the hook's commit and the dispatch of attempt 2.
    await editLedger(town, "mayor", "attempt 2, never dispatched", (ledger) => {
      const hooked = ledger.get(bead.id) as Bead;
      return ledger.withBead(withGastownMetadata(hooked, { attempt: 2, dispatched_at: "2026-11-24T12:00:00Z", run_id: undefined }));
    });
    later(3);
    expect((await patrol(town) as { actions: unknown }).actions).toEqual([{ bead: bead.id, text: "restarted it as attempt 3 (lost)" }]);
    expect(runStates().map((r) => r.title)).toEqual([
      `polecat furiosa · ${bead.id} · attempt 1`, `polecat furiosa · ${bead.id} · attempt 3`,
    ]);
  });
});

describe("runs that hold no hook", () => {
  it("a live run whose bead was let go behind its back is cancelled by a sweeping pass, and only by one", async () => {
    await start();
    const { bead, runId } = await slungIssue(town);
    await startAndClaim(town, runId);
    // Unslung, and the unsling's cancel was lost: the ledger lets the bead go, the run goes on.
    await editLedger(town, "mayor", "let it go", (ledger) => ledger.withBead({ ...(ledger.get(bead.id) as Bead), status: "open" }));
    expect(await patrol(town)).toEqual({ kind: "patrolled", rig: REPO, looked: 0, actions: [], promoted: [], refinery: [] });
    const from = town.sent.length;
    expect((await patrol(town, 0, { sweepRuns: true }) as { actions: unknown }).actions).toEqual([
      { bead: bead.id, text: `cancelled run ${runId} (${bead.id} is open, not hooked)` },
    ]);
    expect(requests(town, from).filter((r) => r.startsWith("POST"))).toEqual([`POST /repos/octo/town/actions/runs/${runId}/cancel`]);
    await town.github.settled();
    expect(runs(town).find((r) => r.id === runId)?.conclusion).toBe("cancelled");
  });

  it("a run dispatched by hand for a stale attempt, or for a bead not slung, is cancelled as it starts", async () => {
    await start();
    const { bead } = await slungIssue(town);
    const limits = (runs(town)[0]?.inputs as Record<string, string>)["limits"] as string;
    for (const inputs of [
      { bead: bead.id, molecule: "m", polecat: "furiosa", attempt: "7", limits },
      { bead: "town-zzz", molecule: "m", polecat: "nux", attempt: "1", limits },
    ]) {
      await town.as("mayor", "POST", `/repos/${REPO}/actions/workflows/gastown-polecat.yml/dispatches`, { ref: "main", inputs });
    }
    await deliverRunEvents(town);
    await town.github.settled();
    expect(runStates().map((r) => `${r.title}: ${r.status}/${r.conclusion}`)).toEqual([
      `polecat furiosa · ${bead.id} · attempt 1: queued/null`,
      `polecat furiosa · ${bead.id} · attempt 7: completed/cancelled`,
      "polecat nux · town-zzz · attempt 1: completed/cancelled",
    ]);
    expect(witnessOf(await beadOf(town, 1))).toMatchObject({ attempt: 1, status: "hooked" });
  });
});

describe("an exit that never reached the ledger", () => {
  it("is recorded from the final heartbeat and published, as the run's own write and mail would have", async () => {
    await start();
    const { bead, runId } = await slungIssue(town);
    await startAndClaim(town, runId);
    await beat(town, runId);
    const tip = await town.github.git(REPO).resolveRef(`refs/heads/gastown/work/furiosa/${bead.id}`);
    later(3);
    await beat(town, runId, { exit: { exit: "BLOCKED", reason: "The pump spec is missing.", attempt: 1, workTip: tip as string } });
    // The run's ledger write and its mail were lost; its job and run end as success.
    town.github.completeJob(REPO, runId, "polecat", "success");
    await deliverRunEvents(town, (event) => event === "workflow_run");
    const after = await beadOf(town, 1);
    expect({ status: after.status, exit: gastownMetadata(after).exit, reason: gastownMetadata(after).exit_reason }).toEqual({
      status: "blocked", exit: "BLOCKED", reason: "The pump spec is missing.",
    });
    expect([...town.issue(1).labels].sort()).toEqual(["status::blocked"]);
    expect(commentsOn(town, 1).some((c) => c.body.includes("as **BLOCKED**"))).toBe(true);
  });
});

describe("past witness.max_attempts", () => {
  it("escalates instead, and the slot it frees goes to the waiting sling in the same commit", async () => {
    await start("witness:\n  max_attempts: 1\nlimits:\n  max_polecats: 1\n");
    const { bead, runId } = await slungIssue(town);
    // All polecats are busy: it waits.
    const second = await beadOf(town, await openAndSling(town, "Paint the tanks"));
    expect(second.status).not.toBe("hooked");
    await startAndClaim(town, runId);
    town.github.completeJob(REPO, runId, "polecat", "failure");
    const commitsBefore = town.sent.filter((s) => s.url.endsWith("/git/commits")).length;
    await deliverRunEvents(town, (event) => event === "workflow_run");
    expect(town.sent.filter((s) => s.url.endsWith("/git/commits")).length).toBe(commitsBefore + 1);
    expect(witnessOf(await beadOf(town, 1))).toMatchObject({ status: "open" });
    expect([...town.issue(1).labels].sort()).toEqual(["gt:escalated"]);
    expect(lastComment(1)).toBe("@mayor: the witness gave up on polecat **furiosa** and escalated this issue to you.");
    expect(commentsOn(town, 1).find((c) => c.body.startsWith("<!-- gastown:status -->"))?.body).toContain(
      `The witness let the hook go: attempt 1's run ended (failure) without recording an exit; after 1 attempt since it was slung (witness.max_attempts is 1), the witness gives up on it.`,
    );
    const promoted = await beadOf(town, 2);
    expect(witnessOf(promoted)).toMatchObject({ attempt: 1, status: "hooked" });
    expect(runStates().map((r) => r.title)).toEqual([`polecat furiosa · ${bead.id} · attempt 1`, `polecat nux · ${promoted.id} · attempt 1`]);
  });
});

describe("slung again after an escalation", () => {
  it("counts witness.max_attempts from the new sling: its first failure is restarted, not escalated", async () => {
    await start("witness:\n  max_attempts: 2\n");
    const { bead } = await slungIssue(town);
    /** The current attempt's run starts, claims its bead and fails; its end is delivered. */
    const fails = async () => {
      const runId = runOf(town, await beadOf(town, 1)).id;
      await startAndClaim(town, runId);
      town.github.completeJob(REPO, runId, "polecat", "failure");
      await deliverRunEvents(town, (event) => event === "workflow_run");
    };
    await fails();
    expect(witnessOf(await beadOf(town, 1))).toMatchObject({ attempt: 2, status: "hooked" });
    await fails();
    expect(witnessOf(await beadOf(town, 1))).toMatchObject({ attempt: 2, status: "open" });
    // The mayor slings it again: attempt 3, the first since this sling.
    await town.as("mayor", "POST", `/repos/${REPO}/issues/1/labels`, { labels: ["gt:sling"] });
    await town.deliver();
    await town.deliver();
    const slung = await beadOf(town, 1);
    expect(witnessOf(slung)).toMatchObject({ attempt: 3, status: "hooked" });
    expect(gastownMetadata(slung).attempts_before_sling).toBe(2);
    await fails();
    expect(witnessOf(await beadOf(town, 1))).toMatchObject({ attempt: 4, status: "hooked" });
    await fails();
    expect(witnessOf(await beadOf(town, 1))).toMatchObject({ attempt: 4, status: "open" });
    expect(commentsOn(town, 1).find((c) => c.body.startsWith("<!-- gastown:status -->"))?.body).toContain(
      "The witness let the hook go: attempt 4's run ended (failure) without recording an exit; after 2 attempts since it was slung (witness.max_attempts is 2), the witness gives up on it.",
    );
    expect(runStates().map((r) => `${r.title}: ${r.status}/${r.conclusion}`)).toEqual(
      [1, 2, 3, 4].map((attempt) => `polecat furiosa · ${bead.id} · attempt ${attempt}: completed/failure`),
    );
  });
});

describe("lost deliveries", () => {
  it("a run's end whose events were all dropped is seen by the next pass", async () => {
    await start();
    const { runId } = await slungIssue(town);
    await startAndClaim(town, runId);
    town.github.inject({ kind: "drop-delivery", event: "workflow_run", times: 1 });
    town.github.inject({ kind: "drop-delivery", event: "workflow_job", times: 1 });
    town.github.completeJob(REPO, runId, "polecat", "failure");
    expect(await deliverRunEvents(town)).toEqual([]);
    later(3);
    expect((await patrol(town) as { actions: unknown }).actions).toEqual([{ bead: (await beadOf(town, 1)).id, text: "restarted it as attempt 2 (run-failed)" }]);
    expect(witnessOf(await beadOf(town, 1))).toMatchObject({ attempt: 2, status: "hooked" });
  });
});

describe("a patrol racing an event", () => {
  it("acts once: one commit, one dispatch", async () => {
    await start();
    const { runId } = await slungIssue(town);
    await startAndClaim(town, runId);
    later(5);
    town.github.completeJob(REPO, runId, "polecat", "failure");
    await town.github.settled();
    const from = town.sent.length;
    await Promise.all([patrol(town, 1), deliverRunEvents(town, (event) => event === "workflow_run")]);
    const writes = requests(town, from).filter((r) => r.startsWith("POST"));
    expect(writes.filter((r) => r.endsWith("/dispatches"))).toHaveLength(1);
    expect(witnessOf(await beadOf(town, 1))).toMatchObject({ attempt: 2, status: "hooked" });
    expect(runStates().filter((r) => r.status !== "completed")).toHaveLength(1);
  });
});

describe("lost mail", () => {
  it("an exit recorded but never published (its mail lost) is published by the pass after the mail's grace", async () => {
    await start();
    const { bead, runId } = await slungIssue(town);
    await startAndClaim(town, runId);
    await beat(town, runId);
    const tip = await town.github.git(REPO).resolveRef(`refs/heads/gastown/work/furiosa/${bead.id}`) as string;
    await editLedger(town, "mayor", "the run's exit", (ledger) => recordPolecatExit(ledger,
      { exit: "BLOCKED", reason: "Waiting on the pump spec.", workTip: tip, at: town.clock.now },
      { bead: bead.id, molecule: "", polecat: "furiosa", rig: REPO, turns: 3, costUsd: 0.5 }).ledger);
    // Within the grace its own mail may still come: the pass leaves it.
    later(1);
    expect(await patrol(town)).toEqual({ kind: "patrolled", rig: REPO, looked: 0, actions: [], promoted: [], refinery: [] });
    later(2);
    expect((await patrol(town) as { actions: unknown }).actions).toEqual([{ bead: bead.id, text: "published attempt 1's exit BLOCKED, whose mail was lost" }]);
    expect([...town.issue(1).labels].sort()).toEqual(["status::blocked"]);
    expect(gastownMetadata(await beadOf(town, 1)).published_attempt).toBe(1);
    // Published: the next pass is idle again.
    expect((await patrol(town) as { actions: unknown }).actions).toEqual([]);
  });

  it("an agent's mail to the overseer, written mid-run, is escalated by the next pass, once", async () => {
    await start();
    const { bead, runId } = await slungIssue(town);
    await startAndClaim(town, runId);
    await beat(town, runId);
    await editLedger(town, "mayor", "the run's step: its agent's mail", (ledger) => ledger.withBead(ledgerBead("town-m1", {
      title: "Which pressure?", description: "The spec says 3 bar, @ann says 5.", issue_type: "message", assignee: "overseer",
      labels: ["gt:mail"], created_by: "polecat/furiosa", metadata: { gastown: { mail: bead.id } },
    })));
    later(1);
    await beat(town, runId);
    expect((await patrol(town) as { actions: unknown }).actions).toEqual([{ bead: bead.id, text: "escalated its polecat's mail to the overseer as #2" }]);
    expect(town.issue(2)).toMatchObject({ title: "Escalation: #1 needs a person", labels: ["gt:escalated"] });
    expect(town.issue(2).body).toContain("@mayor: polecat **furiosa** escalated #1");
    expect((await patrol(town) as { actions: unknown }).actions).toEqual([]);
  });
});

describe("a slot freed by an unsling", () => {
  it("goes to the waiting sling in the unsling's own commit, which is then dispatched", async () => {
    await start("limits:\n  max_polecats: 1\n");
    const { bead } = await slungIssue(town);
    const waiting = await beadOf(town, await openAndSling(town, "Paint the tanks"));
    expect(waiting.status).not.toBe("hooked");
    const commits = town.sent.filter((s) => s.url.endsWith("/git/commits")).length;
    await town.as("mayor", "DELETE", `/repos/${REPO}/issues/1/labels/gt%3Asling`);
    await town.deliver();
    expect(town.sent.filter((s) => s.url.endsWith("/git/commits")).length).toBe(commits + 1);
    expect((await beadOf(town, 1)).status).toBe("open");
    const promoted = await beadOf(town, 2);
    expect(witnessOf(promoted)).toMatchObject({ attempt: 1, status: "hooked" });
    expect(runStates().map((r) => `${r.title}: ${r.conclusion ?? r.status}`)).toEqual([
      `polecat furiosa · ${bead.id} · attempt 1: cancelled`, `polecat nux · ${promoted.id} · attempt 1: queued`,
    ]);
    expect(lastComment(2)).toContain("A polecat came free: slung by @mayor to polecat **nux** (attempt 1). It is on its way.");
  });
});
