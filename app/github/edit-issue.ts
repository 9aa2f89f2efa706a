// Sending the mirror's edit of an issue: the fields of a bead that GitHub lacks, in one request.
// The answer is the issue as it now is, for a caller that records what was synced.
import type { IssueEdit } from "../mirror/bead-issue-sync.js";
import type { GitHubClient } from "./github-client.js";
import type { IssueRef } from "./issue-comments.js";

export async function editIssue<T = unknown>(github: GitHubClient, issue: IssueRef, edit: IssueEdit): Promise<T> {
  const { data } = await github.request("PATCH /repos/{owner}/{repo}/issues/{issue_number}", { ...issue, ...edit });
  return data as T;
}
