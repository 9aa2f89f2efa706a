// Fetching `.github/gastown.yml`: the repository's own, and, when that extends it, the
// organisation's in its `.github` repository, read apart (Probot's loader would fall back from
// one to the other, but only the repository's own file switches it on). Only the texts are
// fetched here; repository-config.ts decides.
import { extendsOrganisation, type ConfigTexts } from "../config/repository-config.js";
import { CONFIG_FILE } from "../config/read-config.js";
import { fileText } from "./file-text.js";
import type { GitHubClient } from "./github-client.js";

export async function fetchConfigTexts(github: GitHubClient, owner: string, repo: string): Promise<ConfigTexts> {
  const organisationFile = `${owner}/.github:${CONFIG_FILE}`;
  const repository = await fileText(github, { owner, repo }, CONFIG_FILE);
  // The organisation's file matters only to a repository whose own file extends it.
  const organisation = repository !== undefined && repo !== ".github" && extendsOrganisation(repository)
    ? await fileText(github, { owner, repo: ".github" }, CONFIG_FILE)
    : undefined;
  return { repository, organisation, organisationFile };
}
