// The three ways GitHub merges a pull request, done with git plumbing on the bare repository:
// a merge commit, a squash (one commit on the base), or a rebase (each commit replayed).
// https://docs.github.com/en/repositories/configuring-branches-and-merges-in-your-repository/configuring-pull-request-merges/about-merge-methods-on-github
import type { BareRepo, Person } from "./bare-repo.js";

export type MergeMethod = "merge" | "squash" | "rebase";

export type MergeRequest = {
  method: MergeMethod;
  baseSha: string;
  headSha: string;
  title: string;
  message: string;
  /** Who merges (author of merge and squash commits). */
  merger: Person;
};

// The committer GitHub writes on the commits it makes when merging from the web or the API.
export function githubCommitter(date: string): Person {
  return { name: "GitHub", email: "noreply@github.com", date };
}

/** The new tip of the base branch, or undefined when the branches conflict. */
export async function mergeCommit(git: BareRepo, request: MergeRequest): Promise<string | undefined> {
  const committer = githubCommitter(request.merger.date);
  const message = request.message === "" ? `${request.title}\n` : `${request.title}\n\n${request.message}\n`;
  if (request.method === "rebase") return rebase(git, request.baseSha, request.headSha, committer);
  const merged = await git.mergeTrees(request.baseSha, request.headSha);
  if (!merged.clean) return undefined;
  const parents = request.method === "merge" ? [request.baseSha, request.headSha] : [request.baseSha];
  return git.writeCommit({ tree: merged.tree, parents, message, author: request.merger, committer });
}

/** Replays each commit of head onto base, keeping its author and message. */
async function rebase(git: BareRepo, baseSha: string, headSha: string, committer: Person): Promise<string | undefined> {
  let tip = baseSha;
  for (const sha of await git.commitsBetween(baseSha, headSha)) {
    const commit = await git.readCommit(sha);
    const parent = commit.parents[0];
    const replayed = parent === undefined ? { clean: true as const, tree: commit.tree } : await git.mergeTrees(tip, sha, parent);
    if (!replayed.clean) return undefined;
    tip = await git.writeCommit({ tree: replayed.tree, parents: [tip], message: commit.message, author: commit.author, committer });
  }
  return tip;
}
