// The staging branch built on GitHub through the REST API, so the refinery never checks out,
// runs or rewrites repository code: the branch made at the base's tip (`POST …/git/refs`), then
// one merge commit per pull request (`POST …/merges`, which GitHub makes and moves the branch to,
// fast-forward). Each pull request's head is a parent of its merge commit, so when the batch lands
// GitHub sees every head reachable from the base and marks each pull request merged. A head that
// conflicts (409) or that GitHub refuses to merge (403: a change to a workflow file, which no
// token of ours may push) is left out and reported; the rest go on. A head the base holds already
// (GitHub merges nothing: 204) is reported too, so its merge request is recorded as landed.
// https://docs.github.com/en/rest/branches/branches#merge-a-branch
import { refusalOf, statusOf, type GitHubClient } from "./github-client.js";
import type { RepoRef } from "./issue-comments.js";

export interface StagingHead {
  /** The merge request's bead id, to report against. */
  readonly id: string;
  readonly number: number;
  readonly sha: string;
  /** The pull request's own title. */
  readonly title: string;
}

export interface LeftOut {
  readonly id: string;
  readonly why: "conflict" | "refused";
  readonly text: string;
}

export interface StagingBuilt {
  /** The staging branch's tip: the base's, when every head was left out. */
  readonly sha: string;
  readonly leftOut: readonly LeftOut[];
  /** The heads the base holds already (landed by a pass that lost its record, or merged by hand): there is nothing of theirs to test. */
  readonly inBase: readonly string[];
}

export async function buildStaging(github: GitHubClient, repo: RepoRef, staging: { readonly branch: string; readonly baseSha: string; readonly heads: readonly StagingHead[] }): Promise<StagingBuilt> {
  await github.request("POST /repos/{owner}/{repo}/git/refs", { owner: repo.owner, repo: repo.repo, ref: `refs/heads/${staging.branch}`, sha: staging.baseSha });
  let sha = staging.baseSha;
  const leftOut: LeftOut[] = [];
  const inBase: string[] = [];
  for (const head of staging.heads) {
    try {
      const answer = await github.request("POST /repos/{owner}/{repo}/merges", {
        owner: repo.owner, repo: repo.repo, base: staging.branch, head: head.sha,
        commit_message: `Merge #${head.number}: ${head.title}`.slice(0, 200),
      });
      const made = answer.data as { sha?: unknown } | undefined;
      if (typeof made?.sha === "string") sha = made.sha;
      // 204: the head is in the branch already, so nothing moved: in the base, or in a head merged before it (a stacked pull request).
      else if (await baseHolds(github, repo, staging.baseSha, head.sha)) inBase.push(head.id);
    } catch (error) {
      const status = statusOf(error);
      if (status === 409) leftOut.push({ id: head.id, why: "conflict", text: `#${head.number} does not merge cleanly with the others and the base (GitHub answered 409: ${refusalOf(error)})` });
      else if (status === 403 || status === 422) leftOut.push({ id: head.id, why: "refused", text: `GitHub refused to merge #${head.number} (${status}: ${refusalOf(error)})` });
      else throw error;
    }
  }
  return { sha, leftOut, inBase };
}

/** Whether `head` is in the history of `base` (or is it). */
export async function baseHolds(github: GitHubClient, repo: RepoRef, base: string, head: string): Promise<boolean> {
  const { data } = await github.request("GET /repos/{owner}/{repo}/compare/{basehead}", { owner: repo.owner, repo: repo.repo, basehead: `${base}...${head}`, per_page: 1 });
  const status = (data as { status?: string }).status;
  return status === "identical" || status === "behind";
}

/** The staging branch removed once its attempt is over; one already gone is fine. */
export async function deleteStaging(github: GitHubClient, repo: RepoRef, branch: string): Promise<void> {
  try {
    await github.request("DELETE /repos/{owner}/{repo}/git/refs/{ref}", { owner: repo.owner, repo: repo.repo, ref: `heads/${branch}` });
  } catch (error) {
    if (statusOf(error) !== 422 && statusOf(error) !== 404) throw error;
  }
}
