// Git objects as the Git Data API renders them.
import type { CommitObject, TreeEntry } from "../git/bare-repo.js";
import type { ViewContext } from "./context.js";
import { repoApi, repoWeb } from "./urls.js";

export function refView(view: ViewContext, repo: string, ref: string, sha: string, type: string): Record<string, unknown> {
  const api = repoApi(view.urls, repo);
  return {
    ref,
    node_id: Buffer.from(`03:Ref${repo}:${ref}`).toString("base64"),
    url: `${api}/git/${ref}`,
    object: { type, sha, url: `${api}/git/${type}s/${sha}` },
  };
}

// Commits made through the emulator are never signed.
const UNSIGNED = { verified: false, reason: "unsigned", signature: null, payload: null, verified_at: null };

export function gitCommitView(view: ViewContext, repo: string, commit: CommitObject): Record<string, unknown> {
  const api = repoApi(view.urls, repo);
  return {
    sha: commit.sha,
    node_id: Buffer.from(`06:Commit${commit.sha}`).toString("base64"),
    url: `${api}/git/commits/${commit.sha}`,
    html_url: `${repoWeb(view.urls, repo)}/commit/${commit.sha}`,
    author: commit.author,
    committer: commit.committer,
    tree: { sha: commit.tree, url: `${api}/git/trees/${commit.tree}` },
    message: commit.message,
    parents: commit.parents.map((sha) => ({ sha, url: `${api}/git/commits/${sha}`, html_url: `${repoWeb(view.urls, repo)}/commit/${sha}` })),
    verification: UNSIGNED,
  };
}

export function treeView(view: ViewContext, repo: string, sha: string, entries: readonly TreeEntry[]): Record<string, unknown> {
  const api = repoApi(view.urls, repo);
  return {
    sha,
    url: `${api}/git/trees/${sha}`,
    tree: entries.map((entry) => {
      const rendered: Record<string, unknown> = { path: entry.path, mode: entry.mode, type: entry.type, sha: entry.sha };
      if (entry.size !== undefined) rendered["size"] = entry.size;
      rendered["url"] = `${api}/git/${entry.type === "tree" ? "trees" : "blobs"}/${entry.sha}`;
      return rendered;
    }),
    truncated: false,
  };
}

/** Base64 in lines of 60 characters, as GitHub sends blob and file contents. */
export function base64Lines(content: Buffer): string {
  const encoded = content.toString("base64");
  return `${(encoded.match(/.{1,60}/g) ?? []).join("\n")}\n`;
}

export function blobView(view: ViewContext, repo: string, sha: string, content: Buffer): Record<string, unknown> {
  return {
    sha,
    node_id: Buffer.from(`04:Blob${sha}`).toString("base64"),
    url: `${repoApi(view.urls, repo)}/git/blobs/${sha}`,
    size: content.length,
    content: base64Lines(content),
    encoding: "base64",
  };
}
