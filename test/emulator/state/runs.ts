// Workflow runs and their jobs: made by a dispatch or a triggering event, advanced by the test
// (which plays the runner), cancelled and re-run through the API. A run's status follows its
// jobs; each step sends the workflow_run / workflow_job webhook GitHub sends for it.
// https://docs.github.com/en/webhooks/webhook-events-and-payloads#workflow_run
// https://docs.github.com/en/webhooks/webhook-events-and-payloads#workflow_job
import type { Actor, DomainEvent } from "./events.js";
import type { AppPermissions, CommitSummary, EmulatorState, JobRecord, RepoRecord, RunConclusion, RunRecord, WorkflowRecord } from "./model.js";
import { allocateId, fail, nodeId, ok, produce, type Result } from "./result.js";
import { ACTIONS_BOT } from "./accounts.js";

/**
 * GITHUB_TOKEN's permissions when a workflow sets none (the "permissive" default); it never
 * holds `workflows`.
 * https://docs.github.com/en/actions/security-for-github-actions/security-guides/automatic-token-authentication#permissions-for-the-github_token
 */
export const DEFAULT_GITHUB_TOKEN_PERMISSIONS: AppPermissions = {
  actions: "write",
  checks: "write",
  contents: "write",
  deployments: "write",
  issues: "write",
  metadata: "read",
  packages: "write",
  pull_requests: "write",
  statuses: "write",
};

// GITHUB_TOKEN expires when its job ends, or after 24 hours at most.
const GITHUB_TOKEN_HOURS = 24;

export type RunRequest = {
  repo: string;
  workflow: { path: string; name: string };
  event: string;
  headBranch: string;
  headSha: string;
  actor: string;
  displayTitle: string;
  inputs: Record<string, string> | null;
  headCommit: CommitSummary;
  jobs: readonly { key: string; name: string }[];
  token: string;
  tokenPermissions: AppPermissions;
  /** Who caused the run, as the sender of its webhooks. */
  cause: Actor;
  at: string;
  /** A run that waits for a person's approval: completed as `action_required`, with no jobs and no token. */
  awaitingApproval?: boolean;
};

function findRepo(draft: EmulatorState, repo: string): RepoRecord | undefined {
  return draft.repos[repo];
}

function registerWorkflow(draft: EmulatorState, repo: RepoRecord, path: string, name: string, at: string): WorkflowRecord {
  const existing = repo.workflows.find((w) => w.path === path);
  if (existing) {
    existing.name = name;
    return existing;
  }
  const id = allocateId(draft);
  const workflow: WorkflowRecord = { id, nodeId: nodeId("Workflow", id), path, name, createdAt: at, updatedAt: at, state: "active" };
  repo.workflows.push(workflow);
  return workflow;
}

/** Gives workflow files their ids (stable per path), as GitHub does when it first sees them. */
export function registerWorkflows(state: EmulatorState, repo: string, files: readonly { path: string; name: string }[], at: string): Result<WorkflowRecord[]> {
  return produce(state, (draft) => {
    const record = findRepo(draft, repo);
    if (!record) return fail(404, "Not Found");
    return ok(draft, files.map((file) => registerWorkflow(draft, record, file.path, file.name, at)));
  });
}

function newJobs(draft: EmulatorState, jobs: readonly { key: string; name: string }[], attempt: number, at: string): JobRecord[] {
  return jobs.map((job) => {
    const id = allocateId(draft);
    return { id, nodeId: nodeId("CheckRun", id), key: job.key, name: job.name, status: "queued", conclusion: null, createdAt: at, startedAt: at, completedAt: null, log: "", runAttempt: attempt };
  });
}

function addHours(iso: string, hours: number): string {
  return addMinutes(iso, hours * 60);
}

function addMinutes(iso: string, minutes: number): string {
  return new Date(Date.parse(iso) + minutes * 60_000).toISOString().replace(/\.\d{3}Z$/, "Z");
}

function queuedEvents(repo: string, run: RunRecord, cause: Actor): DomainEvent[] {
  return [
    { event: "workflow_run", action: "requested", repo, actor: cause, runId: run.id },
    ...run.jobs.map((job): DomainEvent => ({ event: "workflow_job", action: "queued", repo, actor: cause, runId: run.id, jobId: job.id })),
  ];
}

export function createRun(state: EmulatorState, request: RunRequest): Result<RunRecord> {
  return produce(state, (draft) => {
    const repo = findRepo(draft, request.repo);
    if (!repo) return fail(404, "Not Found");
    const workflow = registerWorkflow(draft, repo, request.workflow.path, request.workflow.name, request.at);
    const id = allocateId(draft);
    const runNumber = repo.runs.filter((run) => run.workflowId === workflow.id).length + 1;
    const waits = request.awaitingApproval === true;
    const run: RunRecord = {
      id,
      nodeId: nodeId("WorkflowRun", id),
      workflowId: workflow.id,
      runNumber,
      runAttempt: 1,
      event: request.event,
      displayTitle: request.displayTitle,
      headBranch: request.headBranch,
      headSha: request.headSha,
      actor: request.actor,
      triggeringActor: request.actor,
      status: waits ? "completed" : "queued",
      conclusion: waits ? "action_required" : null,
      createdAt: request.at,
      updatedAt: request.at,
      runStartedAt: request.at,
      inputs: request.inputs,
      headCommit: request.headCommit,
      jobs: waits ? [] : newJobs(draft, request.jobs, 1, request.at),
      token: request.token,
    };
    repo.runs.push(run);
    if (waits) return ok(draft, run, queuedEvents(request.repo, run, request.cause));
    draft.tokens[request.token] = {
      kind: "actions",
      token: request.token,
      repository: request.repo,
      runId: id,
      permissions: request.tokenPermissions,
      expiresAt: addHours(request.at, GITHUB_TOKEN_HOURS),
    };
    return ok(draft, run, queuedEvents(request.repo, run, request.cause));
  });
}

function findRun(draft: EmulatorState, repo: string, runId: number): RunRecord | undefined {
  return findRepo(draft, repo)?.runs.find((run) => run.id === runId);
}

// The runner acts as GitHub Actions itself.
const RUNNER: Actor = { login: ACTIONS_BOT.login, via: "actions" };

export function startJob(state: EmulatorState, repo: string, runId: number, jobKey: string, at: string): Result<JobRecord> {
  return produce(state, (draft) => {
    const run = findRun(draft, repo, runId);
    const job = run?.jobs.find((j) => j.key === jobKey);
    if (!run || !job) return fail(404, "Not Found");
    if (job.status !== "queued") return fail(409, `job ${jobKey} is ${job.status}, not queued`);
    const events: DomainEvent[] = [];
    job.status = "in_progress";
    job.startedAt = at;
    if (run.status === "queued") {
      run.status = "in_progress";
      events.push({ event: "workflow_run", action: "in_progress", repo, actor: RUNNER, runId });
    }
    run.updatedAt = at;
    events.push({ event: "workflow_job", action: "in_progress", repo, actor: RUNNER, runId, jobId: job.id });
    return ok(draft, job, events);
  });
}

/** A run's conclusion from its jobs': a failure wins, then a cancellation; skipped-only is skipped. */
export function runConclusion(jobs: readonly JobRecord[]): RunConclusion {
  const conclusions = jobs.map((job) => job.conclusion);
  for (const worst of ["failure", "timed_out", "cancelled"] as const) if (conclusions.includes(worst)) return worst;
  if (conclusions.length > 0 && conclusions.every((c) => c === "skipped")) return "skipped";
  return "success";
}

/**
 * How long a job cancelled while it ran still holds its GITHUB_TOKEN here. The emulator ends it
 * at once, but on GitHub the runner only then gets the cancel, signals the job's processes,
 * waits for them and runs its post steps, and the token lives until the job has stopped: a
 * cancelled run may go on acting for a while, and what it does must be safe.
 */
export const CANCEL_GRACE_MINUTES = 5;

function finishRunIfDone(draft: EmulatorState, repo: string, run: RunRecord, at: string, events: DomainEvent[], cancelledWhileRunning = false): void {
  if (!run.jobs.every((job) => job.status === "completed")) return;
  run.status = "completed";
  run.conclusion = runConclusion(run.jobs);
  run.updatedAt = at;
  const token = draft.tokens[run.token];
  if (token && token.kind === "actions") token.expiresAt = cancelledWhileRunning ? addMinutes(at, CANCEL_GRACE_MINUTES) : at;
  events.push({ event: "workflow_run", action: "completed", repo, actor: RUNNER, runId: run.id });
}

export function completeJob(
  state: EmulatorState,
  repo: string,
  runId: number,
  jobKey: string,
  conclusion: RunConclusion,
  log: string,
  at: string,
): Result<JobRecord> {
  return produce(state, (draft) => {
    const run = findRun(draft, repo, runId);
    const job = run?.jobs.find((j) => j.key === jobKey);
    if (!run || !job) return fail(404, "Not Found");
    if (job.status === "completed") return fail(409, `job ${jobKey} has completed already`);
    const events: DomainEvent[] = [];
    job.status = "completed";
    job.conclusion = conclusion;
    job.completedAt = at;
    job.log = log;
    run.updatedAt = at;
    events.push({ event: "workflow_job", action: "completed", repo, actor: RUNNER, runId, jobId: job.id });
    finishRunIfDone(draft, repo, run, at, events);
    return ok(draft, job, events);
  });
}

/**
 * Cancels a run: every job not yet done ends cancelled. A completed run cannot be cancelled
 * (409), as on GitHub.
 * https://docs.github.com/en/rest/actions/workflow-runs#cancel-a-workflow-run
 */
export function cancelRun(state: EmulatorState, repo: string, runId: number, actor: Actor, at: string): Result<RunRecord> {
  return produce(state, (draft) => {
    const run = findRun(draft, repo, runId);
    if (!run) return fail(404, "Not Found");
    if (run.status === "completed") return fail(409, "Cannot cancel a workflow run that is completed.");
    const events: DomainEvent[] = [];
    const running = run.jobs.some((j) => j.status === "in_progress");
    for (const job of run.jobs.filter((j) => j.status !== "completed")) {
      job.status = "completed";
      job.conclusion = "cancelled";
      job.completedAt = at;
      events.push({ event: "workflow_job", action: "completed", repo, actor, runId, jobId: job.id });
    }
    finishRunIfDone(draft, repo, run, at, events, running);
    const last = events[events.length - 1];
    if (last && last.event === "workflow_run") last.actor = actor;
    return ok(draft, run, events);
  });
}

/**
 * Re-runs a completed run as its next attempt: same id and run number, fresh jobs, a fresh
 * GITHUB_TOKEN. A run still going cannot be re-run (403).
 * https://docs.github.com/en/rest/actions/workflow-runs#re-run-a-workflow
 */
export function rerunRun(state: EmulatorState, repo: string, runId: number, actor: Actor, token: string, at: string): Result<RunRecord> {
  return produce(state, (draft) => {
    const run = findRun(draft, repo, runId);
    if (!run) return fail(404, "Not Found");
    if (run.status !== "completed") return fail(403, "This workflow is already running");
    const previous = draft.tokens[run.token];
    run.runAttempt += 1;
    run.status = "queued";
    run.conclusion = null;
    run.updatedAt = at;
    run.runStartedAt = at;
    run.triggeringActor = actor.login;
    run.jobs = newJobs(draft, run.jobs.map((job) => ({ key: job.key, name: job.name })), run.runAttempt, at);
    run.token = token;
    draft.tokens[token] = {
      kind: "actions",
      token,
      repository: repo,
      runId,
      permissions: previous?.kind === "actions" ? previous.permissions : DEFAULT_GITHUB_TOKEN_PERMISSIONS,
      expiresAt: addHours(at, GITHUB_TOKEN_HOURS),
    };
    return ok(draft, run, queuedEvents(repo, run, actor));
  });
}
