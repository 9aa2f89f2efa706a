// The environment the gate commands run in: the step's own, less what the runner hands a
// JavaScript action and no `run:` step, the Actions runtime's tokens (caches, artifacts, OIDC), and
// the action's inputs. The commands are queued code's, so they get nothing a `run:` step of this
// read-only job would not.

const RUNTIME_VARIABLES = [
  "ACTIONS_RUNTIME_TOKEN", "ACTIONS_RUNTIME_URL", "ACTIONS_CACHE_URL", "ACTIONS_RESULTS_URL",
  "ACTIONS_ID_TOKEN_REQUEST_TOKEN", "ACTIONS_ID_TOKEN_REQUEST_URL",
];

export function gateEnvironment(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => {
    const [name, value] = entry;
    return value !== undefined && !RUNTIME_VARIABLES.includes(name) && !name.startsWith("INPUT_");
  }));
}
