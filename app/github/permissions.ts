// The sender's role on a repository, for the trust check (app/town/trust.ts).
import { unlessAbsent, type GitHubClient } from "./github-client.js";

const STANDARD_ROLES: ReadonlySet<string> = new Set(["admin", "maintain", "write", "triage", "read"]);

/** `role_name` (admin, maintain, write, triage or read; for a custom role, the `permission` it is based on), or undefined when no collaborator. */
export async function repositoryRole(github: GitHubClient, owner: string, repo: string, username: string): Promise<string | undefined> {
  const answer = await unlessAbsent(() => github.request("GET /repos/{owner}/{repo}/collaborators/{username}/permission", { owner, repo, username }), undefined);
  if (answer === undefined) return undefined;
  const { permission, role_name: role } = answer.data as { permission?: string; role_name?: string };
  if (permission === "none") return undefined;
  // A custom role's name means nothing to the trust check; its base permission does.
  return role !== undefined && STANDARD_ROLES.has(role) ? role : permission;
}
