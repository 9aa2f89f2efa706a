// The App permission each REST operation the product uses needs. GitHub's REST description does
// not carry permissions, so this table is kept by hand from GitHub's "Permissions required for
// GitHub Apps" pages. Every request a contract-checked test sends must be listed here, so an
// operation cannot enter the code without someone deciding what permission it costs; app.yml must
// then request exactly the union of what the table says.
import { ContractError } from "./rest-contract.js";

export type Access = "read" | "write";

export interface PermissionNeed {
  /** The App permission's name as app.yml writes it under `default_permissions`. */
  readonly permission: string;
  readonly access: Access;
}

/** By operationId. */
export const APP_PERMISSIONS: Readonly<Record<string, PermissionNeed>> = {
  // Trust checks: whether the sender of a command may drive the town (DESIGN invariant 7).
  "repos/get-collaborator-permission-level": { permission: "metadata", access: "read" },
  // Labels are how people sling work and how state is shown (app/github/issue-labels.ts).
  "issues/add-labels": { permission: "issues", access: "write" },
  "issues/remove-label": { permission: "issues", access: "write" },
  // The App's sticky status comment on an issue, and its replies (app/github/issue-comments.ts).
  "issues/list-comments": { permission: "issues", access: "read" },
  // The drift repair's look at the repository's newest comment (app/github/issue-pages.ts).
  "issues/list-comments-for-repo": { permission: "issues", access: "read" },
  "issues/create-comment": { permission: "issues", access: "write" },
  // Escalations are issues that mention people (/escalate).
  "issues/create": { permission: "issues", access: "write" },
  "issues/update-comment": { permission: "issues", access: "write" },
  // A second status comment, made when two events landed at once, is removed.
  "issues/delete-comment": { permission: "issues", access: "write" },
  // Acknowledging a command or a sling with a reaction (app/github/reactions.ts).
  "reactions/create-for-issue": { permission: "issues", access: "write" },
  "reactions/create-for-issue-comment": { permission: "issues", access: "write" },
  // Polecats are runs of the polecat workflow: dispatched, found, read and cancelled
  // (app/github/polecat-runs.ts).
  "actions/create-workflow-dispatch": { permission: "actions", access: "write" },
  "actions/list-workflow-runs": { permission: "actions", access: "read" },
  "actions/get-workflow-run": { permission: "actions", access: "read" },
  "actions/cancel-workflow-run": { permission: "actions", access: "write" },
  // /peek: a polecat's heartbeat check run (app/github/heartbeat-check-runs.ts), its job's log
  // (app/github/job-logs.ts), and the branch of a pull request it is asked on
  // (app/github/pull-request-head.ts).
  "checks/list-for-ref": { permission: "checks", access: "read" },
  // The merge queue's place on each queued pull request, its `gastown/queue` check run, made and
  // edited in place (app/github/queue-check-run.ts).
  "checks/create": { permission: "checks", access: "write" },
  "checks/update": { permission: "checks", access: "write" },
  "actions/list-jobs-for-workflow-run": { permission: "actions", access: "read" },
  "actions/download-job-logs-for-workflow-run": { permission: "actions", access: "read" },
  "pulls/get": { permission: "pull_requests", access: "read" },
  // The publisher: a polecat's pull request opened, found again by its branch, and updated
  // (app/github/pull-requests.ts); the issue it closes read for its labels
  // (app/github/issue-labels.ts); an escalation issue looked for before it is opened again
  // (app/github/create-issue.ts).
  "pulls/create": { permission: "pull_requests", access: "write" },
  "pulls/list": { permission: "pull_requests", access: "read" },
  "pulls/update": { permission: "pull_requests", access: "write" },
  "issues/get": { permission: "issues", access: "read" },
  "issues/list-for-repo": { permission: "issues", access: "read" },
  // A convoy reads its tracking issue's sub-issues and each one's blockers.
  "issues/list-sub-issues": { permission: "issues", access: "read" },
  "issues/list-dependencies-blocked-by": { permission: "issues", access: "read" },
  // A convoy's sub-issue in another repository: that repository's default branch, to open its town.
  "repos/get": { permission: "metadata", access: "read" },
  // `.github/gastown.yml`, the repository's and the organisation's (app/github/config-files.ts),
  // and the repository's formulas in `.beads/formulas/` (app/github/repository-formulas.ts).
  "repos/get-content": { permission: "contents", access: "read" },
  "repos/compare-commits-with-basehead": { permission: "contents", access: "read" },
  // The ledger branch, read and written by compare-and-swap (app/github/ledger-store.ts).
  "git/get-ref": { permission: "contents", access: "read" },
  "git/get-commit": { permission: "contents", access: "read" },
  "git/get-tree": { permission: "contents", access: "read" },
  "git/get-blob": { permission: "contents", access: "read" },
  "git/create-tree": { permission: "contents", access: "write" },
  "git/create-commit": { permission: "contents", access: "write" },
  "git/create-ref": { permission: "contents", access: "write" },
  "git/update-ref": { permission: "contents", access: "write" },
  // The deacon (app/handlers/deacon-town.ts): the installation's repositories
  // (app/github/installation-repositories.ts), the polecat and patrol workflows' states
  // (app/github/workflow-state.ts), and the town health issue edited in place and closed
  // (app/github/update-issue.ts).
  "apps/list-repos-accessible-to-installation": { permission: "metadata", access: "read" },
  "actions/get-workflow": { permission: "actions", access: "read" },
  "issues/update": { permission: "issues", access: "write" },
  // The refinery (app/handlers/refinery-run.ts): staging branches built with one merge commit per
  // pull request and removed after (app/github/staging-build.ts), the checks, statuses and rules
  // a staging commit is judged by (app/github/staging-facts.ts), the refinery pull request's
  // reviews and merge (app/handlers/refinery-landing.ts).
  "repos/merge": { permission: "contents", access: "write" },
  "git/delete-ref": { permission: "contents", access: "write" },
  "repos/get-branch": { permission: "contents", access: "read" },
  "repos/get-branch-rules": { permission: "metadata", access: "read" },
  "pulls/list-reviews": { permission: "pull_requests", access: "read" },
  "pulls/merge": { permission: "contents", access: "write" },
  "repos/get-combined-status-for-ref": { permission: "statuses", access: "read" },
  // The mirror (app/handlers/mirror-beads.ts): a bead's parent-child link as a sub-issue, its
  // `blocks` links as blocked-by dependencies (app/github/issue-links.ts).
  "issues/add-sub-issue": { permission: "issues", access: "write" },
  "issues/remove-sub-issue": { permission: "issues", access: "write" },
  "issues/add-blocked-by-dependency": { permission: "issues", access: "write" },
  "issues/remove-dependency-blocked-by": { permission: "issues", access: "write" },
};

/** The permission `operationId` needs; a ContractError when the table does not list it. */
export function permissionFor(operationId: string): PermissionNeed {
  const need = APP_PERMISSIONS[operationId];
  if (!need) {
    throw new ContractError(
      `${operationId} is not in the App permission table (test/fidelity/app-permissions.ts): ` +
        "add the permission it needs, and request it in app.yml",
    );
  }
  return need;
}

/** The permissions a set of operations needs together: write covers read. */
export function requiredPermissions(operationIds: Iterable<string>): Record<string, Access> {
  const required: Record<string, Access> = {};
  for (const id of operationIds) {
    const { permission, access } = permissionFor(id);
    if (required[permission] !== "write") required[permission] = access;
  }
  return Object.fromEntries(Object.entries(required).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/**
 * Problems with a manifest's `default_permissions` against what the operations need: each
 * permission missing or too weak, and each one asked for that nothing uses (least privilege).
 */
export function manifestPermissionProblems(
  manifestPermissions: Readonly<Record<string, string>>,
  operationIds: Iterable<string>,
): string[] {
  const needed = requiredPermissions(operationIds);
  const problems: string[] = [];
  for (const [permission, access] of Object.entries(needed)) {
    const asked = manifestPermissions[permission];
    if (asked !== access) problems.push(`${permission}: the App needs ${access}, app.yml asks for ${asked ?? "nothing"}`);
  }
  for (const [permission, asked] of Object.entries(manifestPermissions)) {
    if (!(permission in needed)) problems.push(`${permission}: app.yml asks for ${asked}, but no operation in use needs it`);
  }
  return problems;
}
