// Actions as GitHub renders them: workflows, runs (`workflow-run`) and jobs (`job`).
import type { JobRecord, RepoRecord, RunRecord, WorkflowRecord } from "../state/model.js";
import { fullNameOf, userView, type ViewContext } from "./context.js";
import { repositoryCore } from "./repository.js";
import { repoApi, repoWeb } from "./urls.js";

// Check suites are not modelled; a run's suite id is derived from the run's so it stays
// stable and distinct from every allocated id.
const CHECK_SUITE_ID_OFFSET = 500_000_000;

export function workflowView(view: ViewContext, repo: RepoRecord, workflow: WorkflowRecord): Record<string, unknown> {
  const fullName = fullNameOf(repo);
  return {
    id: workflow.id,
    node_id: workflow.nodeId,
    name: workflow.name,
    path: workflow.path,
    state: workflow.state,
    created_at: workflow.createdAt,
    updated_at: workflow.updatedAt,
    url: `${repoApi(view.urls, fullName)}/actions/workflows/${workflow.id}`,
    html_url: `${repoWeb(view.urls, fullName)}/blob/${repo.defaultBranch}/${workflow.path}`,
    badge_url: `${repoWeb(view.urls, fullName)}/workflows/${encodeURIComponent(workflow.name)}/badge.svg`,
  };
}

function workflowOf(repo: RepoRecord, run: RunRecord): WorkflowRecord {
  const workflow = repo.workflows.find((w) => w.id === run.workflowId);
  if (!workflow) throw new Error(`run ${run.id} has no workflow`);
  return workflow;
}

export function runView(view: ViewContext, repo: RepoRecord, run: RunRecord): Record<string, unknown> {
  const fullName = fullNameOf(repo);
  const api = `${repoApi(view.urls, fullName)}/actions/runs/${run.id}`;
  const workflow = workflowOf(repo, run);
  const suiteId = run.id + CHECK_SUITE_ID_OFFSET;
  const repository = repositoryCore(view, repo);
  return {
    id: run.id,
    name: workflow.name,
    node_id: run.nodeId,
    head_branch: run.headBranch,
    head_sha: run.headSha,
    path: workflow.path,
    display_title: run.displayTitle,
    run_number: run.runNumber,
    event: run.event,
    status: run.status,
    conclusion: run.conclusion,
    workflow_id: workflow.id,
    check_suite_id: suiteId,
    check_suite_node_id: Buffer.from(`010:CheckSuite${suiteId}`).toString("base64"),
    url: api,
    html_url: `${repoWeb(view.urls, fullName)}/actions/runs/${run.id}`,
    pull_requests: [],
    created_at: run.createdAt,
    updated_at: run.updatedAt,
    actor: userView(view, run.actor),
    run_attempt: run.runAttempt,
    referenced_workflows: [],
    run_started_at: run.runStartedAt,
    triggering_actor: userView(view, run.triggeringActor),
    jobs_url: `${api}/jobs`,
    logs_url: `${api}/logs`,
    check_suite_url: `${repoApi(view.urls, fullName)}/check-suites/${suiteId}`,
    artifacts_url: `${api}/artifacts`,
    cancel_url: `${api}/cancel`,
    rerun_url: `${api}/rerun`,
    previous_attempt_url: run.runAttempt > 1 ? `${api}/attempts/${run.runAttempt - 1}` : null,
    workflow_url: `${repoApi(view.urls, fullName)}/actions/workflows/${workflow.id}`,
    head_commit: {
      id: run.headCommit.id,
      tree_id: run.headCommit.treeId,
      message: run.headCommit.message,
      timestamp: run.headCommit.timestamp,
      author: run.headCommit.author,
      committer: run.headCommit.committer,
    },
    repository,
    head_repository: repository,
    head_repository_id: repo.id,
  };
}

// The hosted runner a job gets once it starts.
const RUNNER = { id: 1, name: "GitHub Actions 1", groupId: 1, groupName: "GitHub Actions" };

export function jobView(view: ViewContext, repo: RepoRecord, run: RunRecord, job: JobRecord): Record<string, unknown> {
  const fullName = fullNameOf(repo);
  const started = job.status !== "queued";
  return {
    id: job.id,
    run_id: run.id,
    workflow_name: workflowOf(repo, run).name,
    head_branch: run.headBranch,
    run_url: `${repoApi(view.urls, fullName)}/actions/runs/${run.id}`,
    run_attempt: job.runAttempt,
    node_id: job.nodeId,
    head_sha: run.headSha,
    url: `${repoApi(view.urls, fullName)}/actions/jobs/${job.id}`,
    html_url: `${repoWeb(view.urls, fullName)}/actions/runs/${run.id}/job/${job.id}`,
    status: job.status,
    conclusion: job.conclusion,
    created_at: job.createdAt,
    started_at: job.startedAt,
    completed_at: job.completedAt,
    name: job.name,
    steps: [],
    check_run_url: `${repoApi(view.urls, fullName)}/check-runs/${job.id}`,
    labels: ["ubuntu-latest"],
    runner_id: started ? RUNNER.id : null,
    runner_name: started ? RUNNER.name : null,
    runner_group_id: started ? RUNNER.groupId : null,
    runner_group_name: started ? RUNNER.groupName : null,
  };
}
