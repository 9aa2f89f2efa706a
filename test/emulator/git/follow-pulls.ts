// After a branch moves, the open pull requests on it follow: a moved head is a new
// `synchronize`, a moved base changes what the pull request would merge. Mergeability is
// computed again either way. A base that moved to contain a pull request's head has merged it,
// however it moved (a push, a ref update, the merges API): GitHub marks it merged by the pusher,
// with the new tip as its merge commit.
import type { Core } from "../http/handler.js";
import type { Actor } from "../state/events.js";
import { followBranches, markMerged } from "../state/pulls.js";
import { ZERO_SHA } from "./bare-repo.js";
import { pullFacts } from "./pull-facts.js";

export async function followPulls(core: Core, repo: string, update: { ref: string; after: string }, actor: Actor): Promise<void> {
  if (!update.ref.startsWith("refs/heads/") || update.after === ZERO_SHA) return;
  const branch = update.ref.slice("refs/heads/".length);
  const git = core.git(repo);
  const open = (core.state.repos[repo]?.issues ?? []).filter((i) => i.pull && i.state === "open" && (i.pull.headRef === branch || i.pull.baseRef === branch));
  for (const issue of open) {
    const pull = issue.pull;
    if (!pull) continue;
    const headSha = pull.headRef === branch ? update.after : pull.headSha;
    const baseSha = pull.baseRef === branch ? update.after : pull.baseSha;
    if (pull.baseRef === branch && (await git.isAncestor(headSha, baseSha))) {
      core.apply((state) => markMerged(state, repo, issue.number, update.after, actor, core.timestamp()));
      continue;
    }
    const facts = await pullFacts(git, baseSha, headSha);
    core.apply((state) => followBranches(state, repo, issue.number, { headSha, baseSha, facts }, actor, core.timestamp()));
  }
}
