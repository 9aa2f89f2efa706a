// A polecat's pull request: opened once, from its PR branch, and updated on every later attempt.
// GitHub answers 422 to a second pull request for a head that has an open one, so that answer
// means "update the one there".
// https://docs.github.com/en/rest/pulls/pulls#create-a-pull-request
import { statusOf, type GitHubClient } from "./github-client.js";
import type { RepoRef } from "./issue-comments.js";

export interface PullRequestWanted {
  /** The branch the work is on, in the same repository. */
  readonly head: string;
  readonly base: string;
  readonly title: string;
  readonly body: string;
}

export interface PublishedPullRequest {
  readonly number: number;
  readonly created: boolean;
  /** Its labels, by name: none when just opened. */
  readonly labels: readonly string[];
}

export async function openOrUpdatePullRequest(github: GitHubClient, repo: RepoRef, wanted: PullRequestWanted): Promise<PublishedPullRequest> {
  try {
    const { data } = await github.request("POST /repos/{owner}/{repo}/pulls", {
      owner: repo.owner, repo: repo.repo, head: wanted.head, base: wanted.base, title: wanted.title, body: wanted.body,
    });
    return { number: (data as { number: number }).number, created: true, labels: [] };
  } catch (error) {
    if (statusOf(error) !== 422) throw error;
    const open = await openPullRequestFor(github, repo, wanted.head);
    // A 422 for another reason (no commits between the branches, a missing base): GitHub's word stands.
    if (open === undefined) throw error;
    if (open.title !== wanted.title || open.body !== wanted.body) {
      await github.request("PATCH /repos/{owner}/{repo}/pulls/{pull_number}", {
        owner: repo.owner, repo: repo.repo, pull_number: open.number, title: wanted.title, body: wanted.body,
      });
    }
    return { number: open.number, created: false, labels: open.labels.map((label) => label.name) };
  }
}

interface ListedPull {
  readonly number: number;
  readonly title: string;
  readonly body: string | null;
  readonly labels: readonly { readonly name: string }[];
}

/** The open pull request from `branch` of this repository, if any. */
async function openPullRequestFor(github: GitHubClient, repo: RepoRef, branch: string): Promise<ListedPull | undefined> {
  const { data } = await github.request("GET /repos/{owner}/{repo}/pulls", {
    owner: repo.owner, repo: repo.repo, head: `${repo.owner}:${branch}`, state: "open",
  });
  return (data as ListedPull[])[0];
}
