// A branch as GitHub renders it (`branch-with-protection`) and the rules that apply to it
// (`repository-rule-detailed`). A branch with rules is `protected`; its classic protection
// shows only the required status checks the rules ask for.
// https://docs.github.com/en/rest/branches/branches#get-a-branch
// https://docs.github.com/en/rest/repos/rules#get-rules-for-a-branch
import type { CommitObject } from "../git/bare-repo.js";
import { rulesetFor } from "../state/branch-rules.js";
import type { BranchRule, RepoRecord } from "../state/model.js";
import { restCommit } from "./contents.js";
import { fullNameOf, type ViewContext } from "./context.js";
import { repoApi, repoWeb } from "./urls.js";

export function branchView(view: ViewContext, repo: RepoRecord, name: string, commit: CommitObject): Record<string, unknown> {
  const fullName = fullNameOf(repo);
  const api = `${repoApi(view.urls, fullName)}/branches/${name}`;
  const ruleset = rulesetFor(repo, name);
  const checks = ruleset?.rules.find((rule) => rule.type === "required_status_checks");
  const contexts = checks?.type === "required_status_checks" ? checks.parameters.required_status_checks : [];
  return {
    name,
    commit: restCommit(view, fullName, commit),
    _links: { self: api, html: `${repoWeb(view.urls, fullName)}/tree/${name}` },
    protected: ruleset !== undefined,
    protection: {
      enabled: ruleset !== undefined,
      required_status_checks: {
        enforcement_level: contexts.length > 0 ? "non_admins" : "off",
        contexts: contexts.map((c) => c.context),
        checks: contexts.map((c) => ({ context: c.context, app_id: c.integration_id ?? null })),
      },
    },
    protection_url: `${api}/protection`,
  };
}

// The REST shape fills in a pull_request rule's parameters GitHub always sends.
function ruleParameters(rule: BranchRule): BranchRule {
  if (rule.type !== "pull_request") return rule;
  return {
    type: rule.type,
    parameters: {
      dismiss_stale_reviews_on_push: false,
      require_code_owner_review: false,
      require_last_push_approval: false,
      required_review_thread_resolution: false,
      allowed_merge_methods: ["merge", "squash", "rebase"],
      ...rule.parameters,
    },
  };
}

export function branchRuleViews(repo: RepoRecord, branch: string): Record<string, unknown>[] {
  const ruleset = rulesetFor(repo, branch);
  if (ruleset === undefined) return [];
  return ruleset.rules.map((rule) => ({ ...ruleParameters(rule), ruleset_source_type: "Repository", ruleset_source: fullNameOf(repo), ruleset_id: ruleset.id }));
}
