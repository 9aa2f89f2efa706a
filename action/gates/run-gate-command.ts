// One gate command, run as a `run:` step runs a bash script (`bash -eo pipefail -c`), in the
// checked-out staging tree: its output streamed to the step's log as it comes, its tail kept.
import { spawn } from "node:child_process";
import { OutputTail } from "./output-tail.js";
import type { GateResult } from "./gates-summary.js";

export interface GateCommandOptions {
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
  /** Where the output goes as it comes: the step's log. */
  readonly write: (chunk: string) => void;
}

export function runGateCommand(command: string, options: GateCommandOptions): Promise<GateResult> {
  return new Promise((resolve, reject) => {
    const tail = new OutputTail();
    const child = spawn("bash", ["-eo", "pipefail", "-c", command], { cwd: options.cwd, env: options.env, stdio: ["ignore", "pipe", "pipe"] });
    for (const stream of [child.stdout, child.stderr]) {
      // Decoded as UTF-8 across chunk boundaries.
      stream.setEncoding("utf8");
      stream.on("data", (chunk: string) => {
        options.write(chunk);
        tail.push(chunk);
      });
    }
    child.on("error", (error) => reject(new Error(`The gate \`${command}\` could not start: ${error.message}`)));
    child.on("close", (exitCode, signal) => resolve({ command, exitCode, signal, tail: tail.text() }));
  });
}
