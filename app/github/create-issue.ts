// Opening an issue: escalations are issues people are mentioned in.
import type { GitHubClient } from "./github-client.js";
import type { RepoRef } from "./issue-comments.js";

export interface NewIssue {
  readonly title: string;
  readonly body: string;
  readonly labels?: readonly string[];
}

export async function createIssue(github: GitHubClient, repo: RepoRef, issue: NewIssue): Promise<{ number: number; html_url: string }> {
  const { data } = await github.request("POST /repos/{owner}/{repo}/issues", {
    ...repo, title: issue.title, body: issue.body, ...(issue.labels && issue.labels.length > 0 ? { labels: [...issue.labels] } : {}),
  });
  const created = data as { number: number; html_url: string };
  return { number: created.number, html_url: created.html_url };
}
