// A tracking issue's sub-issues and an issue's blockers ("blocked by"), as GitHub lists them.
// Both may name issues of other repositories, so each issue comes back with its repository
// (from its URL) and its database `id`, which GitHub's sub-issue and dependency APIs take.
import type { GitHubClient } from "./github-client.js";
import type { IssueRef } from "./issue-comments.js";
import { pages, PER_PAGE } from "./pages.js";

/** An issue as a sub-issue or blocker listing shows it: the whole payload, and where it lives. */
export interface LinkedIssue {
  readonly owner: string;
  readonly repo: string;
  readonly number: number;
  /** The database id. */
  readonly id: number;
  readonly state: "open" | "closed";
  /** GitHub's issue object, as a webhook would carry it. */
  readonly payload: IssuePayloadLike;
}

/** The fields of GitHub's issue object read here; the rest is passed on as it came. */
export interface IssuePayloadLike {
  readonly id: number;
  readonly number: number;
  readonly html_url: string;
  readonly title: string;
  readonly state?: string;
  readonly created_at: string;
  readonly user: { readonly login: string } | null;
  readonly labels?: readonly ({ readonly name?: string } | string)[];
  readonly body?: string | null;
  readonly pull_request?: unknown;
}

/** The tracking issue's sub-issues, in GitHub's order, every page (a parent holds at most 100). */
export async function listSubIssues(github: GitHubClient, issue: IssueRef): Promise<LinkedIssue[]> {
  return await listed(github, "GET /repos/{owner}/{repo}/issues/{issue_number}/sub_issues", issue);
}

/** The issues that block this one. */
export async function listBlockedBy(github: GitHubClient, issue: IssueRef): Promise<LinkedIssue[]> {
  return await listed(github, "GET /repos/{owner}/{repo}/issues/{issue_number}/dependencies/blocked_by", issue);
}

async function listed(github: GitHubClient, route: string, issue: IssueRef): Promise<LinkedIssue[]> {
  const all: LinkedIssue[] = [];
  for await (const page of pages(async (n) => (await github.request(route, {
    owner: issue.owner, repo: issue.repo, issue_number: issue.issue_number, per_page: PER_PAGE, page: n,
  })).data as IssuePayloadLike[])) {
    for (const payload of page) {
      const where = repositoryOfIssueUrl(payload.html_url);
      if (where === undefined) continue;
      all.push({ ...where, number: payload.number, id: payload.id, state: payload.state === "closed" ? "closed" : "open", payload });
    }
  }
  return all;
}

/** `owner` and `repo` of an issue's `html_url` (`https://github.com/<owner>/<repo>/issues/<n>`). */
export function repositoryOfIssueUrl(url: string): { owner: string; repo: string } | undefined {
  const match = /\/([^/]+)\/([^/]+)\/(?:issues|pull)\/\d+$/.exec(url);
  return match ? { owner: match[1] as string, repo: match[2] as string } : undefined;
}
