// Fetching `.github/gastown.yml`: the repository's own, and, when that extends it, the
// organisation's in its `.github` repository, read apart (Probot's loader would fall back from
// one to the other, but only the repository's own file switches it on). Only the texts are
// fetched here; repository-config.ts decides.
import { extendsOrganisation, type ConfigTexts } from "../config/repository-config.js";
import { CONFIG_FILE } from "../config/read-config.js";
import { unlessAbsent, type GitHubClient } from "./github-client.js";

export async function fetchConfigTexts(github: GitHubClient, owner: string, repo: string): Promise<ConfigTexts> {
  const organisationFile = `${owner}/.github:${CONFIG_FILE}`;
  const repository = await fileText(github, owner, repo);
  // The organisation's file matters only to a repository whose own file extends it.
  const organisation = repository !== undefined && repo !== ".github" && extendsOrganisation(repository)
    ? await fileText(github, owner, ".github")
    : undefined;
  return { repository, organisation, organisationFile };
}

/** The file's text on the default branch, or undefined when it (or the repository) is not there. */
async function fileText(github: GitHubClient, owner: string, repo: string): Promise<string | undefined> {
  const answer = await unlessAbsent(() => github.request("GET /repos/{owner}/{repo}/contents/{path}", { owner, repo, path: CONFIG_FILE }), undefined);
  const file = answer?.data as { type?: string; content?: string; encoding?: string } | undefined;
  if (file?.type !== "file" || file.content === undefined) return undefined;
  return Buffer.from(file.content, file.encoding === "base64" ? "base64" : "utf8").toString("utf8");
}
