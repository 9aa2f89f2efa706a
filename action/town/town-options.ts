// The action's inputs and the runner's environment, read and checked once into one typed
// object (actions/stale's habit), so everything after works from values known to be sound.
// https://docs.github.com/en/actions/reference/variables-reference#default-environment-variables

/** What the runner hands the step: its environment, and the action's inputs by name. */
export interface ActionSource {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly inputs: Readonly<Partial<Record<TownInput, string>>>;
}

export type TownInput = "token" | "app-slug" | "bot-login" | "github-token";
export const TOWN_INPUTS: readonly TownInput[] = ["token", "app-slug", "bot-login", "github-token"];

export interface TownOptions {
  /** `issues`, `issue_comment`, … (GITHUB_EVENT_NAME). */
  readonly eventName: string;
  /** The webhook payload the runner wrote (GITHUB_EVENT_PATH). */
  readonly eventPath: string;
  /** Stands in for X-GitHub-Delivery: the run and its attempt, unique per delivery. */
  readonly deliveryId: string;
  readonly token: string;
  /** GITHUB_API_URL: api.github.com, or a GitHub Enterprise Server's `/api/v3`. */
  readonly apiUrl: string;
  /** The login the token acts as; the App ignores events by it (its own answers, no loops). */
  readonly botLogin: string;
}

/** Who a workflow's GITHUB_TOKEN acts as. */
export const ACTIONS_BOT_LOGIN = "github-actions[bot]";

const DEFAULT_API_URL = "https://api.github.com";

/** The options, or an Error that says which input or variable is wrong and what to do. */
export function readTownOptions(source: ActionSource): TownOptions {
  const env = (name: string): string | undefined => nonEmpty(source.env[name]);
  const input = (name: TownInput): string | undefined => nonEmpty(source.inputs[name]);
  const eventName = env("GITHUB_EVENT_NAME");
  const eventPath = env("GITHUB_EVENT_PATH");
  if (eventName === undefined || eventPath === undefined) {
    throw new Error("GITHUB_EVENT_NAME and GITHUB_EVENT_PATH are not set: the Gas Town action runs as a step of a GitHub Actions workflow.");
  }
  const token = input("token");
  if (token === undefined) {
    throw new Error("The input `token` is empty: leave it out to use the workflow's GITHUB_TOKEN, or pass the App's token from actions/create-github-app-token.");
  }
  const runId = env("GITHUB_RUN_ID") ?? "local";
  return {
    eventName,
    eventPath,
    deliveryId: `${runId}-${env("GITHUB_RUN_ATTEMPT") ?? "1"}`,
    token,
    apiUrl: (env("GITHUB_API_URL") ?? DEFAULT_API_URL).replace(/\/+$/, ""),
    botLogin: botLoginOf(token, input("github-token"), input("app-slug"), input("bot-login")),
  };
}

export function botLoginOf(token: string, workflowToken: string | undefined, appSlug: string | undefined, botLogin: string | undefined): string {
  const fromSlug = appSlug === undefined ? undefined : `${appSlug}[bot]`;
  if (fromSlug !== undefined && botLogin !== undefined && fromSlug !== botLogin) {
    throw new Error(`The inputs disagree: app-slug \`${appSlug}\` acts as ${fromSlug}, but bot-login is ${botLogin}. Give one of them.`);
  }
  const named = fromSlug ?? botLogin;
  if (named !== undefined) return named;
  // Another token with no name given: Gas Town would take its own labels and comments for
  // requests, and answer them, and answer those answers. Better to stop before the first.
  if (workflowToken !== undefined && token !== workflowToken) {
    throw new Error(
      "The input `token` is not this workflow's GITHUB_TOKEN, so Gas Town cannot tell which events are its own answers: " +
        "pass `app-slug: ${{ steps.<id>.outputs.app-slug }}` from actions/create-github-app-token, or `bot-login`.",
    );
  }
  return ACTIONS_BOT_LOGIN;
}

export function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === "" ? undefined : trimmed;
}
