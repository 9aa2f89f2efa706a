// The App as itself (JWT): who it is, where it is installed, and installation tokens.
import type { Handlers } from "../http/handler.js";
import { paginate } from "../http/pagination.js";
import { failure, json } from "../http/responses.js";
import { INSTALLATION_TOKEN_SECONDS, mintInstallationToken } from "../state/tokens.js";
import type { AppPermissions, EmulatorState, RepoRecord } from "../state/model.js";
import { installationView, integrationView } from "../views/app.js";
import { repositoryCore } from "../views/repository.js";
import { fail } from "../state/result.js";

function reposNamed(state: EmulatorState, names: readonly string[]): RepoRecord[] {
  return names.map((name) => state.repos[name]).filter((repo): repo is RepoRecord => repo !== undefined);
}

type TokenBody = { repositories?: string[]; repository_ids?: number[]; permissions?: AppPermissions };

export const appHandlers: Handlers = {
  "apps/get-authenticated": (_request, core) => json(200, integrationView(core.view())),

  "apps/list-installations": (request, core) => {
    const page = paginate(core.state.installations, request.query, request.url);
    return json(200, page.items.map((installation) => installationView(core.view(), installation)), page.headers);
  },

  "apps/get-installation": (request, core) => {
    const installation = core.state.installations.find((i) => String(i.id) === request.params["installation_id"]);
    return installation ? json(200, installationView(core.view(), installation)) : failure(fail(404, "Not Found"), request.documentationUrl);
  },

  "apps/get-repo-installation": (request, core) => {
    const installation = core.state.installations.find((i) => request.repo !== undefined && i.repositories.includes(request.repo));
    return installation ? json(200, installationView(core.view(), installation)) : failure(fail(404, "Not Found"), request.documentationUrl);
  },

  "apps/create-installation-access-token": (request, core) => {
    const body = (request.body ?? {}) as TokenBody;
    const expiresAt = new Date(core.now().getTime() + INSTALLATION_TOKEN_SECONDS * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
    const result = core.apply((state) =>
      mintInstallationToken(state, {
        installationId: Number(request.params["installation_id"]),
        token: core.secret("ghs_"),
        expiresAt,
        ...(body.repositories === undefined ? {} : { repositories: body.repositories }),
        ...(body.repository_ids === undefined ? {} : { repositoryIds: body.repository_ids }),
        ...(body.permissions === undefined ? {} : { permissions: body.permissions }),
      }),
    );
    if (!result.ok) return failure(result, request.documentationUrl);
    const token = result.value;
    const installation = core.state.installations.find((i) => i.id === token.installationId);
    const narrowed = body.repositories !== undefined || body.repository_ids !== undefined;
    const answer: Record<string, unknown> = {
      token: token.token,
      expires_at: token.expiresAt,
      permissions: { ...token.permissions, metadata: "read" },
      repository_selection: narrowed ? "selected" : installation?.repositorySelection ?? "selected",
    };
    if (narrowed) {
      answer["repositories"] = reposNamed(core.state, token.repositories).map((repo) => repositoryCore(core.view(), repo));
    }
    return json(201, answer);
  },

  "apps/list-repos-accessible-to-installation": (request, core) => {
    if (request.principal.kind !== "token" || request.principal.token.kind !== "installation") {
      return failure(fail(403, "Resource not accessible by integration"), request.documentationUrl);
    }
    const token = request.principal.token;
    const installation = core.state.installations.find((i) => i.id === token.installationId);
    const repos = reposNamed(core.state, token.repositories);
    const page = paginate(repos, request.query, request.url);
    const repositories = page.items.map((repo) => repositoryCore(core.view(), repo));
    const selection = installation?.repositorySelection === "all" && repos.length === installation.repositories.length ? "all" : "selected";
    return json(200, { total_count: repos.length, repository_selection: selection, repositories }, page.headers);
  },
};
