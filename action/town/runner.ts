// The step: read the options once, receive the event, and turn any error into the step's
// failure with its message. Tests enter here with their own environment and inputs, so nothing
// global is patched; main.ts enters with the runner's.
import * as core from "@actions/core";
import { realDependencies } from "../../app/handlers/app-dependencies.js";
import { actionsLog } from "./actions-log.js";
import { receiveWorkflowEvent, type ReceiveDependencies, type Received } from "./receive-workflow-event.js";
import { readTownOptions, TOWN_INPUTS, type ActionSource } from "./town-options.js";

export interface RunnerDependencies extends ReceiveDependencies {
  readonly info: (message: string) => void;
  /** Fails the step with the message (core.setFailed: an error annotation, exit code 1). */
  readonly fail: (message: string) => void;
}

export type Outcome = Received | { readonly kind: "failed"; readonly message: string };

/** What the runner gives this step: its environment and the action's inputs. */
export function actionSource(): ActionSource {
  return { env: process.env, inputs: Object.fromEntries(TOWN_INPUTS.map((name) => [name, core.getInput(name)])) };
}

export async function run(source: ActionSource = actionSource(), overrides: Partial<RunnerDependencies> = {}): Promise<Outcome> {
  const deps: RunnerDependencies = {
    app: realDependencies, info: core.info, fail: core.setFailed, ...overrides,
    log: overrides.log ?? actionsLog(),
  };
  try {
    const options = readTownOptions(source);
    const received = await receiveWorkflowEvent(options, deps);
    deps.info(received.kind === "handled"
      ? `Gas Town handled ${received.event} (delivery ${options.deliveryId}), acting as ${options.botLogin}.`
      : `Gas Town does not handle ${received.event} events, so there is nothing to do.`);
    return received;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    deps.fail(message);
    return { kind: "failed", message };
  }
}
