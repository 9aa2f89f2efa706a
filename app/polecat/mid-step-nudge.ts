// A nudge that reaches a step's agent while it works (issue 16, the witness's first rung): at each
// heartbeat tick the action reads the ledger, and a nudge to the work bead that was not in the
// ledger the agent's prompt was made from stops the agent, as its time running out would, so that
// the same step starts again with the nudge in its prompt. What to do is decided here, from the
// ledger alone; nudge-watch.ts reads it and stops the agent.
//
// "New" is by id, not by time: a nudge's `created_at` is the App's clock, not the runner's. The
// agent cannot make one: its outbox is applied only after its process has ended, its mail is
// labelled `gt:mail`, never `gt:nudge`, and whatever the run itself recorded is in the ledger the
// next prompt is made from. Whatever arrives, a step starts again for nudges at most
// MAX_NUDGE_RESTARTS times, so no flood of them keeps it from ending; later ones are read by the
// step's next process, or the next step's, as every nudge is.
import { beadStatus, type Bead } from "../ledger/bead-schema.js";
import type { Ledger } from "../ledger/ledger.js";
import { nudgesFor } from "../town/message-beads.js";
import { runActor, type OutboxRun } from "./outbox-check.js";

/** How many times one step's agent is stopped and started again for nudges, in one attempt. */
export const MAX_NUDGE_RESTARTS = 3;

export interface NudgeCheck {
  /** The ledger as the tick read it. */
  readonly ledger: Ledger;
  readonly run: OutboxRun;
  /** The nudges in the ledger the running process's prompt was made from (promptedNudges). */
  readonly prompted: ReadonlySet<string>;
  /** How many times this step's agent was started again for nudges so far. */
  readonly restarts: number;
}

export type NudgeDecision =
  /** No nudge the running process has not been given. */
  | { readonly kind: "none" }
  /** Stop it and start the step again: these arrived, oldest first. */
  | { readonly kind: "restart"; readonly nudges: readonly Bead[] }
  /** These arrived, but the step was started again for nudges MAX_NUDGE_RESTARTS times already. */
  | { readonly kind: "bound"; readonly nudges: readonly Bead[] };

/** The ids of the nudges to the run's bead in `ledger`: what a prompt made from it holds. */
export function promptedNudges(ledger: Ledger, bead: string): ReadonlySet<string> {
  return new Set(nudgesFor(ledger, bead).map((nudge) => nudge.id));
}

export function midStepNudge(check: NudgeCheck): NudgeDecision {
  const actor = runActor(check.run);
  const arrived = nudgesFor(check.ledger, check.run.bead).filter((nudge) =>
    beadStatus(nudge) !== "closed" && !check.prompted.has(nudge.id) && nudge.created_by !== actor && nudge.sender !== actor);
  if (arrived.length === 0) return { kind: "none" };
  return check.restarts >= MAX_NUDGE_RESTARTS ? { kind: "bound", nudges: arrived } : { kind: "restart", nudges: arrived };
}

/** The note the step's next process is given after its agent was stopped for `nudges`. */
export function midStepNudgeNote(nudges: readonly Bead[]): string {
  const one = nudges.length === 1;
  return [
    `${one ? "A nudge" : `${nudges.length} nudges`} arrived while the last process worked on this step, so Gas Town stopped that ` +
      `process and started this one: ${nudges.map(nudgeName).join("; ")}. ${one ? "It is" : "They are"} under "Nudges" below ` +
      "(`gt nudges` prints them too); go on with this step as they ask, within the rules.",
    "What the last process committed, and what it left in your clone, is still there: look at it before you go on, " +
      "then finish the step with `gt step done --notes \"…\"`, or choose an exit with `gt done`.",
  ].join("\n\n");
}

/** A line for the job's log and the heartbeat when the tick stops the agent. */
export function nudgeRestartLine(step: string, nudges: readonly Bead[], restart: number): string {
  return `${nudgeList(nudges)} arrived while the agent worked on ${step}: stopping it to start the step again with ` +
    `${nudges.length === 1 ? "the nudge" : "the nudges"} (restart ${restart} of ${MAX_NUDGE_RESTARTS} for nudges).`;
}

/** A line for the job's log when a nudge arrives after the step's last restart for nudges. */
export function nudgeBoundLine(step: string, nudges: readonly Bead[]): string {
  return `${nudgeList(nudges)} arrived while the agent worked on ${step}, which was started again for nudges ` +
    `${MAX_NUDGE_RESTARTS} times already: the step's next process, or the next step's, reads ${nudges.length === 1 ? "it" : "them"}.`;
}

/** The heartbeat's note while the process started for `nudges` runs. */
export function nudgeRestartedNote(nudges: readonly Bead[], restart: number): string {
  return `Restarted the agent for ${nudgeList(nudges).replace(/^N/, "n")} (restart ${restart} of ${MAX_NUDGE_RESTARTS} for nudges).`;
}

function nudgeList(nudges: readonly Bead[]): string {
  return `${nudges.length === 1 ? "Nudge" : "Nudges"} ${nudges.map(nudgeName).join(", ")}`;
}

/** Its id and sender: the sender is a GitHub login or a town role, written by the App. */
function nudgeName(nudge: Bead): string {
  return `${nudge.id} from ${nudge.sender ?? nudge.created_by ?? "someone"}`;
}
