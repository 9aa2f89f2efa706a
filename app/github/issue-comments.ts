// Comments on an issue: the App's one sticky status comment, edited in place, and plain replies.
import { statusOf, unlessAbsent, type GitHubClient } from "./github-client.js";
import { pages, PER_PAGE } from "./pages.js";

export interface RepoRef {
  readonly owner: string;
  readonly repo: string;
}

export interface IssueRef extends RepoRef {
  readonly issue_number: number;
}

/** Starts the body of the App's status comment on an issue, so the App finds it again. */
export const STATUS_MARKER = "<!-- gastown:status -->";

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
  return await upsertMarkedComment(github, issue, STATUS_MARKER, body, options);
}

/** The App's one comment on the issue that starts with `marker` (the status comment, a convoy's), written as upsertStatusComment writes its. */
export async function upsertMarkedComment(
  github: GitHubClient, issue: IssueRef, marker: string, body: string, options: { botLogin?: string } = {},
): Promise<UpsertedComment> {
  const stored = body.startsWith(marker) ? body : `${marker}\n${body}`;
  const [existing, ...extra] = await findMarkedComments(github, issue, marker, options.botLogin);
  // Two events landing at the same instant can each post one; the oldest stays, the rest go.
  for (const duplicate of extra) await deleteComment(github, issue, duplicate.id);
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

/** A comment as a reader of a whole thread needs it: who wrote it (and whether a person), and what. */
export interface ThreadComment {
  readonly login: string;
  /** GitHub's account type: `User`, `Bot`, `Organization`. */
  readonly type: string;
  readonly body: string;
}

/** Every comment on the issue, oldest first, page by page. */
export async function listIssueComments(github: GitHubClient, issue: IssueRef): Promise<ThreadComment[]> {
  const all: ThreadComment[] = [];
  for await (const comments of commentPages(github, issue)) {
    for (const comment of comments) all.push({ login: comment.user?.login ?? "", type: comment.user?.type ?? "", body: comment.body ?? "" });
  }
  return all;
}

/**
 * Whether the App already wrote a comment that starts with `marker` on the issue: what it writes
 * once (an exit's comment) is looked for before it is written again.
 */
export async function hasMarkedComment(github: GitHubClient, issue: IssueRef, marker: string, botLogin: string): Promise<boolean> {
  return (await findMarkedComments(github, issue, marker, botLogin)).length > 0;
}

/**
 * The bot comments that start with the marker, oldest first, on the first page that has any
 * (reading page by page until then): the status comment, and any duplicates beside it.
 */
async function findMarkedComments(github: GitHubClient, issue: IssueRef, marker: string, botLogin: string | undefined): Promise<ListedComment[]> {
  for await (const comments of commentPages(github, issue)) {
    const found = comments.filter((comment) =>
      comment.body?.startsWith(marker) === true &&
      comment.user?.type === "Bot" &&
      (botLogin === undefined || comment.user.login === botLogin));
    if (found.length > 0) return found;
  }
  return [];
}

/** The issue's comments, oldest first, a page at a time. */
function commentPages(github: GitHubClient, issue: IssueRef): AsyncGenerator<readonly ListedComment[]> {
  return pages(async (page) => (await github.request("GET /repos/{owner}/{repo}/issues/{issue_number}/comments", {
    owner: issue.owner, repo: issue.repo, issue_number: issue.issue_number, per_page: PER_PAGE, page,
  })).data as ListedComment[]);
}

async function deleteComment(github: GitHubClient, issue: IssueRef, commentId: number): Promise<void> {
  // Gone already (404): another copy of the App cleaned it up.
  await unlessAbsent(() => github.request("DELETE /repos/{owner}/{repo}/issues/comments/{comment_id}", {
    owner: issue.owner, repo: issue.repo, comment_id: commentId,
  }), undefined);
}
