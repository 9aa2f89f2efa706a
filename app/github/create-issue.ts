// Opening an issue: escalations are issues people are mentioned in. One the App must open once
// carries a marker, and is looked for before it is opened again.
import type { GitHubClient } from "./github-client.js";
import type { RepoRef } from "./issue-comments.js";
import { pages, PER_PAGE } from "./pages.js";

export interface NewIssue {
  readonly title: string;
  readonly body: string;
  readonly labels?: readonly string[];
}

export interface OpenedIssue {
  readonly number: number;
  readonly html_url: string;
}

export async function createIssue(github: GitHubClient, repo: RepoRef, issue: NewIssue): Promise<OpenedIssue> {
  const { data } = await github.request("POST /repos/{owner}/{repo}/issues", {
    ...repo, title: issue.title, body: issue.body, ...(issue.labels && issue.labels.length > 0 ? { labels: [...issue.labels] } : {}),
  });
  const created = data as { number: number; html_url: string };
  return { number: created.number, html_url: created.html_url };
}

interface ListedIssue {
  readonly number: number;
  readonly html_url: string;
  readonly body?: string | null;
  readonly user: { readonly login: string } | null;
}

// A time the App or a runner wrote is its clock, an issue's or a comment's is GitHub's: a margin
// for the two to disagree.
const CLOCK_SKEW_MS = 10 * 60_000;

/** Where to start listing for what was made at or after `at` (by another clock). */
export function listedSince(at: string | undefined): string {
  const time = Date.parse(at ?? "");
  return new Date(Number.isFinite(time) ? time - CLOCK_SKEW_MS : 0).toISOString();
}

/**
 * The issues updated since `since`, of every state, page by page: with `label`, those carrying
 * it; with `creator`, those GitHub says that login opened (callers check the opener on each
 * issue too). Listed, not searched: search is eventually consistent and may miss what was opened
 * a moment ago.
 */
export function issuesOpenedSince<T>(
  github: GitHubClient, repo: RepoRef, wanted: { since: string; label?: string; creator?: string },
): AsyncGenerator<readonly T[]> {
  return pages(async (page) => (await github.request("GET /repos/{owner}/{repo}/issues", {
    owner: repo.owner, repo: repo.repo,
    ...(wanted.label !== undefined ? { labels: wanted.label } : {}),
    ...(wanted.creator !== undefined ? { creator: wanted.creator } : {}),
    state: "all", since: wanted.since, per_page: PER_PAGE, page,
  })).data as T[]);
}

/**
 * Whether an issue body the App wrote is marked `marker`: its last line, since the agent's text
 * quoted above it may hold another exit's or message's marker, copied to hide that one's issue.
 */
export function isMarkedBody(body: string | null | undefined, marker: string): boolean {
  return body?.trimEnd().endsWith(marker) === true;
}

/** The issue `creator` opened with `label` since `since` whose body is marked `marker`. */
export async function findMarkedIssue(
  github: GitHubClient, repo: RepoRef, wanted: { label: string; since: string; marker: string; creator: string },
): Promise<OpenedIssue | undefined> {
  for await (const issues of issuesOpenedSince<ListedIssue>(github, repo, { label: wanted.label, since: wanted.since })) {
    const found = issues.find((issue) => issue.user?.login === wanted.creator && isMarkedBody(issue.body, wanted.marker));
    if (found) return { number: found.number, html_url: found.html_url };
  }
  return undefined;
}
