// The step: read the options once, carry the merge queue on as far as it goes without waiting
// (the same code every wake of the refinery runs, app/handlers/refinery-run.ts), say what it did,
// and turn any error into the step's failure with its message. Tests enter here with their own
// environment and inputs.
import * as core from "@actions/core";
import { realDependencies, type AppDependencies } from "../../app/handlers/app-dependencies.js";
import { restClient } from "../../app/github/rest-client.js";
import type { GitHubClient } from "../../app/github/github-client.js";
import { runRefinery, type RefineryReport } from "../../app/handlers/refinery-run.js";
import { readRefineryOptions, REFINERY_INPUTS, type RefinerySource } from "./refinery-options.js";

export interface RefineryDependencies {
  readonly app: AppDependencies;
  readonly info: (message: string) => void;
  readonly fail: (message: string) => void;
  /** The client for a token; the rest client unless given (tests switch off its pacing). */
  readonly client?: (token: string, apiUrl: string) => GitHubClient;
  /** The refinery's step; runRefinery unless given (tests of what the action says). */
  readonly refine: typeof runRefinery;
}

export type RefineryOutcome = RefineryReport | { readonly kind: "failed"; readonly message: string };

export function actionSource(): RefinerySource {
  return { env: process.env, inputs: Object.fromEntries(REFINERY_INPUTS.map((name) => [name, core.getInput(name)])) };
}

export async function run(source: RefinerySource = actionSource(), overrides: Partial<RefineryDependencies> = {}): Promise<RefineryOutcome> {
  const deps: RefineryDependencies = { app: realDependencies, info: core.info, fail: core.setFailed, refine: runRefinery, ...overrides };
  try {
    const options = await readRefineryOptions(source);
    const github = deps.client?.(options.token, options.apiUrl) ?? restClient({ token: options.token, baseUrl: options.apiUrl, warn: core.warning });
    const ref = { github, owner: options.owner, repo: options.repo, defaultBranch: options.defaultBranch };
    const report = await deps.refine(ref, deps.app, options.botLogin, options.base === undefined ? {} : { base: options.base });
    deps.info(describe(report, options.base));
    return report;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    deps.fail(message);
    return { kind: "failed", message };
  }
}

function describe(report: RefineryReport, base: string | undefined): string {
  if (report.kind === "off") return `Gas Town is not on here, so there is no queue to carry on: ${report.why}`;
  const queue = base === undefined ? `the merge queue of ${report.rig}` : `the merge queue of ${report.rig} into ${base}`;
  return report.said.length === 0
    ? `The refinery looked at ${queue}: nothing to do.`
    : `The refinery carried on ${queue}:\n${report.said.map((line) => `- ${line}`).join("\n")}`;
}
