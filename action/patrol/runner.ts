// The step: read the options once, run one patrol pass over this repository (the same code the
// App's timer runs, app/handlers/patrol-rig.ts), say what it did, and turn any error into the
// step's failure with its message. Tests enter here with their own environment and inputs.
import * as core from "@actions/core";
import { realDependencies, type AppDependencies } from "../../app/handlers/app-dependencies.js";
import { restClient } from "../../app/github/rest-client.js";
import type { GitHubClient } from "../../app/github/github-client.js";
import { patrolRig, type PatrolReport } from "../../app/handlers/patrol-rig.js";
import { PATROL_INPUTS, readPatrolOptions, type PatrolSource } from "./patrol-options.js";

export interface PatrolDependencies {
  readonly app: AppDependencies;
  readonly info: (message: string) => void;
  readonly fail: (message: string) => void;
  /** The client for a token; the rest client unless given (tests switch off its pacing). */
  readonly client?: (token: string, apiUrl: string) => GitHubClient;
}

export type PatrolOutcome = PatrolReport | { readonly kind: "failed"; readonly message: string };

export function actionSource(): PatrolSource {
  return { env: process.env, inputs: Object.fromEntries(PATROL_INPUTS.map((name) => [name, core.getInput(name)])) };
}

export async function run(source: PatrolSource = actionSource(), overrides: Partial<PatrolDependencies> = {}): Promise<PatrolOutcome> {
  const deps: PatrolDependencies = { app: realDependencies, info: core.info, fail: core.setFailed, ...overrides };
  try {
    const options = await readPatrolOptions(source);
    const github = deps.client?.(options.token, options.apiUrl) ?? restClient({ token: options.token, baseUrl: options.apiUrl, warn: core.warning });
    // A workflow's pass is rare and pays a runner-minute anyway: one request more sweeps for runs
    // that hold no hook, and the mirror's drift is repaired each time (where no App takes webhooks,
    // this pass is how the ledger and the issues meet).
    const report = await patrolRig({ github, owner: options.owner, repo: options.repo, defaultBranch: options.defaultBranch }, deps.app, options.botLogin, { sweepRuns: true, mirror: {} });
    deps.info(describe(report));
    return report;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    deps.fail(message);
    return { kind: "failed", message };
  }
}

function describe(report: PatrolReport): string {
  if (report.kind === "off") return `Gas Town is not on here, so there is nothing to patrol: ${report.why}`;
  const did = [...report.actions.map((a) => `${a.bead}: ${a.text}`), ...report.promoted.map((bead) => `${bead}: hooked from the waiting slings`)];
  const refinery = report.refinery.length === 0 ? "" : `\nThe refinery:\n${report.refinery.map((line) => `- ${line}`).join("\n")}`;
  const mirror = (report.mirror ?? []).map((line) => `\n${line}`).join("");
  return (did.length === 0
    ? `The witness looked at ${report.looked} hooked bead${report.looked === 1 ? "" : "s"} of ${report.rig}; all is well.`
    : `The witness looked at ${report.looked} hooked bead${report.looked === 1 ? "" : "s"} of ${report.rig}:\n${did.map((d) => `- ${d}`).join("\n")}`) + refinery + mirror;
}
