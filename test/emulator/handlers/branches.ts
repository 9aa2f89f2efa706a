// A branch and the rules that apply to it.
// https://docs.github.com/en/rest/branches/branches#get-a-branch
// https://docs.github.com/en/rest/repos/rules#get-rules-for-a-branch
import type { Handlers } from "../http/handler.js";
import { paginate } from "../http/pagination.js";
import { failure, json } from "../http/responses.js";
import { fail } from "../state/result.js";
import { branchRuleViews, branchView } from "../views/branch.js";
import { fullName, repoOf } from "./respond.js";

export const branchHandlers: Handlers = {
  "repos/get-branch": async (request, core) => {
    const git = core.git(fullName(request));
    const name = request.params["branch"] ?? "";
    const sha = await git.resolveRef(`refs/heads/${name}`);
    if (sha === undefined) return failure(fail(404, "Branch not found"), request.documentationUrl);
    return json(200, branchView(core.view(), repoOf(core, request), name, await git.readCommit(sha)));
  },

  // Every rule on the branch, whoever asks (bypassing changes what is enforced, not what applies).
  "repos/get-branch-rules": (request, core) => {
    const page = paginate(branchRuleViews(repoOf(core, request), request.params["branch"] ?? ""), request.query, request.url);
    return json(200, page.items, page.headers);
  },
};
