// The action's git runner: its environment and command line, the askpass helper, errors with the
// token redacted, and the names and URL it builds.
import { execFile } from "node:child_process";
import { mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ActionGit, actionGitEnvironment, GitError, redactToken, SAFE_GIT_OPTIONS } from "../../app/polecat/action-git.js";
import { actionCommitEnvironment } from "../../app/polecat/action-identity.js";
import { agentIdentity } from "../../app/polecat/agent-clone.js";
import { ASKPASS_TOKEN_VARIABLE, writeAskpass } from "../../app/polecat/askpass.js";
import { agentBranch, checkBranchName, repositoryUrl, workBranch } from "../../app/polecat/work-names.js";

const run = promisify(execFile);
const TOKEN = "ghs_0123456789abcdefSECRET";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "action-git-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("the environment", () => {
  it("is built from nothing but PATH, with no config but the repository's, and the token only when asked", () => {
    expect(actionGitEnvironment("/usr/bin:/bin")).toEqual({
      PATH: "/usr/bin:/bin",
      LC_ALL: "C",
      GIT_CONFIG_NOSYSTEM: "1",
      GIT_CONFIG_GLOBAL: "/dev/null",
      GIT_ATTR_NOSYSTEM: "1",
      GIT_TERMINAL_PROMPT: "0",
    });
    expect(actionGitEnvironment("/bin", { env: { GIT_OBJECT_DIRECTORY: "/q" }, credential: { askpass: "/root/action/askpass", token: TOKEN } })).toEqual({
      PATH: "/bin",
      LC_ALL: "C",
      GIT_CONFIG_NOSYSTEM: "1",
      GIT_CONFIG_GLOBAL: "/dev/null",
      GIT_ATTR_NOSYSTEM: "1",
      GIT_TERMINAL_PROMPT: "0",
      GIT_OBJECT_DIRECTORY: "/q",
      GIT_ASKPASS: "/root/action/askpass",
      GASTOWN_GIT_TOKEN: TOKEN,
    });
  });

  it("dates and signs the action's commits with its own identity", () => {
    expect(actionCommitEnvironment(new Date("2025-06-01T12:00:00Z"))).toEqual({
      GIT_AUTHOR_NAME: "gastown[bot]",
      GIT_AUTHOR_EMAIL: "gastown.bot@users.noreply.github.com",
      GIT_AUTHOR_DATE: "@1748779200 +0000",
      GIT_COMMITTER_NAME: "gastown[bot]",
      GIT_COMMITTER_EMAIL: "gastown.bot@users.noreply.github.com",
      GIT_COMMITTER_DATE: "@1748779200 +0000",
    });
  });
});

describe("the command line", () => {
  it("turns hooks, fsmonitor, credential helpers and background gc off before naming the repository", () => {
    const git = new ActionGit({ gitDir: "/var/lib/gastown/run/action/repo.git" });
    expect(git.argv(["fetch", "--quiet", "https://github.com/octo/town.git"])).toEqual([
      "-c", "core.hooksPath=/dev/null",
      "-c", "core.fsmonitor=false",
      "-c", "credential.helper=",
      "-c", "gc.auto=0",
      "-c", "maintenance.auto=false",
      "--git-dir=/var/lib/gastown/run/action/repo.git",
      "fetch", "--quiet", "https://github.com/octo/town.git",
    ]);
    expect(new ActionGit({ gitDir: "/c/.git", workTree: "/c" }).argv(["status"]).slice(SAFE_GIT_OPTIONS.length)).toEqual(["--git-dir=/c/.git", "--work-tree=/c", "status"]);
  });

  it("gives the token to git's environment and nothing else, and redacts it from what git says", async () => {
    // A stand-in for git that repeats its token, as a verbose remote helper might.
    const fake = join(dir, "fake-git");
    await writeFile(fake, `#!/bin/sh\necho "fatal: could not use $${ASKPASS_TOKEN_VARIABLE} for $*" >&2\nexit 128\n`, { mode: 0o755 });
    const git = new ActionGit({ gitDir: dir, gitPath: fake });

    const failed = await git.run(["fetch", "https://example.com/x.git"], { credential: { askpass: "/askpass", token: TOKEN } }).catch((error: unknown) => error);
    expect(failed).toBeInstanceOf(GitError);
    expect((failed as GitError).stderr).toBe(`fatal: could not use *** for ${git.argv(["fetch", "https://example.com/x.git"]).join(" ")}\n`);
    expect((failed as GitError).message).toBe(
      `git fetch https://example.com/x.git failed (exit 128): fatal: could not use *** for ${git.argv(["fetch", "https://example.com/x.git"]).join(" ")}`,
    );
    const quiet = await git.run(["fetch"], { allowExit: "any" });
    expect(quiet.stderr).toBe(`fatal: could not use  for ${git.argv(["fetch"]).join(" ")}\n`);
  });

  it("redacts every copy of the token", () => {
    expect(redactToken(`a ${TOKEN} b ${TOKEN}`, TOKEN)).toBe("a *** b ***");
    expect(redactToken("nothing", undefined)).toBe("nothing");
    expect(redactToken("nothing", "")).toBe("nothing");
  });
});

describe("the askpass helper", () => {
  it("answers the user name and the password from its environment, and is its owner's alone", async () => {
    const askpass = await writeAskpass(join(dir, "askpass"));
    const env = { PATH: "/usr/bin:/bin", [ASKPASS_TOKEN_VARIABLE]: TOKEN };
    expect((await run(askpass, ["Username for 'https://github.com': "], { env })).stdout).toBe("x-access-token\n");
    expect((await run(askpass, ["Password for 'https://x-access-token@github.com': "], { env })).stdout).toBe(`${TOKEN}\n`);
    expect((await stat(askpass)).mode & 0o777).toBe(0o700);
    await expect(writeAskpass(askpass)).rejects.toThrow(/EEXIST/);
  });
});

describe("names", () => {
  it("makes the work ref and the agent's branch from safe parts only", () => {
    expect(workBranch("nux", "gt-mol-3f2.1")).toBe("gastown/work/nux/gt-mol-3f2.1");
    expect(agentBranch("nux", "gt-1")).toBe("polecat/nux/gt-1");
    for (const bad of ["", "-x", "a/b", "a..b", "a.lock", "a.", "a b", "a:b", "a~1"]) {
      expect(() => workBranch("nux", bad)).toThrow(`bead id ${JSON.stringify(bad)} cannot be part of a branch name: use letters, digits, '.', '_' and '-'`);
    }
    expect(() => agentBranch("../x", "gt-1")).toThrow(`polecat name "../x" cannot be part of a branch name`);
  });

  it("takes base branch names git takes, and refuses the rest", () => {
    for (const good of ["main", "release/2.x", "feature/a-b_c"]) expect(checkBranchName(good)).toBe(good);
    for (const bad of ["", "-main", "a b", "a..b", "a@{1}", "@", "a.", "a/.b", "a//b", "/a", "a/", "a.lock/b", "a^b", "a:b", "a?", "a*", "a[b", "a\\b", "a\u0007"]) {
      expect(() => checkBranchName(bad)).toThrow(`base branch ${JSON.stringify(bad)} is not a valid branch name`);
    }
  });

  it("builds the repository's URL without credentials, from GITHUB_SERVER_URL and GITHUB_REPOSITORY", () => {
    expect(repositoryUrl("https://github.com", "octo/town")).toBe("https://github.com/octo/town.git");
    expect(repositoryUrl("https://ghe.example.com/", "octo/town")).toBe("https://ghe.example.com/octo/town.git");
    expect(repositoryUrl("http://127.0.0.1:8080/git/", "o/r.js")).toBe("http://127.0.0.1:8080/git/o/r.js.git");
    expect(() => repositoryUrl("https://x-access-token:ghs_1@github.com", "octo/town")).toThrow("GITHUB_SERVER_URL must not carry credentials");
    expect(() => repositoryUrl("https://user@github.com", "octo/town")).toThrow("GITHUB_SERVER_URL must not carry credentials");
    expect(() => repositoryUrl("file:///srv/git", "octo/town")).toThrow('GITHUB_SERVER_URL "file:///srv/git" must be an http(s) URL');
    expect(() => repositoryUrl("github.com", "octo/town")).toThrow('GITHUB_SERVER_URL "github.com" is not a URL');
    expect(() => repositoryUrl("https://github.com?x=1", "octo/town")).toThrow('GITHUB_SERVER_URL "https://github.com?x=1" must have no query or fragment');
    for (const bad of ["octo", "octo/town/x", "../town", "octo/..", "octo/to wn"]) {
      expect(() => repositoryUrl("https://github.com", bad)).toThrow(`GITHUB_REPOSITORY ${JSON.stringify(bad)} is not <owner>/<name>`);
    }
  });

  it("names the agent's commits after the polecat, at an address that belongs to no one", () => {
    expect(agentIdentity("furiosa")).toEqual({ name: "furiosa", email: "furiosa.polecat@gastown.invalid" });
  });
});
