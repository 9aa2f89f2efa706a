import { describe, expect, it } from "vitest";
import type { Bead } from "../../app/ledger/bead-schema.js";
import { Ledger } from "../../app/ledger/ledger.js";
import { gastownMetadata, withGastownMetadata } from "../../app/molecules/gastown-metadata.js";
import { timestamp } from "../../app/molecules/pour.js";
import { closeStep } from "../../app/molecules/step-done.js";
import type { Heartbeat } from "../../app/town/heartbeat.js";
import { nudgesFor } from "../../app/town/message-beads.js";
import { limitsHash, polecatLimits } from "../../app/town/polecat-dispatch.js";
import { recordPolecatExit } from "../../app/town/polecat-exit.js";
import { sling } from "../../app/town/sling.js";
import { unsling } from "../../app/town/unsling.js";
import { witnessLook, witnessMutation, type WitnessDecision, type WitnessInput, type WitnessRun } from "../../app/town/witness.js";
import { claimedBy, config, issue, minutesAfter, NOW, slingInput } from "./town-builders.js";

const RIG = "octo/town";
const WORK_TIP = "a".repeat(40);
const LIMITS_HASH = limitsHash(polecatLimits(config().polecat));

/** Issue 7 slung at NOW, its attempt 1 claimed by run 101. */
function hookedAndClaimed() {
  const slung = sling(Ledger.empty(), slingInput());
  if (slung.outcome.kind !== "dispatch") throw new Error(slung.outcome.kind);
  const { assignment } = slung.outcome;
  return { ledger: claimedBy(slung.ledger, assignment, 101), id: assignment.bead, molecule: assignment.molecule };
}

function run(fields: Partial<WitnessRun> = {}): WitnessRun {
  return { id: 101, attempt: 1, status: "in_progress", conclusion: null, created_at: NOW.toISOString(), ...fields };
}

function beat(at: Date, fields: Partial<Heartbeat> = {}): Heartbeat {
  return { at, progressAt: at, state: "working", step: 1, attempt: 1, ...fields };
}

function look(ledger: Ledger, bead: string, fields: Partial<WitnessInput> = {}): WitnessInput {
  return { ledger, bead, now: minutesAfter(NOW, 30), config: config(), rig: RIG, ...fields };
}

/** The look and its ledger side, as the caller's compare-and-swap write applies it. */
function decideAndApply(input: WitnessInput) {
  const decision = witnessLook(input);
  return { decision, ...witnessMutation(input.ledger, decision, input) };
}

function beadIn(ledger: Ledger, id: string): Bead {
  return ledger.get(id) as Bead;
}

/** The bead's hook moved to `attempt` (and claimed by `runId`), as earlier respawns left it. */
function atAttempt(ledger: Ledger, id: string, attempt: number, runId: number): Ledger {
  return ledger.withBead(withGastownMetadata(beadIn(ledger, id), { attempt, run_id: runId }));
}

const seen1 = { attempt: 1, runId: 101, rung: undefined, rungAt: undefined };

describe("runs the witness leaves alone", () => {
  it("does nothing for a working polecat", () => {
    const { ledger, id } = hookedAndClaimed();
    const now = minutesAfter(NOW, 30);
    const decision = witnessLook(look(ledger, id, { now, run: run(), heartbeat: beat(minutesAfter(now, -1)) }));
    expect(decision).toEqual({ kind: "nothing", why: "working", detail: `${id}'s attempt 1 is working (fresh)` });
    expect(witnessMutation(ledger, decision, look(ledger, id))).toEqual({ ledger, digest: undefined, applied: true });
  });

  it("does nothing for a live run that has not beaten yet, within stuck_minutes of its dispatch", () => {
    const { ledger, id } = hookedAndClaimed();
    expect(witnessLook(look(ledger, id, { now: minutesAfter(NOW, 20), run: run({ status: "queued" }) })))
      .toEqual({ kind: "nothing", why: "working", detail: `${id}'s attempt 1 is working (starting)` });
  });

  it("does nothing for a bead hooked with no run within the grace period", () => {
    const { ledger, id } = hookedAndClaimed();
    expect(witnessLook(look(ledger, id, { now: minutesAfter(NOW, 1) })))
      .toEqual({ kind: "nothing", why: "dispatching", detail: `${id}'s attempt 1 was dispatched within the grace period` });
  });

  it("does nothing for a bead that is not hooked and has no live run", () => {
    const { ledger, id } = hookedAndClaimed();
    const released = unsling(ledger, issue(7).url, { abandon: false, now: NOW }).ledger;
    expect(witnessLook(look(released, id))).toEqual({ kind: "nothing", why: "not-hooked", detail: `${id} is open, not hooked` });
    expect(witnessLook(look(released, id, { run: run({ status: "completed", conclusion: "cancelled" }) })))
      .toEqual({ kind: "nothing", why: "not-hooked", detail: `${id} is open, not hooked` });
  });

  it("does nothing for a completed run of an older attempt", () => {
    const { ledger, id } = hookedAndClaimed();
    const moved = atAttempt(ledger, id, 2, 202);
    expect(witnessLook(look(moved, id, { run: run({ status: "completed", conclusion: "failure" }) })))
      .toEqual({ kind: "nothing", why: "other-attempt", detail: `run 101 is attempt 1 of ${id}, which is on attempt 2` });
  });

  it("does nothing for a bead the ledger does not have, and no live run", () => {
    expect(witnessLook(look(Ledger.empty(), "town-zzz", { run: run({ status: "completed", conclusion: "success" }) })))
      .toEqual({ kind: "nothing", why: "not-in-ledger", detail: "town-zzz is not in the ledger" });
  });
});

describe("orphan runs", () => {
  it("cancels a live run of an unslung bead, and writes nothing", () => {
    const { ledger, id } = hookedAndClaimed();
    const released = unsling(ledger, issue(7).url, { abandon: false, now: NOW }).ledger;
    const input = look(released, id, { run: run() });
    const decision = witnessLook(input);
    expect(decision).toEqual({ kind: "cancel-run", bead: id, runId: 101, why: `${id} is open, not hooked` });
    expect(witnessMutation(released, decision, input)).toEqual({ ledger: released, digest: undefined, applied: true });
  });

  it("leaves the run that recorded its bead's exit to end its job for a while, and cancels any other live run of the bead", () => {
    const claimed = hookedAndClaimed();
    const { id, molecule } = claimed;
    const ledger = closeStep(closeStep(claimed.ledger, molecule, "load", minutesAfter(NOW, 10)), molecule, "implement", minutesAfter(NOW, 20));
    const exited = recordPolecatExit(ledger, { exit: "COMPLETED", reason: "Added the thing.", workTip: WORK_TIP, at: minutesAfter(NOW, 25) }, {
      bead: id, molecule, polecat: "furiosa", rig: RIG, turns: 12, costUsd: 0.5,
    }).ledger;
    const soon = { run: run({ status: "in_progress" }), now: minutesAfter(NOW, 26) };
    expect(witnessLook(look(exited, id, soon))).toEqual({ kind: "nothing", why: "finishing", detail: `run 101 recorded ${id}'s exit and is ending its job` });
    expect(witnessLook(look(exited, id, { ...soon, run: run({ id: 999 }) })))
      .toEqual({ kind: "cancel-run", bead: id, runId: 999, why: `${id} is in_progress, not hooked` });
    // Still going minutes after its exit, it is hung: cancelled.
    expect(witnessLook(look(exited, id, { ...soon, now: minutesAfter(NOW, 28) })))
      .toEqual({ kind: "cancel-run", bead: id, runId: 101, why: `${id} is in_progress, not hooked` });
  });

  it("cancels a live run of an older attempt", () => {
    const { ledger, id } = hookedAndClaimed();
    const moved = atAttempt(ledger, id, 2, 202);
    expect(witnessLook(look(moved, id, { run: run({ status: "in_progress" }) })))
      .toEqual({ kind: "cancel-run", bead: id, runId: 101, why: `run 101 is attempt 1 of ${id}, which is on attempt 2` });
  });

  it("cancels a live run of the current attempt that another run claimed (dispatched by hand)", () => {
    const { ledger, id } = hookedAndClaimed();
    expect(witnessLook(look(ledger, id, { run: run({ id: 999 }) })))
      .toEqual({ kind: "cancel-run", bead: id, runId: 999, why: `run 999 did not claim ${id}'s attempt 1: run 101 did` });
    expect(witnessLook(look(ledger, id, { run: run({ id: 999, status: "completed", conclusion: "failure" }) })))
      .toEqual({ kind: "nothing", why: "other-run", detail: `run 999 did not claim ${id}'s attempt 1: run 101 did` });
  });
});

describe("a run that completed while its bead is still hooked to it", () => {
  it("repairs a lost exit from the final heartbeat, as the run would have recorded it", () => {
    const claimed = hookedAndClaimed();
    const { id, molecule } = claimed;
    const ledger = closeStep(closeStep(claimed.ledger, molecule, "load", minutesAfter(NOW, 10)), molecule, "implement", minutesAfter(NOW, 20));
    const finished = minutesAfter(NOW, 25);
    const exit = { exit: "COMPLETED" as const, reason: "Added the thing.", attempt: 1, workTip: WORK_TIP };
    const input = look(ledger, id, {
      run: run({ status: "completed", conclusion: "success" }),
      heartbeat: beat(finished, { state: "done", exit, spent: { turns: 12, costUsd: 0.5 } }),
    });
    const { decision, ...applied } = decideAndApply(input);
    expect(decision).toEqual({ kind: "repair-exit", bead: id, seen: seen1, exit, at: finished, spent: { turns: 12, costUsd: 0.5 }, cancelRunId: undefined });
    const expected = recordPolecatExit(ledger, { exit: "COMPLETED", reason: "Added the thing.", workTip: WORK_TIP, at: finished }, {
      bead: id, molecule, polecat: "furiosa", rig: RIG, turns: 12, costUsd: 0.5,
    });
    expect(applied).toEqual({ ledger: expected.ledger, digest: expected.digest, applied: true });
    expect(expected.digest).toBeDefined();
    expect(beadIn(applied.ledger, id).status).toBe("in_progress");
    expect(gastownMetadata(beadIn(applied.ledger, id))).toMatchObject({ exit: "COMPLETED", run_id: 101, work_tip: WORK_TIP, exit_turns: 12 });

    // The same look again (a duplicated event, a second witness) after the commit: nothing.
    expect(witnessLook({ ...input, ledger: applied.ledger })).toEqual({ kind: "nothing", why: "not-hooked", detail: `${id} is in_progress, not hooked` });
    // And the first decision applied again on the newer ledger (a lost race's retry) changes nothing.
    expect(witnessMutation(applied.ledger, decision, input)).toEqual({ ledger: applied.ledger, digest: undefined, applied: false });
  });

  it("repairs a BLOCKED exit even when the run then failed (its ledger write did)", () => {
    const { ledger, id, molecule } = hookedAndClaimed();
    const exit = { exit: "BLOCKED" as const, reason: "Needs the API.", attempt: 1, workTip: WORK_TIP, blocker: "town-abc" };
    const input = look(ledger, id, { run: run({ status: "completed", conclusion: "failure" }), heartbeat: beat(minutesAfter(NOW, 25), { state: "done", exit }) });
    const { decision, ...applied } = decideAndApply(input);
    expect(decision).toMatchObject({ kind: "repair-exit", exit, spent: { turns: 0, costUsd: 0 } });
    const expected = recordPolecatExit(ledger, { exit: "BLOCKED", reason: "Needs the API.", workTip: WORK_TIP, blocker: "town-abc", at: minutesAfter(NOW, 25) }, {
      bead: id, molecule, polecat: "furiosa", rig: RIG, turns: 0, costUsd: 0,
    });
    expect(applied).toEqual({ ledger: expected.ledger, digest: undefined, applied: true });
    expect(beadIn(applied.ledger, id).status).toBe("blocked");
  });

  it("respawns rather than repairs a COMPLETED exit whose step closes did not reach the ledger either", () => {
    const { ledger, id, molecule } = hookedAndClaimed();
    const loaded = closeStep(ledger, molecule, "load", minutesAfter(NOW, 10));
    const exit = { exit: "COMPLETED" as const, reason: "Done.", attempt: 1, workTip: WORK_TIP };
    expect(witnessLook(look(loaded, id, { run: run({ status: "completed", conclusion: "success" }), heartbeat: beat(minutesAfter(NOW, 25), { exit }) })))
      .toMatchObject({
        kind: "respawn", cause: { kind: "steps-open", steps: ["implement"] }, assignment: { attempt: 2 },
        note: "The witness restarted this bead: attempt 1's run said COMPLETED, but its steps implement are not closed in the ledger. " +
          "This attempt resumes at the first open step; check the work ref for what the last one left.",
      });
  });

  it("ignores an exit in a heartbeat of another attempt", () => {
    const { ledger, id } = hookedAndClaimed();
    const exit = { exit: "COMPLETED" as const, reason: "old", attempt: 1, workTip: WORK_TIP };
    const decision = witnessLook(look(ledger, id, {
      run: run({ status: "completed", conclusion: "success" }), heartbeat: beat(minutesAfter(NOW, 25), { attempt: 2, exit }),
    }));
    expect(decision).toMatchObject({ kind: "respawn", cause: { kind: "no-exit" } });
  });

  it.each(["failure", "cancelled", "timed_out"])("respawns after a run that ended %s: attempt + 1, same molecule, with a note for the next prompt", (conclusion) => {
    const { ledger, id, molecule } = hookedAndClaimed();
    const now = minutesAfter(NOW, 30);
    const input = look(ledger, id, { now, run: run({ status: "completed", conclusion }) });
    const { decision, ...applied } = decideAndApply(input);
    const note = `The witness restarted this bead: attempt 1's run ended (${conclusion}) without recording an exit. ` +
      "This attempt resumes at the first open step; check the work ref for what the last one left.";
    expect(decision).toEqual({
      kind: "respawn", bead: id, seen: seen1, cause: { kind: "run-failed", conclusion },
      assignment: { bead: id, molecule, polecat: "furiosa", attempt: 2 }, note, rung: undefined, cancelRunId: undefined,
    });
    const before = beadIn(ledger, id);
    const after = beadIn(applied.ledger, id);
    const { run_id: _r, run_url: _u, started_at: _s, ...kept } = gastownMetadata(before);
    expect(after).toEqual({
      ...before, updated_at: timestamp(now),
      metadata: { gastown: { ...kept, attempt: 2, dispatched_at: timestamp(now), limits_hash: LIMITS_HASH } },
    });
    const [message, ...more] = nudgesFor(applied.ledger, id);
    expect(more).toEqual([]);
    expect(message).toEqual({
      id: message?.id, title: `Nudge for ${id}: ${note.slice(0, 59)}…`,
      description: note, status: "open", priority: 2, issue_type: "message",
      created_at: timestamp(now), created_by: "witness", updated_at: timestamp(now),
      assignee: id, sender: "witness", external_ref: `gastown:witness/${id}/respawn-1`, labels: ["gt:nudge"],
      metadata: { gastown: { nudge: id } },
    });
    // Nothing else changed: the work bead and the note.
    expect(applied.ledger.beads().length).toBe(ledger.beads().length + 1);

    // The same event again, after the commit: its bead is on attempt 2 now.
    expect(witnessLook({ ...input, ledger: applied.ledger }))
      .toEqual({ kind: "nothing", why: "other-attempt", detail: `run 101 is attempt 1 of ${id}, which is on attempt 2` });
    expect(witnessMutation(applied.ledger, decision, input)).toEqual({ ledger: applied.ledger, digest: undefined, applied: false });
  });

  it("respawns a run that completed successfully with no exit in its heartbeat", () => {
    const { ledger, id } = hookedAndClaimed();
    expect(witnessLook(look(ledger, id, { run: run({ status: "completed", conclusion: "success" }), heartbeat: beat(minutesAfter(NOW, 25)) })))
      .toMatchObject({ kind: "respawn", cause: { kind: "no-exit" }, assignment: { attempt: 2 }, cancelRunId: undefined });
  });

  it("respawns a run that failed before it claimed the bead", () => {
    const slung = sling(Ledger.empty(), slingInput());
    if (slung.outcome.kind !== "dispatch") throw new Error(slung.outcome.kind);
    const id = slung.outcome.bead.id;
    expect(witnessLook(look(slung.ledger, id, { run: run({ id: 555, status: "completed", conclusion: "failure" }) })))
      .toMatchObject({ kind: "respawn", seen: { attempt: 1, runId: undefined }, assignment: { attempt: 2 } });
  });

  it("escalates instead once witness.max_attempts attempts were made, with the ESCALATE exit's effects", () => {
    const { ledger, id } = hookedAndClaimed();
    const third = atAttempt(ledger, id, 3, 303);
    const now = minutesAfter(NOW, 30);
    const input = look(third, id, { now, run: run({ id: 303, attempt: 3, status: "completed", conclusion: "timed_out" }) });
    const { decision, ...applied } = decideAndApply(input);
    const reason = "attempt 3's run ended (timed_out) without recording an exit; after 3 attempts since it was slung (witness.max_attempts is 3), the witness gives up on it";
    expect(decision).toEqual({
      kind: "escalate", bead: id, seen: { attempt: 3, runId: 303, rung: undefined, rungAt: undefined }, reason, cancelRunId: undefined,
    });
    const before = beadIn(third, id);
    const { run_id: _r, run_url: _u, started_at: _s, dispatched_at: _d, ...kept } = gastownMetadata(before);
    const { assignee: _a, ...unassigned } = before;
    expect(beadIn(applied.ledger, id)).toEqual({
      ...unassigned, status: "open", updated_at: timestamp(now),
      metadata: { gastown: { ...kept, exit: "ESCALATE", exit_reason: reason } },
    });
    expect(applied.digest).toBeUndefined();
    expect(witnessLook({ ...input, ledger: applied.ledger })).toEqual({ kind: "nothing", why: "not-hooked", detail: `${id} is open, not hooked` });
  });

  it("counts attempts since a person last slung the bead: slung again after an escalation, its first failure is respawned", () => {
    const { ledger, id, molecule } = hookedAndClaimed();
    const failed = (attempt: number, runId: number) => run({ id: runId, attempt, status: "completed", conclusion: "failure" });
    const escalated = decideAndApply(look(atAttempt(ledger, id, 3, 303), id, { now: minutesAfter(NOW, 30), run: failed(3, 303) }));
    expect(escalated.decision.kind).toBe("escalate");
    // A person slings it again: attempt 4, the count starting from 3.
    const slungAgain = sling(escalated.ledger, slingInput({ now: minutesAfter(NOW, 40) }));
    if (slungAgain.outcome.kind !== "dispatch") throw new Error(slungAgain.outcome.kind);
    expect(slungAgain.outcome.assignment.attempt).toBe(4);
    let town = claimedBy(slungAgain.ledger, slungAgain.outcome.assignment, 404, minutesAfter(NOW, 41));
    for (const attempt of [4, 5]) {
      const { decision, ...applied } = decideAndApply(look(town, id, { now: minutesAfter(NOW, 40 + attempt), run: failed(attempt, attempt * 101) }));
      expect(decision).toMatchObject({ kind: "respawn", assignment: { bead: id, molecule, polecat: "furiosa", attempt: attempt + 1 } });
      town = claimedBy(applied.ledger, { bead: id, molecule, polecat: "furiosa", attempt: attempt + 1 }, (attempt + 1) * 101, minutesAfter(NOW, 41 + attempt));
    }
    // A respawn keeps the count the sling started: attempt 6 is the third since it was slung.
    expect(gastownMetadata(beadIn(town, id))).toMatchObject({ attempt: 6, attempts_before_sling: 3 });
    expect(witnessLook(look(town, id, { now: minutesAfter(NOW, 50), run: failed(6, 606) }))).toEqual({
      kind: "escalate", bead: id, seen: { attempt: 6, runId: 606, rung: undefined, rungAt: undefined }, cancelRunId: undefined,
      reason: "attempt 6's run ended (failure) without recording an exit; after 3 attempts since it was slung (witness.max_attempts is 3), the witness gives up on it",
    });
  });

  it("respawns below the limit a custom witness.max_attempts sets", () => {
    const { ledger, id } = hookedAndClaimed();
    const third = atAttempt(ledger, id, 3, 303);
    const five = config((c) => ({ ...c, witness: { ...c.witness, max_attempts: 5 } }));
    expect(witnessLook(look(third, id, { config: five, run: run({ id: 303, attempt: 3, status: "completed", conclusion: "failure" }) })))
      .toMatchObject({ kind: "respawn", assignment: { attempt: 4 } });
  });
});

describe("a live run whose runner died", () => {
  it("respawns when the heartbeat stopped for longer than stuck_minutes, and cancels the old run after the dispatch", () => {
    const { ledger, id, molecule } = hookedAndClaimed();
    const now = minutesAfter(NOW, 50);
    const decision = witnessLook(look(ledger, id, { now, run: run(), heartbeat: beat(minutesAfter(NOW, 29)) }));
    expect(decision).toEqual({
      kind: "respawn", bead: id, seen: seen1, cause: { kind: "dead-runner", sinceMs: 21 * 60_000 },
      assignment: { bead: id, molecule, polecat: "furiosa", attempt: 2 },
      note: "The witness restarted this bead: attempt 1's runner stopped: no heartbeat for more than 20 minutes while its run showed in progress. " +
        "This attempt resumes at the first open step; check the work ref for what the last one left.",
      rung: undefined, cancelRunId: 101,
    });
  });

  it("respawns a live run that started and never beat, stuck_minutes after its dispatch", () => {
    const { ledger, id } = hookedAndClaimed();
    expect(witnessLook(look(ledger, id, { now: minutesAfter(NOW, 21), run: run({ status: "in_progress" }) })))
      .toMatchObject({ kind: "respawn", cause: { kind: "dead-runner", sinceMs: 21 * 60_000 }, cancelRunId: 101 });
  });

  it("leaves a run GitHub still shows queued past stuck_minutes: it waits for a runner, and another dispatch would queue behind it", () => {
    const { ledger, id } = hookedAndClaimed();
    for (const status of ["queued", "waiting", "pending", "requested"]) {
      const input = look(ledger, id, { now: minutesAfter(NOW, 90), run: run({ status }) });
      const decision = witnessLook(input);
      expect(decision).toEqual({ kind: "nothing", why: "queued", detail: `${id}'s attempt 1 is queued: its run 101 waits for a runner` });
      expect(witnessMutation(ledger, decision, input)).toEqual({ ledger, digest: undefined, applied: true });
    }
  });

  it("respawns a runner that died just after beating stuck or crashed, once its heartbeat is stale", () => {
    const { ledger, id, molecule } = hookedAndClaimed();
    for (const state of ["stuck", "crashed"] as const) {
      expect(witnessLook(look(ledger, id, { now: minutesAfter(NOW, 50), run: run(), heartbeat: beat(minutesAfter(NOW, 29), { state }) }))).toEqual({
        kind: "respawn", bead: id, seen: seen1, cause: { kind: "dead-runner", sinceMs: 21 * 60_000 },
        assignment: { bead: id, molecule, polecat: "furiosa", attempt: 2 },
        note: "The witness restarted this bead: attempt 1's runner stopped: no heartbeat for more than 20 minutes while its run showed in progress. " +
          "This attempt resumes at the first open step; check the work ref for what the last one left.",
        rung: undefined, cancelRunId: 101,
      });
    }
  });

  it("repairs the exit of a run that beat it and then hung, and cancels the run", () => {
    const { ledger, id } = hookedAndClaimed();
    const exit = { exit: "REFACTOR" as const, reason: "Too big.", attempt: 1, workTip: WORK_TIP };
    const now = minutesAfter(NOW, 50);
    expect(witnessLook(look(ledger, id, { now, run: run(), heartbeat: beat(minutesAfter(NOW, 25), { state: "done", exit }) }))).toEqual({
      kind: "repair-exit", bead: id, seen: seen1, exit, at: minutesAfter(NOW, 25), spent: { turns: 0, costUsd: 0 }, cancelRunId: 101,
    });
    // Before the heartbeat is stale, the run is still recording its exit: left alone.
    expect(witnessLook(look(ledger, id, { now: minutesAfter(NOW, 30), run: run(), heartbeat: beat(minutesAfter(NOW, 25), { state: "done", exit }) })))
      .toMatchObject({ kind: "nothing", why: "working" });
  });

  it("respawns a run whose heartbeat says it crashed", () => {
    const { ledger, id } = hookedAndClaimed();
    const now = minutesAfter(NOW, 30);
    expect(witnessLook(look(ledger, id, { now, run: run(), heartbeat: beat(minutesAfter(now, -1), { state: "crashed" }) })))
      .toMatchObject({ kind: "respawn", cause: { kind: "crashed" }, cancelRunId: 101 });
  });

  it("escalates a dead runner on the last attempt, and still cancels its run", () => {
    const { ledger, id } = hookedAndClaimed();
    const third = atAttempt(ledger, id, 3, 303);
    expect(witnessLook(look(third, id, { now: minutesAfter(NOW, 50), run: run({ id: 303, attempt: 3 }), heartbeat: beat(NOW, { attempt: 3 }) })))
      .toMatchObject({ kind: "escalate", cancelRunId: 303 });
  });
});

describe("a lost dispatch", () => {
  it("dispatches again past the grace period, as the sling path would", () => {
    const { ledger, id, molecule } = hookedAndClaimed();
    const now = minutesAfter(NOW, 3);
    const { decision, ...applied } = decideAndApply(look(ledger, id, { now }));
    expect(decision).toMatchObject({
      kind: "respawn", cause: { kind: "lost" }, assignment: { bead: id, molecule, polecat: "furiosa", attempt: 2 }, cancelRunId: undefined,
    });
    expect(gastownMetadata(beadIn(applied.ledger, id))).toMatchObject({ attempt: 2, dispatched_at: timestamp(now) });
    // A second look just after: the new attempt is within its grace period.
    expect(witnessLook(look(applied.ledger, id, { now: minutesAfter(now, 1) }))).toMatchObject({ kind: "nothing", why: "dispatching" });
  });

  it("escalates a lost dispatch on the last attempt", () => {
    const { ledger, id } = hookedAndClaimed();
    expect(witnessLook(look(atAttempt(ledger, id, 3, 303), id, { now: minutesAfter(NOW, 3) }))).toEqual({
      kind: "escalate", bead: id, seen: { attempt: 3, runId: 303, rung: undefined, rungAt: undefined }, cancelRunId: undefined,
      reason: "attempt 3 was dispatched, but no run of it was seen; after 3 attempts since it was slung (witness.max_attempts is 3), the witness gives up on it",
    });
  });
});

describe("the count of attempts since the bead was slung", () => {
  /** The bead on attempt `attempt`, slung again by a person after attempt `before`. */
  const slungAfter = (ledger: Ledger, id: string, attempt: number, before: number) =>
    ledger.withBead(withGastownMetadata(beadIn(ledger, id), { attempt, run_id: attempt * 101, attempts_before_sling: before }));

  it("bounds a lost dispatch too", () => {
    const { ledger, id } = hookedAndClaimed();
    expect(witnessLook(look(slungAfter(ledger, id, 5, 3), id, { now: minutesAfter(NOW, 3) })))
      .toMatchObject({ kind: "respawn", cause: { kind: "lost" }, assignment: { attempt: 6 } });
    expect(witnessLook(look(slungAfter(ledger, id, 6, 3), id, { now: minutesAfter(NOW, 3) }))).toMatchObject({
      kind: "escalate",
      reason: "attempt 6 was dispatched, but no run of it was seen; after 3 attempts since it was slung (witness.max_attempts is 3), the witness gives up on it",
    });
  });

  it("bounds the ladder's respawn (rung 2) too", () => {
    const { ledger, id } = hookedAndClaimed();
    const nudged = (attempt: number) => ledger.withBead(withGastownMetadata(beadIn(slungAfter(ledger, id, attempt, 3), id), {
      witness_rung: 1, witness_at: timestamp(minutesAfter(NOW, 5)),
    }));
    const stuck = (attempt: number): Partial<WitnessInput> => ({
      now: minutesAfter(NOW, 30), run: run({ id: attempt * 101, attempt }),
      heartbeat: beat(minutesAfter(NOW, 29), { attempt, progressAt: minutesAfter(NOW, 1) }),
    });
    expect(witnessLook(look(nudged(4), id, stuck(4)))).toMatchObject({ kind: "respawn", cause: { kind: "stuck" }, rung: 2, assignment: { attempt: 5 } });
    expect(witnessLook(look(nudged(6), id, stuck(6)))).toMatchObject({ kind: "escalate", cancelRunId: 606 });
  });
});

describe("the stuck ladder", () => {
  /** A live run whose action beats, but whose agent last made progress at NOW + 1 minute. */
  const idle = (now: Date, attempt = 1, id = 101): Partial<WitnessInput> => ({
    now, run: run({ id, attempt }), heartbeat: beat(minutesAfter(now, -1), { attempt, progressAt: minutesAfter(NOW, 1) }),
  });
  const nudgeText = "The witness sees no progress from you for more than 20 minutes. If you are waiting on something, " +
    "say so with `gt done --exit BLOCKED` or `gt mail send --to witness`; otherwise carry on with the current step.";

  it("climbs one rung per stuck_minutes: a nudge, then cancel and respawn with the nudge, then escalate", () => {
    const { ledger, id, molecule } = hookedAndClaimed();

    // Rung 1: a nudge, recorded on the bead.
    const t1 = minutesAfter(NOW, 22);
    const first = decideAndApply(look(ledger, id, idle(t1)));
    expect(first.decision).toEqual({ kind: "nudge", bead: id, seen: seen1, text: nudgeText });
    const nudged = beadIn(first.ledger, id);
    expect(nudged).toEqual(withGastownMetadata({ ...beadIn(ledger, id), updated_at: timestamp(t1) }, { witness_rung: 1, witness_at: timestamp(t1) }));
    expect(nudgesFor(first.ledger, id)).toMatchObject([
      { description: nudgeText, sender: "witness", assignee: id, external_ref: `gastown:witness/${id}/nudge-${timestamp(t1)}`, status: "open" },
    ]);
    // A second witness at the same time, on the ledger before the commit, lost the race: its mutation does nothing.
    expect(witnessMutation(first.ledger, first.decision, look(first.ledger, id, idle(t1)))).toMatchObject({ ledger: first.ledger, applied: false });

    // Before stuck_minutes have passed since the nudge: wait.
    const soon = minutesAfter(t1, 19);
    expect(witnessLook(look(first.ledger, id, idle(soon))))
      .toEqual({ kind: "nothing", why: "rung-waiting", detail: `${id} is stuck; rung 1 was taken less than 20 minutes ago` });

    // Rung 2: the next attempt, the old run cancelled; the nudge stays unread for its prompt.
    const t2 = minutesAfter(t1, 20);
    const second = decideAndApply(look(first.ledger, id, idle(t2)));
    expect(second.decision).toEqual({
      kind: "respawn", bead: id, seen: { attempt: 1, runId: 101, rung: 1, rungAt: timestamp(t1) }, cause: { kind: "stuck" },
      assignment: { bead: id, molecule, polecat: "furiosa", attempt: 2 }, rung: 2, cancelRunId: 101,
      note: "The witness restarted this bead: attempt 1 showed no progress for more than 20 minutes, even after a nudge, and was cancelled. " +
        "This attempt resumes at the first open step; check the work ref for what the last one left.",
    });
    expect(gastownMetadata(beadIn(second.ledger, id))).toEqual({
      ...gastownMetadata(nudged), attempt: 2, dispatched_at: timestamp(t2), limits_hash: LIMITS_HASH,
      run_id: undefined, run_url: undefined, started_at: undefined, witness_rung: 2, witness_at: timestamp(t2),
    });
    expect(nudgesFor(second.ledger, id).map((n) => [n.description, n.status])).toEqual([
      [nudgeText, "open"], [(second.decision as Extract<WitnessDecision, { kind: "respawn" }>).note, "open"],
    ]);
    // The cancelled run's workflow_run event then finds its bead on attempt 2: nothing.
    expect(witnessLook(look(second.ledger, id, { now: minutesAfter(t2, 1), run: run({ status: "completed", conclusion: "cancelled" }) })))
      .toMatchObject({ kind: "nothing", why: "other-attempt" });

    // Attempt 2 claimed by run 202, stuck again: rung 3 escalates and cancels it.
    const claimed2 = claimedBy(second.ledger, { bead: id, molecule, polecat: "furiosa", attempt: 2 }, 202, t2);
    const t3 = minutesAfter(t2, 30);
    const third = decideAndApply(look(claimed2, id, {
      now: t3, run: run({ id: 202, attempt: 2 }), heartbeat: beat(minutesAfter(t3, -1), { attempt: 2, progressAt: minutesAfter(t2, 2) }),
    }));
    expect(third.decision).toEqual({
      kind: "escalate", bead: id, seen: { attempt: 2, runId: 202, rung: 2, rungAt: timestamp(t2) }, cancelRunId: 202,
      reason: "The polecat showed no progress for more than 20 minutes after a nudge and after a fresh attempt, so the witness gives up on it.",
    });
    const escalated = beadIn(third.ledger, id);
    expect(escalated.status).toBe("open");
    expect(escalated.assignee).toBeUndefined();
    const meta = gastownMetadata(escalated);
    expect(meta).toMatchObject({ exit: "ESCALATE", exit_reason: (third.decision as { reason: string }).reason, attempt: 2 });
    expect(["witness_rung", "witness_at", "run_id", "dispatched_at"].filter((f) => f in meta)).toEqual([]);
  });

  it("continues from the rung recorded on the bead by another witness", () => {
    const { ledger, id } = hookedAndClaimed();
    const rungAt = timestamp(minutesAfter(NOW, 5));
    const recorded = ledger.withBead(withGastownMetadata(beadIn(ledger, id), { witness_rung: 2, witness_at: rungAt }));
    expect(witnessLook(look(recorded, id, idle(minutesAfter(NOW, 30))))).toMatchObject({
      kind: "escalate", seen: { attempt: 1, runId: 101, rung: 2, rungAt }, cancelRunId: 101,
    });
    const once = ledger.withBead(withGastownMetadata(beadIn(ledger, id), { witness_rung: 1, witness_at: rungAt }));
    expect(witnessLook(look(once, id, idle(minutesAfter(NOW, 30))))).toMatchObject({ kind: "respawn", cause: { kind: "stuck" }, rung: 2 });
  });

  it("starts again at a nudge when a person slung the bead after the last rung", () => {
    const { ledger, id } = hookedAndClaimed();
    const old = ledger.withBead(withGastownMetadata(beadIn(ledger, id), { witness_rung: 2, witness_at: timestamp(minutesAfter(NOW, -60)) }));
    expect(witnessLook(look(old, id, idle(minutesAfter(NOW, 30))))).toMatchObject({ kind: "nudge" });
  });

  it("climbs when the polecat itself says it is stuck", () => {
    const { ledger, id } = hookedAndClaimed();
    const now = minutesAfter(NOW, 10);
    expect(witnessLook(look(ledger, id, { now, run: run(), heartbeat: beat(minutesAfter(now, -1), { state: "stuck" }) })))
      .toEqual({ kind: "nudge", bead: id, seen: seen1, text: nudgeText });
  });

  it("escalates at rung 2 on the last attempt instead of respawning", () => {
    const { ledger, id } = hookedAndClaimed();
    const third = atAttempt(ledger, id, 3, 303);
    const rung1 = third.withBead(withGastownMetadata(beadIn(third, id), { witness_rung: 1, witness_at: timestamp(minutesAfter(NOW, 5)) }));
    expect(witnessLook(look(rung1, id, idle(minutesAfter(NOW, 30), 3, 303)))).toMatchObject({
      kind: "escalate", cancelRunId: 303,
      reason: "attempt 3 showed no progress for more than 20 minutes, even after a nudge, and was cancelled; after 3 attempts since it was slung (witness.max_attempts is 3), the witness gives up on it",
    });
  });
});
