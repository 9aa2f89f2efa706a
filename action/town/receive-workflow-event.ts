// Actions-only mode: the App's own function, in a Probot that takes its event from the runner
// instead of from a webhook. The story: 1. read the event the runner wrote; 2. stop if the App
// does not handle it; 3. make a Probot with the workflow's token; 4. load the App, naming its
// login; 5. hand it the event. There is no signature to verify: the runner, not the network,
// delivered the event.
import { readFile } from "node:fs/promises";
import type { Logger } from "pino";
import { Probot, ProbotOctokit } from "probot";
import { gastownApp, HANDLED_EVENTS } from "../../app/gastown-app.js";
import type { AppDependencies } from "../../app/handlers/app-dependencies.js";
import type { TownOptions } from "./town-options.js";

export interface ReceiveDependencies {
  readonly app: AppDependencies;
  readonly log: Logger;
  /** Probot's Octokit unless given (tests switch off its pacing of writes). */
  readonly Octokit?: typeof ProbotOctokit;
}

export type Received =
  | { readonly kind: "handled"; readonly event: string }
  | { readonly kind: "ignored"; readonly event: string };

/**
 * The webhook an Actions event is: `pull_request_target` carries a `pull_request` payload (the
 * workflow takes it so as to run the base branch's copy with a token that can write).
 */
const WEBHOOK_OF: Readonly<Record<string, string>> = { pull_request_target: "pull_request" };

export async function receiveWorkflowEvent(options: TownOptions, deps: ReceiveDependencies): Promise<Received> {
  const payload = await readEvent(options.eventPath);
  const name = WEBHOOK_OF[options.eventName] ?? options.eventName;
  const event = typeof payload["action"] === "string" ? `${name}.${payload["action"]}` : name;
  if (!isHandled(name, event)) return { kind: "ignored", event };
  const probot = new Probot({
    githubToken: options.token, baseUrl: options.apiUrl, log: deps.log, ...(deps.Octokit ? { Octokit: deps.Octokit } : {}),
  });
  await probot.load(gastownApp({ ...deps.app, botLogin: options.botLogin }));
  try {
    await probot.receive({ id: options.deliveryId, name: name as never, payload: payload as never });
  } catch (error) {
    throw new Error(`Gas Town failed on ${event}: ${describe(error)}`, { cause: error });
  }
  return { kind: "handled", event };
}

function isHandled(name: string, event: string): boolean {
  const handled: readonly string[] = HANDLED_EVENTS;
  return handled.includes(name) || handled.includes(event);
}

/** The payload as the runner wrote it; a file that is not one is an error naming the file. */
async function readEvent(path: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new Error(`Cannot read the event file ${path} (GITHUB_EVENT_PATH): ${describe(error)}`, { cause: error });
  }
  let payload: unknown;
  try {
    payload = JSON.parse(text);
  } catch (error) {
    throw new Error(`The event file ${path} (GITHUB_EVENT_PATH) is not JSON: ${describe(error)}`, { cause: error });
  }
  if (typeof payload !== "object" || payload === null || Array.isArray(payload)) {
    throw new Error(`The event file ${path} (GITHUB_EVENT_PATH) holds no event: expected a JSON object, found ${Array.isArray(payload) ? "an array" : JSON.stringify(payload)}.`);
  }
  return payload as Record<string, unknown>;
}

/** An error's message; for the several a webhook handler may raise at once, each of them. */
function describe(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) return error.errors.map(describe).join("; ");
  return error instanceof Error ? error.message : String(error);
}
