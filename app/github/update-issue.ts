// An issue the App keeps, edited in place and closed: the town health issue.
import type { GitHubClient } from "./github-client.js";
import type { IssueRef } from "./issue-comments.js";

export async function editIssueBody(github: GitHubClient, issue: IssueRef, body: string): Promise<void> {
  await github.request("PATCH /repos/{owner}/{repo}/issues/{issue_number}", { owner: issue.owner, repo: issue.repo, issue_number: issue.issue_number, body });
}

/** Closed as completed: what it reported has been dealt with. */
export async function closeIssue(github: GitHubClient, issue: IssueRef): Promise<void> {
  await github.request("PATCH /repos/{owner}/{repo}/issues/{issue_number}", {
    owner: issue.owner, repo: issue.repo, issue_number: issue.issue_number, state: "closed", state_reason: "completed",
  });
}
