// The sender's role on a repository, for the trust check (app/town/trust.ts).
import { statusOf, type GitHubClient } from "./github-client.js";

const STANDARD_ROLES: ReadonlySet<string> = new Set(["admin", "maintain", "write", "triage", "read"]);

/** `role_name` (admin, maintain, write, triage or read; for a custom role, the `permission` it is based on), or undefined when no collaborator. */
export async function repositoryRole(github: GitHubClient, owner: string, repo: string, username: string): Promise<string | undefined> {
  try {
    const { data } = await github.request("GET /repos/{owner}/{repo}/collaborators/{username}/permission", { owner, repo, username });
    const { permission, role_name: role } = data as { permission?: string; role_name?: string };
    if (permission === "none") return undefined;
    // A custom role's name means nothing to the trust check; its base permission does.
    return role !== undefined && STANDARD_ROLES.has(role) ? role : permission;
  } catch (error) {
    if (statusOf(error) === 404) return undefined;
    throw error;
  }
}
