// The witness's stuck ladder and what it tells the next attempt (issue 16). A polecat whose agent
// shows no progress climbs one rung per `witness.stuck_minutes`: 1 a nudge, 2 cancel and respawn
// (the nudge, unread, reaches the next attempt's prompt), 3 escalate. The rung taken and when are
// recorded on the work bead (`witness_rung`, `witness_at`), so a second witness, or the next pass,
// continues the ladder rather than restarting it. The ladder spans one sling: it climbs across
// the attempts it respawns, and starts again only when a person slings the bead anew (its
// `slung_at` is later than the last rung), or after it escalated (which clears it).
import type { Bead } from "../ledger/bead-schema.js";
import { gastownMetadata, gastownString } from "../molecules/gastown-metadata.js";
import type { RespawnCause } from "./witness.js";

/** Who the witness's notes to a work bead are from. */
export const WITNESS_SENDER = "witness";
/** How each of the witness's notes begins its `external_ref` (`gastown:witness/<bead>/<key>`). */
export const WITNESS_NOTE_REF = "gastown:witness/";

export type StuckRung =
  /** The last rung was taken less than `stuck_minutes` ago. */
  | { readonly kind: "waiting"; readonly rung: number }
  | { readonly kind: "nudge" }
  | { readonly kind: "respawn" }
  | { readonly kind: "escalate" };

/** The ladder's next rung for a stuck polecat, from the rung its bead records. */
export function stuckRung(bead: Bead, now: Date, stuckMinutes: number): StuckRung {
  const rung = recordedRung(bead);
  if (rung === undefined) return { kind: "nudge" };
  if (now.getTime() - rung.at < stuckMinutes * 60_000) return { kind: "waiting", rung: rung.rung };
  return rung.rung <= 1 ? { kind: "respawn" } : { kind: "escalate" };
}

/** The rung recorded for the bead's current sling, if any. */
export function recordedRung(bead: Bead): { readonly rung: number; readonly at: number } | undefined {
  const rung = gastownMetadata(bead).witness_rung;
  const at = Date.parse(gastownString(bead, "witness_at") ?? "");
  if (typeof rung !== "number" || !Number.isInteger(rung) || rung < 1 || !Number.isFinite(at)) return undefined;
  const slungAt = Date.parse(gastownString(bead, "slung_at") ?? "");
  if (Number.isFinite(slungAt) && slungAt > at) return undefined;
  return { rung, at };
}

/** The rung recorded on the bead, as the status comment and /peek show it, with when it was taken. */
export function rungShown(bead: Bead, when: (at: Date) => string): string | undefined {
  const rung = recordedRung(bead);
  if (rung === undefined) return undefined;
  const what = rung.rung === 1 ? "nudged the agent (no progress)" : "cancelled and restarted it (no progress after a nudge)";
  return `${what}, ${when(new Date(rung.at))}`;
}

/** What the ladder's nudge (rung 1) and escalation (rung 3) say. */
export function ladderText(rung: 1 | 3, stuckMinutes: number): string {
  return rung === 1
    ? `The witness sees no progress from you for more than ${minutes(stuckMinutes)}. If you are waiting on something, ` +
      "say so with `gt done --exit BLOCKED` or `gt mail send --to witness`; otherwise carry on with the current step."
    : `The polecat showed no progress for more than ${minutes(stuckMinutes)} after a nudge and after a fresh attempt, ` +
      "so the witness gives up on it.";
}

/** Why the next attempt was dispatched, as its prompt reads it. */
export function respawnNote(cause: RespawnCause, attempt: number, stuckMinutes: number): string {
  return `The witness restarted this bead: ${causeText(cause, attempt, stuckMinutes)}. ` +
    "This attempt resumes at the first open step; check the work ref for what the last one left.";
}

/** What happened to an attempt, as a clause. */
export function causeText(cause: RespawnCause, attempt: number, stuckMinutes: number): string {
  switch (cause.kind) {
    case "run-failed":
      return `attempt ${attempt}'s run ended (${cause.conclusion ?? "no conclusion"}) without recording an exit`;
    case "steps-open":
      return `attempt ${attempt}'s run said COMPLETED, but its steps ${cause.steps.join(", ")} are not closed in the ledger`;
    case "no-exit":
      return `attempt ${attempt}'s run completed without recording an exit`;
    case "dead-runner":
      return `attempt ${attempt}'s runner stopped: no heartbeat for more than ${minutes(stuckMinutes)} while its run showed in progress`;
    case "crashed":
      return `attempt ${attempt} crashed`;
    case "stuck":
      return `attempt ${attempt} showed no progress for more than ${minutes(stuckMinutes)}, even after a nudge, and was cancelled`;
    case "lost":
      return `attempt ${attempt} was dispatched, but no run of it was seen`;
  }
}

function minutes(count: number): string {
  return `${count} minute${count === 1 ? "" : "s"}`;
}
