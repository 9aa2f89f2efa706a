// Sending the mirror's edit of an issue: the fields of a bead that GitHub lacks, in one request.
import type { IssueEdit } from "../mirror/bead-issue-sync.js";
import type { GitHubClient } from "./github-client.js";
import type { IssueRef } from "./issue-comments.js";

export async function editIssue(github: GitHubClient, issue: IssueRef, edit: IssueEdit): Promise<void> {
  await github.request("PATCH /repos/{owner}/{repo}/issues/{issue_number}", { ...issue, ...edit });
}
