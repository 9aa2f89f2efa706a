// The polecat action makes a user, runs an agent as it, and leaves what that agent did on the
// machine: fine on a runner GitHub throws away after the job, not on one that is kept. On a kept
// runner it runs only when configured to, and then removes the agent's user and files at the end.

export type RunnerPolicy =
  | { readonly kind: "run"; readonly cleanUpAtEnd: boolean }
  | { readonly kind: "refuse"; readonly message: string };

/**
 * `runnerEnvironment` is the runner's RUNNER_ENVIRONMENT (`github-hosted` or `self-hosted`);
 * `allowPersistentRunner` is the action's `allow-persistent-runner` input.
 */
export function runnerPolicy(runnerEnvironment: string | undefined, allowPersistentRunner: boolean): RunnerPolicy {
  if (runnerEnvironment === "github-hosted") return { kind: "run", cleanUpAtEnd: false };
  if (allowPersistentRunner) return { kind: "run", cleanUpAtEnd: true };
  const seen = runnerEnvironment === undefined || runnerEnvironment === "" ? "unset" : `"${runnerEnvironment}"`;
  return {
    kind: "refuse",
    message: `RUNNER_ENVIRONMENT is ${seen}: this runner may be kept after the job, and the polecat action runs an agent as a user of its own on it. Use a GitHub-hosted runner, or set the action's allow-persistent-runner input to true to run here and have the agent's user and files removed at the end.`,
  };
}
