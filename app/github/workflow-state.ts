// A workflow's state as GitHub keeps it: `active`, or disabled by a person, by GitHub after 60
// days without activity, or in a fork; a disabled workflow starts no run and refuses a dispatch.
// https://docs.github.com/en/rest/actions/workflows#get-a-workflow
import { unlessAbsent, type GitHubClient } from "./github-client.js";
import type { RepoRef } from "./issue-comments.js";

/** The state of `.github/workflows/<file>`; undefined when GitHub knows no such workflow (404). */
export async function workflowState(github: GitHubClient, repo: RepoRef, file: string): Promise<string | undefined> {
  const answer = await unlessAbsent(() => github.request("GET /repos/{owner}/{repo}/actions/workflows/{workflow_id}", {
    owner: repo.owner, repo: repo.repo, workflow_id: file,
  }), undefined);
  return answer === undefined ? undefined : (answer.data as { state: string }).state;
}
