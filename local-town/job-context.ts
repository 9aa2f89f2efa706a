// What a step of a local runner's job is given: the runner's environment for the job (GITHUB_*,
// RUNNER_*), its workspace, and where its log goes; and what it gives back.

export interface JobContext {
  readonly env: Readonly<Record<string, string>>;
  /** The job's workspace (GITHUB_WORKSPACE): where a checkout puts the repository. */
  readonly workspace: string;
  /** A line of the job's log. */
  log(line: string): void;
  /** Output as it comes, lines not yet whole (a gate command's). */
  write(chunk: string): void;
}

export interface StepResult {
  /** Whether the step failed (the action called setFailed), which fails the job. */
  readonly failed: boolean;
}
