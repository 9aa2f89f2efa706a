// A pull request as GitHub renders it (`pull-request`; lists use the same object) and its
// reviews (`pull-request-review`).
import type { IssueRecord, PullRecord, RepoRecord, ReviewCommentRecord, ReviewRecord } from "../state/model.js";
import { authorAssociation } from "./association.js";
import { fullNameOf, userView, type ViewContext } from "./context.js";
import { labelView } from "./label.js";
import { reactionRollup } from "./reactions.js";
import { repositoryCore } from "./repository.js";
import { repoApi, repoWeb } from "./urls.js";

/**
 * `mergeable_state` from what is known: "unknown" until GitHub has computed mergeability,
 * "dirty" on conflicts, "draft" for a draft, else "clean".
 * https://docs.github.com/en/rest/guides/using-the-rest-api-to-interact-with-your-git-database#checking-mergeability-of-pull-requests
 */
export function mergeableState(pull: PullRecord): string {
  if (pull.facts.mergeable === null) return "unknown";
  if (!pull.facts.mergeable) return "dirty";
  return pull.draft ? "draft" : "clean";
}

function branchView(view: ViewContext, repo: RepoRecord, ref: string, sha: string): Record<string, unknown> {
  return { label: `${repo.owner}:${ref}`, ref, sha, user: userView(view, repo.owner), repo: repositoryCore(view, repo) };
}

export function pullView(view: ViewContext, repo: RepoRecord, issue: IssueRecord): Record<string, unknown> {
  const pull = issue.pull;
  if (!pull) throw new Error(`#${issue.number} is not a pull request`);
  const fullName = fullNameOf(repo);
  const api = `${repoApi(view.urls, fullName)}/pulls/${issue.number}`;
  const issueApi = `${repoApi(view.urls, fullName)}/issues/${issue.number}`;
  const html = `${repoWeb(view.urls, fullName)}/pull/${issue.number}`;
  const statuses = `${repoApi(view.urls, fullName)}/statuses/${pull.headSha}`;
  const assignees = issue.assignees.map((login) => userView(view, login));
  return {
    url: api,
    id: issue.id,
    node_id: issue.nodeId,
    html_url: html,
    diff_url: `${html}.diff`,
    patch_url: `${html}.patch`,
    issue_url: issueApi,
    commits_url: `${api}/commits`,
    review_comments_url: `${api}/comments`,
    review_comment_url: `${repoApi(view.urls, fullName)}/pulls/comments{/number}`,
    comments_url: `${issueApi}/comments`,
    statuses_url: statuses,
    number: issue.number,
    state: issue.state,
    locked: issue.locked,
    title: issue.title,
    user: userView(view, issue.user),
    body: issue.body,
    labels: issue.labels
      .map((name) => repo.labels.find((label) => label.name === name))
      .filter((label) => label !== undefined)
      .map((label) => labelView(view, fullName, label)),
    milestone: null,
    active_lock_reason: null,
    created_at: issue.createdAt,
    updated_at: issue.updatedAt,
    closed_at: issue.closedAt,
    merged_at: pull.mergedAt,
    merge_commit_sha: pull.mergeCommitSha,
    assignee: assignees[0] ?? null,
    assignees,
    requested_reviewers: [],
    requested_teams: [],
    head: branchView(view, repo, pull.headRef, pull.headSha),
    base: branchView(view, repo, pull.baseRef, pull.baseSha),
    _links: {
      self: { href: api },
      html: { href: html },
      issue: { href: issueApi },
      comments: { href: `${issueApi}/comments` },
      review_comments: { href: `${api}/comments` },
      review_comment: { href: `${repoApi(view.urls, fullName)}/pulls/comments{/number}` },
      commits: { href: `${api}/commits` },
      statuses: { href: statuses },
    },
    author_association: authorAssociation(repo, issue.user),
    auto_merge: null,
    draft: pull.draft,
    merged: pull.merged,
    mergeable: pull.facts.mergeable,
    rebaseable: pull.facts.mergeable,
    mergeable_state: mergeableState(pull),
    merged_by: pull.mergedBy === null ? null : userView(view, pull.mergedBy),
    comments: issue.comments.length,
    review_comments: pull.reviewComments.length,
    maintainer_can_modify: pull.maintainerCanModify,
    commits: pull.facts.commits,
    additions: pull.facts.additions,
    deletions: pull.facts.deletions,
    changed_files: pull.facts.changedFiles,
  };
}

export function reviewView(view: ViewContext, repo: RepoRecord, issue: IssueRecord, review: ReviewRecord): Record<string, unknown> {
  const fullName = fullNameOf(repo);
  const html = `${repoWeb(view.urls, fullName)}/pull/${issue.number}#pullrequestreview-${review.id}`;
  const pullApi = `${repoApi(view.urls, fullName)}/pulls/${issue.number}`;
  return {
    id: review.id,
    node_id: review.nodeId,
    user: userView(view, review.user),
    body: review.body,
    state: review.state,
    html_url: html,
    pull_request_url: pullApi,
    _links: { html: { href: html }, pull_request: { href: pullApi } },
    // A pending review has no `submitted_at` yet.
    ...(review.submittedAt === null ? {} : { submitted_at: review.submittedAt }),
    commit_id: review.commitId,
    author_association: authorAssociation(repo, review.user),
  };
}

/**
 * A review comment (`pull-request-review-comment`); one on a single line, so the range fields
 * are null and the original place is the place.
 * https://docs.github.com/en/rest/pulls/comments#get-a-review-comment-for-a-pull-request
 */
export function reviewCommentView(view: ViewContext, repo: RepoRecord, issue: IssueRecord, comment: ReviewCommentRecord): Record<string, unknown> {
  const fullName = fullNameOf(repo);
  const api = `${repoApi(view.urls, fullName)}/pulls/comments/${comment.id}`;
  const html = `${repoWeb(view.urls, fullName)}/pull/${issue.number}#discussion_r${comment.id}`;
  const pullApi = `${repoApi(view.urls, fullName)}/pulls/${issue.number}`;
  return {
    url: api,
    pull_request_review_id: comment.reviewId,
    id: comment.id,
    node_id: comment.nodeId,
    diff_hunk: comment.diffHunk,
    path: comment.path,
    position: comment.position,
    original_position: comment.position,
    commit_id: comment.commitId,
    original_commit_id: comment.commitId,
    user: userView(view, comment.user),
    body: comment.body,
    created_at: comment.createdAt,
    updated_at: comment.updatedAt,
    html_url: html,
    pull_request_url: pullApi,
    author_association: authorAssociation(repo, comment.user),
    _links: { self: { href: api }, html: { href: html }, pull_request: { href: pullApi } },
    start_line: null,
    original_start_line: null,
    start_side: null,
    line: comment.line,
    original_line: comment.line,
    side: comment.side,
    subject_type: "line",
    reactions: reactionRollup(`${api}/reactions`, []),
  };
}
