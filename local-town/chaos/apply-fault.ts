// Applies one scheduled fault to a running local town: the effect at the edge of chaos's plain
// schedule (schedule.ts). Answers what happened, for the run's story.
import type { LocalTown } from "../start-local-town.js";
import { describeFault, type ChaosFault } from "./schedule.js";

export async function applyFault(town: LocalTown, fault: ChaosFault): Promise<string> {
  switch (fault.kind) {
    case "restart-app":
      await town.restartApp();
      return describeFault(fault);
    case "kill-job": {
      const runs = town.runningRuns();
      const run = runs[Math.floor(fault.pick * runs.length)];
      if (run === undefined || !town.killJob(run)) return "a runner to kill, but none was running";
      return `the runner of run ${run} killed mid-step`;
    }
    case "github":
      town.town.github.inject(fault.fault);
      return describeFault(fault);
  }
}
