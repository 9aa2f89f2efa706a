// The polecat action as a runner runs it: its committed bundle in a `node` process of its own,
// given the step's environment (the action's inputs as INPUT_*, and GITHUB_*, RUNNER_* and
// whatever else the test adds) for the newest run the App dispatched in a polecat town.
import { spawn } from "node:child_process";
import { join } from "node:path";
import { ROOT, type PolecatTown } from "./polecat-harness.js";

export const POLECAT_BUNDLE = join(ROOT, "action/polecat/dist/index.js");

export interface BundledRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface BundledRunOptions {
  /** Inputs besides the dispatch's and its token (`api-key`, `allow-persistent-runner`…). */
  readonly inputs: Readonly<Record<string, string>>;
  /** The rest of the step's environment: PATH, RUNNER_*, ACTIONS_*… */
  readonly env: Readonly<Record<string, string>>;
}

export async function runBundledPolecat(polecat: PolecatTown, options: BundledRunOptions): Promise<BundledRun> {
  const dispatched = polecat.runs().at(-1);
  if (!dispatched?.inputs || !dispatched.token) throw new Error("no dispatched run");
  const { github } = polecat.town;
  github.startJob("octo/town", dispatched.id, "polecat");
  // The runner passes input `name` as INPUT_<NAME>, dashes kept (@actions/core's getInput).
  const inputs = { ...dispatched.inputs, token: dispatched.token, ...options.inputs };
  const env: Record<string, string> = {
    ...Object.fromEntries(Object.entries(inputs).map(([name, value]) => [`INPUT_${name.toUpperCase()}`, value])),
    GITHUB_ACTIONS: "true",
    GITHUB_REPOSITORY: "octo/town",
    GITHUB_RUN_ID: String(dispatched.id),
    GITHUB_RUN_ATTEMPT: "1",
    GITHUB_SERVER_URL: github.urls.web,
    GITHUB_API_URL: github.urls.api,
    ...options.env,
  };
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [POLECAT_BUNDLE], { env, stdio: ["ignore", "pipe", "pipe"] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout: Buffer.concat(stdout).toString("utf8"), stderr: Buffer.concat(stderr).toString("utf8") }));
  });
}
