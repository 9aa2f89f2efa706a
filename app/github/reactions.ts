// A reaction on an issue or on one of its comments: how the App acknowledges a command.
import type { GitHubClient } from "./github-client.js";
import type { IssueRef, RepoRef } from "./issue-comments.js";

export type ReactionContent = "eyes" | "+1" | "confused" | "rocket";

/** The issue itself, or one comment on it (comment ids are unique in a repository). */
export type ReactionTarget = IssueRef | (RepoRef & { comment_id: number });

/**
 * Adds the App's reaction. GitHub answers 200 instead of 201 when the App has already reacted
 * so; both leave one reaction, so reacting again is harmless.
 */
export async function react(
  github: GitHubClient, target: ReactionTarget, content: ReactionContent,
): Promise<{ id: number }> {
  const { data } = "comment_id" in target
    ? await github.request("POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions", {
      owner: target.owner, repo: target.repo, comment_id: target.comment_id, content,
    })
    : await github.request("POST /repos/{owner}/{repo}/issues/{issue_number}/reactions", {
      owner: target.owner, repo: target.repo, issue_number: target.issue_number, content,
    });
  return { id: (data as { id: number }).id };
}
