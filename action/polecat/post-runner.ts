// The post step: after the main step, whatever became of it (`post-if: always()`). When the main
// step ended by itself there is nothing to do; when the job's timeout or a cancel killed it, the
// agent's processes are ended and the heartbeat concluded (app/polecat/post-step.ts).
import * as core from "@actions/core";
import { restClient } from "../../app/github/rest-client.js";
import { ensurePrivileged } from "../../app/polecat/privilege.js";
import { readPolecatOptions, type PolecatSource } from "../../app/polecat/polecat-options.js";
import { runPostStep, type PostDependencies, type PostOutcome, type SavedName } from "../../app/polecat/post-step.js";
import { Redactor } from "../../app/polecat/redact.js";
import { polecatLedgerStore } from "../../app/polecat/run-polecat.js";
import { actionSource } from "./runner.js";

export interface PostOverrides extends Partial<PostDependencies> {
  readonly privileged?: () => Promise<void>;
  readonly fail?: (message: string) => void;
}

export async function runPost(source: PolecatSource = actionSource(), overrides: PostOverrides = {}): Promise<PostOutcome | { kind: "failed"; message: string }> {
  const fail = overrides.fail ?? core.setFailed;
  let redactor = new Redactor([]);
  try {
    await (overrides.privileged ?? ensurePrivileged)();
    const options = readPolecatOptions(source);
    redactor = new Redactor([options.token, options.apiKey]);
    const github = overrides.github ?? restClient({ token: options.token, baseUrl: options.apiUrl, warn: core.warning });
    const deps: PostDependencies = {
      getState: (name: SavedName) => core.getState(name),
      github,
      store: () => polecatLedgerStore(options, github),
      clock: () => new Date(),
      log: { info: core.info, warning: core.warning },
      ...overrides,
    };
    const outcome = await runPostStep(options, deps);
    deps.log.info(outcome.kind === "nothing" ? `Nothing to do after the run: ${outcome.why}.` : "The run was cut short; its agent is stopped and its heartbeat concluded.");
    return outcome;
  } catch (error) {
    const message = redactor.redact(error instanceof Error ? error.message : String(error));
    fail(message);
    return { kind: "failed", message };
  }
}
