// Each event as the webhook payload GitHub sends for it, rendered from the state right after
// the change. The shapes follow GitHub's webhook schemas (every payload is validated against
// them before it is sent).
// https://docs.github.com/en/webhooks/webhook-events-and-payloads
import type { DomainEvent } from "../state/events.js";
import type { InstallationRecord, IssueRecord, RepoRecord } from "../state/model.js";
import { jobView, runView, workflowView } from "../views/actions.js";
import { installationView, simpleInstallation } from "../views/app.js";
import { checkRunView } from "../views/check-run.js";
import { checkSuiteView } from "../views/check-suite.js";
import { issueWithId } from "../state/sub-issues.js";
import { accountFor } from "../views/context.js";
import { repoRecord, userView, type ViewContext } from "../views/context.js";
import { commentView, issueView } from "../views/issue.js";
import { labelView } from "../views/label.js";
import { pullView, reviewCommentView, reviewView } from "../views/pull.js";
import { repositoryCore } from "../views/repository.js";
import { repoApi, repoWeb } from "../views/urls.js";
import { restCommit } from "../views/contents.js";
import { rulesetFor } from "../state/branch-rules.js";
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

/** An issue found by id in any repository, with its repository as a webhook shows it. */
function issueAndRepo(view: ViewContext, id: number): { issue: Record<string, unknown>; repository: Record<string, unknown> } {
  const found = issueWithId(view.state, id);
  const repo = found && view.state.repos[found.repo];
  if (!found || !repo) throw new Error(`webhook for unknown issue id ${id}`);
  return { issue: issueView(view, repo, found.issue), repository: webhookRepository(view, repo) };
}

// Payloads of an organization's repositories carry the organization (`organization-simple`).
// https://docs.github.com/en/webhooks/webhook-events-and-payloads#organization
function organizationFields(view: ViewContext, repo: RepoRecord): Record<string, unknown> {
  const account = accountFor(view, repo.owner);
  if (account.type !== "Organization") return {};
  const api = `${view.urls.api}/orgs/${account.login}`;
  return {
    organization: {
      login: account.login,
      id: account.id,
      node_id: account.nodeId,
      url: api,
      repos_url: `${api}/repos`,
      events_url: `${api}/events`,
      hooks_url: `${api}/hooks`,
      issues_url: `${api}/issues`,
      members_url: `${api}/members{/member}`,
      public_members_url: `${api}/public_members{/member}`,
      avatar_url: `${view.urls.web}/avatars/u/${account.id}?v=4`,
      description: null,
    },
  };
}

// `create` and `delete` name the ref without its `refs/heads/` or `refs/tags/` prefix.
// https://docs.github.com/en/webhooks/webhook-events-and-payloads#create
const shortRef = (ref: string): string => ref.replace(/^refs\/(heads|tags)\//, "");

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
    // https://docs.github.com/en/webhooks/webhook-events-and-payloads#pull_request_review_comment
    case "pull_request_review_comment": {
      const issue = issueOf(repo, event.number);
      const comment = issue.pull?.reviewComments.find((c) => c.id === event.commentId);
      if (!comment) throw new Error(`webhook for unknown review comment ${event.commentId}`);
      return { action: event.action, fields: { comment: reviewCommentView(view, repo, issue, comment), pull_request: pullView(view, repo, issue) } };
    }
    case "check_run": {
      const run = repo.checkRuns.find((r) => r.id === event.checkRunId);
      if (!run) throw new Error(`webhook for unknown check run ${event.checkRunId}`);
      return { action: event.action, fields: { check_run: checkRunView(view, repo, run) } };
    }
    case "check_suite":
      return { action: event.action, fields: { check_suite: checkSuiteView(view, repo, event.checkSuiteId) } };
    case "status":
      return { action: undefined, fields: statusFields(view, repo, event) };
    case "sub_issues": {
      const parent = issueAndRepo(view, event.parentId);
      const sub = issueAndRepo(view, event.subIssueId);
      const other = event.action.startsWith("sub_issue") ? { sub_issue_repo: sub.repository } : { parent_issue_repo: parent.repository };
      return {
        action: event.action,
        fields: { parent_issue_id: event.parentId, parent_issue: parent.issue, sub_issue_id: event.subIssueId, sub_issue: sub.issue, ...other, ...organizationFields(view, repo) },
      };
    }
    case "issue_dependencies": {
      const blocked = issueAndRepo(view, event.blockedId);
      const blocking = issueAndRepo(view, event.blockingId);
      const other = event.action.startsWith("blocked_by") ? { blocking_issue_repo: blocking.repository } : { blocked_issue_repo: blocked.repository };
      return {
        action: event.action,
        fields: {
          blocked_issue_id: event.blockedId,
          blocked_issue: blocked.issue,
          blocking_issue_id: event.blockingId,
          blocking_issue: blocking.issue,
          ...other,
          ...organizationFields(view, repo),
        },
      };
    }
    case "create":
      return {
        action: undefined,
        fields: { ref: shortRef(event.ref), ref_type: event.refType, master_branch: repo.defaultBranch, description: repo.description, pusher_type: "user" },
      };
    case "delete":
      return { action: undefined, fields: { ref: shortRef(event.ref), ref_type: event.refType, pusher_type: "user" } };
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

// https://docs.github.com/en/webhooks/webhook-events-and-payloads#status
function statusFields(view: ViewContext, repo: RepoRecord, event: Extract<DomainEvent, { event: "status" }>): Record<string, unknown> {
  const status = repo.statuses.find((s) => s.id === event.statusId);
  if (!status) throw new Error(`webhook for unknown status ${event.statusId}`);
  const fullName = `${repo.owner}/${repo.name}`;
  const commit = restCommit(view, fullName, event.commit);
  return {
    id: status.id,
    sha: status.sha,
    name: fullName,
    target_url: status.targetUrl,
    avatar_url: userView(view, status.creator).avatar_url,
    context: status.context,
    description: status.description,
    state: status.state,
    commit,
    branches: event.branches.map((name) => ({ name, commit: { sha: status.sha, url: `${repoApi(view.urls, fullName)}/commits/${status.sha}` }, protected: rulesetFor(repo, name) !== undefined })),
    created_at: status.createdAt,
    updated_at: status.updatedAt,
  };
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

/** What the App is told about its own installation; sent whatever it subscribes to. */
export type InstallationEvent =
  | { event: "installation"; action: "created"; installationId: number; sender: string }
  | { event: "installation_repositories"; action: "added" | "removed"; installationId: number; sender: string; added: string[]; removed: string[] };

// Repositories as installation payloads list them: id, node_id, name, full_name, private.
// https://docs.github.com/en/webhooks/webhook-events-and-payloads#installation_repositories
function installedRepository(view: ViewContext, fullName: string): Record<string, unknown> {
  const repo = repoRecord(view, fullName);
  return { id: repo.id, node_id: repo.nodeId, name: repo.name, full_name: fullName, private: repo.private };
}

export function renderInstallationWebhook(view: ViewContext, event: InstallationEvent): RenderedWebhook {
  const installation = view.state.installations.find((i) => i.id === event.installationId);
  if (!installation) throw new Error(`webhook for unknown installation ${event.installationId}`);
  const fields: Record<string, unknown> =
    event.event === "installation"
      ? { repositories: installation.repositories.map((r) => installedRepository(view, r)), requester: null }
      : {
          repository_selection: installation.repositorySelection,
          repositories_added: event.added.map((r) => installedRepository(view, r)),
          repositories_removed: event.removed.map((r) => installedRepository(view, r)),
          requester: null,
        };
  const payload = { action: event.action, installation: installationView(view, installation), ...fields, sender: userView(view, event.sender) };
  return { event: event.event, action: event.action, payload };
}
