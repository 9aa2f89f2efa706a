// What the merge queue reads of a pull request: its state, head and base, and the paths its
// changes touch (GitHub refuses an App's merge of a change to `.github/workflows/`). GitHub's
// answers only; app/town/merge-queue.ts and queue-guard.ts decide.
import { unlessAbsent, type GitHubClient } from "./github-client.js";
import type { RepoRef } from "./issue-comments.js";

export interface PullRequestFacts {
  readonly number: number;
  readonly title: string;
  readonly state: "open" | "closed";
  readonly merged: boolean;
  /** Who opened it. */
  readonly author: string;
  readonly head: { readonly ref: string; readonly sha: string; readonly repository: string | null };
  readonly base: { readonly ref: string; readonly sha: string };
}

/** The pull request, or undefined when there is none of that number. */
export async function readPullRequest(github: GitHubClient, repo: RepoRef & { pullNumber: number }): Promise<PullRequestFacts | undefined> {
  const answer = await unlessAbsent(() => github.request("GET /repos/{owner}/{repo}/pulls/{pull_number}", {
    owner: repo.owner, repo: repo.repo, pull_number: repo.pullNumber,
  }), undefined);
  if (answer === undefined) return undefined;
  const pull = answer.data as {
    number: number; title: string; state: string; merged?: boolean; merged_at: string | null; user: { login: string } | null;
    head: { ref: string; sha: string; repo: { full_name: string } | null }; base: { ref: string; sha: string };
  };
  return {
    number: pull.number, title: pull.title, state: pull.state === "closed" ? "closed" : "open", merged: pull.merged ?? pull.merged_at !== null,
    author: pull.user?.login ?? "ghost",
    head: { ref: pull.head.ref, sha: pull.head.sha, repository: pull.head.repo?.full_name ?? null },
    base: { ref: pull.base.ref, sha: pull.base.sha },
  };
}

/** GitHub lists at most this many files in a comparison. */
export const COMPARE_FILES_LIMIT = 300;

/**
 * The paths the change from `base` to `head` touches (since their merge base, as a pull request
 * shows it), a renamed file's old path too; `complete` is false when GitHub listed only its first
 * COMPARE_FILES_LIMIT files.
 */
export async function changedPaths(github: GitHubClient, repo: RepoRef & { base: string; head: string }): Promise<{ paths: string[]; complete: boolean }> {
  const { data } = await github.request("GET /repos/{owner}/{repo}/compare/{basehead}", {
    owner: repo.owner, repo: repo.repo, basehead: `${repo.base}...${repo.head}`,
  });
  const files = (data as { files?: { filename: string; previous_filename?: string }[] }).files ?? [];
  const paths = files.flatMap((file) => (file.previous_filename ? [file.filename, file.previous_filename] : [file.filename]));
  return { paths: [...new Set(paths)], complete: files.length < COMPARE_FILES_LIMIT };
}
