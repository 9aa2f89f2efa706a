// The witness's look at one hooked bead (DESIGN §7, "Dispatch, exactly once" and "Heartbeat";
// issue 16): from what the ledger says of the bead, what GitHub shows of one polecat run of it
// and that attempt's newest heartbeat, decide what repairs it. Pure: the caller applies the
// ledger side (witnessMutation) in one compare-and-swap commit, and only its writer then
// dispatches and only after that cancels, so a `workflow_run` event of the cancelled run finds
// its bead hooked to a newer attempt and does nothing. Every look acts only on a bead still
// hooked to the run's attempt and `run_id`, so a duplicated look after the commit does nothing.
//
// In order:
//   1. A run of this bead that does not hold its hook (the bead unslung, a stale attempt, another
//      run than the one that claimed it): cancelled while it lives, else left alone.
//   2. A completed run whose final heartbeat carries its exit (or a live one that beat its exit and
//      then stopped): the exit recorded as the run would have (its ledger write was lost). Completed otherwise (failure, cancellation, time-out, or
//      success with no exit): respawned.
//   3. A live run judged as /peek judges it (polecat-health.ts): a heartbeat that stopped, a run
//      that never beat, or one whose polecat says it crashed is a dead runner: respawned, the old
//      run cancelled. An agent that shows no progress, or says it is stuck, climbs the ladder. A
//      run GitHub still shows queued waits for a runner: left alone, since a respawn would only
//      queue another (GitHub cancels a job no runner has taken after 24 to 48 hours; its run
//      then completes, and is answered as any other).
//   4. No run, hooked past the dispatch grace period: lost, dispatched again (the sling path's rule).
// A respawn past `witness.max_attempts` attempts since the bead was slung (sling.ts,
// attemptsSinceSling) escalates instead.
import type { GastownConfig } from "../config/config-schema.js";
import { beadStatus, type Bead } from "../ledger/bead-schema.js";
import { ledgerPrefix } from "../ledger/id-prefix.js";
import type { Ledger } from "../ledger/ledger.js";
import type { Digest } from "../molecules/digest.js";
import { gastownMetadata, gastownString, withGastownMetadata } from "../molecules/gastown-metadata.js";
import { openMoleculeOf, timestamp } from "../molecules/pour.js";
import type { Heartbeat, HeartbeatExit } from "./heartbeat.js";
import { recordMessage } from "./message-beads.js";
import type { PolecatAssignment } from "./polecat-dispatch.js";
import { recordPolecatExit } from "./polecat-exit.js";
import { polecatHealth } from "./polecat-health.js";
import { afterAttemptsText, attemptOf, attemptsSinceSling, escalatedBead, nextAttempt } from "./sling.js";
import { causeText, ladderText, respawnNote, stuckRung, WITNESS_NOTE_REF, WITNESS_SENDER, type StuckRung } from "./witness-ladder.js";

/** What GitHub shows of one polecat run of the bead. */
export interface WitnessRun {
  readonly id: number;
  /** The attempt it was dispatched for (its `attempt` input, or its run-name). */
  readonly attempt: number;
  /** GitHub's status: queued, in_progress, waiting, …, completed. */
  readonly status: string;
  /** Once completed: success, failure, cancelled, timed_out, … */
  readonly conclusion: string | null;
  readonly created_at?: string;
}

export interface WitnessInput {
  readonly ledger: Ledger;
  /** The work bead's id. */
  readonly bead: string;
  /**
   * The run looked at: the one a `workflow_run` event names, or the current attempt's run as
   * found by its claimed `run_id` or its run-name. Absent when GitHub shows none.
   */
  readonly run?: WitnessRun;
  /** The newest heartbeat of the run's attempt (external_id `<bead>@<attempt>`), parsed. */
  readonly heartbeat?: Heartbeat;
  readonly now: Date;
  /** `witness.stuck_minutes`, `witness.max_attempts`, and `polecat.*` for a new attempt's limits. */
  readonly config: GastownConfig;
  /** `owner/repo`, for the `work` digest of a repaired COMPLETED exit. */
  readonly rig: string;
}

/** What the ledger showed of the bead's hook when the witness looked: its mutation applies only while it still shows it. */
export interface HookSeen {
  readonly attempt: number;
  readonly runId: number | undefined;
  readonly rung: number | undefined;
  readonly rungAt: string | undefined;
}

/** Why a hooked bead's attempt is given up and the next one dispatched. */
export type RespawnCause =
  /** Its run completed with failure, cancellation or a time-out. */
  | { readonly kind: "run-failed"; readonly conclusion: string | null }
  /** Its final heartbeat says COMPLETED, but these steps are still open in the ledger. */
  | { readonly kind: "steps-open"; readonly steps: readonly string[] }
  /** Its run completed successfully, yet its heartbeat carries no exit. */
  | { readonly kind: "no-exit" }
  /** Its run is live, but its heartbeat stopped, or it never beat: a dead runner. */
  | { readonly kind: "dead-runner"; readonly sinceMs: number | undefined }
  /** Its run is live and its heartbeat says it crashed. */
  | { readonly kind: "crashed" }
  /** Rung 2 of the ladder: its agent stayed stuck after the nudge. */
  | { readonly kind: "stuck" }
  /** Hooked, no run past the dispatch grace period. */
  | { readonly kind: "lost" };

export type NothingReason =
  | "not-in-ledger" | "not-hooked" | "finishing" | "other-attempt" | "other-run" | "working" | "dispatching" | "queued" | "rung-waiting";

export type WitnessDecision =
  | { readonly kind: "nothing"; readonly why: NothingReason; readonly detail: string }
  /** A completed run's exit that never reached the ledger: record it from its final heartbeat. */
  | {
      readonly kind: "repair-exit"; readonly bead: string; readonly seen: HookSeen; readonly exit: HeartbeatExit; readonly at: Date;
      readonly spent: { readonly turns: number; readonly costUsd: number };
      /** A run that beat its exit but still shows in progress, long after: cancelled after the commit. */
      readonly cancelRunId: number | undefined;
    }
  /**
   * The next attempt, hooked in the ledger commit, then dispatched by its writer, then the old
   * run (`cancelRunId`) cancelled. `note` is what the next attempt's prompt reads of why.
   */
  | { readonly kind: "respawn"; readonly bead: string; readonly seen: HookSeen; readonly cause: RespawnCause; readonly assignment: PolecatAssignment; readonly note: string; readonly rung: number | undefined; readonly cancelRunId: number | undefined }
  /** Rung 1: a nudge to the work bead, which the action hands to the agent at its next heartbeat. */
  | { readonly kind: "nudge"; readonly bead: string; readonly seen: HookSeen; readonly text: string }
  /**
   * Given up: the bead let go as the ESCALATE exit leaves it (the caller then removes `gt:sling`,
   * adds `gt:escalated` and tells people), and its live run, if any, cancelled.
   */
  | { readonly kind: "escalate"; readonly bead: string; readonly seen: HookSeen; readonly reason: string; readonly cancelRunId: number | undefined }
  /** A run that does not hold its bead's hook, still going: cancel it. No ledger change. */
  | { readonly kind: "cancel-run"; readonly bead: string; readonly runId: number; readonly why: string };

export function witnessLook(input: WitnessInput): WitnessDecision {
  const { run } = input;
  const bead = input.ledger.get(input.bead);
  if (!bead) return orphan(input, "not-in-ledger", `${input.bead} is not in the ledger`);
  if (beadStatus(bead) !== "hooked") {
    // The run that recorded the bead's exit, still ending its job (its mail, its post step): it
    // stops by itself, as a success. One still going minutes after is hung, and cancelled.
    if (run && run.status !== "completed" && endingItsJob(bead, run, input.now)) return nothing("finishing", `run ${run.id} recorded ${bead.id}'s exit and is ending its job`);
    return orphan(input, "not-hooked", `${bead.id} is ${beadStatus(bead)}, not hooked`);
  }
  const seen = hookSeen(bead);
  if (run && run.attempt !== seen.attempt) {
    return orphan(input, "other-attempt", `run ${run.id} is attempt ${run.attempt} of ${bead.id}, which is on attempt ${seen.attempt}`);
  }
  if (run && seen.runId !== undefined && run.id !== seen.runId) {
    return orphan(input, "other-run", `run ${run.id} did not claim ${bead.id}'s attempt ${seen.attempt}: run ${seen.runId} did`);
  }
  const heartbeat = input.heartbeat && (input.heartbeat.attempt ?? seen.attempt) === seen.attempt ? input.heartbeat : undefined;
  const live = run !== undefined && run.status !== "completed";
  if (run && !live) {
    return repairExit(input, bead, seen, heartbeat, undefined)
      ?? respawn(input, bead, seen, run.conclusion === "success" ? { kind: "no-exit" } : { kind: "run-failed", conclusion: run.conclusion }, undefined);
  }
  const health = polecatHealth({
    bead, now: input.now, stuckMinutes: input.config.witness.stuck_minutes,
    ...(heartbeat ? { heartbeat } : {}),
    ...(run ? { run: { live, status: run.status, conclusion: run.conclusion, ...(run.created_at ? { created_at: run.created_at } : {}) } } : {}),
  });
  const reason = health.reason;
  switch (reason.kind) {
    case "stale":
      // A run that beat its exit and then hung: the exit stands, the run is cancelled.
      return repairExit(input, bead, seen, heartbeat, run?.id) ?? respawn(input, bead, seen, { kind: "dead-runner", sinceMs: reason.heartbeatAgeMs }, run?.id);
    case "silent":
      return respawn(input, bead, seen, { kind: "dead-runner", sinceMs: reason.sinceDispatchMs }, run?.id);
    case "reported":
      if (reason.said === "crashed") return respawn(input, bead, seen, { kind: "crashed" }, run?.id);
      return climb(input, bead, seen, run?.id);
    case "idle":
      return climb(input, bead, seen, run?.id);
    case "lost":
      return respawn(input, bead, seen, { kind: "lost" }, undefined);
    case "dispatching":
      return nothing("dispatching", `${bead.id}'s attempt ${seen.attempt} was dispatched within the grace period`);
    case "queued":
      return nothing("queued", `${bead.id}'s attempt ${seen.attempt} is queued: its run ${run?.id ?? "?"} waits for a runner`);
    default:
      return nothing("working", `${bead.id}'s attempt ${seen.attempt} is working (${reason.kind})`);
  }
}

export interface WitnessApplied {
  readonly ledger: Ledger;
  /** A repaired COMPLETED exit's `work` digest, for the caller to append to its month's file. */
  readonly digest: Digest | undefined;
  /** False when the bead no longer shows the hook the decision saw: the caller does nothing more. */
  readonly applied: boolean;
}

/**
 * The decision's ledger side, for one compare-and-swap commit made before any GitHub effect.
 * It changes nothing unless the bead still shows the hook the look saw (the same attempt,
 * claim and rung), so it can run again on a newer ledger after a lost race.
 */
export function witnessMutation(ledger: Ledger, decision: WitnessDecision, input: Pick<WitnessInput, "now" | "config" | "rig">): WitnessApplied {
  if (decision.kind === "nothing" || decision.kind === "cancel-run") return { ledger, digest: undefined, applied: true };
  const bead = ledger.get(decision.bead);
  if (!bead || beadStatus(bead) !== "hooked" || !sameHook(hookSeen(bead), decision.seen)) return { ledger, digest: undefined, applied: false };
  const now = timestamp(input.now);
  switch (decision.kind) {
    case "repair-exit": {
      const { exit } = decision;
      const recorded = recordPolecatExit(ledger, {
        exit: exit.exit, reason: exit.reason, workTip: exit.workTip, at: decision.at, ...(exit.blocker ? { blocker: exit.blocker } : {}),
      }, {
        bead: bead.id, molecule: gastownString(bead, "molecule") ?? "", polecat: gastownString(bead, "polecat") ?? "", rig: input.rig,
        turns: decision.spent.turns, costUsd: decision.spent.costUsd,
      });
      return { ledger: recorded.ledger, digest: recorded.digest, applied: true };
    }
    case "respawn": {
      const next = nextAttempt(bead, input.now, input.config).bead;
      const withRung = decision.rung === undefined ? next : withGastownMetadata(next, { witness_rung: decision.rung, witness_at: now });
      const noted = withNote(ledger.withBead(withRung), withRung, decision.note, `respawn-${decision.seen.attempt}`, input);
      return { ledger: noted, digest: undefined, applied: true };
    }
    case "nudge": {
      const rung = withGastownMetadata({ ...bead, updated_at: now }, { witness_rung: 1, witness_at: now });
      return { ledger: withNote(ledger.withBead(rung), rung, decision.text, `nudge-${now}`, input), digest: undefined, applied: true };
    }
    case "escalate": {
      // The ladder ends here: a person's next sling starts a new one.
      const released = withGastownMetadata(escalatedBead(bead, input.now, decision.reason), { witness_rung: undefined, witness_at: undefined });
      return { ledger: ledger.withBead(released), digest: undefined, applied: true };
    }
  }
}

/**
 * The exit the attempt's final heartbeat carries, to record as the run would have; undefined
 * when it carries none. A COMPLETED exit squashes the molecule, which needs every step closed:
 * when a step close was lost with the exit, the next attempt resumes at it instead.
 */
function repairExit(input: WitnessInput, bead: Bead, seen: HookSeen, heartbeat: Heartbeat | undefined, cancelRunId: number | undefined): WitnessDecision | undefined {
  const exit = heartbeat?.exit;
  if (!heartbeat || !exit || exit.attempt !== seen.attempt) return undefined;
  const open = exit.exit === "COMPLETED" ? openSteps(input.ledger, bead) : [];
  if (open.length > 0) return respawn(input, bead, seen, { kind: "steps-open", steps: open }, cancelRunId);
  return {
    kind: "repair-exit", bead: bead.id, seen, exit, at: heartbeat.at, cancelRunId,
    spent: { turns: heartbeat.spent?.turns ?? 0, costUsd: heartbeat.spent?.costUsd ?? 0 },
  };
}

/** The formula step ids of the bead's molecule not yet closed. */
function openSteps(ledger: Ledger, bead: Bead): string[] {
  return openMoleculeOf(ledger, bead)?.steps.filter((s) => !s.closed).map((s) => s.step) ?? [];
}

function hookSeen(bead: Bead): HookSeen {
  const meta = gastownMetadata(bead);
  return {
    attempt: attemptOf(bead),
    runId: typeof meta.run_id === "number" ? meta.run_id : undefined,
    rung: typeof meta.witness_rung === "number" ? meta.witness_rung : undefined,
    rungAt: gastownString(bead, "witness_at"),
  };
}

function sameHook(a: HookSeen, b: HookSeen): boolean {
  return a.attempt === b.attempt && a.runId === b.runId && a.rung === b.rung && a.rungAt === b.rungAt;
}

function nothing(why: NothingReason, detail: string): WitnessDecision {
  return { kind: "nothing", why, detail };
}

/** How long a run may go on after recording its exit: its mail and post step take seconds. */
export const ENDING_GRACE_MS = 2 * 60_000;

/** Whether the bead's exit was recorded by this run (the one that claimed its current attempt) within ENDING_GRACE_MS. */
function endingItsJob(bead: Bead, run: WitnessRun, now: Date): boolean {
  const meta = gastownMetadata(bead);
  const at = Date.parse(gastownString(bead, "exit_at") ?? "");
  return typeof meta.exit === "string" && meta.run_id === run.id && run.attempt === attemptOf(bead) && now.getTime() - at < ENDING_GRACE_MS;
}

/** A run that does not hold its bead's hook: cancelled while it lives, else none of the witness's business. */
function orphan(input: WitnessInput, why: NothingReason, detail: string): WitnessDecision {
  const { run } = input;
  if (run && run.status !== "completed") return { kind: "cancel-run", bead: input.bead, runId: run.id, why: detail };
  return nothing(why, detail);
}

/** The next attempt, or past `witness.max_attempts` attempts since the bead was slung an escalation. */
function respawn(input: WitnessInput, bead: Bead, seen: HookSeen, cause: RespawnCause, cancelRunId: number | undefined, rung?: number): WitnessDecision {
  const minutes = input.config.witness.stuck_minutes;
  const attempts = attemptsSinceSling(bead);
  if (attempts >= input.config.witness.max_attempts) {
    return {
      kind: "escalate", bead: bead.id, seen, cancelRunId,
      reason: `${causeText(cause, seen.attempt, minutes)}; ${afterAttemptsText(attempts, input.config)}, the witness gives up on it`,
    };
  }
  const note = respawnNote(cause, seen.attempt, minutes);
  const assignment = nextAttempt(bead, input.now, input.config).assignment;
  return { kind: "respawn", bead: bead.id, seen, cause, assignment, note, rung, cancelRunId };
}

/** The stuck ladder, one rung per `witness.stuck_minutes`: a nudge, then a respawn, then an escalation. */
function climb(input: WitnessInput, bead: Bead, seen: HookSeen, runId: number | undefined): WitnessDecision {
  const rung: StuckRung = stuckRung(bead, input.now, input.config.witness.stuck_minutes);
  const minutes = input.config.witness.stuck_minutes;
  switch (rung.kind) {
    case "waiting":
      return nothing("rung-waiting", `${bead.id} is stuck; rung ${rung.rung} was taken less than ${minutes} minutes ago`);
    case "nudge":
      return { kind: "nudge", bead: bead.id, seen, text: ladderText(1, minutes) };
    case "respawn":
      return respawn(input, bead, seen, { kind: "stuck" }, runId, 2);
    case "escalate":
      return { kind: "escalate", bead: bead.id, seen, cancelRunId: runId, reason: ladderText(3, minutes) };
  }
}

/** The witness's note to the work bead, as a nudge: the agent reads it mid-step, and every later attempt in its prompt. */
function withNote(ledger: Ledger, bead: Bead, text: string, key: string, input: Pick<WitnessInput, "now" | "config">): Ledger {
  const prefix = ledgerPrefix(input.config.ledger.prefix ?? undefined, ledger.records.keys()) ?? bead.id.slice(0, bead.id.lastIndexOf("-"));
  return recordMessage(ledger, {
    kind: "nudge", bead, text, sender: WITNESS_SENDER, ref: `${WITNESS_NOTE_REF}${bead.id}/${key}`, now: input.now, prefix,
  }).ledger;
}
