// Ledger comments on the issue that mirrors their bead: posted, and found again by their marker
// after a crash between posting one and recording its id.
import { markerCommentId } from "../mirror/mirror-comments.js";
import type { GitHubClient } from "./github-client.js";
import type { IssueRef } from "./issue-comments.js";
import { pages, PER_PAGE } from "./pages.js";

interface ListedComment {
  readonly id: number;
  readonly body?: string;
  readonly user: { readonly login: string } | null;
}

/**
 * The App's comments on the issue updated since `since` that carry a ledger comment's marker:
 * their ids, by the ledger comment's id.
 */
export async function postedLedgerComments(github: GitHubClient, issue: IssueRef, since: string, botLogin: string): Promise<Map<string, number>> {
  const found = new Map<string, number>();
  for await (const comments of pages(async (page) => (await github.request("GET /repos/{owner}/{repo}/issues/{issue_number}/comments", {
    ...issue, since, per_page: PER_PAGE, page,
  })).data as ListedComment[])) {
    for (const comment of comments) {
      const key = markerCommentId(comment.body);
      if (key !== undefined && comment.user?.login === botLogin && !found.has(key)) found.set(key, comment.id);
    }
  }
  return found;
}
