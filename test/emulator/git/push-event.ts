// A ref that moved, as the `push` event GitHub sends for it: the commits it brought (oldest
// first, at most 20, as GitHub lists them) with the files each added, removed and modified.
// https://docs.github.com/en/webhooks/webhook-events-and-payloads#push
import type { Actor, DomainEvent, PushedCommit } from "../state/events.js";
import type { CommitSummary } from "../state/model.js";
import { ZERO_SHA, type BareRepo } from "./bare-repo.js";

// GitHub lists at most 20 commits in a push payload.
const MAX_LISTED_COMMITS = 20;

export async function pushEvent(
  git: BareRepo,
  repo: string,
  update: { ref: string; before: string; after: string },
  actor: Actor,
): Promise<Extract<DomainEvent, { event: "push" }>> {
  const deleted = update.after === ZERO_SHA;
  const forced = !deleted && update.before !== ZERO_SHA && !(await git.isAncestor(update.before, update.after));
  const commits: PushedCommit[] = [];
  if (!deleted) {
    // A new branch lists only the commits no other ref had; an update, those since `before`.
    const from = update.before === ZERO_SHA ? [...(await git.refs()).entries()].filter(([name]) => name !== update.ref).map(([, sha]) => sha) : update.before;
    const shas = await git.commitsBetween(from, update.after);
    for (const sha of shas.slice(-MAX_LISTED_COMMITS)) commits.push(await pushedCommit(git, sha));
  }
  return { event: "push", repo, actor, ref: update.ref, before: update.before, after: update.after, commits, forced };
}

/** A commit as pushes and runs show it. */
export async function commitSummary(git: BareRepo, sha: string): Promise<CommitSummary> {
  const commit = await git.readCommit(sha);
  return {
    id: sha,
    treeId: commit.tree,
    message: commit.message.replace(/\n$/, ""),
    timestamp: commit.committer.date,
    author: { name: commit.author.name, email: commit.author.email },
    committer: { name: commit.committer.name, email: commit.committer.email },
  };
}

async function pushedCommit(git: BareRepo, sha: string): Promise<PushedCommit> {
  const commit = await git.readCommit(sha);
  return { ...(await commitSummary(git, sha)), ...(await git.changedFiles(commit.parents[0], sha)) };
}
