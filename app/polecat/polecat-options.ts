// Everything a polecat run is told, read once into one typed object: the App's dispatch inputs
// (DESIGN §7), the action's own inputs, and the runner's GITHUB_* and RUNNER_* variables. It
// runs as a plain Node process in the Actions environment, so anyone (and any test) can run it
// against any GitHub by setting these.
import { parseLimits, type PolecatLimits } from "./polecat-limits.js";

/** The action's inputs, as the runner passes them (`INPUT_<NAME>`). */
export const POLECAT_INPUTS = [
  "bead", "molecule", "polecat", "attempt", "limits", "api-key", "model-base-url", "token", "allow-persistent-runner", "agent-cache",
] as const;
export type PolecatInput = (typeof POLECAT_INPUTS)[number];

export interface PolecatSource {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly inputs: Readonly<Partial<Record<PolecatInput, string>>>;
}

export interface PolecatOptions {
  readonly bead: string;
  readonly molecule: string;
  readonly polecat: string;
  readonly attempt: number;
  /** The `limits` input exactly as given: its hash is what the claim checks. */
  readonly limitsText: string;
  readonly limits: PolecatLimits;
  readonly token: string;
  readonly apiKey: string;
  readonly modelBaseUrl: string | undefined;
  readonly owner: string;
  readonly repo: string;
  readonly runId: number;
  /** `GITHUB_RUN_ATTEMPT`: a person may re-run the same run. */
  readonly runAttempt: number;
  readonly runUrl: string;
  readonly serverUrl: string;
  readonly apiUrl: string;
  readonly runnerEnvironment: string | undefined;
  readonly allowPersistentRunner: boolean;
  /** Where the agent CLI is installed; install-agent.ts's default when not given. */
  readonly agentCache: string | undefined;
  /** Where run workspaces go (GASTOWN_WORK_ROOT); the runner's default when not set. */
  readonly workRoot: string | undefined;
}

export class PolecatOptionsError extends Error {
  override name = "PolecatOptionsError";
}

export function readPolecatOptions(source: PolecatSource): PolecatOptions {
  const input = (name: PolecatInput, required = true): string => {
    const value = (source.inputs[name] ?? "").trim();
    if (required && value === "") throw new PolecatOptionsError(`the input ${name} is required`);
    return value;
  };
  const variable = (name: string, fallback?: string): string => {
    const value = source.env[name]?.trim() || fallback;
    if (value === undefined || value === "") throw new PolecatOptionsError(`${name} is not set: run this action in a GitHub Actions job`);
    return value;
  };
  const attempt = Number(input("attempt"));
  if (!Number.isSafeInteger(attempt) || attempt < 1) throw new PolecatOptionsError(`the input attempt must be a whole number from 1 (got "${input("attempt")}")`);
  const [owner, repo, ...rest] = variable("GITHUB_REPOSITORY").split("/");
  if (!owner || !repo || rest.length > 0) throw new PolecatOptionsError(`GITHUB_REPOSITORY must be <owner>/<repo> (got "${variable("GITHUB_REPOSITORY")}")`);
  const runId = Number(variable("GITHUB_RUN_ID"));
  if (!Number.isSafeInteger(runId) || runId < 1) throw new PolecatOptionsError(`GITHUB_RUN_ID must be a run's id (got "${variable("GITHUB_RUN_ID")}")`);
  const runAttempt = Number(variable("GITHUB_RUN_ATTEMPT", "1"));
  const serverUrl = variable("GITHUB_SERVER_URL", "https://github.com").replace(/\/+$/, "");
  const limitsText = input("limits");
  const limits = parseLimits(limitsText);
  const apiKey = input("api-key", false);
  if (limits.agent !== "command" && apiKey === "") {
    throw new PolecatOptionsError(`the input api-key is required: polecat.agent is ${limits.agent}, which needs its model vendor's key`);
  }
  const modelBaseUrl = input("model-base-url", false);
  const agentCache = input("agent-cache", false);
  return {
    bead: input("bead"),
    molecule: input("molecule"),
    polecat: input("polecat"),
    attempt,
    limitsText,
    limits,
    token: input("token"),
    apiKey,
    modelBaseUrl: modelBaseUrl === "" ? undefined : modelBaseUrl,
    owner,
    repo,
    runId,
    runAttempt: Number.isSafeInteger(runAttempt) && runAttempt > 0 ? runAttempt : 1,
    runUrl: `${serverUrl}/${owner}/${repo}/actions/runs/${runId}`,
    serverUrl,
    apiUrl: variable("GITHUB_API_URL", "https://api.github.com").replace(/\/+$/, ""),
    runnerEnvironment: source.env["RUNNER_ENVIRONMENT"],
    allowPersistentRunner: input("allow-persistent-runner", false) === "true",
    agentCache: agentCache === "" ? undefined : agentCache,
    workRoot: source.env["GASTOWN_WORK_ROOT"]?.trim() || undefined,
  };
}
