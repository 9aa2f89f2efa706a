// What a heartbeat tick does while a step's agent runs, from the ledger the tick read alone
// (nudge-watch.ts reads it and stops the agent). The claim comes first: a run that no longer holds
// its bead (unslung, hooked to a newer attempt, claimed by another run) stops its agent at once
// rather than when the step ends, and takes nothing of its work, as a lost claim found between
// steps does; the witness's cancel of the run may be late, or never come. Only a run that still
// holds its claim looks for nudges (mid-step-nudge.ts). The agent cannot sway this: it runs as
// another user, without the token the action reads the ledger with, and writes nothing to the
// ledger while it runs.
import { claimLost, type PolecatRun } from "../town/polecat-claim.js";
import { midStepNudge, type NudgeCheck, type NudgeDecision } from "./mid-step-nudge.js";

/** Who holds the claim the run started with: its bead, polecat, attempt and run id. */
export type RunClaim = Pick<PolecatRun, "bead" | "polecat" | "attempt" | "runId">;

export interface TickCheck extends NudgeCheck {
  readonly claim: RunClaim;
}

export type TickDecision =
  | NudgeDecision
  /** The run no longer holds its claim, for `reason`: stop the agent and take nothing of it. */
  | { readonly kind: "claim-lost"; readonly reason: string };

export function midStepTick(check: TickCheck): TickDecision {
  const lost = claimLost(check.ledger, check.claim);
  return lost === undefined ? midStepNudge(check) : { kind: "claim-lost", reason: lost };
}

/** A line for the job's log when the tick stops the agent because the run lost its claim. */
export function claimLostStopLine(step: string): string {
  return `The run lost its claim while the agent worked on ${step}: stopping the agent now, and taking nothing of its work.`;
}
