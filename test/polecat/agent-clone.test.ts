// The agent's clone: made from the action's repository, handed to another uid, unable to push,
// sharing no file with the action, and moved onto the action's marker between steps.
import { lstat, mkdir, mkdtemp, readdir, readFile, rename, rm, stat, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { ACTION_IDENTITY } from "../../app/polecat/action-identity.js";
import { advanceAgentBranch } from "../../app/polecat/agent-clone.js";
import { DEFAULT_PROTECTED_PATHS } from "../../app/polecat/commit-rules.js";
import { takeWork } from "../../app/polecat/take-work.js";
import type { ActionRepo, WorkStart } from "../../app/polecat/action-repo.js";
import { addMarker } from "../../app/polecat/work-markers.js";
import { AGENT, agentCommit, agentGit, AT, BEAD, type Town, useRun } from "./polecat-git-fixtures.js";

const context = useRun();
let town: Town;
let repo: ActionRepo;
let start: WorkStart;
beforeEach(() => ({ town, repo, start } = context));

/** Every path under `dir` (itself included) with its owner, links not followed. */
async function owners(dir: string): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  const visit = async (path: string) => {
    const stats = await lstat(path);
    found.set(path, `${stats.uid}:${stats.gid}`);
    if (stats.isDirectory()) for (const name of await readdir(path)) await visit(join(path, name));
  };
  await visit(dir);
  return found;
}

async function inodes(dir: string): Promise<Set<number>> {
  const found = new Set<number>();
  const visit = async (path: string) => {
    const stats = await lstat(path);
    if (stats.isDirectory()) for (const name of await readdir(path)) await visit(join(path, name));
    else found.add(stats.ino);
  };
  await visit(dir);
  return found;
}

describe("making the clone", () => {
  it("puts the agent on its branch at the work ref's tip, with origin/<base>, owned by the agent's uid", async () => {
    expect((await stat(town.cloneDir)).mode & 0o777).toBe(0o700);
    expect(new Set((await owners(town.cloneDir)).values())).toEqual(new Set([`${AGENT.uid}:${AGENT.gid}`]));
    expect(await readFile(join(town.cloneDir, ".git", "HEAD"), "utf8")).toBe("ref: refs/heads/polecat/nux/gt-1\n");
    expect(await agentGit(town, "for-each-ref", "--format=%(objectname) %(refname)")).toBe(`${start.work} refs/heads/polecat/nux/gt-1\n${start.base} refs/remotes/origin/main\n`);
    expect(await agentGit(town, "status", "--porcelain")).toBe("");
    expect(await readFile(join(town.cloneDir, "README.md"), "utf8")).toBe("# Town\n");
    expect(await readFile(join(town.cloneDir, ".git", "config"), "utf8")).toBe(
      "[core]\n\trepositoryformatversion = 0\n\tfilemode = true\n\tbare = false\n\tlogallrefupdates = true\n" +
        `[remote "origin"]\n\turl = ${town.github.urls.web}/octo/town.git\n\tfetch = +refs/heads/*:refs/remotes/origin/*\n` +
        "[user]\n\tname = nux\n\temail = nux.polecat@gastown.invalid\n",
    );
    // No template: no hooks, not even samples.
    expect((await readdir(join(town.cloneDir, ".git"))).sort()).toEqual(["HEAD", "config", "index", "logs", "objects", "refs"]);
  });

  it("gives the agent no credential: a push from the clone is refused and changes nothing", async () => {
    await agentCommit(town, { "src/a.ts": "a\n" }, "Add a");
    const failed = await agentGit(town, "push", "origin", "HEAD:refs/heads/gastown/work/nux/gt-1").then(
      () => "pushed",
      (error: { stderr: string }) => error.stderr,
    );
    expect(failed).toContain("could not read Username");
    expect(await town.github.git("octo/town").resolveRef("refs/heads/gastown/work/nux/gt-1")).toBe(start.work);
  });

  it("shares no file with the action's repository, which stays the action's", async () => {
    const clone = await inodes(join(town.cloneDir, ".git", "objects"));
    const action = await inodes(join(repo.gitDir, "objects"));
    expect([...action].filter((ino) => clone.has(ino))).toEqual([]);
    expect(new Set((await owners(repo.gitDir)).values())).toEqual(new Set(["0:0"]));
  });
});

describe("between steps", () => {
  it("moves the agent's branch onto the action's marker, as the agent's user", async () => {
    const tip = await agentCommit(town, { "src/a.ts": "a\n" }, "Add a");
    const marker = await markerOn(tip);

    await advanceAgentBranch({ git: repo.git, cloneDir: town.cloneDir, branch: repo.agentBranch, from: tip, to: marker, owner: AGENT });

    const refFile = join(town.cloneDir, ".git", "refs", "heads", "polecat", "nux", "gt-1");
    expect(await readFile(refFile, "utf8")).toBe(`${marker}\n`);
    const objectFile = join(town.cloneDir, ".git", "objects", marker.slice(0, 2), marker.slice(2));
    for (const path of [refFile, objectFile]) expect([(await lstat(path)).uid, (await lstat(path)).gid]).toEqual([AGENT.uid, AGENT.gid]);
    expect(await agentGit(town, "log", "--format=%H %s", "-2")).toBe(`${marker} Gastown: step implement done\n${tip} Add a\n`);
    expect(await agentGit(town, "status", "--porcelain")).toBe("");
    expect(await agentGit(town, "fsck", "--strict", "--no-dangling")).toBe("");
  });

  it("refuses to move a branch that is no longer where the action took it", async () => {
    const tip = await agentCommit(town, { "src/a.ts": "a\n" }, "Add a");
    const marker = await markerOn(tip);
    await agentCommit(town, { "src/b.ts": "b\n" }, "Add b");

    await expect(advanceAgentBranch({ git: repo.git, cloneDir: town.cloneDir, branch: repo.agentBranch, from: tip, to: marker, owner: AGENT })).rejects.toThrow(
      /^moving the agent's branch failed \(exit 3\): the branch is at [0-9a-f]{40}, not at [0-9a-f]{40}$/,
    );
  });

  it("refuses to write through a link the agent left on the way, to a ref or an object", async () => {
    const tip = await agentCommit(town, { "src/a.ts": "a\n" }, "Add a");
    const marker = await markerOn(tip);
    // The branch's directory moved out of the clone and linked back: the ref still reads as the tip.
    const outside = await mkdtemp(join(tmpdir(), "gastown-outside-"));
    const refs = join(town.cloneDir, ".git", "refs", "heads", "polecat");
    await rename(refs, join(outside, "polecat"));
    await symlink(join(outside, "polecat"), refs);
    const advance = () => advanceAgentBranch({ git: repo.git, cloneDir: town.cloneDir, branch: repo.agentBranch, from: tip, to: marker, owner: AGENT });

    await expect(advance()).rejects.toThrow("moving the agent's branch failed (exit 4): .git/refs/heads/polecat is a link");
    expect(await readFile(join(outside, "polecat", "nux", "gt-1"), "utf8")).toBe(`${tip}\n`);

    // Put back, but the object's temporary name a link out of the clone.
    await rm(refs);
    await rename(join(outside, "polecat"), refs);
    const objectDir = join(town.cloneDir, ".git", "objects", marker.slice(0, 2));
    await mkdir(objectDir, { recursive: true });
    await symlink(join(outside, "planted"), join(objectDir, `${marker.slice(2)}.gastown-tmp`));
    await expect(advance()).rejects.toThrow(`moving the agent's branch failed (exit 4): .git/objects/${marker.slice(0, 2)}/${marker.slice(2)}.gastown-tmp is a link`);
    expect(await readdir(outside)).toEqual([]);
    await rm(outside, { recursive: true });
  });
});

/** The action takes the agent's tip into its repository and puts its marker on it. */
async function markerOn(tip: string): Promise<string> {
  const taken = await takeWork({
    git: repo.git,
    cloneDir: town.cloneDir,
    branch: repo.agentBranch,
    pushedTip: start.work,
    baseTip: start.base,
    rules: { bead: BEAD, protectedPaths: DEFAULT_PROTECTED_PATHS, maxDiffLines: 5000, maxFileBytes: 1024, maxBinaryBytes: 1024, identity: ACTION_IDENTITY },
  });
  if (taken.kind !== "accepted" || taken.tip !== tip) throw new Error(JSON.stringify(taken));
  return addMarker(repo.git, { tip, bead: BEAD, step: "implement", at: AT });
}
