// An issue as GitHub renders it (`issue`), and its comments (`issue-comment`). A pull request
// is an issue too, and the issues API shows it with a `pull_request` link.
import type { CommentRecord, IssueRecord, RepoRecord } from "../state/model.js";
import { authorAssociation } from "./association.js";
import { fullNameOf, userView, type ViewContext } from "./context.js";
import { labelView } from "./label.js";
import { reactionRollup } from "./reactions.js";
import { repoApi, repoWeb } from "./urls.js";
import { issueWithId } from "../state/sub-issues.js";

// Sub-issues and dependencies may be in another repository of the same owner, so they are
// found by id across the state.
// https://docs.github.com/en/issues/tracking-your-work-with-issues/using-issues/adding-sub-issues
function issueById(view: ViewContext, id: number): IssueRecord | undefined {
  return issueWithId(view.state, id)?.issue;
}

/** Blocking counts go both ways: `blocking` is how many open issues list this one. */
function dependencySummary(view: ViewContext, issue: IssueRecord): Record<string, number> {
  const blockers = issue.blockedBy.map((id) => issueById(view, id)).filter((i): i is IssueRecord => i !== undefined);
  const blocked = Object.values(view.state.repos).flatMap((r) => r.issues.filter((other) => other.blockedBy.includes(issue.id)));
  return {
    blocked_by: blockers.filter((i) => i.state === "open").length,
    blocking: blocked.filter((i) => i.state === "open").length,
    total_blocked_by: blockers.length,
    total_blocking: blocked.length,
  };
}

function subIssueSummary(view: ViewContext, issue: IssueRecord): Record<string, number> {
  const subs = issue.subIssues.map((id) => issueById(view, id)).filter((i): i is IssueRecord => i !== undefined);
  const completed = subs.filter((i) => i.state === "closed").length;
  return { total: subs.length, completed, percent_completed: subs.length === 0 ? 0 : Math.floor((completed * 100) / subs.length) };
}

export function issueView(view: ViewContext, repo: RepoRecord, issue: IssueRecord): Record<string, unknown> {
  const fullName = fullNameOf(repo);
  const api = `${repoApi(view.urls, fullName)}/issues/${issue.number}`;
  const labels = issue.labels
    .map((name) => repo.labels.find((label) => label.name === name))
    .filter((label) => label !== undefined)
    .map((label) => labelView(view, fullName, label));
  const assignees = issue.assignees.map((login) => userView(view, login));
  const parent = issue.parentId === null ? undefined : issueWithId(view.state, issue.parentId);
  const rendered: Record<string, unknown> = {
    url: api,
    repository_url: repoApi(view.urls, fullName),
    labels_url: `${api}/labels{/name}`,
    comments_url: `${api}/comments`,
    events_url: `${api}/events`,
    html_url: `${repoWeb(view.urls, fullName)}/${issue.pull ? "pull" : "issues"}/${issue.number}`,
    id: issue.id,
    node_id: issue.nodeId,
    number: issue.number,
    title: issue.title,
    user: userView(view, issue.user),
    labels,
    state: issue.state,
    locked: issue.locked,
    assignee: assignees[0] ?? null,
    assignees,
    milestone: null,
    comments: issue.comments.length,
    created_at: issue.createdAt,
    updated_at: issue.updatedAt,
    closed_at: issue.closedAt,
    author_association: authorAssociation(repo, issue.user),
    active_lock_reason: null,
    body: issue.body,
    closed_by: issue.closedBy === null ? null : userView(view, issue.closedBy),
    reactions: reactionRollup(`${api}/reactions`, issue.reactions),
    timeline_url: `${api}/timeline`,
    performed_via_github_app: null,
    state_reason: issue.stateReason,
    sub_issues_summary: subIssueSummary(view, issue),
    issue_dependencies_summary: dependencySummary(view, issue),
  };
  if (parent !== undefined) rendered["parent_issue_url"] = `${repoApi(view.urls, parent.repo)}/issues/${parent.issue.number}`;
  if (issue.pull) {
    rendered["draft"] = issue.pull.draft;
    rendered["pull_request"] = {
      url: `${repoApi(view.urls, fullName)}/pulls/${issue.number}`,
      html_url: `${repoWeb(view.urls, fullName)}/pull/${issue.number}`,
      diff_url: `${repoWeb(view.urls, fullName)}/pull/${issue.number}.diff`,
      patch_url: `${repoWeb(view.urls, fullName)}/pull/${issue.number}.patch`,
      merged_at: issue.pull.mergedAt,
    };
  }
  return rendered;
}

export function commentView(view: ViewContext, repo: RepoRecord, issue: IssueRecord, comment: CommentRecord): Record<string, unknown> {
  const fullName = fullNameOf(repo);
  const api = `${repoApi(view.urls, fullName)}/issues/comments/${comment.id}`;
  return {
    id: comment.id,
    node_id: comment.nodeId,
    url: api,
    html_url: `${repoWeb(view.urls, fullName)}/${issue.pull ? "pull" : "issues"}/${issue.number}#issuecomment-${comment.id}`,
    body: comment.body,
    user: userView(view, comment.user),
    created_at: comment.createdAt,
    updated_at: comment.updatedAt,
    issue_url: `${repoApi(view.urls, fullName)}/issues/${issue.number}`,
    author_association: authorAssociation(repo, comment.user),
    performed_via_github_app: null,
    reactions: reactionRollup(`${api}/reactions`, comment.reactions),
  };
}
