// The names the polecat's git uses: the work ref on GitHub (DESIGN §7), the agent's local branch,
// and the repository's URL. Each part is checked before it becomes a ref or a URL, so a bead id
// or branch name from the ledger or the workflow's inputs cannot reach git as an option, a
// refspec trick or a credential.
import { polecatBranch, workRef } from "../town/polecat-names.js";

/** `gastown/work/<polecat>/<bead>`: the branch a polecat pushes, made once, continued by later attempts. */
export function workBranch(polecat: string, bead: string): string {
  return workRef(refPart("polecat name", polecat), refPart("bead id", bead));
}

/** `polecat/<polecat>/<bead>`: the agent's local branch in its clone (and later the PR's branch). */
export function agentBranch(polecat: string, bead: string): string {
  return polecatBranch(refPart("polecat name", polecat), refPart("bead id", bead));
}

const REF_PART = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** One path component of a ref: letters, digits, `.`, `_`, `-`, nothing git reads specially. */
function refPart(what: string, value: string): string {
  if (!REF_PART.test(value) || value.includes("..") || value.endsWith(".") || value.endsWith(".lock")) {
    throw new Error(`${what} ${JSON.stringify(value)} cannot be part of a branch name: use letters, digits, '.', '_' and '-'`);
  }
  return value;
}

// git check-ref-format's rules for a branch name, and no leading '-' (git would read an option).
// https://git-scm.com/docs/git-check-ref-format
// eslint-disable-next-line no-control-regex
const FORBIDDEN_IN_REF = /[\u0000-\u0020\u007f~^:?*[\\]/;

/** The base branch's name as given; an error names what makes it unusable. */
export function checkBranchName(branch: string): string {
  const bad =
    branch === "" ||
    branch.startsWith("-") ||
    FORBIDDEN_IN_REF.test(branch) ||
    branch.includes("..") ||
    branch.includes("@{") ||
    branch === "@" ||
    branch.endsWith(".") ||
    branch.split("/").some((part) => part === "" || part.startsWith(".") || part.endsWith(".lock"));
  if (bad) throw new Error(`base branch ${JSON.stringify(branch)} is not a valid branch name`);
  return branch;
}

const REPOSITORY = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;

/**
 * The repository's smart HTTP URL, `<server>/<owner>/<repo>.git`, from GITHUB_SERVER_URL and
 * GITHUB_REPOSITORY. It never carries credentials: a server URL with a user or password in it is
 * refused rather than passed on to git's command line.
 */
export function repositoryUrl(serverUrl: string, repository: string): string {
  let server: URL;
  try {
    server = new URL(serverUrl);
  } catch {
    throw new Error(`GITHUB_SERVER_URL ${JSON.stringify(serverUrl)} is not a URL`);
  }
  if (server.protocol !== "https:" && server.protocol !== "http:") {
    throw new Error(`GITHUB_SERVER_URL ${JSON.stringify(serverUrl)} must be an http(s) URL`);
  }
  if (server.username !== "" || server.password !== "") throw new Error("GITHUB_SERVER_URL must not carry credentials");
  if (server.search !== "" || server.hash !== "") throw new Error(`GITHUB_SERVER_URL ${JSON.stringify(serverUrl)} must have no query or fragment`);
  if (!REPOSITORY.test(repository) || repository.split("/").some((part) => part === "." || part === "..")) {
    throw new Error(`GITHUB_REPOSITORY ${JSON.stringify(repository)} is not <owner>/<name>`);
  }
  const root = server.pathname.replace(/\/+$/, "");
  return `${server.origin}${root}/${repository}.git`;
}
