import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { parse } from "yaml";
import {
  APP_PERMISSIONS, manifestPermissionProblems, permissionFor, requiredPermissions,
} from "./app-permissions.js";
import { HANDLED_EVENTS } from "../../app/gastown-app.js";
import { cleanContractNock, contractNock, GITHUB_API } from "./nock-contract.js";
import { findOperation } from "./rest-contract.js";

afterEach(() => cleanContractNock());

describe("the App permission table", () => {
  it("lists only real operations that GitHub Apps may call", () => {
    // A request for each listed operation, by the path GitHub's description gives it.
    const samples: Record<string, [string, string]> = {
      "repos/get-collaborator-permission-level": ["GET", "/repos/o/r/collaborators/u/permission"],
      "issues/add-labels": ["POST", "/repos/o/r/issues/1/labels"],
      "issues/remove-label": ["DELETE", "/repos/o/r/issues/1/labels/gt:sling"],
      "issues/list-comments": ["GET", "/repos/o/r/issues/1/comments"],
      "issues/list-comments-for-repo": ["GET", "/repos/o/r/issues/comments"],
      "issues/create-comment": ["POST", "/repos/o/r/issues/1/comments"],
      "issues/create": ["POST", "/repos/o/r/issues"],
      "issues/update-comment": ["PATCH", "/repos/o/r/issues/comments/2"],
      "issues/delete-comment": ["DELETE", "/repos/o/r/issues/comments/2"],
      "reactions/create-for-issue": ["POST", "/repos/o/r/issues/1/reactions"],
      "reactions/create-for-issue-comment": ["POST", "/repos/o/r/issues/comments/2/reactions"],
      "actions/create-workflow-dispatch": ["POST", "/repos/o/r/actions/workflows/gastown-polecat.yml/dispatches"],
      "actions/list-workflow-runs": ["GET", "/repos/o/r/actions/workflows/gastown-polecat.yml/runs"],
      "actions/get-workflow-run": ["GET", "/repos/o/r/actions/runs/3"],
      "actions/cancel-workflow-run": ["POST", "/repos/o/r/actions/runs/3/cancel"],
      "checks/list-for-ref": ["GET", "/repos/o/r/commits/polecat%2Fnux%2Fgt-1/check-runs"],
      "checks/create": ["POST", "/repos/o/r/check-runs"],
      "checks/update": ["PATCH", "/repos/o/r/check-runs/6"],
      "repos/get-combined-status-for-ref": ["GET", "/repos/o/r/commits/gastown-refinery%2Fmain%2F1/status"],
      "actions/list-jobs-for-workflow-run": ["GET", "/repos/o/r/actions/runs/3/jobs"],
      "actions/download-job-logs-for-workflow-run": ["GET", "/repos/o/r/actions/jobs/4/logs"],
      "pulls/get": ["GET", "/repos/o/r/pulls/5"],
      "repos/compare-commits-with-basehead": ["GET", "/repos/o/r/compare/main...fix"],
      "pulls/create": ["POST", "/repos/o/r/pulls"],
      "pulls/list": ["GET", "/repos/o/r/pulls"],
      "pulls/update": ["PATCH", "/repos/o/r/pulls/5"],
      "issues/get": ["GET", "/repos/o/r/issues/1"],
      "issues/list-for-repo": ["GET", "/repos/o/r/issues"],
      "repos/get-content": ["GET", "/repos/o/r/contents/.beads/formulas"],
      "git/get-ref": ["GET", "/repos/o/r/git/ref/heads/gastown/ledger"],
      "git/get-commit": ["GET", "/repos/o/r/git/commits/abc"],
      "git/get-tree": ["GET", "/repos/o/r/git/trees/abc"],
      "git/get-blob": ["GET", "/repos/o/r/git/blobs/abc"],
      "git/create-tree": ["POST", "/repos/o/r/git/trees"],
      "git/create-commit": ["POST", "/repos/o/r/git/commits"],
      "git/create-ref": ["POST", "/repos/o/r/git/refs"],
      "git/update-ref": ["PATCH", "/repos/o/r/git/refs/heads/gastown/ledger"],
      "apps/list-repos-accessible-to-installation": ["GET", "/installation/repositories"],
      "actions/get-workflow": ["GET", "/repos/o/r/actions/workflows/gastown-polecat.yml"],
      "issues/update": ["PATCH", "/repos/o/r/issues/1"],
      "repos/merge": ["POST", "/repos/o/r/merges"],
      "git/delete-ref": ["DELETE", "/repos/o/r/git/refs/heads/gastown-refinery/main/1"],
      "repos/get-branch": ["GET", "/repos/o/r/branches/main"],
      "repos/get-branch-rules": ["GET", "/repos/o/r/rules/branches/main"],
      "pulls/list-reviews": ["GET", "/repos/o/r/pulls/5/reviews"],
      "pulls/merge": ["PUT", "/repos/o/r/pulls/5/merge"],
      "issues/add-sub-issue": ["POST", "/repos/o/r/issues/1/sub_issues"],
      "issues/remove-sub-issue": ["DELETE", "/repos/o/r/issues/1/sub_issue"],
      "issues/add-blocked-by-dependency": ["POST", "/repos/o/r/issues/1/dependencies/blocked_by"],
      "issues/remove-dependency-blocked-by": ["DELETE", "/repos/o/r/issues/1/dependencies/blocked_by/9"],
      "issues/list-sub-issues": ["GET", "/repos/o/r/issues/1/sub_issues"],
      "issues/list-dependencies-blocked-by": ["GET", "/repos/o/r/issues/1/dependencies/blocked_by"],
      "repos/get": ["GET", "/repos/o/r"],
    };
    expect(Object.keys(samples).sort()).toEqual(Object.keys(APP_PERMISSIONS).sort());
    for (const [operationId, [method, path]] of Object.entries(samples)) {
      const operation = findOperation(method, path);
      expect(operation?.operationId).toBe(operationId);
      const xGithub = (operation?.definition as { "x-github"?: { enabledForGitHubApps?: boolean } })["x-github"];
      expect(xGithub?.enabledForGitHubApps, operationId).toBe(true);
    }
  });

  it("fails a test whose code calls an operation the table does not list", async () => {
    const github = contractNock().mock("DELETE", "/repos/octo/town/issues/7/labels", 204);
    const response = await fetch(`${GITHUB_API}/repos/octo/town/issues/7/labels`, { method: "DELETE" });
    expect(response.status).toBe(400);
    expect(() => github.assertAllChecked()).toThrow(
      "issues/remove-all-labels is not in the App permission table (test/fidelity/app-permissions.ts): " +
        "add the permission it needs, and request it in app.yml",
    );
  });

  it("adds up what operations need, write covering read", () => {
    expect(permissionFor("issues/add-labels")).toEqual({ permission: "issues", access: "write" });
    expect(requiredPermissions(["repos/get-collaborator-permission-level", "issues/add-labels"]))
      .toEqual({ issues: "write", metadata: "read" });
  });

  it("holds a manifest to exactly what is used: nothing missing, nothing spare", () => {
    const used = ["repos/get-collaborator-permission-level", "issues/add-labels"];
    expect(manifestPermissionProblems({ issues: "write", metadata: "read" }, used)).toEqual([]);
    expect(manifestPermissionProblems({ issues: "read", contents: "write" }, used)).toEqual([
      "issues: the App needs write, app.yml asks for read",
      "metadata: the App needs read, app.yml asks for nothing",
      "contents: app.yml asks for write, but no operation in use needs it",
    ]);
  });

  it("subscribes app.yml to exactly the events the App handles", () => {
    const manifest = parse(readFileSync(new URL("../../app.yml", import.meta.url), "utf8")) as { default_events?: string[] };
    const handled = [...new Set(HANDLED_EVENTS.map((name) => name.split(".")[0]))].sort();
    expect([...(manifest.default_events ?? [])].sort()).toEqual(handled);
  });

  it("is what app.yml asks for: every permission the table needs and no other", () => {
    const manifest = parse(readFileSync(new URL("../../app.yml", import.meta.url), "utf8")) as {
      default_permissions?: Record<string, string>;
    };
    expect(manifestPermissionProblems(manifest.default_permissions ?? {}, Object.keys(APP_PERMISSIONS))).toEqual([]);
  });
});
