// Listings read with conditional requests: each page is asked for with the ETag of the answer
// seen last time, and GitHub answers a page that has not changed with 304, no body, and no
// charge to the rate limit. The issues are listed in creation order, oldest first, so a new issue
// changes only the last page and an edit only the page that holds the issue; the comments from a
// time on, in the order they were last updated, so a look when none was made or edited since is
// one free 304.
// https://docs.github.com/en/rest/using-the-rest-api/best-practices-for-using-the-rest-api#use-conditional-requests-if-appropriate
import type { ListedComment } from "../mirror/drift-comments.js";
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
  /** What the page was asked for beyond its number (a `since`): a page asked for otherwise is another. */
  readonly query?: string;
  readonly items: readonly unknown[];
}

/** Pages kept between looks: a process's memory, or nothing (then every page is read whole). */
export interface PageCache {
  get(key: string): CachedPage | undefined;
  set(key: string, page: CachedPage): void;
}

/** What a listing read: its items, and at what cost. */
export interface Listing<T> {
  readonly items: readonly T[];
  readonly requests: number;
  /** Pages GitHub answered 304: unchanged since the cached answer, and free. */
  readonly notModified: number;
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

interface ListingRequest {
  readonly route: string;
  readonly parameters: Record<string, unknown>;
  /** The cache's key of the listing; the page number is added to it. */
  readonly key: string;
  /** What else tells the listing's pages from another's under the same key. */
  readonly query?: string;
}

/** Every page of a listing, reading again only those that changed. */
async function listConditionally<T>(github: GitHubClient, listing: ListingRequest, cache: PageCache | undefined): Promise<Listing<T>> {
  const items: T[] = [];
  let requests = 0;
  let notModified = 0;
  for (let page = 1; ; page++) {
    const key = `${listing.key}?page=${page}`;
    const found = cache?.get(key);
    const cached = found !== undefined && found.query === listing.query ? found : undefined;
    requests++;
    let listed: readonly T[];
    try {
      const answer = await github.request(listing.route, {
        ...listing.parameters, per_page: PER_PAGE, page,
        ...(cached ? { headers: { "if-none-match": cached.etag } } : {}),
      }) as { data: unknown; headers?: Record<string, string | undefined> };
      listed = answer.data as T[];
      const etag = answer.headers?.etag;
      if (etag !== undefined) cache?.set(key, { etag, items: listed, ...(listing.query === undefined ? {} : { query: listing.query }) });
    } catch (error) {
      // Octokit throws on 304: the page is as it was.
      if (statusOf(error) !== 304 || cached === undefined) throw error;
      notModified++;
      listed = cached.items as readonly T[];
    }
    items.push(...listed);
    if (listed.length < PER_PAGE) return { items, requests, notModified };
  }
}

/** Every issue of `repo`, open and closed, reading again only the pages that changed. */
export async function listIssues(github: GitHubClient, repo: RepoRef, cache?: PageCache): Promise<IssueListing> {
  const listing = await listConditionally<ListedIssue>(github, {
    route: "GET /repos/{owner}/{repo}/issues",
    parameters: { ...repo, state: "all", sort: "created", direction: "asc" },
    key: `${repo.owner}/${repo.repo}/issues`,
  }, cache);
  return { issues: listing.items.filter((issue) => issue.pull_request === undefined), requests: listing.requests, notModified: listing.notModified };
}

/**
 * The comments of `repo` made or edited at `since` or later, least recently updated first. Each
 * page's key serves every `since`, so the cache holds one listing per repository however often
 * the time moves.
 */
export async function listCommentsSince(github: GitHubClient, repo: RepoRef, since: string, cache?: PageCache): Promise<Listing<ListedComment>> {
  return await listConditionally<ListedComment>(github, {
    route: "GET /repos/{owner}/{repo}/issues/comments",
    parameters: { ...repo, sort: "updated", direction: "asc", since },
    key: `${repo.owner}/${repo.repo}/issues/comments`,
    query: since,
  }, cache);
}

/**
 * When the repository's most recently updated comment was last updated, by GitHub's clock; undefined
 * when it has none. One request, for where the comment listing starts the first time.
 */
export async function newestCommentUpdate(github: GitHubClient, repo: RepoRef): Promise<string | undefined> {
  const { data } = await github.request("GET /repos/{owner}/{repo}/issues/comments", { ...repo, sort: "updated", direction: "desc", per_page: 1 });
  return (data as readonly ListedComment[])[0]?.updated_at;
}
