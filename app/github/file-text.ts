// A file of a repository as text, through the contents API: the settings, a workflow file.
import { unlessAbsent, type GitHubClient } from "./github-client.js";
import type { RepoRef } from "./issue-comments.js";

/** The file's text at `ref` (the default branch when none), or undefined when it (or the repository, or the ref) is not there. */
export async function fileText(github: GitHubClient, repo: RepoRef, path: string, ref?: string): Promise<string | undefined> {
  const answer = await unlessAbsent(() => github.request("GET /repos/{owner}/{repo}/contents/{path}", {
    owner: repo.owner, repo: repo.repo, path, ...(ref === undefined ? {} : { ref }),
  }), undefined);
  const file = answer?.data as { type?: string; content?: string; encoding?: string } | undefined;
  if (file?.type !== "file" || file.content === undefined) return undefined;
  return Buffer.from(file.content, file.encoding === "base64" ? "base64" : "utf8").toString("utf8");
}
