// Every issue of a repository, in pages of 100, with conditional requests: each page is asked
// for with the ETag of the answer seen last time, and GitHub answers a page that has not changed
// with 304, no body, and no charge to the rate limit. Pages are in creation order, oldest first,
// so a new issue changes only the last page and an edit only the page that holds the issue.
// https://docs.github.com/en/rest/using-the-rest-api/best-practices-for-using-the-rest-api#use-conditional-requests-if-appropriate
import type { GitHubIssue } from "../mirror/issue-shape.js";
import { statusOf, type GitHubClient } from "./github-client.js";
import type { RepoRef } from "./issue-comments.js";
import { PER_PAGE } from "./pages.js";

/** An issue as the listing gives it: pull requests are listed too, with `pull_request`. */
export interface ListedIssue extends GitHubIssue {
  readonly id: number;
  readonly pull_request?: unknown;
  readonly updated_at?: string;
}

/** A page's answer kept with its ETag, for the next look to ask whether it changed. */
export interface CachedPage {
  readonly etag: string;
  readonly issues: readonly ListedIssue[];
}

/** Pages kept between looks: a process's memory, or nothing (then every page is read whole). */
export interface PageCache {
  get(key: string): CachedPage | undefined;
  set(key: string, page: CachedPage): void;
}

export interface IssueListing {
  /** Issues, not pull requests, oldest first. */
  readonly issues: readonly ListedIssue[];
  readonly requests: number;
  /** Pages GitHub answered 304: unchanged since the cached answer, and free. */
  readonly notModified: number;
}

/** A cache in memory, per process: what a server's patrol keeps between passes. */
export function memoryPageCache(): PageCache {
  const pages = new Map<string, CachedPage>();
  return { get: (key) => pages.get(key), set: (key, page) => void pages.set(key, page) };
}

/** Every issue of `repo`, open and closed, reading again only the pages that changed. */
export async function listIssues(github: GitHubClient, repo: RepoRef, cache?: PageCache): Promise<IssueListing> {
  const issues: ListedIssue[] = [];
  let requests = 0;
  let notModified = 0;
  for (let page = 1; ; page++) {
    const key = `${repo.owner}/${repo.repo}/issues?page=${page}`;
    const cached = cache?.get(key);
    requests++;
    let listed: readonly ListedIssue[];
    try {
      const answer = await github.request("GET /repos/{owner}/{repo}/issues", {
        ...repo, state: "all", sort: "created", direction: "asc", per_page: PER_PAGE, page,
        ...(cached ? { headers: { "if-none-match": cached.etag } } : {}),
      }) as { data: unknown; headers?: Record<string, string | undefined> };
      listed = answer.data as ListedIssue[];
      const etag = answer.headers?.etag;
      if (etag !== undefined) cache?.set(key, { etag, issues: listed });
    } catch (error) {
      // Octokit throws on 304: the page is as it was.
      if (statusOf(error) !== 304 || cached === undefined) throw error;
      notModified++;
      listed = cached.issues;
    }
    issues.push(...listed.filter((issue) => issue.pull_request === undefined));
    if (listed.length < PER_PAGE) return { issues, requests, notModified };
  }
}
