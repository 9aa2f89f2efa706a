// Commit statuses: report one on a commit, read a ref's combined status and its statuses.
// https://docs.github.com/en/rest/commits/statuses
import type { ApiRequest, Core, Handlers } from "../http/handler.js";
import { paginate } from "../http/pagination.js";
import { failure, json, type ApiResponse } from "../http/responses.js";
import { createCommitStatus, statusesOf, type CommitStatusInput } from "../state/commit-statuses.js";
import { fail, notFound } from "../state/result.js";
import { combinedStatusView, statusView } from "../views/commit-status.js";
import { body, fullName, repoOf, respond } from "./respond.js";

/** The branches whose tip is `sha`, as the `status` webhook lists them. */
async function branchesAt(core: Core, repo: string, sha: string): Promise<string[]> {
  const refs = await core.git(repo).refs();
  return [...refs.entries()].filter(([name, tip]) => name.startsWith("refs/heads/") && tip === sha).map(([name]) => name.slice("refs/heads/".length)).sort();
}

async function create(request: ApiRequest, core: Core): Promise<ApiResponse> {
  const repo = fullName(request);
  const git = core.git(repo);
  const sha = request.params["sha"] ?? "";
  // https://docs.github.com/en/rest/commits/statuses#create-a-commit-status — the commit must exist.
  if ((await git.objectType(sha)) !== "commit") return failure(fail(422, `No commit found for SHA: ${sha}`), request.documentationUrl);
  const commit = await git.readCommit(sha);
  const branches = await branchesAt(core, repo, sha);
  return respond(core, request, 201, (state) => createCommitStatus(state, repo, commit, body<CommitStatusInput>(request), branches, request.actor, core.timestamp()), (status) =>
    statusView(core.view(), repoOf(core, request), status),
  );
}

/** The commit a `{ref}` names (a sha, a branch, a tag), or undefined. */
function commitOf(core: Core, request: ApiRequest): Promise<string | undefined> {
  return core.git(fullName(request)).resolveCommit(request.params["ref"] ?? "");
}

export const statusHandlers: Handlers = {
  "repos/create-commit-status": create,

  "repos/get-combined-status-for-ref": async (request, core) => {
    const sha = await commitOf(core, request);
    if (sha === undefined) return failure(notFound(), request.documentationUrl);
    return json(200, combinedStatusView(core.view(), repoOf(core, request), sha));
  },

  "repos/list-commit-statuses-for-ref": async (request, core) => {
    const sha = await commitOf(core, request);
    if (sha === undefined) return failure(notFound(), request.documentationUrl);
    const repo = repoOf(core, request);
    const page = paginate(statusesOf(repo, sha), request.query, request.url);
    return json(200, page.items.map((status) => statusView(core.view(), repo, status)), page.headers);
  },
};
