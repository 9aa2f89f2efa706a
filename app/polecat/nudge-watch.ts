// The heartbeat tick's look at the ledger while a step's agent runs (mid-step-tick.ts decides):
// one read of the ledger branch (a single request while it has not moved), and the agent stopped
// when the run has lost its claim, or when a nudge it was not given has arrived. One look at a
// time; and once its process has ended, a look under way is waited for, so it neither stops the
// next process nor reads while the step writes.
import type { Bead } from "../ledger/bead-schema.js";
import type { Ledger } from "../ledger/ledger.js";
import { nudgeBoundLine, nudgeRestartLine, type NudgeCheck } from "./mid-step-nudge.js";
import { claimLostStopLine, midStepTick, type RunClaim } from "./mid-step-tick.js";
import type { PolecatLog } from "./run-polecat.js";

/** A step's agent process while it runs: what its prompt held, and how to stop it. */
export interface WatchedProcess extends Omit<NudgeCheck, "ledger"> {
  /** Stops the process as its time running out would (run-agent-step.ts's `interrupt`). */
  readonly interrupt: () => void;
}

/** Why a tick stopped the watched process. */
export type MidStepStop =
  /** These nudges arrived: the step starts again with them. */
  | { readonly kind: "nudged"; readonly nudges: readonly Bead[] }
  /** The run no longer holds its claim, for `reason` (claimLost's): nothing of the process is taken. */
  | { readonly kind: "claim-lost"; readonly reason: string };

export class NudgeWatch {
  private watched: WatchedProcess | undefined;
  private stopped: MidStepStop | undefined;
  private saidBound = false;
  private looking: Promise<void> | undefined;

  /** `read`: the ledger as it is, whether or not the run still holds `claim`. */
  constructor(private readonly read: () => Promise<Ledger>, private readonly claim: RunClaim, private readonly log: PolecatLog) {}

  /** From now until `unwatch`, each tick looks at the ledger for `process`. */
  watch(process: WatchedProcess): void {
    this.watched = process;
    this.stopped = undefined;
    this.saidBound = false;
  }

  /** The heartbeat's tick. */
  tick(): void {
    const process = this.watched;
    if (process === undefined || this.stopped !== undefined || this.looking !== undefined) return;
    this.looking = this.look(process)
      .catch((error: unknown) => this.log.warning(`The tick's look at the ledger failed: ${error instanceof Error ? error.message : String(error)}`))
      .finally(() => {
        this.looking = undefined;
      });
  }

  /** The process has ended: no more looks for it. Why a tick stopped it, if one did. */
  async unwatch(): Promise<MidStepStop | undefined> {
    this.watched = undefined;
    await this.looking;
    return this.stopped;
  }

  private async look(process: WatchedProcess): Promise<void> {
    const ledger = await this.read();
    // Its process ended while the ledger was read: the step goes on, and its next read finds a lost claim.
    if (this.watched !== process) return;
    const decision = midStepTick({ ledger, claim: this.claim, run: process.run, prompted: process.prompted, restarts: process.restarts });
    switch (decision.kind) {
      case "none": return;
      case "claim-lost":
        this.stopped = { kind: "claim-lost", reason: decision.reason };
        this.log.warning(claimLostStopLine(process.run.step));
        process.interrupt();
        return;
      case "restart":
        this.stopped = { kind: "nudged", nudges: decision.nudges };
        this.log.info(nudgeRestartLine(process.run.step, decision.nudges, process.restarts + 1));
        process.interrupt();
        return;
      case "bound":
        if (!this.saidBound) this.log.info(nudgeBoundLine(process.run.step, decision.nudges));
        this.saidBound = true;
        return;
    }
  }
}
