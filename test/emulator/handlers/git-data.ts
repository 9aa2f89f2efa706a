// The Git Data API over the repository's real bare repository: blobs, trees, commits and refs.
// A ref update without `force` must be a fast-forward (422 otherwise), and moves the ref with
// git's compare-and-swap, so two writers never both win. Creating or moving a ref so that it
// changes workflow files needs the right to (../git/workflow-guard.ts), and a branch's move must
// keep its rules (../git/branch-rules-guard.ts): 422 with GitHub's refusal otherwise.
// https://docs.github.com/en/rest/git
import { workflowCredential } from "../auth/workflows-permission.js";
import type { BareRepo, TreeChange } from "../git/bare-repo.js";
import { ZERO_SHA } from "../git/bare-repo.js";
import { branchRuleRefusal } from "../git/branch-rules-guard.js";
import { workflowMoveRefusal } from "../git/workflow-guard.js";
import type { ApiRequest, Core, Handlers } from "../http/handler.js";
import { empty, failure, json, raw, RAW_MEDIA_TYPE, type ApiResponse } from "../http/responses.js";
import { fail, notFound, validationFailed } from "../state/result.js";
import { blobView, gitCommitView, refView, treeView } from "../views/git.js";
import { authorOf, fullName } from "./respond.js";

type TreeItem = { path: string; mode: string; type: "blob" | "tree" | "commit"; sha?: string | null; content?: string };
type PersonInput = { name: string; email: string; date?: string };

function refuse(request: ApiRequest, status: number, message: string): ApiResponse {
  return failure(fail(status, message), request.documentationUrl);
}

/** "heads/main" as the API's {ref} parameter gives it, to the full name "refs/heads/main". */
function fullRef(ref: string): string {
  return ref.startsWith("refs/") ? ref : `refs/${ref}`;
}

async function typeOf(git: BareRepo, sha: string): Promise<string> {
  return (await git.objectType(sha)) ?? "commit";
}

async function renderRef(core: Core, repo: string, ref: string, sha: string): Promise<Record<string, unknown>> {
  return refView(core.view(), repo, ref, sha, await typeOf(core.git(repo), sha));
}

async function updateRef(request: ApiRequest, core: Core): Promise<ApiResponse> {
  const repo = fullName(request);
  const git = core.git(repo);
  const ref = fullRef(request.params["ref"] ?? "");
  const { sha, force } = request.body as { sha: string; force?: boolean };
  if (core.takeLostRace(ref.slice("refs/".length))) await loseRace(core, repo, ref);
  const current = await git.resolveRef(ref);
  if (current === undefined) return refuse(request, 422, "Reference does not exist");
  if ((await git.objectType(sha)) === undefined) return refuse(request, 422, "Object does not exist");
  // https://docs.github.com/en/rest/git/refs#update-a-reference — without force, only a
  // fast-forward is accepted.
  if (force !== true && !(await git.isAncestor(current, sha))) return refuse(request, 422, "Update is not a fast forward");
  const workflows = await workflowMoveRefusal(git, workflowCredential(request.principal), current, sha);
  if (workflows !== undefined) return refuse(request, 422, workflows);
  const rules = await branchRuleRefusal(core, repo, ref, current, sha, request.actor);
  if (rules !== undefined) return refuse(request, 422, rules);
  if (!(await core.moveRef(repo, ref, sha, current, request.actor))) return refuse(request, 422, "Update is not a fast forward");
  return json(200, await renderRef(core, repo, ref, sha));
}

/**
 * A lost race, planned by a test: another writer commits on top of the ref just before this
 * update reads it, so a non-force update built on the old tip is no longer a fast-forward.
 */
async function loseRace(core: Core, repo: string, ref: string): Promise<void> {
  const git = core.git(repo);
  const tip = await git.resolveRef(ref);
  if (tip === undefined) return;
  const rival = { name: "rival-writer", email: "rival-writer@users.noreply.github.com", date: core.timestamp() };
  const commit = await git.writeCommit({ tree: (await git.readCommit(tip)).tree, parents: [tip], message: "A concurrent update\n", author: rival, committer: rival });
  await core.moveRef(repo, ref, commit, tip, { login: "ghost", via: "user" });
}

export const gitDataHandlers: Handlers = {
  "git/get-ref": async (request, core) => {
    const ref = fullRef(request.params["ref"] ?? "");
    const sha = await core.git(fullName(request)).resolveRef(ref);
    return sha === undefined ? failure(notFound(), request.documentationUrl) : json(200, await renderRef(core, fullName(request), ref, sha));
  },

  "git/list-matching-refs": async (request, core) => {
    const prefix = fullRef(request.params["ref"] ?? "");
    const refs = [...(await core.git(fullName(request)).refs()).entries()].filter(([name]) => name.startsWith(prefix)).sort(([a], [b]) => (a < b ? -1 : 1));
    return json(200, await Promise.all(refs.map(([name, sha]) => renderRef(core, fullName(request), name, sha))));
  },

  "git/create-ref": async (request, core) => {
    const repo = fullName(request);
    const git = core.git(repo);
    const { ref, sha } = request.body as { ref: string; sha: string };
    // https://docs.github.com/en/rest/git/refs#create-a-reference — a full name with two slashes.
    if (!/^refs\/[^/]+\/.+/.test(ref)) return refuse(request, 422, `${ref} is not a valid ref name.`);
    if ((await git.objectType(sha)) === undefined) return refuse(request, 422, "Object does not exist");
    if ((await git.resolveRef(ref)) !== undefined) return refuse(request, 422, "Reference already exists");
    const workflows = await workflowMoveRefusal(git, workflowCredential(request.principal), undefined, sha);
    if (workflows !== undefined) return refuse(request, 422, workflows);
    const rules = await branchRuleRefusal(core, repo, ref, undefined, sha, request.actor);
    if (rules !== undefined) return refuse(request, 422, rules);
    if (!(await core.moveRef(repo, ref, sha, ZERO_SHA, request.actor))) return refuse(request, 422, "Reference already exists");
    return json(201, await renderRef(core, repo, ref, sha));
  },

  "git/update-ref": updateRef,

  "git/delete-ref": async (request, core) => {
    const repo = fullName(request);
    const ref = fullRef(request.params["ref"] ?? "");
    const current = await core.git(repo).resolveRef(ref);
    // GitHub says "Reference does not exist"; its description of this 422 declares no body, so none is sent.
    if (current === undefined) return empty(422);
    if (!(await core.moveRef(repo, ref, ZERO_SHA, current, request.actor))) return empty(422);
    return empty(204);
  },

  "git/create-blob": async (request, core) => {
    const { content, encoding } = request.body as { content: string; encoding?: string };
    const bytes = encoding === "base64" ? Buffer.from(content, "base64") : Buffer.from(content, "utf8");
    const sha = await core.git(fullName(request)).writeBlob(bytes);
    return json(201, { url: `${core.urls.api}/repos/${fullName(request)}/git/blobs/${sha}`, sha });
  },

  "git/get-blob": async (request, core) => {
    const git = core.git(fullName(request));
    const sha = request.params["file_sha"] ?? "";
    if ((await git.objectType(sha)) !== "blob") return failure(notFound(), request.documentationUrl);
    const content = await git.readBlob(sha);
    // https://docs.github.com/en/rest/git/blobs#get-a-blob — the raw media type answers the bytes.
    if (RAW_MEDIA_TYPE.test(request.accept)) return raw(content);
    return json(200, blobView(core.view(), fullName(request), sha, content));
  },

  "git/create-tree": async (request, core) => {
    const git = core.git(fullName(request));
    const { tree, base_tree: base } = request.body as { tree: TreeItem[]; base_tree?: string };
    if (base !== undefined && (await git.objectType(base)) === undefined) return failure(validationFailed(undefined, "Invalid tree info"), request.documentationUrl);
    const changes: TreeChange[] = [];
    for (const item of tree) {
      let sha = item.sha ?? null;
      if (item.content !== undefined) sha = await git.writeBlob(Buffer.from(item.content, "utf8"));
      else if (sha !== null && (await git.objectType(sha)) === undefined && item.type !== "commit") {
        return failure(validationFailed(undefined, "Invalid tree info"), request.documentationUrl);
      }
      changes.push({ path: item.path, mode: item.mode, type: item.type, sha });
    }
    const baseTree = base === undefined ? undefined : (await git.objectType(base)) === "commit" ? (await git.readCommit(base)).tree : base;
    const sha = await git.writeTree(baseTree, changes);
    return json(201, treeView(core.view(), fullName(request), sha, await git.readTree(sha, false)));
  },

  "git/get-tree": async (request, core) => {
    const git = core.git(fullName(request));
    const sha = request.params["tree_sha"] ?? "";
    const type = await git.objectType(sha);
    const tree = type === "commit" ? (await git.readCommit(sha)).tree : type === "tree" ? sha : undefined;
    if (tree === undefined) return failure(notFound(), request.documentationUrl);
    const recursive = request.query.has("recursive");
    return json(200, treeView(core.view(), fullName(request), tree, await git.readTree(tree, recursive)));
  },

  "git/create-commit": async (request, core) => {
    const git = core.git(fullName(request));
    const input = request.body as { message: string; tree: string; parents?: string[]; author?: PersonInput; committer?: PersonInput };
    if ((await git.objectType(input.tree)) !== "tree") return refuse(request, 422, "Tree SHA does not exist");
    for (const parent of input.parents ?? []) {
      if ((await git.objectType(parent)) !== "commit") return refuse(request, 422, "Parent SHA does not exist or is not a commit object");
    }
    // The committer defaults to the author, the author to the caller, dates to now.
    const author = { ...authorOf(core, request.actor), ...input.author };
    const committer = { ...author, ...input.committer, date: input.committer?.date ?? author.date };
    const sha = await git.writeCommit({
      tree: input.tree,
      parents: input.parents ?? [],
      message: input.message,
      author: { name: author.name, email: author.email, date: author.date ?? core.timestamp() },
      committer: { name: committer.name, email: committer.email, date: committer.date ?? core.timestamp() },
    });
    return json(201, gitCommitView(core.view(), fullName(request), await git.readCommit(sha)));
  },

  "git/get-commit": async (request, core) => {
    const git = core.git(fullName(request));
    const sha = request.params["commit_sha"] ?? "";
    if ((await git.objectType(sha)) !== "commit") return failure(notFound(), request.documentationUrl);
    return json(200, gitCommitView(core.view(), fullName(request), await git.readCommit(sha)));
  },
};
