// The open issues with a label that the App opened: its escalations and its town health issue.
// Listed, not searched (search is eventually consistent). The opener is checked on each issue
// listed, as findMarkedIssue does, rather than asked of the `creator` filter with a bot's
// `<slug>[bot]` login: an issue someone else labelled the same is never the App's.
import type { GitHubClient } from "./github-client.js";
import type { RepoRef } from "./issue-comments.js";
import { pages, PER_PAGE } from "./pages.js";

export interface LabelledIssue {
  readonly number: number;
  readonly body: string;
  readonly createdAt: string;
}

interface ListedIssue {
  readonly number: number;
  readonly body?: string | null;
  readonly created_at: string;
  readonly user: { readonly login: string } | null;
  readonly pull_request?: unknown;
}

/** Every open issue (pull requests left out) labelled `label` and opened by `creator`, page by page. */
export async function openIssuesLabelled(github: GitHubClient, repo: RepoRef, wanted: { label: string; creator: string }): Promise<LabelledIssue[]> {
  const issues: LabelledIssue[] = [];
  for await (const listed of pages(async (page) => (await github.request("GET /repos/{owner}/{repo}/issues", {
    owner: repo.owner, repo: repo.repo, labels: wanted.label, state: "open", per_page: PER_PAGE, page,
  })).data as ListedIssue[])) {
    for (const issue of listed) {
      if (issue.pull_request === undefined && issue.user?.login === wanted.creator) issues.push({ number: issue.number, body: issue.body ?? "", createdAt: issue.created_at });
    }
  }
  return issues;
}
