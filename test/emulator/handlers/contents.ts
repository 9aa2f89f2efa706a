// File contents (read, and create or update through a commit) and comparing commits.
// https://docs.github.com/en/rest/repos/contents
// https://docs.github.com/en/rest/commits/commits#compare-two-commits
import { workflowCredential } from "../auth/workflows-permission.js";
import { ZERO_SHA } from "../git/bare-repo.js";
import { branchRuleRefusal } from "../git/branch-rules-guard.js";
import { isWorkflowFile, workflowRefusal } from "../git/workflow-guard.js";
import type { ApiRequest, Core, Handlers } from "../http/handler.js";
import { failure, json, type ApiResponse, raw, RAW_MEDIA_TYPE } from "../http/responses.js";
import { splitBaseHead } from "../http/route-params.js";
import { fail, notFound, validationFailed } from "../state/result.js";
import { contentEntry, contentFile, diffEntryView, restCommit, type DiffEntry } from "../views/contents.js";
import { gitCommitView } from "../views/git.js";
import { authorOf, body, fullName, repoOf } from "./respond.js";

// Asking for the raw media type returns the file's bytes instead of JSON.
// https://docs.github.com/en/rest/repos/contents#get-repository-content (custom media types)

async function getContent(request: ApiRequest, core: Core): Promise<ApiResponse> {
  const repo = fullName(request);
  const git = core.git(repo);
  const ref = request.query.get("ref") ?? repoOf(core, request).defaultBranch;
  const commit = await git.resolveCommit(ref);
  if (commit === undefined) return failure(fail(404, `No commit found for the ref ${ref}`), request.documentationUrl);
  const path = (request.params["path"] ?? "").replace(/\/$/, "");
  const parent = path.includes("/") ? path.slice(0, path.lastIndexOf("/")) : "";
  const siblings = await git.readTree(parent === "" ? `${commit}^{tree}` : `${commit}:${parent}`, false);
  const name = path.slice(parent === "" ? 0 : parent.length + 1);
  const entry = siblings.find((e) => e.path === name);
  if (!entry) return failure(notFound(), request.documentationUrl);
  const full = { ...entry, path };
  if (entry.type === "tree") {
    const children = await git.readTree(entry.sha, false);
    return json(200, children.map((child) => contentEntry(core.view(), repo, ref, { ...child, path: `${path}/${child.path}` })));
  }
  const content = await git.readBlob(entry.sha);
  if (RAW_MEDIA_TYPE.test(request.accept)) return raw(content);
  return json(200, contentFile(core.view(), repo, ref, full, content));
}

async function putContent(request: ApiRequest, core: Core): Promise<ApiResponse> {
  const repo = fullName(request);
  const git = core.git(repo);
  const input = body<{ message: string; content: string; sha?: string; branch?: string; author?: { name: string; email: string; date?: string }; committer?: { name: string; email: string; date?: string } }>(request);
  const path = request.params["path"] ?? "";
  const credential = workflowCredential(request.principal);
  if (isWorkflowFile(path) && !credential.mayWrite) return failure(fail(422, workflowRefusal(path, credential.kind)), request.documentationUrl);
  const branch = input.branch ?? repoOf(core, request).defaultBranch;
  const ref = `refs/heads/${branch}`;
  const tip = await git.resolveRef(ref);
  const existing = tip === undefined ? undefined : await git.fileAt(tip, path);
  if (existing !== undefined && input.sha === undefined) return failure(validationFailed(undefined, 'Invalid request.\n\n"sha" wasn\'t supplied.'), request.documentationUrl);
  if (existing !== undefined && input.sha !== existing.sha) return failure(fail(409, `${path} does not match ${input.sha ?? ""}`), request.documentationUrl);
  const blob = await git.writeBlob(Buffer.from(input.content, "base64"));
  const baseTree = tip === undefined ? undefined : (await git.readCommit(tip)).tree;
  const tree = await git.writeTree(baseTree, [{ path, mode: "100644", type: "blob", sha: blob }]);
  const me = authorOf(core, request.actor);
  const author = { ...me, ...input.author, date: input.author?.date ?? me.date };
  const committer = { ...author, ...input.committer, date: input.committer?.date ?? author.date };
  const sha = await git.writeCommit({ tree, parents: tip === undefined ? [] : [tip], message: input.message, author, committer });
  // A branch whose rules refuse the move: 409, as GitHub answers the contents API.
  const rules = await branchRuleRefusal(core, repo, ref, tip, sha, request.actor);
  if (rules !== undefined) return failure(fail(409, rules), request.documentationUrl);
  if (!(await core.moveRef(repo, ref, sha, tip ?? ZERO_SHA, request.actor))) {
    return failure(fail(409, `${path} does not match ${input.sha ?? ""}`), request.documentationUrl);
  }
  const entry = { mode: "100644", type: "blob" as const, sha: blob, path, size: Buffer.from(input.content, "base64").length };
  const content = contentEntry(core.view(), repo, branch, entry);
  return json(existing === undefined ? 201 : 200, { content, commit: gitCommitView(core.view(), repo, await git.readCommit(sha)) });
}

async function diffEntries(request: ApiRequest, core: Core, from: string, to: string): Promise<DiffEntry[]> {
  const git = core.git(fullName(request));
  const changes = await git.changedFiles(from, to);
  const numstat = new Map(
    (await git.git(["diff", "--numstat", from, to]))
      .split("\n")
      .filter(Boolean)
      .map((line) => {
        const [added, removed, file] = line.split("\t") as [string, string, string];
        return [file, { additions: Number(added) || 0, deletions: Number(removed) || 0 }] as const;
      }),
  );
  const entries: DiffEntry[] = [];
  const statuses = [...changes.added.map((f) => [f, "added"] as const), ...changes.removed.map((f) => [f, "removed"] as const), ...changes.modified.map((f) => [f, "modified"] as const)];
  for (const [filename, status] of statuses.sort(([a], [b]) => (a < b ? -1 : 1))) {
    const blob = await git.fileAt(status === "removed" ? from : to, filename);
    entries.push({ filename, status, sha: blob?.sha ?? ZERO_SHA, ...(numstat.get(filename) ?? { additions: 0, deletions: 0 }) });
  }
  return entries;
}

async function compare(request: ApiRequest, core: Core): Promise<ApiResponse> {
  const repo = fullName(request);
  const git = core.git(repo);
  const [baseName, headName] = request.params["basehead"] !== undefined ? splitBaseHead(request.params["basehead"]) : [request.params["base"] ?? "", request.params["head"] ?? ""];
  const base = await git.resolveCommit(baseName);
  const head = await git.resolveCommit(headName);
  if (base === undefined || head === undefined) return failure(notFound(), request.documentationUrl);
  const mergeBase = await git.mergeBase(base, head);
  if (mergeBase === undefined) return failure(fail(404, `No common ancestor between ${baseName} and ${headName}.`), request.documentationUrl);
  const ahead = await git.commitsBetween(mergeBase, head);
  const behind = await git.commitsBetween(mergeBase, base);
  const status = ahead.length === 0 && behind.length === 0 ? "identical" : behind.length === 0 ? "ahead" : ahead.length === 0 ? "behind" : "diverged";
  const view = core.view();
  const api = `${core.urls.api}/repos/${repo}`;
  const web = `${core.urls.web}/${repo}`;
  return json(200, {
    url: `${api}/compare/${baseName}...${headName}`,
    html_url: `${web}/compare/${baseName}...${headName}`,
    permalink_url: `${web}/compare/${base.slice(0, 7)}...${head.slice(0, 7)}`,
    diff_url: `${web}/compare/${baseName}...${headName}.diff`,
    patch_url: `${web}/compare/${baseName}...${headName}.patch`,
    base_commit: restCommit(view, repo, await git.readCommit(base)),
    merge_base_commit: restCommit(view, repo, await git.readCommit(mergeBase)),
    status,
    ahead_by: ahead.length,
    behind_by: behind.length,
    total_commits: ahead.length,
    commits: await Promise.all(ahead.map(async (sha) => restCommit(view, repo, await git.readCommit(sha)))),
    files: (await diffEntries(request, core, mergeBase, head)).map((entry) => diffEntryView(view, repo, head, entry)),
  });
}

export const contentHandlers: Handlers = {
  "repos/get-content": getContent,
  "repos/create-or-update-file-contents": putContent,
  "repos/compare-commits-with-basehead": compare,
  "repos/compare-commits": compare,
};
