// What git says about a pull request: its commits since the merge base, the lines and files
// it changes, and whether it merges cleanly into its base.
import type { PullFacts } from "../state/model.js";
import type { BareRepo } from "./bare-repo.js";

export async function pullFacts(git: BareRepo, baseSha: string, headSha: string): Promise<PullFacts> {
  const commits = (await git.commitsBetween(baseSha, headSha)).length;
  const mergeBase = (await git.mergeBase(baseSha, headSha)) ?? baseSha;
  const numstat = await git.git(["diff", "--numstat", mergeBase, headSha]);
  let additions = 0;
  let deletions = 0;
  let changedFiles = 0;
  for (const line of numstat.split("\n").filter(Boolean)) {
    const [added, removed] = line.split("\t");
    // Binary files count as changed with no lines.
    additions += Number(added) || 0;
    deletions += Number(removed) || 0;
    changedFiles += 1;
  }
  const merge = await git.mergeTrees(baseSha, headSha);
  return { commits, additions, deletions, changedFiles, mergeable: merge.clean };
}
