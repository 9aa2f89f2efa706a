// Moving a branch to a commit through the Git Data API, never by force: made the first time
// (`POST …/git/refs`), fast-forwarded after (`PATCH …/git/refs/heads/<branch>`). With an App's
// token either is a push, so the team's workflows run on it; a branch already there is left
// alone, since GitHub sends no event for a move to the commit a ref already has.
// https://docs.github.com/en/rest/git/refs
import { unlessAbsent, type GitHubClient } from "./github-client.js";
import type { RepoRef } from "./issue-comments.js";

/** The commit a branch points at, or undefined when there is no such branch. */
export async function branchTip(github: GitHubClient, repo: RepoRef, branch: string): Promise<string | undefined> {
  const answer = await unlessAbsent(() => github.request("GET /repos/{owner}/{repo}/git/ref/{ref}", {
    owner: repo.owner, repo: repo.repo, ref: `heads/${branch}`,
  }), undefined);
  return answer === undefined ? undefined : (answer.data as { object: { sha: string } }).object.sha;
}

export type BranchMove = "created" | "moved" | "unchanged";

/** Puts `branch` at `sha`, from `current` (its tip as read, or undefined when it is not there). */
export async function moveBranch(github: GitHubClient, repo: RepoRef, branch: string, sha: string, current: string | undefined): Promise<BranchMove> {
  if (current === sha) return "unchanged";
  if (current === undefined) {
    await github.request("POST /repos/{owner}/{repo}/git/refs", { owner: repo.owner, repo: repo.repo, ref: `refs/heads/${branch}`, sha });
    return "created";
  }
  await github.request("PATCH /repos/{owner}/{repo}/git/refs/{ref}", { owner: repo.owner, repo: repo.repo, ref: `heads/${branch}`, sha, force: false });
  return "moved";
}
