// A commit the action makes itself, with `git commit-tree`: no index, no work tree, no hooks,
// its identity and a date from the caller's clock, its message given on standard input exactly.
import { actionCommitEnvironment, ACTION_IDENTITY, type GitPerson } from "./action-identity.js";
import type { ActionGit } from "./action-git.js";

export interface ActionCommit {
  readonly tree: string;
  readonly parents: readonly string[];
  readonly message: string;
  readonly at: Date;
  readonly identity?: GitPerson;
}

export async function makeActionCommit(git: ActionGit, commit: ActionCommit): Promise<string> {
  const parents = commit.parents.flatMap((parent) => ["-p", parent]);
  return git.text(["commit-tree", commit.tree, ...parents, "-F", "-"], {
    input: commit.message,
    env: actionCommitEnvironment(commit.at, commit.identity ?? ACTION_IDENTITY),
  });
}

/** The tree a commit holds. */
export function treeOf(git: ActionGit, commit: string): Promise<string> {
  return git.text(["rev-parse", "--verify", "--end-of-options", `${commit}^{tree}`]);
}
