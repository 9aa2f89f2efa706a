// The patrol action's inputs and the runner's environment, read and checked once into one typed
// object, as the town action's are (../town/town-options.ts), whose naming of the token's login
// this shares.
import { readFile } from "node:fs/promises";
import { botLoginOf, nonEmpty, type ActionSource, type TownInput } from "../town/town-options.js";

/** The same inputs as the town action's: who the token acts as is decided the same way. */
export { TOWN_INPUTS as PATROL_INPUTS, type ActionSource as PatrolSource } from "../town/town-options.js";

export interface PatrolOptions {
  readonly owner: string;
  readonly repo: string;
  /** The repository's default branch: a respawned polecat is dispatched there unless `polecat.ref` says. */
  readonly defaultBranch: string;
  readonly token: string;
  readonly apiUrl: string;
  /** The login the token acts as, for finding what Gas Town itself wrote. */
  readonly botLogin: string;
}

const DEFAULT_API_URL = "https://api.github.com";

/**
 * The options, or an Error that says which input or variable is wrong and what to do. The
 * refinery action reads the same (../refinery/refinery-options.ts); `action` names the one
 * running in that error.
 */
export async function readPatrolOptions(source: ActionSource, action = "the Gas Town patrol"): Promise<PatrolOptions> {
  const env = (name: string): string | undefined => nonEmpty(source.env[name]);
  const input = (name: TownInput): string | undefined => nonEmpty(source.inputs[name]);
  const [owner, repo, ...rest] = (env("GITHUB_REPOSITORY") ?? "").split("/");
  if (!owner || !repo || rest.length > 0) {
    throw new Error(`GITHUB_REPOSITORY is not set to owner/repo: ${action} runs as a step of a GitHub Actions workflow.`);
  }
  const token = input("token");
  if (token === undefined) {
    throw new Error("The input `token` is empty: leave it out to use the workflow's GITHUB_TOKEN, or pass the App's token from actions/create-github-app-token.");
  }
  return {
    owner, repo, token,
    defaultBranch: await defaultBranchOf(env("GITHUB_EVENT_PATH"), env("GITHUB_REF_NAME")),
    apiUrl: (env("GITHUB_API_URL") ?? DEFAULT_API_URL).replace(/\/+$/, ""),
    botLogin: botLoginOf(token, input("github-token"), input("app-slug"), input("bot-login")),
  };
}

/**
 * The default branch, from the event's repository when it has one (`workflow_dispatch`), else the
 * ref the run is on: a `schedule` run is always on the default branch.
 */
async function defaultBranchOf(eventPath: string | undefined, refName: string | undefined): Promise<string> {
  const payload = eventPath === undefined ? undefined : await readFile(eventPath, "utf8").then((text) => JSON.parse(text) as unknown, () => undefined);
  const named = (payload as { repository?: { default_branch?: unknown } } | undefined)?.repository?.default_branch;
  if (typeof named === "string" && named !== "") return named;
  if (refName !== undefined) return refName;
  throw new Error("Neither the event (GITHUB_EVENT_PATH) nor GITHUB_REF_NAME names the default branch.");
}
