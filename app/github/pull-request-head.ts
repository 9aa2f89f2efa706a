// The branch a pull request comes from: how a comment on a polecat's pull request leads back to
// its polecat (the branch is `polecat/<name>/<bead>`).
import { unlessAbsent, type GitHubClient } from "./github-client.js";
import type { RepoRef } from "./issue-comments.js";

export interface PullRequestHead {
  /** The branch name, without `refs/heads/`. */
  readonly ref: string;
  /** `owner/name` of the repository the branch is in; null when that repository was deleted. */
  readonly repository: string | null;
}

/** The pull request's head, or undefined when there is no such pull request. */
export async function pullRequestHead(github: GitHubClient, repo: RepoRef & { pullNumber: number }): Promise<PullRequestHead | undefined> {
  const answer = await unlessAbsent(() => github.request("GET /repos/{owner}/{repo}/pulls/{pull_number}", {
    owner: repo.owner, repo: repo.repo, pull_number: repo.pullNumber,
  }), undefined);
  if (answer === undefined) return undefined;
  const head = (answer.data as { head: { ref: string; repo: { full_name: string } | null } }).head;
  return { ref: head.ref, repository: head.repo?.full_name ?? null };
}
