// The gates, refinery and patrol actions run as a local runner's job runs them: each action's own
// runner entry with the inputs its workflow step maps, the runner's environment and an event file
// for the dispatch, and no pacing of writes (the emulator needs none).
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { run as runGates } from "../action/gates/runner.js";
import { run as runPatrol } from "../action/patrol/runner.js";
import { run as runRefinery } from "../action/refinery/runner.js";
import { realDependencies } from "../app/handlers/app-dependencies.js";
import { restClient } from "../app/github/rest-client.js";
import type { JobContext, StepResult } from "./job-context.js";

export async function runGatesStep(inputs: Readonly<Record<string, string>>, job: JobContext): Promise<StepResult> {
  let failed = false;
  await runGates({ env: { ...job.env, GITHUB_WORKSPACE: job.workspace }, inputs: { commands: inputs["commands"] ?? "" } }, {
    info: (line) => job.log(line),
    write: (chunk) => job.write(chunk),
    // The job summary is GitHub's page; the local runner keeps the log alone.
    summary: async () => undefined,
    fail: (line) => { failed = true; job.log(`::error::${line}`); },
  });
  return { failed };
}

/** The refinery's or the patrol's one pass, as their workflows run them on dispatch. */
export async function runPassStep(action: "refinery" | "patrol", inputs: Readonly<Record<string, string>>, job: JobContext, event: unknown): Promise<StepResult> {
  const eventPath = join(job.workspace, "event.json");
  await writeFile(eventPath, JSON.stringify(event));
  let failed = false;
  const deps = {
    app: realDependencies,
    info: (line: string) => job.log(line),
    fail: (line: string) => { failed = true; job.log(`::error::${line}`); },
    client: (token: string, baseUrl: string) => restClient({ token, baseUrl, paced: false }),
  };
  const source = { env: { ...job.env, GITHUB_EVENT_PATH: eventPath }, inputs };
  if (action === "refinery") await runRefinery(source, deps);
  else await runPatrol(source, deps);
  return { failed };
}
