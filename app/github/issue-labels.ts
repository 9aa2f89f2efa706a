// Labels on an issue: added (GitHub makes a label the repository lacks) and removed one by one.
import { unlessAbsent, type GitHubClient } from "./github-client.js";
import type { IssueRef } from "./issue-comments.js";

type LabelAnswer = readonly ({ readonly name?: string } | string)[];

function labelNames(labels: LabelAnswer): string[] {
  return labels.map((label) => (typeof label === "string" ? label : label.name ?? "")).filter(Boolean);
}

/**
 * Adds the labels to those the issue has; nothing is sent for none. The answer is the labels the
 * issue carries now (GitHub's answer), undefined when nothing was sent.
 */
export async function addLabels(github: GitHubClient, issue: IssueRef, labels: readonly string[]): Promise<string[] | undefined> {
  if (labels.length === 0) return undefined;
  const { data } = await github.request("POST /repos/{owner}/{repo}/issues/{issue_number}/labels", {
    owner: issue.owner, repo: issue.repo, issue_number: issue.issue_number, labels: [...labels],
  });
  return labelNames(data as LabelAnswer);
}

/**
 * Removes the label. The answer is the labels the issue still carries (GitHub's answer), or
 * undefined when it did not have that one (GitHub answers 404): gone already, as wanted.
 */
export async function removeLabel(github: GitHubClient, issue: IssueRef, name: string): Promise<string[] | undefined> {
  const removed = await unlessAbsent(() => github.request("DELETE /repos/{owner}/{repo}/issues/{issue_number}/labels/{name}", {
    owner: issue.owner, repo: issue.repo, issue_number: issue.issue_number, name,
  }), undefined);
  return removed === undefined ? undefined : labelNames(removed.data as LabelAnswer);
}

/**
 * Adds the wanted labels the issue lacks and removes those it has, by its labels as last seen:
 * one after another (GitHub asks integrations not to send writes concurrently), and nothing for
 * what is already as wanted, so a repeated event sends nothing twice.
 */
export async function changeLabels(
  github: GitHubClient, issue: IssueRef, labels: readonly string[], wanted: { readonly add?: readonly string[]; readonly remove?: readonly string[] },
): Promise<void> {
  await addLabels(github, issue, (wanted.add ?? []).filter((label) => !labels.includes(label)));
  for (const label of wanted.remove ?? []) if (labels.includes(label)) await removeLabel(github, issue, label);
}

/** The issue's labels now, by name; undefined when there is no such issue. */
export async function labelsOn(github: GitHubClient, issue: IssueRef): Promise<string[] | undefined> {
  const answer = await unlessAbsent(() => github.request("GET /repos/{owner}/{repo}/issues/{issue_number}", {
    owner: issue.owner, repo: issue.repo, issue_number: issue.issue_number,
  }), undefined);
  if (answer === undefined) return undefined;
  return labelNames((answer.data as { labels: LabelAnswer }).labels);
}
