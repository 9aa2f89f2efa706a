// Merging a branch or commit into a branch through the API, with a merge commit GitHub writes:
// 201 with the commit, 204 when the base has the head already, 409 on a conflict, 404 when
// either side does not exist. The base moves as a push by the caller, so the workflow-file guard
// and the branch's rules hold (422 with GitHub's rule message is assumed, as for a ref update).
// https://docs.github.com/en/rest/branches/branches#merge-a-branch
import { workflowCredential } from "../auth/workflows-permission.js";
import { branchRuleRefusal } from "../git/branch-rules-guard.js";
import { mergeCommit } from "../git/merge-pull.js";
import { workflowMoveRefusal } from "../git/workflow-guard.js";
import type { ApiRequest, Core, Handlers } from "../http/handler.js";
import { empty, failure, json, type ApiResponse } from "../http/responses.js";
import { fail } from "../state/result.js";
import { restCommit } from "../views/contents.js";
import { authorOf, body, fullName } from "./respond.js";

async function merge(request: ApiRequest, core: Core): Promise<ApiResponse> {
  const repo = fullName(request);
  const git = core.git(repo);
  const input = body<{ base: string; head: string; commit_message?: string }>(request);
  const refuse = (status: number, message: string) => failure(fail(status, message), request.documentationUrl);
  const baseRef = `refs/heads/${input.base}`;
  const baseSha = await git.resolveRef(baseRef);
  if (baseSha === undefined) return refuse(404, "Base does not exist");
  const headSha = (await git.resolveRef(`refs/heads/${input.head}`)) ?? (await git.resolveCommit(input.head));
  if (headSha === undefined) return refuse(404, "Head does not exist");
  if (await git.isAncestor(headSha, baseSha)) return empty(204);
  const sha = await mergeCommit(git, {
    method: "merge",
    baseSha,
    headSha,
    title: input.commit_message ?? `Merge ${input.head} into ${input.base}`,
    message: "",
    merger: authorOf(core, request.actor),
  });
  if (sha === undefined) return refuse(409, "Merge conflict");
  const workflows = await workflowMoveRefusal(git, workflowCredential(request.principal), baseSha, sha);
  if (workflows !== undefined) return refuse(403, workflows);
  const rules = await branchRuleRefusal(core, repo, baseRef, baseSha, sha, request.actor);
  if (rules !== undefined) return refuse(422, rules);
  if (!(await core.moveRef(repo, baseRef, sha, baseSha, request.actor))) return refuse(409, "Base branch was modified. Review and try the merge again.");
  return json(201, restCommit(core.view(), repo, await git.readCommit(sha)));
}

export const mergeHandlers: Handlers = { "repos/merge": merge };

