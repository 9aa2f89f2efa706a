// Repositories and collaborators.
import type { Handlers } from "../http/handler.js";
import { paginate } from "../http/pagination.js";
import { empty, failure, json } from "../http/responses.js";
import { collaboratorsOf, permissionFlags, reportedPermission, roleOf } from "../state/collaborators.js";
import { notFound } from "../state/result.js";
import { accountFor, userView } from "../views/context.js";
import { fullRepository } from "../views/repository.js";
import { fullName, repoOf } from "./respond.js";

export const repoHandlers: Handlers = {
  "repos/get": (request, core) => json(200, fullRepository(core.view(), repoOf(core, request))),

  "repos/list-collaborators": (request, core) => {
    const collaborators = collaboratorsOf(core.state, fullName(request)).map(([login, role]) => ({
      ...userView(core.view(), login),
      permissions: permissionFlags(role),
      role_name: role,
    }));
    const page = paginate(collaborators, request.query, request.url);
    return json(200, page.items, page.headers);
  },

  // 204 for a collaborator, 404 for anyone else.
  "repos/check-collaborator": (request, core) =>
    roleOf(repoOf(core, request), request.params["username"] ?? "") === null ? failure(notFound(), request.documentationUrl) : empty(204),

  "repos/get-collaborator-permission-level": (request, core) => {
    const login = request.params["username"] ?? "";
    if (!core.state.accounts[login]) return failure(notFound(), request.documentationUrl);
    const repo = repoOf(core, request);
    const { permission, roleName } = reportedPermission(repo, login);
    const role = roleOf(repo, login);
    const user = {
      ...userView(core.view(), accountFor(core.view(), login).login),
      permissions: role === null ? { pull: !repo.private, triage: false, push: false, maintain: false, admin: false } : permissionFlags(role),
      role_name: roleName,
    };
    return json(200, { permission, role_name: roleName, user });
  },
};
