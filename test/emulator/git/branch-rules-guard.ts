// The branch rules a move of a branch through the API must keep (../state/branch-rules.ts),
// with the git facts they need read here: whether the move is a fast-forward, and whether it
// brings merge commits. A push is held to the same rules by the pre-receive hook.
import type { Core } from "../http/handler.js";
import { branchMoveViolations, ruleViolationMessage, rulesHolding } from "../state/branch-rules.js";
import type { Actor } from "../state/events.js";
import { ZERO_SHA } from "./bare-repo.js";

/** GitHub's refusal of moving `ref` from `before` (undefined: a new ref) to `after` by `actor`, or undefined. */
export async function branchRuleRefusal(core: Core, repo: string, ref: string, before: string | undefined, after: string, actor: Actor): Promise<string | undefined> {
  const record = core.state.repos[repo];
  if (record === undefined || !ref.startsWith("refs/heads/") || after === ZERO_SHA) return undefined;
  const rules = rulesHolding(record, ref.slice("refs/heads/".length), actor);
  if (rules.length === 0) return undefined;
  const git = core.git(repo);
  const fastForward = before === undefined || (await git.isAncestor(before, after));
  const merges = await git.git(["rev-list", "--merges", after, ...(before === undefined ? ["--not", "--all"] : [`^${before}`])]);
  const violations = branchMoveViolations(rules, { fastForward, bringsMergeCommits: merges.trim() !== "" });
  return violations.length === 0 ? undefined : ruleViolationMessage(violations);
}
