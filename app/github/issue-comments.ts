// Comments on an issue: the App's one sticky status comment, edited in place, and plain replies.
import { statusOf, type GitHubClient } from "./github-client.js";

export interface RepoRef {
  readonly owner: string;
  readonly repo: string;
}

export interface IssueRef extends RepoRef {
  readonly issue_number: number;
}

/** Starts the body of the App's status comment on an issue, so the App finds it again. */
export const STATUS_MARKER = "<!-- gastown:status -->";

// GitHub's largest page.
const PER_PAGE = 100;

interface ListedComment {
  id: number;
  body?: string;
  user: { login: string; type: string } | null;
}

export interface UpsertedComment {
  readonly id: number;
  /** A new comment was made (none was found, or it was deleted before the edit). */
  readonly created: boolean;
  /** A request wrote the body; false when the comment already said exactly this. */
  readonly changed: boolean;
}

/**
 * Writes `body` as the App's status comment on the issue: edits the one there, or makes it.
 * Only a bot's comment counts (the App's own when `botLogin` is given), so a person who copies
 * the marker into a comment cannot get the App to edit it.
 */
export async function upsertStatusComment(
  github: GitHubClient, issue: IssueRef, body: string, options: { botLogin?: string } = {},
): Promise<UpsertedComment> {
  const stored = body.startsWith(STATUS_MARKER) ? body : `${STATUS_MARKER}\n${body}`;
  const existing = await findStatusComment(github, issue, options.botLogin);
  if (existing !== undefined) {
    if (existing.body === stored) return { id: existing.id, created: false, changed: false };
    try {
      await github.request("PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}", {
        owner: issue.owner, repo: issue.repo, comment_id: existing.id, body: stored,
      });
      return { id: existing.id, created: false, changed: true };
    } catch (error) {
      // Deleted since it was listed: make a new one.
      if (statusOf(error) !== 404) throw error;
    }
  }
  const { id } = await replyToIssue(github, issue, stored);
  return { id, created: true, changed: true };
}

/** One new comment on the issue. */
export async function replyToIssue(github: GitHubClient, issue: IssueRef, body: string): Promise<{ id: number }> {
  const { data } = await github.request("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", {
    owner: issue.owner, repo: issue.repo, issue_number: issue.issue_number, body,
  });
  return { id: (data as { id: number }).id };
}

/** The oldest bot comment that starts with the marker, reading page by page until found. */
async function findStatusComment(github: GitHubClient, issue: IssueRef, botLogin: string | undefined): Promise<ListedComment | undefined> {
  for (let page = 1; ; page++) {
    const { data } = await github.request("GET /repos/{owner}/{repo}/issues/{issue_number}/comments", {
      owner: issue.owner, repo: issue.repo, issue_number: issue.issue_number, per_page: PER_PAGE, page,
    });
    const comments = data as ListedComment[];
    const found = comments.find((comment) =>
      comment.body?.startsWith(STATUS_MARKER) === true &&
      comment.user?.type === "Bot" &&
      (botLogin === undefined || comment.user.login === botLogin));
    if (found !== undefined || comments.length < PER_PAGE) return found;
  }
}
