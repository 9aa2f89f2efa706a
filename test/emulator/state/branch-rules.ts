// Branch rules, as a repository ruleset holds them, and what they refuse: moving a branch other
// than through a pull request's merge, force-pushing, merge commits, and merging a pull request
// that lacks its approvals or its passing checks. Who is on a ruleset's bypass list is spared.
// Git facts (fast-forward or not, merge commits brought, up to date or not) come in from the
// edge; the decisions are here.
// https://docs.github.com/en/repositories/configuring-branches-and-merges-in-your-repository/managing-rulesets/available-rules-for-rulesets
// https://docs.github.com/en/rest/repos/rules#get-rules-for-a-branch
import type { Actor } from "./events.js";
import { checkRunAppId } from "./check-runs.js";
import type { BranchRule, BranchRuleset, EmulatorState, PullRecord, RepoRecord } from "./model.js";
import { allocateId } from "./result.js";

/**
 * Puts `rules` on `branch` (replacing what it had; no rules removes them), with the Apps (by
 * slug) and people (by login) who bypass them. The test's own move: a bad setup throws.
 */
export function setBranchRules(state: EmulatorState, fullName: string, branch: string, rules: readonly BranchRule[], bypass: readonly string[]): EmulatorState {
  if (!state.repos[fullName]) throw new Error(`no repository ${fullName}`);
  const draft = structuredClone(state);
  const repo = draft.repos[fullName] as RepoRecord;
  const previous = repo.rulesets.find((r) => r.branch === branch);
  repo.rulesets = repo.rulesets.filter((r) => r.branch !== branch);
  if (rules.length > 0) repo.rulesets.push({ id: previous?.id ?? allocateId(draft), branch, rules: structuredClone([...rules]), bypass: [...bypass] });
  return draft;
}

export function rulesetFor(repo: RepoRecord, branch: string): BranchRuleset | undefined {
  return repo.rulesets.find((r) => r.branch === branch);
}

/** An App is on the list by its slug (its bot acts as `<slug>[bot]`), a person by login. */
export function bypasses(ruleset: BranchRuleset, actor: Actor): boolean {
  return ruleset.bypass.some((entry) => entry === actor.login || `${entry}[bot]` === actor.login);
}

/** The rules that hold `actor` on `branch`: none for one who bypasses them. */
export function rulesHolding(repo: RepoRecord, branch: string, actor: Actor): BranchRule[] {
  const ruleset = rulesetFor(repo, branch);
  return ruleset === undefined || bypasses(ruleset, actor) ? [] : ruleset.rules;
}

function ruleOf<T extends BranchRule["type"]>(rules: readonly BranchRule[], type: T): Extract<BranchRule, { type: T }> | undefined {
  return rules.find((rule): rule is Extract<BranchRule, { type: T }> => rule.type === type);
}

// Each rule's own sentence, as GitHub lists it under "Repository rule violations found".
export const THROUGH_PULL_REQUEST = "Changes must be made through a pull request.";
export const NO_FORCE_PUSH = "Cannot force-push to this branch";
export const NO_MERGE_COMMITS = "This branch must not contain merge commits.";

/** GitHub's message for refused rules, as the REST API gives it. */
export function ruleViolationMessage(violations: readonly string[]): string {
  return `Repository rule violations found\n\n${violations.join("\n\n")}\n\n`;
}

/** What git says about a branch's move, read at the edge. */
export type BranchMove = { fastForward: boolean; bringsMergeCommits: boolean };

/**
 * The rules a move of the branch (a push, a ref update, the merges API) breaks. Required
 * status checks are held to a pull request's merge only (see pullMergeViolations).
 */
export function branchMoveViolations(rules: readonly BranchRule[], move: BranchMove): string[] {
  const violations: string[] = [];
  if (ruleOf(rules, "pull_request")) violations.push(THROUGH_PULL_REQUEST);
  if (ruleOf(rules, "non_fast_forward") && !move.fastForward) violations.push(NO_FORCE_PUSH);
  if (ruleOf(rules, "required_linear_history") && move.bringsMergeCommits) violations.push(NO_MERGE_COMMITS);
  return violations;
}

/**
 * The rules the pre-receive hook applies for `actor` (../git/pre-receive.ts), one line per
 * ruled branch: `refs/heads/<branch> <rule type>…`.
 */
export function pushRuleLines(repo: RepoRecord, actor: Actor): string {
  return repo.rulesets
    .filter((ruleset) => !bypasses(ruleset, actor))
    .map((ruleset) => [`refs/heads/${ruleset.branch}`, ...ruleset.rules.map((rule) => rule.type)].join(" "))
    .join("\n");
}

const WRITE_ROLES = new Set(["write", "maintain", "admin"]);

/**
 * Approvals that count: each reviewer's latest approving or change-requesting review, from
 * people with write access; with `dismiss_stale_reviews_on_push`, only those of the head.
 */
export function countedApprovals(repo: RepoRecord, pull: PullRecord, dismissStale: boolean): number {
  const latest = new Map<string, PullRecord["reviews"][number]>();
  for (const review of pull.reviews) {
    if (review.state === "APPROVED" || review.state === "CHANGES_REQUESTED") latest.set(review.user, review);
  }
  return [...latest.values()].filter(
    (review) => review.state === "APPROVED" && WRITE_ROLES.has(repo.collaborators[review.user] ?? "") && (!dismissStale || review.commitId === pull.headSha),
  ).length;
}

// A required check passes when it succeeded; GitHub counts a check run that was skipped or
// neutral as passing too.
// https://docs.github.com/en/pull-requests/collaborating-with-pull-requests/collaborating-on-repositories-with-code-quality-features/troubleshooting-required-status-checks
const PASSING_CONCLUSIONS = new Set(["success", "neutral", "skipped"]);

/** The required checks not passing on `sha`: a check run by name (its latest), or a commit status by context. */
export function failingRequiredChecks(state: EmulatorState, repo: RepoRecord, sha: string, rules: readonly BranchRule[]): string[] {
  const required = ruleOf(rules, "required_status_checks")?.parameters.required_status_checks ?? [];
  return required
    .filter(({ context, integration_id: appId }) => {
      const runs = repo.checkRuns.filter((r) => r.headSha === sha && r.name === context && (appId === undefined || checkRunAppId(state, r) === appId));
      const run = runs.reduce<(typeof runs)[number] | undefined>((newest, r) => (newest === undefined || r.id > newest.id ? r : newest), undefined);
      if (run !== undefined && run.status === "completed" && PASSING_CONCLUSIONS.has(run.conclusion ?? "")) return false;
      const statuses = repo.statuses.filter((s) => s.sha === sha && s.context.toLowerCase() === context.toLowerCase());
      const status = statuses.reduce<(typeof statuses)[number] | undefined>((newest, s) => (newest === undefined || s.id > newest.id ? s : newest), undefined);
      return status?.state !== "success";
    })
    .map(({ context }) => context);
}

function checksSentence(failing: readonly string[], required: number): string {
  return failing.length === 1 ? `Required status check "${failing[0] ?? ""}" is expected.` : `${failing.length} of ${required} required status checks are expected.`;
}

function approvalsSentence(count: number): string {
  return count === 1 ? "At least 1 approving review is required by reviewers with write access." : `At least ${count} approving reviews are required by reviewers with write access.`;
}

// With the strict policy the head must contain the base's tip. The sentence is the emulator's.
export const OUT_OF_DATE = "Head branch is out of date with the base branch. Update it and try the merge again.";

/**
 * What keeps a pull request from being merged into its base with `method` by `actor`: missing
 * approvals, required checks not passing on the head (and, with the strict policy, a head
 * behind its base), a merge commit where history must stay linear.
 */
export function pullMergeViolations(
  state: EmulatorState,
  repo: RepoRecord,
  pull: PullRecord,
  method: "merge" | "squash" | "rebase",
  actor: Actor,
  facts: { headContainsBase: boolean },
): string[] {
  const rules = rulesHolding(repo, pull.baseRef, actor);
  const violations: string[] = [];
  const reviews = ruleOf(rules, "pull_request")?.parameters;
  if (reviews !== undefined && countedApprovals(repo, pull, reviews.dismiss_stale_reviews_on_push === true) < reviews.required_approving_review_count) {
    violations.push(approvalsSentence(reviews.required_approving_review_count));
  }
  const checks = ruleOf(rules, "required_status_checks")?.parameters;
  if (checks !== undefined) {
    const failing = failingRequiredChecks(state, repo, pull.headSha, rules);
    if (failing.length > 0) violations.push(checksSentence(failing, checks.required_status_checks.length));
    if (checks.strict_required_status_checks_policy && !facts.headContainsBase) violations.push(OUT_OF_DATE);
  }
  if (ruleOf(rules, "required_linear_history") && method === "merge") violations.push(NO_MERGE_COMMITS);
  return violations;
}
