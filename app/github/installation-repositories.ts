// The repositories an installation covers, for the deacon's pass over the town: every one the
// App was installed on, whether or not it has switched Gas Town on (openTown decides that).
import type { GitHubClient } from "./github-client.js";
import { pages, PER_PAGE } from "./pages.js";

export interface InstallationRepository {
  readonly owner: string;
  readonly repo: string;
  readonly defaultBranch: string;
}

interface ListedRepository {
  readonly name: string;
  readonly owner: { readonly login: string };
  readonly default_branch?: string;
  readonly archived?: boolean;
  readonly disabled?: boolean;
}

/**
 * Every repository the installation's token reaches, page by page. Archived and disabled ones
 * are left out: GitHub refuses every write to them, so nothing could be repaired or reported.
 */
export async function listInstallationRepositories(github: GitHubClient): Promise<InstallationRepository[]> {
  const repositories: InstallationRepository[] = [];
  for await (const listed of pages(async (page) =>
    ((await github.request("GET /installation/repositories", { per_page: PER_PAGE, page })).data as { repositories: ListedRepository[] }).repositories)) {
    for (const repository of listed) {
      if (repository.archived === true || repository.disabled === true) continue;
      repositories.push({ owner: repository.owner.login, repo: repository.name, defaultBranch: repository.default_branch ?? "main" });
    }
  }
  return repositories;
}
