// The heartbeat tick's look for nudges while a step's agent runs (mid-step-nudge.ts decides): one
// read of the ledger branch (a single request while it has not moved), and the agent stopped when
// a nudge it was not given has arrived. One look at a time; and once its process has ended, a look
// under way is waited for, so it neither stops the next process nor reads while the step writes.
import type { Bead } from "../ledger/bead-schema.js";
import type { Ledger } from "../ledger/ledger.js";
import { midStepNudge, nudgeBoundLine, nudgeRestartLine, type NudgeCheck } from "./mid-step-nudge.js";
import type { PolecatLog } from "./run-polecat.js";

/** A step's agent process while it runs: what its prompt held, and how to stop it. */
export interface WatchedProcess extends Omit<NudgeCheck, "ledger"> {
  /** Stops the process as its time running out would (run-agent-step.ts's `interrupt`). */
  readonly interrupt: () => void;
}

export class NudgeWatch {
  private watched: WatchedProcess | undefined;
  /** The nudges the watched process was stopped for. */
  private stoppedFor: readonly Bead[] | undefined;
  private saidBound = false;
  private looking: Promise<void> | undefined;

  constructor(private readonly read: () => Promise<Ledger>, private readonly log: PolecatLog) {}

  /** From now until `unwatch`, each tick looks for nudges `process` was not given. */
  watch(process: WatchedProcess): void {
    this.watched = process;
    this.stoppedFor = undefined;
    this.saidBound = false;
  }

  /** The heartbeat's tick. */
  tick(): void {
    const process = this.watched;
    if (process === undefined || this.stoppedFor !== undefined || this.looking !== undefined) return;
    this.looking = this.look(process)
      .catch((error: unknown) => this.log.warning(`The look for nudges failed: ${error instanceof Error ? error.message : String(error)}`))
      .finally(() => {
        this.looking = undefined;
      });
  }

  /** The process has ended: no more looks for it. The nudges it was stopped for, if it was. */
  async unwatch(): Promise<readonly Bead[] | undefined> {
    this.watched = undefined;
    await this.looking;
    return this.stoppedFor;
  }

  private async look(process: WatchedProcess): Promise<void> {
    const ledger = await this.read();
    // Its process ended while the ledger was read: the step takes its work as it is.
    if (this.watched !== process) return;
    const decision = midStepNudge({ ledger, run: process.run, prompted: process.prompted, restarts: process.restarts });
    switch (decision.kind) {
      case "none": return;
      case "restart":
        this.stoppedFor = decision.nudges;
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
