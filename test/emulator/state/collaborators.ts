// A person's role on a repository, and the two ways GitHub reports it.
import type { EmulatorState, RepoRecord, Role } from "./model.js";

export type LegacyPermission = "admin" | "write" | "read" | "none";

/** The role a login holds on a repository, or null when it holds none. */
export function roleOf(repo: RepoRecord, login: string): Role | null {
  return repo.collaborators[login] ?? null;
}

/**
 * GitHub's collaborator-permission API keeps `permission` to the legacy base roles: `maintain`
 * is reported as `write` and `triage` as `read`; only `role_name` names the real role.
 * https://docs.github.com/en/rest/collaborators/collaborators#get-repository-permissions-for-a-user
 * Someone with no role can still read a public repository, and nothing of a private one.
 */
export function reportedPermission(repo: RepoRecord, login: string): { permission: LegacyPermission; roleName: string } {
  const role = roleOf(repo, login);
  if (role === null) return repo.private ? { permission: "none", roleName: "none" } : { permission: "read", roleName: "read" };
  const legacy: Record<Role, LegacyPermission> = { admin: "admin", maintain: "write", write: "write", triage: "read", read: "read" };
  return { permission: legacy[role], roleName: role };
}

/** The `permissions` object a collaborator listing carries: each level the role includes. */
export function permissionFlags(role: Role): { pull: boolean; triage: boolean; push: boolean; maintain: boolean; admin: boolean } {
  const rank: Record<Role, number> = { read: 0, triage: 1, write: 2, maintain: 3, admin: 4 };
  const at = rank[role];
  return { pull: at >= 0, triage: at >= 1, push: at >= 2, maintain: at >= 3, admin: at >= 4 };
}

export function collaboratorsOf(state: EmulatorState, fullName: string): [string, Role][] {
  const repo = state.repos[fullName];
  return repo ? Object.entries(repo.collaborators).sort(([a], [b]) => (a < b ? -1 : 1)) : [];
}
