// Minting tokens: installation access tokens (what an App acts with), a person's token (set up
// by the test) and each workflow run's GITHUB_TOKEN (minted by ./runs.ts).
import type { Access, AppPermissions, EmulatorState, TokenRecord } from "./model.js";
import { fail, ok, type Result } from "./result.js";

// An installation token lives one hour.
// https://docs.github.com/en/apps/creating-github-apps/authenticating-with-a-github-app/generating-an-installation-access-token-for-a-github-app
export const INSTALLATION_TOKEN_SECONDS = 60 * 60;

export type TokenRequest = {
  installationId: number;
  token: string;
  expiresAt: string;
  repositories?: string[];
  repositoryIds?: number[];
  permissions?: AppPermissions;
};

const RANK: Readonly<Record<Access, number>> = { read: 1, write: 2 };

/**
 * A token for an installation, optionally narrowed to some repositories and permissions. Asking
 * for more than the installation holds is 422, as on GitHub.
 * https://docs.github.com/en/rest/apps/apps#create-an-installation-access-token-for-an-app
 */
export function mintInstallationToken(state: EmulatorState, request: TokenRequest): Result<Extract<TokenRecord, { kind: "installation" }>> {
  const installation = state.installations.find((i) => i.id === request.installationId);
  if (!installation) return fail(404, "Not Found");
  let repositories = installation.repositories;
  if (request.repositories !== undefined || request.repositoryIds !== undefined) {
    const byName = (request.repositories ?? []).map((name) => `${installation.account}/${name}`);
    const byId = (request.repositoryIds ?? []).map((id) => Object.values(state.repos).find((r) => r.id === id));
    const wanted = [...byName, ...byId.map((r) => (r ? `${r.owner}/${r.name}` : ""))];
    if (wanted.some((name) => !installation.repositories.includes(name))) {
      return fail(422, "There is at least one repository that does not exist or is not accessible to the parent installation.");
    }
    repositories = [...new Set(wanted)];
  }
  let permissions = installation.permissions;
  if (request.permissions !== undefined) {
    for (const [name, access] of Object.entries(request.permissions)) {
      const held = installation.permissions[name];
      if (held === undefined || RANK[access] > RANK[held]) {
        return fail(422, "The permissions requested are not granted to this installation.");
      }
    }
    permissions = request.permissions;
  }
  const record = {
    kind: "installation" as const,
    token: request.token,
    installationId: installation.id,
    permissions,
    repositories,
    expiresAt: request.expiresAt,
  };
  return ok({ ...state, tokens: { ...state.tokens, [record.token]: record } }, record);
}

export function addUserToken(state: EmulatorState, login: string, token: string): EmulatorState {
  if (!state.accounts[login]) throw new Error(`no account ${login}`);
  return { ...state, tokens: { ...state.tokens, [token]: { kind: "user", token, login } } };
}
