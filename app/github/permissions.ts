// The sender's role on a repository, for the trust check (app/town/trust.ts).
import { statusOf, type GitHubClient } from "./github-client.js";

/** `role_name` (admin, maintain, write, triage, read or a custom role), or undefined when no collaborator. */
export async function repositoryRole(github: GitHubClient, owner: string, repo: string, username: string): Promise<string | undefined> {
  try {
    const { data } = await github.request("GET /repos/{owner}/{repo}/collaborators/{username}/permission", { owner, repo, username });
    const { permission, role_name: role } = data as { permission?: string; role_name?: string };
    return permission === "none" ? undefined : role;
  } catch (error) {
    if (statusOf(error) === 404) return undefined;
    throw error;
  }
}
