// Whether a principal may call an operation on a repository, answered as GitHub answers:
// a repository the caller cannot see is 404 (GitHub never confirms a private repository
// exists), a missing App permission is 403 "Resource not accessible by integration".
// https://docs.github.com/en/rest/using-the-rest-api/troubleshooting-the-rest-api#404-not-found-for-an-existing-resource
import { roleOf } from "../state/collaborators.js";
import type { EmulatorState } from "../state/model.js";
import { fail, notFound, type Failure } from "../state/result.js";
import { grants, roleCovers, type OperationRule } from "./operation-rules.js";
import type { Principal } from "./principal.js";

export function authorize(
  state: EmulatorState,
  principal: Principal,
  rule: OperationRule,
  repoFullName: string | undefined,
): Failure | undefined {
  if (rule.auth === "jwt") {
    return principal.kind === "app" ? undefined : fail(401, "A JSON web token could not be decoded");
  }
  if (principal.kind === "app") return fail(403, "Resource not accessible by integration");
  const repo = repoFullName === undefined ? undefined : state.repos[repoFullName];
  if (repoFullName !== undefined && !repo) return notFound();
  if (principal.kind === "anonymous") {
    if (!repo) return fail(401, "Requires authentication");
    const readsOnly = rule.role === "read" && rule.needs.every((need) => need.access === "read");
    return !repo.private && readsOnly ? undefined : repo.private ? notFound() : fail(401, "Requires authentication");
  }
  const token = principal.token;
  switch (token.kind) {
    case "installation":
    case "actions": {
      const reachable = token.kind === "installation" ? token.repositories.includes(repoFullName ?? "") : token.repository === repoFullName;
      if (repoFullName !== undefined && !reachable) return notFound();
      if (rule.needs.length > 0 && !rule.needs.some((need) => grants(token.permissions, need))) {
        return fail(403, "Resource not accessible by integration");
      }
      return undefined;
    }
    case "user": {
      if (!repo) return undefined;
      const role = roleOf(repo, token.login);
      if (role === null && repo.private) return notFound();
      if (rule.role !== "read" && !roleCovers(role, rule.role)) return fail(403, "Must have push access to repository.");
      return undefined;
    }
  }
}
