// A local runner for the town: it takes each queued run of the emulated repository, reads its
// workflow file at the run's commit, and runs the jobs as planJobs reads them (workflow-jobs.ts):
// a checkout clones the run's commit over git, our actions run through their own entry points,
// and every other step is skipped with a line in the log. It is not a general Actions runner; the
// README's "Try it" says what it skips.
import { mkdtemp, rm } from "node:fs/promises";
import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Emulator } from "../test/emulator/emulator.js";
import type { RunRecord } from "../test/emulator/state/model.js";
import { gitClient } from "../test/emulator/testing.js";
import type { JobContext, StepResult } from "./job-context.js";
import { runGatesStep, runPassStep } from "./other-steps.js";
import { runPolecatStep, type PolecatJobOptions } from "./polecat-job.js";
import { ROOT } from "./town-paths.js";
import { planJobs, type JobStep, type PlannedJob } from "./workflow-jobs.js";

export interface LocalRunnerOptions {
  readonly github: Emulator;
  /** owner/name of the repository whose runs it takes. */
  readonly repo: string;
  readonly secrets: Readonly<Record<string, string>>;
  readonly polecat: PolecatJobOptions;
  /** Jobs run at once; GitHub would run more, this machine may not take more. */
  readonly parallel: number;
  /** Told each job's start, each line of its log, and its end. */
  readonly report: (event: RunnerEvent) => void;
  /** How often it looks for queued runs. */
  readonly pollMs?: number;
}

export type RunnerEvent =
  | { readonly kind: "started"; readonly run: RunRecord; readonly job: string }
  | { readonly kind: "log"; readonly run: RunRecord; readonly line: string }
  | { readonly kind: "completed"; readonly run: RunRecord; readonly job: string; readonly conclusion: "success" | "failure" };

export interface LocalRunner {
  /** Stops taking runs and waits for the running jobs to end. */
  stop(): Promise<void>;
}

export function startLocalRunner(options: LocalRunnerOptions): LocalRunner {
  const taken = new Set<number>();
  const groups = new Set<string>();
  const waiting: RunRecord[] = [];
  const running = new Set<Promise<void>>();
  let stopped = false;
  const look = () => {
    for (const run of options.github.state.repos[options.repo]?.runs ?? []) {
      if (run.status !== "queued" || taken.has(run.id)) continue;
      taken.add(run.id);
      waiting.push(run);
    }
    while (!stopped && running.size < options.parallel && waiting.length > 0) {
      const run = waiting.shift() as RunRecord;
      const job = runJobs(run, options, groups).catch((error: unknown) => {
        options.report({ kind: "log", run, line: `::error::the local runner failed: ${error instanceof Error ? error.message : String(error)}` });
      }).finally(() => running.delete(job));
      running.add(job);
    }
  };
  const timer = setInterval(look, options.pollMs ?? 100);
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await Promise.all([...running]);
    },
  };
}

async function runJobs(run: RunRecord, options: LocalRunnerOptions, groups: Set<string>): Promise<void> {
  const { github, repo } = options;
  const path = github.state.repos[repo]?.workflows.find((w) => w.id === run.workflowId)?.path;
  const file = path === undefined ? undefined : await github.git(repo).fileAt(run.headSha, path);
  if (file === undefined) return;
  const own = (relative: string) => readFileSync(join(ROOT, relative), "utf8");
  const jobs = planJobs(file.content.toString("utf8"), { inputs: run.inputs, token: run.token, secrets: options.secrets }, own);
  for (const job of jobs) {
    // One job of a concurrency group at a time: this one stays queued while another runs.
    while (job.concurrency.some((group) => groups.has(group))) await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 100));
    for (const group of job.concurrency) groups.add(group);
    try {
      await runJob(run, job, options);
    } finally {
      for (const group of job.concurrency) groups.delete(group);
    }
  }
}

async function runJob(run: RunRecord, planned: PlannedJob, options: LocalRunnerOptions): Promise<void> {
  const { github, repo } = options;
  try {
    github.startJob(repo, run.id, planned.key);
  } catch {
    // Cancelled before a runner took it, or no such job: nothing to run.
    return;
  }
  options.report({ kind: "started", run, job: planned.key });
  const workspace = await mkdtemp(join(tmpdir(), "gastown-town-workspace-"));
  const lines: string[] = [];
  let open = "";
  const context: JobContext = {
    workspace,
    env: {
      GITHUB_REPOSITORY: repo, GITHUB_RUN_ID: String(run.id), GITHUB_RUN_ATTEMPT: String(run.runAttempt),
      GITHUB_SERVER_URL: github.urls.web, GITHUB_API_URL: github.urls.api, GITHUB_REF_NAME: run.headBranch,
      GITHUB_SHA: run.headSha, GITHUB_EVENT_NAME: run.event, GITHUB_WORKSPACE: workspace,
      RUNNER_ENVIRONMENT: "github-hosted",
    },
    log(line) {
      lines.push(line);
      options.report({ kind: "log", run, line });
    },
    write(chunk) {
      const parts = (open + chunk).split("\n");
      open = parts.pop() ?? "";
      for (const part of parts) context.log(part);
    },
  };
  let failed = false;
  try {
    for (const step of planned.steps) {
      if ((await runStep(run, step, context, options)).failed) {
        failed = true;
        break;
      }
    }
  } catch (error) {
    failed = true;
    context.log(`::error::${error instanceof Error ? error.message : String(error)}`);
  } finally {
    if (open !== "") context.log(open);
    await rm(workspace, { recursive: true, force: true });
  }
  const conclusion = failed ? "failure" : "success";
  try {
    github.completeJob(repo, run.id, planned.key, conclusion, `${lines.join("\n")}\n`);
  } catch {
    // Cancelled while it ran (the witness, a person): GitHub has already concluded it.
  }
  options.report({ kind: "completed", run, job: planned.key, conclusion });
}

async function runStep(run: RunRecord, step: JobStep, job: JobContext, options: LocalRunnerOptions): Promise<StepResult> {
  switch (step.kind) {
    case "skipped":
      job.log(`The local runner skips ${step.what}.`);
      return { failed: false };
    case "checkout":
      // The dispatched commit, with no credential kept (persist-credentials: false).
      await gitClient(job.workspace, "clone", "--quiet", options.github.gitUrl(options.repo, run.token), ".");
      await gitClient(job.workspace, "checkout", "--quiet", "--detach", run.headSha);
      await gitClient(job.workspace, "remote", "set-url", "origin", options.github.gitUrl(options.repo));
      return { failed: false };
    case "action": {
      const env = { ...job.env, ...step.env };
      const context = { ...job, env };
      switch (step.action) {
        case "polecat":
          return await runPolecatStep(step.inputs, context, options.polecat);
        case "gates":
          return await runGatesStep(step.inputs, context);
        case "refinery":
        case "patrol":
          return await runPassStep(step.action, step.inputs, context, dispatchEvent(run, options));
        case "town":
          job.log("The local runner skips the town action: the App server handles every event here.");
          return { failed: false };
      }
    }
  }
}

/** The `workflow_dispatch` event as the runner writes it for the job (GITHUB_EVENT_PATH). */
function dispatchEvent(run: RunRecord, options: LocalRunnerOptions) {
  const [owner, name] = options.repo.split("/");
  const record = options.github.state.repos[options.repo];
  return { inputs: run.inputs, ref: `refs/heads/${run.headBranch}`, repository: { name, owner: { login: owner }, default_branch: record?.defaultBranch ?? "main" } };
}
