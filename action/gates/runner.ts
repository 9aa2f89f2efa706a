// The step: run the gate commands one after another in the checked-out staging tree, stop at the
// first that fails, write the job summary, and fail the step naming that command. It reads no
// token and holds none: the job has `contents: read` and a checkout without persisted
// credentials (examples/workflows/gastown-gates.yml). Tests enter here with their own
// environment and input.
import * as core from "@actions/core";
import { parseGateCommands } from "./gate-commands.js";
import { gateEnvironment } from "./gate-environment.js";
import { failureMessage, gatesSummary, passed, type GateResult } from "./gates-summary.js";
import { runGateCommand } from "./run-gate-command.js";

export interface GatesSource {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly inputs: { readonly commands?: string };
}

export interface GatesDependencies {
  readonly info: (message: string) => void;
  /** The commands' output as it comes. */
  readonly write: (chunk: string) => void;
  /** Appends Markdown to the job summary. */
  readonly summary: (markdown: string) => Promise<void>;
  readonly fail: (message: string) => void;
}

export type GatesOutcome =
  | { readonly kind: "passed"; readonly results: readonly GateResult[] }
  | { readonly kind: "failed"; readonly message: string; readonly results: readonly GateResult[] };

export function actionSource(): GatesSource {
  return { env: process.env, inputs: { commands: core.getInput("commands") } };
}

const realDependencies: GatesDependencies = {
  info: core.info,
  write: (chunk) => process.stdout.write(chunk),
  // A summary that cannot be written (no GITHUB_STEP_SUMMARY outside a runner) costs a warning,
  // never the gates' own verdict.
  summary: async (markdown) => {
    await core.summary.addRaw(markdown).write().catch((error: unknown) => core.warning(`The job summary was not written: ${error instanceof Error ? error.message : String(error)}`));
  },
  fail: core.setFailed,
};

export async function run(source: GatesSource = actionSource(), overrides: Partial<GatesDependencies> = {}): Promise<GatesOutcome> {
  const deps: GatesDependencies = { ...realDependencies, ...overrides };
  const results: GateResult[] = [];
  try {
    const commands = parseGateCommands(source.inputs.commands);
    let lineOpen = false;
    const write = (chunk: string) => {
      deps.write(chunk);
      if (chunk !== "") lineOpen = !chunk.endsWith("\n");
    };
    const options = { cwd: source.env["GITHUB_WORKSPACE"] ?? process.cwd(), env: gateEnvironment(source.env), write };
    for (const command of commands) {
      deps.info(`$ ${command}`);
      const result = await runGateCommand(command, options);
      // Output left without its last newline would swallow the next line, and a workflow
      // command (the failure's `::error::`) is read only at the start of one.
      if (lineOpen) write("\n");
      results.push(result);
      if (!passed(result)) break;
    }
    await deps.summary(gatesSummary(commands, results));
    const failed = results.find((result) => !passed(result));
    if (failed === undefined) {
      deps.info(`Every gate passed (${commands.length}).`);
      return { kind: "passed", results };
    }
    const message = failureMessage(failed);
    deps.fail(message);
    return { kind: "failed", message, results };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    deps.fail(message);
    return { kind: "failed", message, results };
  }
}
