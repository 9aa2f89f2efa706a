// What each operation the emulator serves demands of its caller: who may call it (the App's JWT
// or a token), the App permission an installation token or GITHUB_TOKEN needs (any one of the
// listed suffices), and the repository role a person's token needs. Kept by hand from GitHub's
// "Permissions required for GitHub Apps" pages:
// https://docs.github.com/en/rest/authentication/permissions-required-for-github-apps
// and each endpoint's "Fine-grained access tokens" section.
import type { Access, Role } from "../state/model.js";

export type PermissionNeed = { permission: string; access: Access };

export type OperationRule =
  | { auth: "jwt" }
  | { auth: "token"; needs: readonly PermissionNeed[]; role: Role };

const jwt: OperationRule = { auth: "jwt" };
const needs = (role: Role, ...alternatives: [string, Access][]): OperationRule => ({
  auth: "token",
  needs: alternatives.map(([permission, access]) => ({ permission, access })),
  role,
});

// Every repository is readable with metadata; reading needs the read role only on a private one.
const META = needs("read", ["metadata", "read"]);
const ISSUES_READ = needs("read", ["issues", "read"], ["pull_requests", "read"]);
// Labels and assignees are triage work; comments and reactions are open to any reader.
const ISSUES_TRIAGE = needs("triage", ["issues", "write"], ["pull_requests", "write"]);
const ISSUES_COMMENT = needs("read", ["issues", "write"], ["pull_requests", "write"]);
const CONTENTS_READ = needs("read", ["contents", "read"]);
const CONTENTS_WRITE = needs("write", ["contents", "write"]);
const PULLS_READ = needs("read", ["pull_requests", "read"]);
const PULLS_WRITE = needs("write", ["pull_requests", "write"]);
const CHECKS_READ = needs("read", ["checks", "read"]);
const CHECKS_WRITE = needs("write", ["checks", "write"]);
const ACTIONS_READ = needs("read", ["actions", "read"]);
const ACTIONS_WRITE = needs("write", ["actions", "write"]);

/** By operationId. An operation missing here is not served (404, reported). */
export const OPERATION_RULES: Readonly<Record<string, OperationRule>> = {
  // The App as itself.
  "apps/get-authenticated": jwt,
  "apps/list-installations": jwt,
  "apps/get-installation": jwt,
  "apps/create-installation-access-token": jwt,
  "apps/get-repo-installation": jwt,
  "apps/list-webhook-deliveries": jwt,
  "apps/redeliver-webhook-delivery": jwt,
  "apps/list-repos-accessible-to-installation": needs("read"),
  "rate-limit/get": needs("read"),

  // Repositories and who may do what.
  "repos/get": META,
  "repos/list-collaborators": META,
  "repos/check-collaborator": META,
  "repos/get-collaborator-permission-level": META,
  "repos/get-content": CONTENTS_READ,
  "repos/create-or-update-file-contents": CONTENTS_WRITE,
  "repos/compare-commits-with-basehead": CONTENTS_READ,
  "repos/compare-commits": CONTENTS_READ,
  "repos/create-dispatch-event": CONTENTS_WRITE,
  "repos/get-branch": CONTENTS_READ,
  "repos/merge": CONTENTS_WRITE,
  "repos/get-branch-rules": META,

  // Commit statuses.
  "repos/create-commit-status": needs("write", ["statuses", "write"]),
  "repos/get-combined-status-for-ref": needs("read", ["statuses", "read"]),
  "repos/list-commit-statuses-for-ref": needs("read", ["statuses", "read"]),

  // Labels.
  "issues/list-labels-for-repo": ISSUES_READ,
  "issues/get-label": ISSUES_READ,
  "issues/create-label": needs("write", ["issues", "write"], ["pull_requests", "write"]),
  "issues/update-label": needs("write", ["issues", "write"], ["pull_requests", "write"]),
  "issues/delete-label": needs("write", ["issues", "write"], ["pull_requests", "write"]),

  // Issues.
  "issues/list-for-repo": needs("read", ["issues", "read"]),
  "issues/get": ISSUES_READ,
  "issues/create": needs("read", ["issues", "write"]),
  "issues/update": needs("triage", ["issues", "write"], ["pull_requests", "write"]),
  "issues/list-comments": ISSUES_READ,
  "issues/list-comments-for-repo": ISSUES_READ,
  "issues/get-comment": ISSUES_READ,
  "issues/create-comment": ISSUES_COMMENT,
  "issues/update-comment": ISSUES_COMMENT,
  "issues/delete-comment": ISSUES_COMMENT,
  "issues/list-labels-on-issue": ISSUES_READ,
  "issues/add-labels": ISSUES_TRIAGE,
  "issues/set-labels": ISSUES_TRIAGE,
  "issues/remove-label": ISSUES_TRIAGE,
  "issues/remove-all-labels": ISSUES_TRIAGE,
  "issues/add-assignees": ISSUES_TRIAGE,
  "issues/remove-assignees": ISSUES_TRIAGE,
  "reactions/list-for-issue": ISSUES_READ,
  "reactions/create-for-issue": ISSUES_COMMENT,
  "reactions/list-for-issue-comment": ISSUES_READ,
  "reactions/create-for-issue-comment": ISSUES_COMMENT,
  "issues/list-sub-issues": needs("read", ["issues", "read"]),
  "issues/add-sub-issue": needs("triage", ["issues", "write"]),
  "issues/remove-sub-issue": needs("triage", ["issues", "write"]),
  "issues/list-dependencies-blocked-by": needs("read", ["issues", "read"]),
  "issues/add-blocked-by-dependency": needs("triage", ["issues", "write"]),
  "issues/remove-dependency-blocked-by": needs("triage", ["issues", "write"]),

  // Git data.
  "git/get-ref": CONTENTS_READ,
  "git/list-matching-refs": CONTENTS_READ,
  "git/create-ref": CONTENTS_WRITE,
  "git/update-ref": CONTENTS_WRITE,
  "git/delete-ref": CONTENTS_WRITE,
  "git/get-blob": CONTENTS_READ,
  "git/create-blob": CONTENTS_WRITE,
  "git/get-tree": CONTENTS_READ,
  "git/create-tree": CONTENTS_WRITE,
  "git/get-commit": CONTENTS_READ,
  "git/create-commit": CONTENTS_WRITE,

  // Pull requests and reviews. Merging writes the base branch, so it is contents work.
  "pulls/list": PULLS_READ,
  "pulls/get": PULLS_READ,
  "pulls/create": PULLS_WRITE,
  "pulls/update": PULLS_WRITE,
  "pulls/merge": CONTENTS_WRITE,
  "pulls/list-reviews": PULLS_READ,
  "pulls/create-review": needs("read", ["pull_requests", "write"]),
  "pulls/submit-review": needs("read", ["pull_requests", "write"]),
  "pulls/list-review-comments": PULLS_READ,
  "pulls/create-review-comment": needs("read", ["pull_requests", "write"]),

  // Check runs.
  "checks/create": CHECKS_WRITE,
  "checks/update": CHECKS_WRITE,
  "checks/get": CHECKS_READ,
  "checks/list-for-ref": CHECKS_READ,

  // Actions.
  "actions/list-repo-workflows": ACTIONS_READ,
  "actions/get-workflow": ACTIONS_READ,
  "actions/create-workflow-dispatch": ACTIONS_WRITE,
  "actions/disable-workflow": ACTIONS_WRITE,
  "actions/enable-workflow": ACTIONS_WRITE,
  "actions/list-workflow-runs": ACTIONS_READ,
  "actions/list-workflow-runs-for-repo": ACTIONS_READ,
  "actions/get-workflow-run": ACTIONS_READ,
  "actions/list-jobs-for-workflow-run": ACTIONS_READ,
  "actions/get-job-for-workflow-run": ACTIONS_READ,
  "actions/download-job-logs-for-workflow-run": ACTIONS_READ,
  "actions/cancel-workflow-run": ACTIONS_WRITE,
  "actions/re-run-workflow": ACTIONS_WRITE,
};

/** Whether `granted` covers `need`: write covers read, and metadata read comes with any install. */
export function grants(granted: Readonly<Record<string, Access>>, need: PermissionNeed): boolean {
  if (need.permission === "metadata" && need.access === "read") return true;
  const has = granted[need.permission];
  return has === "write" || (has === "read" && need.access === "read");
}

const ROLE_RANK: Readonly<Record<Role, number>> = { read: 0, triage: 1, write: 2, maintain: 3, admin: 4 };

export function roleCovers(held: Role | null, needed: Role): boolean {
  return held !== null && ROLE_RANK[held] >= ROLE_RANK[needed];
}
