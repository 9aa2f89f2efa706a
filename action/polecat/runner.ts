// The step: become root, read the options once, run the polecat, and say how it ended. Tests
// enter here with their own environment, inputs and dependencies, so nothing global is patched;
// main.ts enters with the runner's. A refusal or a lost claim is a clear line in the log; an
// error fails the step with its message, every secret redacted.
import * as core from "@actions/core";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { restClient } from "../../app/github/rest-client.js";
import { ensurePrivileged } from "../../app/polecat/privilege.js";
import { installAgent } from "../../app/polecat/install-agent.js";
import { POLECAT_INPUTS, readPolecatOptions, type PolecatSource } from "../../app/polecat/polecat-options.js";
import { Redactor } from "../../app/polecat/redact.js";
import { runPolecat, type PolecatDependencies, type PolecatOutcome } from "../../app/polecat/run-polecat.js";

/** Where run workspaces go: outside the runner's home, which the agent's user never sees. */
export const DEFAULT_WORK_ROOT = "/var/lib/gastown";

export interface RunnerOverrides extends Partial<PolecatDependencies> {
  readonly privileged?: () => Promise<void>;
  readonly info?: (line: string) => void;
  readonly notice?: (line: string) => void;
  readonly fail?: (message: string) => void;
}

export type RunnerOutcome = PolecatOutcome | { readonly kind: "failed"; readonly message: string };

/** What the runner gives this step: its environment and the action's inputs. */
export function actionSource(): PolecatSource {
  return { env: process.env, inputs: Object.fromEntries(POLECAT_INPUTS.map((name) => [name, core.getInput(name)])) };
}

export async function run(source: PolecatSource = actionSource(), overrides: RunnerOverrides = {}): Promise<RunnerOutcome> {
  const info = overrides.info ?? core.info;
  const notice = overrides.notice ?? core.notice;
  const fail = overrides.fail ?? core.setFailed;
  let redactor = new Redactor([]);
  try {
    await (overrides.privileged ?? ensurePrivileged)();
    const options = readPolecatOptions(source);
    redactor = new Redactor([options.token, options.apiKey]);
    const here = dirname(fileURLToPath(import.meta.url));
    const deps: PolecatDependencies = {
      github: restClient({ token: options.token, baseUrl: options.apiUrl, warn: core.warning }),
      clock: () => new Date(),
      log: { info, warning: core.warning, mask: core.setSecret },
      workRoot: options.workRoot ?? DEFAULT_WORK_ROOT,
      node: process.execPath,
      gtBundle: join(here, "gt.js"),
      sandboxInit: join(here, "sandbox-init.js"),
      installAgent: (pkg, cacheRoot) => installAgent(pkg, { ...(cacheRoot ? { cacheRoot } : {}), log: info }),
      saveState: (name, value) => core.saveState(name, value),
      every: (ms, beat) => {
        const timer = setInterval(beat, ms);
        return () => clearInterval(timer);
      },
      after: (ms, fire) => {
        const timer = setTimeout(fire, ms);
        return () => clearTimeout(timer);
      },
      ...overrides,
    };
    const outcome = await runPolecat(options, deps);
    say(outcome, { info, notice, fail }, redactor);
    return outcome;
  } catch (error) {
    const message = redactor.redact(error instanceof Error ? error.message : String(error));
    fail(message);
    return { kind: "failed", message };
  }
}

function say(outcome: PolecatOutcome, to: { info: (line: string) => void; notice: (line: string) => void; fail: (line: string) => void }, redactor: Redactor): void {
  switch (outcome.kind) {
    case "refused":
      (outcome.failed ? to.fail : to.notice)(`This polecat run stops without working: ${redactor.redact(outcome.reason)}`);
      return;
    case "claim-lost":
      to.notice(`This polecat run stopped: ${redactor.redact(outcome.reason)}`);
      return;
    case "exited":
      if (outcome.exit === "COMPLETED") to.info(`The polecat ended as COMPLETED: ${redactor.redact(outcome.reason)}`);
      else to.notice(`The polecat ended as ${outcome.exit}: ${redactor.redact(outcome.reason)}`);
      return;
  }
}
