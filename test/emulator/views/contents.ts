// Files and directories as the contents API renders them, and commits as the commits and
// compare APIs render them (`commit`, `diff-entry`).
import type { CommitObject, TreeEntry } from "../git/bare-repo.js";
import { rawFileUrl } from "../http/internal-route.js";
import type { ViewContext } from "./context.js";
import { base64Lines } from "./git.js";
import { repoApi, repoWeb } from "./urls.js";

export function contentEntry(view: ViewContext, repo: string, ref: string, entry: TreeEntry): Record<string, unknown> {
  const api = repoApi(view.urls, repo);
  const self = `${api}/contents/${entry.path}?ref=${encodeURIComponent(ref)}`;
  const isDir = entry.type === "tree";
  const html = `${repoWeb(view.urls, repo)}/${isDir ? "tree" : "blob"}/${ref}/${entry.path}`;
  const gitUrl = `${api}/git/${isDir ? "trees" : "blobs"}/${entry.sha}`;
  return {
    type: isDir ? "dir" : entry.type === "commit" ? "submodule" : entry.mode === "120000" ? "symlink" : "file",
    size: entry.size ?? 0,
    name: entry.path.split("/").pop() ?? entry.path,
    path: entry.path,
    sha: entry.sha,
    url: self,
    git_url: gitUrl,
    html_url: html,
    download_url: isDir ? null : rawFileUrl(view, repo, ref, entry.path),
    _links: { self, git: gitUrl, html },
  };
}

export function contentFile(view: ViewContext, repo: string, ref: string, entry: TreeEntry, content: Buffer): Record<string, unknown> {
  return { ...contentEntry(view, repo, ref, entry), type: "file", size: content.length, encoding: "base64", content: base64Lines(content) };
}

// Commits made or pushed here belong to no GitHub account, so `author` and `committer` are null.
export function restCommit(view: ViewContext, repo: string, commit: CommitObject): Record<string, unknown> {
  const api = repoApi(view.urls, repo);
  return {
    url: `${api}/commits/${commit.sha}`,
    sha: commit.sha,
    node_id: Buffer.from(`06:Commit${commit.sha}`).toString("base64"),
    html_url: `${repoWeb(view.urls, repo)}/commit/${commit.sha}`,
    comments_url: `${api}/commits/${commit.sha}/comments`,
    commit: {
      url: `${api}/git/commits/${commit.sha}`,
      author: commit.author,
      committer: commit.committer,
      message: commit.message.replace(/\n$/, ""),
      comment_count: 0,
      tree: { sha: commit.tree, url: `${api}/git/trees/${commit.tree}` },
      verification: { verified: false, reason: "unsigned", signature: null, payload: null, verified_at: null },
    },
    author: null,
    committer: null,
    parents: commit.parents.map((sha) => ({ sha, url: `${api}/commits/${sha}`, html_url: `${repoWeb(view.urls, repo)}/commit/${sha}` })),
  };
}

export type DiffEntry = { filename: string; status: "added" | "removed" | "modified"; sha: string; additions: number; deletions: number };

export function diffEntryView(view: ViewContext, repo: string, head: string, entry: DiffEntry): Record<string, unknown> {
  return {
    sha: entry.sha,
    filename: entry.filename,
    status: entry.status,
    additions: entry.additions,
    deletions: entry.deletions,
    changes: entry.additions + entry.deletions,
    blob_url: `${repoWeb(view.urls, repo)}/blob/${head}/${entry.filename}`,
    raw_url: `${repoWeb(view.urls, repo)}/raw/${head}/${entry.filename}`,
    contents_url: `${repoApi(view.urls, repo)}/contents/${entry.filename}?ref=${head}`,
  };
}
