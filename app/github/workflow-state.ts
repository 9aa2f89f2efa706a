// A workflow as GitHub keeps it: its state (`active`, or disabled by a person, by GitHub after 60
// days without activity, or in a fork: a disabled workflow starts no run and refuses a dispatch),
// and its file at the ref a dispatch reads it from.
// https://docs.github.com/en/rest/actions/workflows#get-a-workflow
import { fileText } from "./file-text.js";
import { unlessAbsent, type GitHubClient } from "./github-client.js";
import type { RepoRef } from "./issue-comments.js";

/** The state of `.github/workflows/<file>`; undefined when GitHub knows no such workflow (404). */
export async function workflowState(github: GitHubClient, repo: RepoRef, file: string): Promise<string | undefined> {
  const answer = await unlessAbsent(() => github.request("GET /repos/{owner}/{repo}/actions/workflows/{workflow_id}", {
    owner: repo.owner, repo: repo.repo, workflow_id: file,
  }), undefined);
  return answer === undefined ? undefined : (answer.data as { state: string }).state;
}

/**
 * The text of `.github/workflows/<file>` at `ref`, where a dispatch on that ref reads it;
 * undefined when it (or the ref) is not there.
 */
export async function workflowFileText(github: GitHubClient, repo: RepoRef, file: string, ref: string): Promise<string | undefined> {
  return fileText(github, repo, `.github/workflows/${file}`, ref);
}
