// Each event as the webhook payload GitHub sends for it, rendered from the state right after
// the change. The shapes follow GitHub's webhook schemas (every payload is validated against
// them before it is sent).
// https://docs.github.com/en/webhooks/webhook-events-and-payloads
import type { DomainEvent } from "../state/events.js";
import type { InstallationRecord, IssueRecord, RepoRecord } from "../state/model.js";
import { jobView, runView, workflowView } from "../views/actions.js";
import { simpleInstallation } from "../views/app.js";
import { checkRunView } from "../views/check-run.js";
import { repoRecord, userView, type ViewContext } from "../views/context.js";
import { commentView, issueView } from "../views/issue.js";
import { labelView } from "../views/label.js";
import { pullView, reviewView } from "../views/pull.js";
import { repositoryCore } from "../views/repository.js";
import { repoWeb } from "../views/urls.js";
import { ZERO_SHA } from "../git/bare-repo.js";

export type RenderedWebhook = { event: string; action: string | undefined; payload: Record<string, unknown> };

function issueOf(repo: RepoRecord, number: number): IssueRecord {
  const issue = repo.issues.find((i) => i.number === number);
  if (!issue) throw new Error(`webhook for unknown #${number}`);
  return issue;
}

/** The repository as webhooks carry it; GitHub adds a few fields the REST objects lack. */
function webhookRepository(view: ViewContext, repo: RepoRecord): Record<string, unknown> {
  return { ...repositoryCore(view, repo), custom_properties: {} };
}

// A push payload's repository uses Unix seconds for two timestamps and names the owner also
// by `name`, a shape kept from the early push hooks.
function pushRepository(view: ViewContext, repo: RepoRecord): Record<string, unknown> {
  const base = webhookRepository(view, repo);
  const owner = base["owner"] as Record<string, unknown>;
  return {
    ...base,
    owner: { ...owner, name: repo.owner, email: null },
    created_at: Math.floor(Date.parse(repo.createdAt) / 1000),
    pushed_at: Math.floor(Date.parse(repo.pushedAt) / 1000),
    stargazers: 0,
    master_branch: repo.defaultBranch,
  };
}

function body(view: ViewContext, event: DomainEvent): { action: string | undefined; fields: Record<string, unknown> } {
  const repo = repoRecord(view, event.repo);
  switch (event.event) {
    case "issues": {
      const issue = issueOf(repo, event.number);
      const fields: Record<string, unknown> = { issue: issueView(view, repo, issue) };
      if (event.label) fields["label"] = labelView(view, event.repo, event.label);
      if (event.assignee !== undefined) fields["assignee"] = userView(view, event.assignee);
      if (event.changes) fields["changes"] = event.changes;
      return { action: event.action, fields };
    }
    case "issue_comment": {
      const issue = issueOf(repo, event.number);
      const fields: Record<string, unknown> = { issue: issueView(view, repo, issue), comment: commentView(view, repo, issue, event.comment) };
      if (event.changes) fields["changes"] = event.changes;
      return { action: event.action, fields };
    }
    case "label":
      return { action: event.action, fields: { label: labelView(view, event.repo, event.label) } };
    case "pull_request": {
      const issue = issueOf(repo, event.number);
      const fields: Record<string, unknown> = { number: issue.number, pull_request: pullView(view, repo, issue) };
      if (event.label) fields["label"] = labelView(view, event.repo, event.label);
      if (event.assignee !== undefined) fields["assignee"] = userView(view, event.assignee);
      if (event.before !== undefined) fields["before"] = event.before;
      if (event.after !== undefined) fields["after"] = event.after;
      if (event.changes !== undefined) fields["changes"] = event.changes;
      return { action: event.action, fields };
    }
    case "pull_request_review": {
      const issue = issueOf(repo, event.number);
      const review = issue.pull?.reviews.find((r) => r.id === event.reviewId);
      if (!review) throw new Error(`webhook for unknown review ${event.reviewId}`);
      return { action: event.action, fields: { review: reviewView(view, repo, issue, review), pull_request: pullView(view, repo, issue) } };
    }
    case "check_run": {
      const run = repo.checkRuns.find((r) => r.id === event.checkRunId);
      if (!run) throw new Error(`webhook for unknown check run ${event.checkRunId}`);
      return { action: event.action, fields: { check_run: checkRunView(view, repo, run) } };
    }
    case "workflow_run": {
      const run = repo.runs.find((r) => r.id === event.runId);
      const workflow = run && repo.workflows.find((w) => w.id === run.workflowId);
      if (!run || !workflow) throw new Error(`webhook for unknown run ${event.runId}`);
      return { action: event.action, fields: { workflow: workflowView(view, repo, workflow), workflow_run: runView(view, repo, run) } };
    }
    case "workflow_job": {
      const run = repo.runs.find((r) => r.id === event.runId);
      const job = run?.jobs.find((j) => j.id === event.jobId);
      if (!run || !job) throw new Error(`webhook for unknown job ${event.jobId}`);
      return { action: event.action, fields: { workflow_job: jobView(view, repo, run, job) } };
    }
    case "repository_dispatch":
      return { action: event.eventType, fields: { branch: event.branch, client_payload: event.clientPayload } };
    case "push":
      return { action: undefined, fields: pushFields(view, repo, event) };
  }
}

function pushFields(view: ViewContext, repo: RepoRecord, event: Extract<DomainEvent, { event: "push" }>): Record<string, unknown> {
  const fullName = `${repo.owner}/${repo.name}`;
  const commit = (c: (typeof event.commits)[number]) => ({
    id: c.id,
    tree_id: c.treeId,
    distinct: true,
    message: c.message,
    timestamp: c.timestamp,
    url: `${repoWeb(view.urls, fullName)}/commit/${c.id}`,
    author: c.author,
    committer: c.committer,
    added: c.added,
    removed: c.removed,
    modified: c.modified,
  });
  const commits = event.commits.map(commit);
  const created = event.before === ZERO_SHA;
  const deleted = event.after === ZERO_SHA;
  const short = (sha: string) => sha.slice(0, 12);
  return {
    ref: event.ref,
    before: event.before,
    after: event.after,
    created,
    deleted,
    forced: event.forced,
    base_ref: null,
    compare: created
      ? `${repoWeb(view.urls, fullName)}/commit/${short(event.after)}`
      : `${repoWeb(view.urls, fullName)}/compare/${short(event.before)}...${short(event.after)}`,
    commits,
    head_commit: commits[commits.length - 1] ?? null,
    repository: pushRepository(view, repo),
    pusher: { name: event.actor.login, email: null },
  };
}

export function renderWebhook(view: ViewContext, event: DomainEvent, installation: InstallationRecord | undefined): RenderedWebhook {
  const repo = repoRecord(view, event.repo);
  const { action, fields } = body(view, event);
  const payload: Record<string, unknown> = {};
  if (action !== undefined) payload["action"] = action;
  Object.assign(payload, fields);
  payload["repository"] ??= webhookRepository(view, repo);
  payload["sender"] = userView(view, event.actor.login);
  if (installation !== undefined) payload["installation"] = simpleInstallation(installation);
  return { event: event.event, action, payload };
}
