import { describe, expect, it } from "vitest";
import { permissionFlags, reportedPermission } from "./collaborators.js";
import type { RepoRecord, Role } from "./model.js";

const repo = (isPrivate: boolean, collaborators: Record<string, Role>) => ({ private: isPrivate, collaborators }) as unknown as RepoRecord;

describe("reportedPermission", () => {
  // https://docs.github.com/en/rest/collaborators/collaborators#get-repository-permissions-for-a-user
  it.each([
    ["admin", "admin"],
    ["maintain", "write"],
    ["write", "write"],
    ["triage", "read"],
    ["read", "read"],
  ] as const)("reports role %s as permission %s, role_name keeping the role", (role, permission) => {
    expect(reportedPermission(repo(true, { u: role }), "u")).toEqual({ permission, roleName: role });
  });

  it("reports no role as none on a private repository and read on a public one", () => {
    expect(reportedPermission(repo(true, {}), "u")).toEqual({ permission: "none", roleName: "none" });
    expect(reportedPermission(repo(false, {}), "u")).toEqual({ permission: "read", roleName: "read" });
  });
});

describe("permissionFlags", () => {
  it("includes every level below the role", () => {
    expect(permissionFlags("triage")).toEqual({ pull: true, triage: true, push: false, maintain: false, admin: false });
    expect(permissionFlags("maintain")).toEqual({ pull: true, triage: true, push: true, maintain: true, admin: false });
  });
});
