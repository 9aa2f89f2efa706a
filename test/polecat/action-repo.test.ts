// The action's repository against the GitHub emulator: the work ref made, continued and moved
// forward only, GitHub's refusals passed on, and the token in no command line, URL or file.
import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { makeActionCommit } from "../../app/polecat/action-commit.js";
import { GitError } from "../../app/polecat/action-git.js";
import { NonFastForwardError, type ActionRepo } from "../../app/polecat/action-repo.js";
import { ActionRepo as Repo } from "../../app/polecat/action-repo.js";
import { ASKPASS_SCRIPT } from "../../app/polecat/askpass.js";
import { repositoryUrl } from "../../app/polecat/work-names.js";
import { repoDeliveries } from "../emulator/testing.js";
import { AT, openActionRepo, pushToBase, startTown, type Town } from "./polecat-git-fixtures.js";

let town: Town;
let repo: ActionRepo;

beforeEach(async () => {
  town = await startTown();
  repo = await openActionRepo(town);
});

afterEach(async () => {
  await town.close();
  expect(town.github.problems).toEqual([]);
});

async function githubWorkRef(): Promise<string | undefined> {
  return town.github.git("octo/town").resolveRef("refs/heads/gastown/work/nux/gt-1");
}

/** An empty commit by the action on `parent`, as a later step's work would be. */
async function commitOn(parent: string, message: string): Promise<string> {
  const tree = await repo.git.text(["rev-parse", `${parent}^{tree}`]);
  return makeActionCommit(repo.git, { tree, parents: [parent], message, at: AT });
}

describe("the work ref", () => {
  it("is made from the base's tip with an empty commit by the action, and pushed as a new branch", async () => {
    const start = await repo.startWork(AT);
    await town.github.settled();

    const base = await town.github.git("octo/town").resolveRef("refs/heads/main");
    expect(start).toEqual({ base, work: await githubWorkRef(), created: true });
    const bot = { name: "gastown[bot]", email: "gastown.bot@users.noreply.github.com", date: "2025-06-01T12:00:00Z" };
    expect(await town.github.git("octo/town").readCommit(start.work)).toEqual({
      sha: start.work,
      tree: (await town.github.git("octo/town").readCommit(start.base)).tree,
      parents: [start.base],
      author: bot,
      committer: bot,
      message: "Gastown: start work on gt-1\n\nGastown-Bead: gt-1\n",
    });
    expect(repoDeliveries(town.github).filter((d) => d.event === "push").map((d) => [d.payload["ref"], d.payload["created"], d.payload["after"]])).toEqual([
      ["refs/heads/gastown/work/nux/gt-1", true, start.work],
    ]);
    expect(await repo.resolve(repo.workRef)).toBe(start.work);
  });

  it("is continued when an earlier attempt pushed it", async () => {
    const first = await repo.startWork(AT);
    const step = await commitOn(first.work, "A step's work\n");
    await repo.push(step);

    const later = await openActionRepo(town, await town.freshDir("action-later"));
    expect(await later.startWork(new Date("2025-06-02T12:00:00Z"))).toEqual({ base: first.base, work: step, created: false });
  });

  it("moves forward only: a push that is not a fast-forward is an error naming the ref, and GitHub keeps its tip", async () => {
    const start = await repo.startWork(AT);
    const ahead = await commitOn(start.work, "Ahead\n");
    await repo.push(ahead);
    expect(await githubWorkRef()).toBe(ahead);

    const sibling = await commitOn(start.work, "Sibling\n");
    const refused = await repo.push(sibling).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(NonFastForwardError);
    expect((refused as Error).message).toBe(
      "the push to refs/heads/gastown/work/nux/gt-1 was refused: not a fast-forward ([rejected] (non-fast-forward)); the work ref is never force-pushed",
    );
    expect(await githubWorkRef()).toBe(ahead);
    expect(await repo.resolve(repo.workRef)).toBe(ahead);
  });

  it("refuses to overwrite work another run pushed that this one has not seen", async () => {
    const start = await repo.startWork(AT);
    const other = await openActionRepo(town, await town.freshDir("action-other"));
    await other.fetch();
    const theirs = await makeActionCommit(other.git, { tree: await other.git.text(["rev-parse", `${start.work}^{tree}`]), parents: [start.work], message: "Theirs\n", at: AT });
    await other.push(theirs);

    const mine = await commitOn(start.work, "Mine\n");
    await expect(repo.push(mine)).rejects.toThrow(
      "the push to refs/heads/gastown/work/nux/gt-1 was refused: not a fast-forward ([rejected] (fetch first)); the work ref is never force-pushed",
    );
    expect(await githubWorkRef()).toBe(theirs);
  });

  it("refuses a base branch GitHub does not have", async () => {
    const missing = await Repo.create({
      actionDir: await town.freshDir("action-missing"),
      remoteUrl: repositoryUrl(town.github.urls.web, "octo/town"),
      token: town.token,
      base: "trunk",
      polecat: "nux",
      bead: "gt-1",
    });
    await expect(missing.fetch()).rejects.toThrow("the base branch trunk does not exist on GitHub");
  });
});

describe("workflow files", () => {
  it("finds the workflow files the base changed since the branch point, and only those", async () => {
    await repo.startWork(AT);
    await pushToBase(town, { "docs/guide.md": "# Guide\n" }, "Add the guide");
    await repo.fetch();
    expect(await repo.workflowChangesSinceBranchPoint()).toEqual([]);

    await pushToBase(town, { ".github/workflows/ci.yml": "on: push\n", ".github/workflows/release.yml": "on: release\n", ".github/labels.yml": "[]\n" }, "Add CI");
    await repo.fetch();
    expect(await repo.workflowChangesSinceBranchPoint()).toEqual([".github/workflows/ci.yml", ".github/workflows/release.yml"]);
  });

  it("passes on GitHub's refusal of a push that carries one, with git's own words", async () => {
    const start = await repo.startWork(AT);
    const blob = await repo.git.text(["hash-object", "-w", "--stdin"], { input: "on: push\n" });
    const workflows = await repo.git.text(["mktree"], { input: `100644 blob ${blob}\tx.yml\n` });
    const github = await repo.git.text(["mktree"], { input: `040000 tree ${workflows}\tworkflows\n` });
    const baseTree = await repo.git.text(["ls-tree", start.work]);
    const tree = await repo.git.text(["mktree"], { input: `${baseTree}\n040000 tree ${github}\t.github\n` });
    const commit = await makeActionCommit(repo.git, { tree, parents: [start.work], message: "Add a workflow\n", at: AT });

    const refused = await repo.push(commit).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(GitError);
    expect((refused as GitError).stderr).toContain("refusing to allow a GitHub App to create or update workflow `.github/workflows/x.yml` without `workflows` permission");
    expect((refused as GitError).message).not.toContain(town.token);
    expect(await githubWorkRef()).toBe(start.work);
  });
});

describe("the token", () => {
  it("is in no command line, no URL and no file: git gets it from the askpass helper", async () => {
    const start = await repo.startWork(AT);
    await repo.push(await commitOn(start.work, "A step\n"));
    await repo.fetch();

    const commands = await town.gitCommands();
    expect(commands.map((argv) => argv.slice(0, 11).concat(argv.slice(11, 12)))).toContainEqual([
      "-c", "core.hooksPath=/dev/null", "-c", "core.fsmonitor=false", "-c", "credential.helper=", "-c", "gc.auto=0", "-c", "maintenance.auto=false",
      `--git-dir=${repo.gitDir}`, "ls-remote",
    ]);
    const networkCommands = commands.filter((argv) => ["ls-remote", "fetch", "push"].includes(argv[11] ?? ""));
    expect(networkCommands.map((argv) => argv[11])).toEqual(["ls-remote", "fetch", "push", "push", "ls-remote", "fetch"]);
    for (const argv of commands) {
      for (const arg of argv) {
        expect(arg).not.toContain(town.token);
        if (arg.includes("://")) expect(new URL(arg.replace(/^.*?(https?:\/\/)/, "$1")).username).toBe("");
      }
    }
    const trace = await town.gitTrace();
    expect(trace).not.toContain(town.token);
    // git itself asked the helper, once for the user name and once for the password, each time.
    const asked = trace.split("\n").filter((line) => line.includes("run_command: ") && line.includes(join(town.actionDir, "askpass")));
    expect(asked.map((line) => line.replace(/^.*run_command: \S+ /, ""))).toEqual(
      Array.from({ length: 6 }, () => [`'Username for '\\''${town.github.urls.web}'\\'': '`, `'Password for '\\''http://x-access-token@${town.github.urls.web.replace("http://", "")}'\\'': '`]).flat(),
    );

    expect(await readFile(join(town.actionDir, "askpass"), "utf8")).toBe(ASKPASS_SCRIPT);
    expect((await stat(join(town.actionDir, "askpass"))).mode & 0o777).toBe(0o700);
    expect((await stat(repo.gitDir)).mode & 0o777).toBe(0o700);
    const config = await readFile(join(repo.gitDir, "config"), "utf8");
    expect(config).toBe("[core]\n\trepositoryformatversion = 0\n\tfilemode = true\n\tbare = true\n");
  });
});
