// A polecat's health, as /peek shows it: idle, working, stuck or done, decided from what the
// ledger says of its bead, what GitHub shows of its run (for the bead's current attempt) and
// the age of its last heartbeat. In order:
//   1. A run that has completed: done, with the run's conclusion.
//   2. A live run (queued, in progress, …):
//      - a heartbeat older than `witness.stuck_minutes`: stuck, its runner gone, whatever the
//        heartbeat last said (a runner that died just after beating "stuck" is dead, not stuck);
//      - a fresher heartbeat that says stuck or crashed: stuck (the polecat said so);
//      - else working, unless the agent has shown no progress (`progress_at`) for longer than
//        `stuck_minutes`: stuck;
//      - no heartbeat yet: working until `stuck_minutes` have passed since the attempt was
//        dispatched; after, stuck: waiting for a runner while GitHub still shows the run queued
//        (or waiting, pending, requested), silent (a runner that never beats) once it started.
//   3. No run, bead hooked: working while the dispatch is within its grace period (the run is
//      on its way, DISPATCH_GRACE_MS), stuck after (a lost dispatch the next sling repeats).
//   4. No run, not hooked: done when the bead records an exit, idle otherwise (waiting for a
//      free polecat, or unslung).
// A heartbeat exactly `stuck_minutes` old still counts as fresh; a heartbeat from the future
// (clock skew) counts as just now.
import type { Bead } from "../ledger/bead-schema.js";
import { beadStatus } from "../ledger/bead-schema.js";
import { gastownString } from "../molecules/gastown-metadata.js";
import type { Heartbeat } from "./heartbeat.js";
import { DISPATCH_GRACE_MS } from "./sling.js";

/** GitHub's statuses of a run not yet given a runner (`in_progress` once it has one). */
const BEFORE_RUNNER: ReadonlySet<string> = new Set(["queued", "waiting", "pending", "requested"]);

export type PolecatState = "idle" | "working" | "stuck" | "done";

/** Why the state is what it is, with what the reply says about it. */
export type HealthReason =
  /** Working: a heartbeat within stuck_minutes. */
  | { readonly kind: "fresh"; readonly heartbeatAgeMs: number }
  /** Working: a live run, no heartbeat yet, dispatched within stuck_minutes. */
  | { readonly kind: "starting"; readonly sinceDispatchMs: number | undefined }
  /** Working: hooked, no run yet, dispatched within the grace period. */
  | { readonly kind: "dispatching"; readonly sinceDispatchMs: number }
  /** Stuck: the action beats, but its agent has shown no progress for longer than stuck_minutes. */
  | { readonly kind: "idle"; readonly heartbeatAgeMs: number; readonly progressAgeMs: number }
  /** Stuck: the last heartbeat is older than stuck_minutes. */
  | { readonly kind: "stale"; readonly heartbeatAgeMs: number }
  /** Stuck: a live run that has not beaten since it was dispatched, longer than stuck_minutes ago. */
  | { readonly kind: "silent"; readonly sinceDispatchMs: number }
  /** Stuck: a run dispatched longer than stuck_minutes ago that GitHub has not yet given a runner. */
  | { readonly kind: "queued"; readonly sinceDispatchMs: number }
  /** Stuck: its heartbeat, within stuck_minutes, says it is stuck or crashed. */
  | { readonly kind: "reported"; readonly heartbeatAgeMs: number; readonly said: "stuck" | "crashed" }
  /** Stuck: hooked, yet no run past the grace period (or no dispatch time recorded). */
  | { readonly kind: "lost"; readonly sinceDispatchMs: number | undefined }
  /** Done: its run completed. */
  | { readonly kind: "completed"; readonly conclusion: string | null }
  /** Done: no run to show, but the bead records its exit. */
  | { readonly kind: "exited"; readonly exit: string }
  /** Idle: no run, not hooked. */
  | { readonly kind: "not-hooked" };

export interface Health {
  readonly state: PolecatState;
  readonly reason: HealthReason;
}

export interface HealthInput {
  readonly bead: Bead;
  /** The run of the bead's current attempt, if GitHub shows one, with GitHub's status (queued, in_progress, …). */
  readonly run?: { readonly live: boolean; readonly status: string; readonly conclusion: string | null; readonly created_at?: string };
  /** The current attempt's heartbeat, if it has beaten. */
  readonly heartbeat?: Heartbeat;
  readonly now: Date;
  /** `witness.stuck_minutes`. */
  readonly stuckMinutes: number;
}

export function polecatHealth(input: HealthInput): Health {
  const { bead, run, heartbeat, now } = input;
  const stuckMs = input.stuckMinutes * 60_000;
  // The attempt's dispatch, as the App recorded it with its own clock; else the run's start.
  const dispatched = timeOf(gastownString(bead, "dispatched_at")) ?? timeOf(run?.created_at);
  const sinceDispatchMs = dispatched === undefined ? undefined : Math.max(0, now.getTime() - dispatched);

  if (run && !run.live) return { state: "done", reason: { kind: "completed", conclusion: run.conclusion } };
  if (run) {
    if (heartbeat) {
      const heartbeatAgeMs = Math.max(0, now.getTime() - heartbeat.at.getTime());
      // Age first: what a heartbeat said only holds while its runner still beats.
      if (heartbeatAgeMs > stuckMs) return { state: "stuck", reason: { kind: "stale", heartbeatAgeMs } };
      if (heartbeat.state === "stuck" || heartbeat.state === "crashed") {
        return { state: "stuck", reason: { kind: "reported", heartbeatAgeMs, said: heartbeat.state } };
      }
      // The action beats on a timer whatever its agent does; progress is the agent's own.
      const progressAgeMs = heartbeat.progressAt === undefined ? undefined : Math.max(0, now.getTime() - heartbeat.progressAt.getTime());
      return progressAgeMs !== undefined && progressAgeMs > stuckMs
        ? { state: "stuck", reason: { kind: "idle", heartbeatAgeMs, progressAgeMs } }
        : { state: "working", reason: { kind: "fresh", heartbeatAgeMs } };
    }
    if (sinceDispatchMs === undefined || sinceDispatchMs <= stuckMs) return { state: "working", reason: { kind: "starting", sinceDispatchMs } };
    // A run with no runner yet cannot have beaten; another dispatch would only queue behind it.
    return BEFORE_RUNNER.has(run.status)
      ? { state: "stuck", reason: { kind: "queued", sinceDispatchMs } }
      : { state: "stuck", reason: { kind: "silent", sinceDispatchMs } };
  }
  if (beadStatus(bead) === "hooked") {
    return sinceDispatchMs !== undefined && sinceDispatchMs < DISPATCH_GRACE_MS
      ? { state: "working", reason: { kind: "dispatching", sinceDispatchMs } }
      : { state: "stuck", reason: { kind: "lost", sinceDispatchMs } };
  }
  const exit = gastownString(bead, "exit");
  if (exit !== undefined) return { state: "done", reason: { kind: "exited", exit } };
  return { state: "idle", reason: { kind: "not-hooked" } };
}

function timeOf(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const time = Date.parse(text);
  return Number.isFinite(time) ? time : undefined;
}
