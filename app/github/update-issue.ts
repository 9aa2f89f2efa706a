// Issues edited in place: the town health issue the App keeps (its body, closed), and an issue
// the mirror brings into agreement with its bead.
import type { IssueEdit } from "../mirror/bead-issue-sync.js";
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

/** The mirror's edit of an issue (bead-issue-sync.ts decides it): only the fields it names change. */
export async function editIssue(github: GitHubClient, issue: IssueRef, edit: IssueEdit): Promise<void> {
  await github.request("PATCH /repos/{owner}/{repo}/issues/{issue_number}", { owner: issue.owner, repo: issue.repo, issue_number: issue.issue_number, ...edit });
}
