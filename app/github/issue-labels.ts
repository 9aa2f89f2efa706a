// Labels on an issue: added (GitHub makes a label the repository lacks) and removed one by one.
import { unlessAbsent, type GitHubClient } from "./github-client.js";
import type { IssueRef } from "./issue-comments.js";

/** Adds the labels to those the issue has; nothing is sent for none. */
export async function addLabels(github: GitHubClient, issue: IssueRef, labels: readonly string[]): Promise<void> {
  if (labels.length === 0) return;
  await github.request("POST /repos/{owner}/{repo}/issues/{issue_number}/labels", {
    owner: issue.owner, repo: issue.repo, issue_number: issue.issue_number, labels: [...labels],
  });
}

/** Removes the label; false when the issue did not have it (GitHub answers 404). */
export async function removeLabel(github: GitHubClient, issue: IssueRef, name: string): Promise<boolean> {
  const removed = await unlessAbsent(() => github.request("DELETE /repos/{owner}/{repo}/issues/{issue_number}/labels/{name}", {
    owner: issue.owner, repo: issue.repo, issue_number: issue.issue_number, name,
  }), false);
  return removed !== false;
}

/** The issue's labels now, by name; undefined when there is no such issue. */
export async function labelsOn(github: GitHubClient, issue: IssueRef): Promise<string[] | undefined> {
  const answer = await unlessAbsent(() => github.request("GET /repos/{owner}/{repo}/issues/{issue_number}", {
    owner: issue.owner, repo: issue.repo, issue_number: issue.issue_number,
  }), undefined);
  if (answer === undefined) return undefined;
  const labels = (answer.data as { labels: ({ name?: string } | string)[] }).labels;
  return labels.map((label) => (typeof label === "string" ? label : label.name ?? "")).filter(Boolean);
}
