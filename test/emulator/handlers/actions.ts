// GitHub Actions through the API: workflows, dispatches, runs, jobs and their logs, cancel and
// re-run; and repository_dispatch. The test plays the runner (Emulator.startJob/completeJob).
import { dispatchWorkflow, registerDefaultBranchWorkflows, workflowPathFor } from "../actions/engine.js";
import type { ApiRequest, Core, Handlers } from "../http/handler.js";
import { jobLogUrl } from "../http/internal-route.js";
import { paginate } from "../http/pagination.js";
import { empty, failure, json, type ApiResponse } from "../http/responses.js";
import type { RepoRecord, RunRecord } from "../state/model.js";
import { repositoryDispatch } from "../state/repository-dispatch.js";
import { notFound } from "../state/result.js";
import type { WorkflowState } from "../state/model.js";
import { cancelRun, rerunRun } from "../state/runs.js";
import { setWorkflowState } from "../state/workflow-states.js";
import { jobView, runView, workflowView } from "../views/actions.js";
import { body, fullName, numberParam, repoOf } from "./respond.js";

function findRun(repo: RepoRecord, request: ApiRequest): RunRecord | undefined {
  return repo.runs.find((run) => run.id === numberParam(request, "run_id"));
}

/** Registers the workflow files on the default branch, so each has its id. */
async function registerDefaultWorkflows(core: Core, request: ApiRequest): Promise<void> {
  await registerDefaultBranchWorkflows(core, fullName(request));
}

// The run filters GitHub applies; `status` takes a status or a conclusion.
function runFilter(query: URLSearchParams): (run: RunRecord) => boolean {
  const [actor, branch, event, status, headSha] = ["actor", "branch", "event", "status", "head_sha"].map((name) => query.get(name));
  return (run) =>
    (actor === null || run.actor === actor) &&
    (branch === null || run.headBranch === branch) &&
    (event === null || run.event === event) &&
    (status === null || run.status === status || run.conclusion === status) &&
    (headSha === null || run.headSha === headSha);
}

function listRuns(core: Core, request: ApiRequest, runs: readonly RunRecord[]): ApiResponse {
  const repo = repoOf(core, request);
  const matching = runs.filter(runFilter(request.query)).sort((a, b) => b.id - a.id);
  const page = paginate(matching, request.query, request.url);
  return json(200, { total_count: matching.length, workflow_runs: page.items.map((run) => runView(core.view(), repo, run)) }, page.headers);
}

async function changeWorkflowState(request: ApiRequest, core: Core, state: WorkflowState): Promise<ApiResponse> {
  await registerDefaultWorkflows(core, request);
  const path = workflowPathFor(core, fullName(request), request.params["workflow_id"] ?? "") ?? "";
  const result = core.apply((current) => setWorkflowState(current, fullName(request), path, state, core.timestamp()));
  return result.ok ? empty(204) : failure(result, request.documentationUrl);
}

export const actionsHandlers: Handlers = {
  "actions/list-repo-workflows": async (request, core) => {
    await registerDefaultWorkflows(core, request);
    const repo = repoOf(core, request);
    const page = paginate(repo.workflows, request.query, request.url);
    return json(200, { total_count: repo.workflows.length, workflows: page.items.map((w) => workflowView(core.view(), repo, w)) }, page.headers);
  },

  "actions/get-workflow": async (request, core) => {
    await registerDefaultWorkflows(core, request);
    const path = workflowPathFor(core, fullName(request), request.params["workflow_id"] ?? "");
    const repo = repoOf(core, request);
    const workflow = repo.workflows.find((w) => w.path === path);
    return workflow ? json(200, workflowView(core.view(), repo, workflow)) : failure(notFound(), request.documentationUrl);
  },

  // https://docs.github.com/en/rest/actions/workflows#disable-a-workflow
  "actions/disable-workflow": (request, core) => changeWorkflowState(request, core, "disabled_manually"),
  "actions/enable-workflow": (request, core) => changeWorkflowState(request, core, "active"),

  // https://docs.github.com/en/rest/actions/workflows#create-a-workflow-dispatch-event
  "actions/create-workflow-dispatch": async (request, core) => {
    const input = body<{ ref: string; inputs?: Record<string, unknown>; return_run_details?: boolean }>(request);
    const result = await dispatchWorkflow(core, fullName(request), request.params["workflow_id"] ?? "", input.ref, input.inputs ?? {}, request.actor);
    if (!result.ok) return failure(result, request.documentationUrl);
    if (input.return_run_details !== true) return empty(204);
    const run = runView(core.view(), repoOf(core, request), result.value);
    return json(200, { workflow_run_id: result.value.id, run_url: run["url"], html_url: run["html_url"] });
  },

  "actions/list-workflow-runs": async (request, core) => {
    await registerDefaultWorkflows(core, request);
    const repo = repoOf(core, request);
    const path = workflowPathFor(core, fullName(request), request.params["workflow_id"] ?? "");
    const workflow = repo.workflows.find((w) => w.path === path);
    if (!workflow) return failure(notFound(), request.documentationUrl);
    return listRuns(core, request, repo.runs.filter((run) => run.workflowId === workflow.id));
  },

  "actions/list-workflow-runs-for-repo": (request, core) => listRuns(core, request, repoOf(core, request).runs),

  "actions/get-workflow-run": (request, core) => {
    const repo = repoOf(core, request);
    const run = findRun(repo, request);
    return run ? json(200, runView(core.view(), repo, run)) : failure(notFound(), request.documentationUrl);
  },

  // Only the latest attempt's jobs are kept, so filter=all lists the same.
  "actions/list-jobs-for-workflow-run": (request, core) => {
    const repo = repoOf(core, request);
    const run = findRun(repo, request);
    if (!run) return failure(notFound(), request.documentationUrl);
    const page = paginate(run.jobs, request.query, request.url);
    return json(200, { total_count: run.jobs.length, jobs: page.items.map((job) => jobView(core.view(), repo, run, job)) }, page.headers);
  },

  "actions/get-job-for-workflow-run": (request, core) => {
    const repo = repoOf(core, request);
    const run = repo.runs.find((r) => r.jobs.some((j) => j.id === numberParam(request, "job_id")));
    const job = run?.jobs.find((j) => j.id === numberParam(request, "job_id"));
    return run && job ? json(200, jobView(core.view(), repo, run, job)) : failure(notFound(), request.documentationUrl);
  },

  /**
   * A job's log is a redirect to where it is stored, and exists only once the job has
   * completed; before, GitHub answers 404.
   * https://docs.github.com/en/rest/actions/workflow-jobs#download-job-logs-for-a-workflow-run
   */
  "actions/download-job-logs-for-workflow-run": (request, core) => {
    const job = repoOf(core, request).runs.flatMap((run) => run.jobs).find((j) => j.id === numberParam(request, "job_id"));
    if (!job || job.status !== "completed") return failure(notFound(), request.documentationUrl);
    return empty(302, { location: jobLogUrl(core.view(), fullName(request), job.id) });
  },

  "actions/cancel-workflow-run": (request, core) => {
    const result = core.apply((state) => cancelRun(state, fullName(request), numberParam(request, "run_id"), request.actor, core.timestamp()));
    return result.ok ? json(202, {}) : failure(result, request.documentationUrl);
  },

  "actions/re-run-workflow": (request, core) => {
    const result = core.apply((state) => rerunRun(state, fullName(request), numberParam(request, "run_id"), request.actor, core.secret("ghs_"), core.timestamp()));
    return result.ok ? json(201, {}) : failure(result, request.documentationUrl);
  },

  "repos/create-dispatch-event": (request, core) => {
    const input = body<{ event_type: string; client_payload?: Record<string, unknown> }>(request);
    const result = core.apply((state) => repositoryDispatch(state, fullName(request), input.event_type, input.client_payload ?? {}, request.actor));
    return result.ok ? empty(204) : failure(result, request.documentationUrl);
  },
};
