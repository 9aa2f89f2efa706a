// Taking an agent's work through the quarantine, against a real repository served by the GitHub
// emulator, with a hostile stand-in agent: each attack on the take-work path is tried in the
// agent's clone and must be refused (or, for the agent's own hooks and configuration, never run).
import { execFile } from "node:child_process";
import { chmod, lstat, mkdir, readdir, readFile, rm, symlink, unlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { beforeEach, describe, expect, it } from "vitest";
import { ACTION_IDENTITY } from "../../app/polecat/action-identity.js";
import { advanceAgentBranch, makeAgentClone } from "../../app/polecat/agent-clone.js";
import { DEFAULT_PROTECTED_PATHS, type WorkRules } from "../../app/polecat/commit-rules.js";
import { takeWork, type TakenWork, type TakeWorkInput } from "../../app/polecat/take-work.js";
import { addMarker, readMarkers } from "../../app/polecat/work-markers.js";
import type { ActionRepo, WorkStart } from "../../app/polecat/action-repo.js";
import { AGENT, agentCommit, agentGit, agentWrite, AT, BEAD, openActionRepo, pushToBase, type Town, useRun } from "./polecat-git-fixtures.js";

const run = promisify(execFile);

const context = useRun();
let town: Town;
let repo: ActionRepo;
let start: WorkStart;
beforeEach(() => ({ town, repo, start } = context));

const RULES: WorkRules = { bead: BEAD, protectedPaths: DEFAULT_PROTECTED_PATHS, maxDiffLines: 5000, maxFileBytes: 10 * 1024 * 1024, maxBinaryBytes: 1024 * 1024, identity: ACTION_IDENTITY };

function take(overrides: Partial<TakeWorkInput> = {}): Promise<TakenWork> {
  return takeWork({ git: repo.git, cloneDir: town.cloneDir, branch: repo.agentBranch, pushedTip: start.work, baseTip: start.base, rules: RULES, ...overrides });
}

function refused(taken: TakenWork): readonly string[] {
  if (taken.kind !== "refused") throw new Error(`the work was taken: ${JSON.stringify(taken)}`);
  return taken.problems;
}

async function inActionRepo(sha: string): Promise<boolean> {
  return (await repo.git.run(["cat-file", "-e", sha], { allowExit: [1, 128] })).code === 0;
}

async function quarantinesLeft(): Promise<string[]> {
  return (await readdir(repo.gitDir)).filter((name) => name.startsWith("quarantine-"));
}

const short = (sha: string) => sha.slice(0, 7);

/** The stand-in agent's git with something on its standard input. */
async function agentGitWithInput(input: string, ...args: string[]): Promise<string> {
  const pending = run("git", args, { cwd: town.cloneDir, uid: AGENT.uid, gid: AGENT.gid, env: { PATH: process.env["PATH"] ?? "/usr/bin:/bin", HOME: join(town.agentDir, "home") } });
  pending.child.stdin?.end(input);
  return (await pending).stdout;
}

describe("secrets", () => {
  it("refuses a file that carries the run's own key or a known credential, naming the kind and line, never the secret", async () => {
    const key = "sk-ant-test-run-key-0123456789abcdef";
    const first = await agentCommit(town, { "src/config.ts": `export const model = "claude";\nexport const key = "${key}";\n` }, "Keep the key");
    const second = await agentCommit(town, { "deploy/aws.ini": "[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n" }, "Add the deploy settings");

    const problems = refused(await take({ rules: { ...RULES, canaries: ["ghs_the-runs-own-token-0123456789", key] } }));
    expect(problems).toEqual([
      `commit ${short(first)} ("Keep the key") puts what looks like a secret in src/config.ts: this run's own secret (line 2). No secret is pushed: take it out of every commit`,
      `commit ${short(second)} ("Add the deploy settings") puts what looks like a secret in deploy/aws.ini: an AWS access key id (line 2). No secret is pushed: take it out of every commit`,
    ]);
    expect(problems.join("\n")).not.toContain(key);
    expect(await inActionRepo(second)).toBe(false);
  });
});

describe("binary files", () => {
  it("refuses a binary file over 1 MiB and takes a small one beside it", async () => {
    const tip = await agentCommit(town, { "dist/bundle.bin": `\0${"x".repeat(1536 * 1024)}`, "assets/icon.png": "\x89PNG\0small" }, "Ship the build");

    expect(refused(await take())).toEqual([
      `commit ${short(tip)} ("Ship the build") makes dist/bundle.bin a binary file of 1.5 MiB, over the limit of 1 MiB for binary files: build outputs and archives are not pushed`,
    ]);
    expect(await inActionRepo(tip)).toBe(false);
  });
});

describe("the happy path", () => {
  it("takes two commits, adds the marker, pushes fast-forward and reads the marker back", async () => {
    const first = await agentCommit(town, { "src/a.ts": "export const a = 1;\n" }, "Add a");
    const second = await agentCommit(town, { "src/b.ts": "export const b = 2;\n" }, "Add b");
    expect(await inActionRepo(second)).toBe(false);

    const taken = await take();
    if (taken.kind !== "accepted") throw new Error(taken.text);
    expect(taken.tip).toBe(second);
    expect(taken.notes).toEqual([]);
    expect(taken.commits.map(({ commit, changes }) => [commit.sha, commit.parents, commit.message, changes.map((c) => `${c.status} ${c.mode} ${c.path}`)])).toEqual([
      [first, [start.work], "Add a\n\nGastown-Bead: gt-1\nGastown-Step: implement\n", ["A 100644 src/a.ts"]],
      [second, [first], "Add b\n\nGastown-Bead: gt-1\nGastown-Step: implement\n", ["A 100644 src/b.ts"]],
    ]);
    expect(await inActionRepo(second)).toBe(true);
    expect(await quarantinesLeft()).toEqual([]);

    const marker = await addMarker(repo.git, { tip: taken.tip, bead: BEAD, step: "implement", payload: { notes: "both files added", intents: [{ kind: "step-done", step: "implement" }] }, at: AT });
    await repo.push(marker);
    expect(await town.github.git("octo/town").resolveRef(repo.workRef)).toBe(marker);
    expect(await town.github.git("octo/town").readCommit(marker)).toEqual({
      sha: marker,
      tree: (await town.github.git("octo/town").readCommit(second)).tree,
      parents: [second],
      author: { name: "gastown[bot]", email: "gastown.bot@users.noreply.github.com", date: "2025-06-01T12:00:00Z" },
      committer: { name: "gastown[bot]", email: "gastown.bot@users.noreply.github.com", date: "2025-06-01T12:00:00Z" },
      message: 'Gastown: step implement done\n\n{"notes":"both files added","intents":[{"kind":"step-done","step":"implement"}]}\n\nGastown-Bead: gt-1\nGastown-Closed: implement\n',
    });

    // A later attempt, in a fresh workspace, finds the step's marker on the pushed work ref.
    const later = await openActionRepo(town, await town.freshDir("action-later"));
    const tips = await later.fetch();
    expect(tips.work).toBe(marker);
    expect(await readMarkers(later.git, { workTip: marker, baseTip: tips.base, bead: BEAD })).toEqual([
      { step: "implement", commit: marker, payload: { notes: "both files added", intents: [{ kind: "step-done", step: "implement" }] } },
    ]);

    // The next step continues in the same clone, on top of the marker.
    await advanceAgentBranch({ git: repo.git, cloneDir: town.cloneDir, branch: repo.agentBranch, from: second, to: marker, owner: AGENT });
    expect((await agentGit(town, "log", "--format=%s", "-3")).split("\n")).toEqual(["Gastown: step implement done", "Add b", "Add a", ""]);
    expect(await agentGit(town, "status", "--porcelain")).toBe("");
    const third = await agentCommit(town, { "src/c.ts": "export const c = 3;\n" }, "Add c", "Add c\n\nGastown-Bead: gt-1\nGastown-Step: review\n");
    const next = await take({ pushedTip: marker });
    expect(next.kind === "accepted" && next.commits.map(({ commit }) => commit.sha)).toEqual([third]);
    await repo.push(third);
    const secondMarker = await addMarker(repo.git, { tip: third, bead: BEAD, step: "review", at: AT });
    await repo.push(secondMarker);
    expect((await readMarkers(repo.git, { workTip: secondMarker, baseTip: start.base, bead: BEAD })).map(({ step, commit, payload }) => [step, commit, payload])).toEqual([
      ["implement", marker, { notes: "both files added", intents: [{ kind: "step-done", step: "implement" }] }],
      ["review", secondMarker, undefined],
    ]);
  });

  it("takes nothing new when the branch is where the work ref is", async () => {
    expect(await take()).toEqual({ kind: "accepted", tip: start.work, commits: [], notes: [] });
  });

  it("takes objects the agent packed itself (git gc), through git's own unpacking", async () => {
    const tip = await agentCommit(town, { "src/a.ts": "export const a = 1;\n" }, "Add a");
    await agentGit(town, "gc", "--quiet");
    const loose = (await readdir(join(town.cloneDir, ".git", "objects"))).filter((name) => /^[0-9a-f]{2}$/.test(name));
    expect(loose).toEqual([]);

    const taken = await take();
    expect(taken.kind === "accepted" && taken.tip).toBe(tip);
    expect(await inActionRepo(tip)).toBe(true);
  });

  it("takes a merge of the base, whose changes are the base's, and notes missing trailers", async () => {
    const baseTip = await pushToBase(town, { "docs/guide.md": "# Guide\n" }, "Add the guide");
    expect((await repo.fetch()).base).toBe(baseTip);
    await rm(town.cloneDir, { recursive: true });
    await makeAgentClone({ repo, cloneDir: town.cloneDir, baseTip, workTip: start.work, owner: AGENT });
    const mine = await agentCommit(town, { "src/a.ts": "export const a = 1;\n" }, "Add a", "Add a");
    await agentGit(town, "merge", "--quiet", "--no-edit", "origin/main");
    const merge = (await agentGit(town, "rev-parse", "HEAD")).trim();

    const taken = await take({ baseTip });
    if (taken.kind !== "accepted") throw new Error(taken.text);
    expect(taken.commits.map(({ commit, changes }) => [commit.sha, changes.length])).toEqual([
      [mine, 1],
      [merge, 0],
    ]);
    expect(taken.notes).toEqual([`commit ${short(mine)} ("Add a") has no Gastown-Bead trailer`, `commit ${short(mine)} ("Add a") has no Gastown-Step trailer`]);
  });
});

describe("the agent's hooks and configuration", () => {
  it("never runs a hook or a configured command of the agent's", async () => {
    const tip = await agentCommit(town, { "src/a.ts": "export const a = 1;\n", ".gitattributes": "* filter=evil diff=evil merge=evil\n" }, "Add a");
    const touch = (name: string) => `touch ${join(town.markers, name)}`;
    const hooks = ["pre-commit", "post-commit", "reference-transaction", "post-checkout", "pre-push", "post-update", "pre-auto-gc", "post-index-change", "fsmonitor-watchman", "push-to-checkout"];
    const hooksPath = join(town.agentDir, "home", "hooks");
    for (const dir of [join(town.cloneDir, ".git", "hooks"), hooksPath]) {
      await mkdir(dir, { recursive: true });
      for (const hook of hooks) await writeFile(join(dir, hook), `#!/bin/sh\n${touch(`hook-${hook}`)}\n`, { mode: 0o755 });
    }
    const fsmonitor = join(town.agentDir, "home", "fsmonitor.sh");
    await writeFile(fsmonitor, `#!/bin/sh\n${touch("fsmonitor")}\n`, { mode: 0o755 });
    const config = await readFile(join(town.cloneDir, ".git", "config"), "utf8");
    await writeFile(
      join(town.cloneDir, ".git", "config"),
      `${config}[core]\n\tfsmonitor = ${fsmonitor}\n\thooksPath = ${hooksPath}\n\tsshCommand = ${touch("ssh")}\n\tpager = ${touch("pager")}\n\teditor = ${touch("editor")}\n\taskPass = ${touch("askpass")}\n` +
        `[filter "evil"]\n\tclean = ${touch("clean")}\n\tsmudge = ${touch("smudge")}\n\tprocess = ${touch("process")}\n\trequired = true\n` +
        `[diff "evil"]\n\ttextconv = ${touch("textconv")}\n\tcommand = ${touch("diff")}\n[merge "evil"]\n\tdriver = ${touch("merge")}\n` +
        `[alias]\n\tfsck = !${touch("alias-fsck")}\n\trev-list = !${touch("alias-rev-list")}\n\tunpack-objects = !${touch("alias-unpack")}\n` +
        `[credential]\n\thelper = !${touch("credential")}\n[include]\n\tpath = ${join(town.agentDir, "home", "more.config")}\n[uploadpack]\n\tpackObjectsHook = ${touch("pack-objects-hook")}\n`,
    );

    const taken = await take();
    expect(taken.kind === "accepted" && taken.tip).toBe(tip);
    const marker = await addMarker(repo.git, { tip, bead: BEAD, step: "implement", at: AT });
    await repo.push(marker);
    await advanceAgentBranch({ git: repo.git, cloneDir: town.cloneDir, branch: repo.agentBranch, from: tip, to: marker, owner: AGENT });

    expect(await readdir(town.markers)).toEqual([]);
  });

  it("lends nothing through objects/info/alternates: objects only found there are missing", async () => {
    const outside = join(town.root, "outside.git");
    await run("git", ["init", "--quiet", "--bare", outside]);
    await chmod(outside, 0o755);
    await writeFile(join(town.root, "secret.txt"), "a secret held elsewhere\n");
    const { stdout } = await run("git", ["--git-dir", outside, "hash-object", "-w", join(town.root, "secret.txt")]);
    const blob = stdout.trim();
    await agentWrite(town, ".git/objects/info/alternates", `${join(outside, "objects")}\n`);
    await agentGit(town, "update-index", "--add", "--cacheinfo", `100644,${blob},secret.txt`);
    await agentGit(town, "commit", "--quiet", "-m", "Borrow a blob");

    const problems = refused(await take());
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^git fsck found broken objects in the clone: .*${blob}`));
  });
});

describe("links and broken files in the clone", () => {
  it("refuses an object file that is a link to a file outside", async () => {
    await agentCommit(town, { "src/a.ts": "export const a = 1;\n" }, "Add a");
    const blob = (await agentGit(town, "rev-parse", "HEAD:src/a.ts")).trim();
    const objectPath = join(town.cloneDir, ".git", "objects", blob.slice(0, 2), blob.slice(2));
    const outside = join(town.root, "outside-object");
    await writeFile(outside, await readFile(objectPath));
    await unlink(objectPath);
    await symlink(outside, objectPath);

    expect(refused(await take())).toEqual([`.git/objects/${blob.slice(0, 2)}/${blob.slice(2)} is a symbolic link`]);
  });

  it("refuses a pack file that is a link", async () => {
    await agentCommit(town, { "src/a.ts": "export const a = 1;\n" }, "Add a");
    await agentGit(town, "gc", "--quiet");
    const packDir = join(town.cloneDir, ".git", "objects", "pack");
    const [pack] = (await readdir(packDir)).filter((name) => name.endsWith(".pack"));
    const outside = join(town.root, "outside.pack");
    await writeFile(outside, await readFile(join(packDir, pack as string)));
    await unlink(join(packDir, pack as string));
    await symlink(outside, join(packDir, pack as string));

    expect(refused(await take())).toEqual([`.git/objects/pack/${pack} is a symbolic link`]);
  });

  it("refuses a tree that holds .git, which fsck --strict rejects", async () => {
    const blob = (await agentGitWithInput("[core]\n\tfsmonitor = evil\n", "hash-object", "-w", "--stdin")).trim();
    const dotGit = (await agentGitWithInput(`100644 blob ${blob}\tconfig\n`, "mktree")).trim();
    const base = await agentGit(town, "ls-tree", "HEAD");
    const tree = (await agentGitWithInput(`${base}040000 tree ${dotGit}\t.GIT\n`, "mktree")).trim();
    const commit = (await agentGit(town, "commit-tree", tree, "-p", "HEAD", "-m", "Carry a .GIT")).trim();
    await agentGit(town, "update-ref", "HEAD", commit);

    const problems = refused(await take());
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^git fsck found broken objects in the clone: .*hasDotgit: contains '\.git'/);
  });

  it("refuses a .git/HEAD that is a link", async () => {
    await agentCommit(town, { "src/a.ts": "export const a = 1;\n" }, "Add a");
    const head = join(town.root, "outside-HEAD");
    await writeFile(head, "ref: refs/heads/polecat/nux/gt-1\n");
    await unlink(join(town.cloneDir, ".git", "HEAD"));
    await symlink(head, join(town.cloneDir, ".git", "HEAD"));

    expect(refused(await take())).toEqual([".git/HEAD is a symbolic link"]);
  });

  it("refuses a branch ref file that is a link, or a link on its way", async () => {
    const tip = await agentCommit(town, { "src/a.ts": "export const a = 1;\n" }, "Add a");
    const refFile = join(town.cloneDir, ".git", "refs", "heads", "polecat", "nux", "gt-1");
    const outside = join(town.root, "outside-ref");
    await writeFile(outside, `${tip}\n`);
    await unlink(refFile);
    await symlink(outside, refFile);
    expect(refused(await take())).toEqual([".git/refs/heads/polecat/nux/gt-1 is a symbolic link"]);

    const outsideDir = join(town.root, "outside-refs");
    await mkdir(join(outsideDir, "nux"), { recursive: true });
    await writeFile(join(outsideDir, "nux", "gt-1"), `${tip}\n`);
    await rm(join(town.cloneDir, ".git", "refs", "heads", "polecat"), { recursive: true });
    await symlink(outsideDir, join(town.cloneDir, ".git", "refs", "heads", "polecat"));
    expect(refused(await take())).toEqual([".git/refs/heads/polecat is a symbolic link"]);
  });

  it("refuses a HEAD on another branch, or detached", async () => {
    await agentGit(town, "checkout", "--quiet", "-b", "elsewhere");
    await agentCommit(town, { "src/a.ts": "export const a = 1;\n" }, "Add a");
    expect(refused(await take())).toEqual(["HEAD is on elsewhere, not on polecat/nux/gt-1; only polecat/nux/gt-1 is taken"]);

    await agentGit(town, "checkout", "--quiet", "--detach");
    expect(refused(await take())).toEqual(["HEAD is detached, not on polecat/nux/gt-1; commit on polecat/nux/gt-1"]);
  });

  it("reads a branch git packed into packed-refs", async () => {
    const tip = await agentCommit(town, { "src/a.ts": "export const a = 1;\n" }, "Add a");
    await agentGit(town, "pack-refs", "--all");
    await expect(lstat(join(town.cloneDir, ".git", "refs", "heads", "polecat", "nux", "gt-1"))).rejects.toThrow(/ENOENT/);

    const taken = await take();
    expect(taken.kind === "accepted" && taken.tip).toBe(tip);
  });

  it("refuses a corrupt object (fsck) and keeps nothing of it", async () => {
    const tip = await agentCommit(town, { "src/a.ts": "export const a = 1;\n" }, "Add a");
    const blob = (await agentGit(town, "rev-parse", "HEAD:src/a.ts")).trim();
    const objectPath = join(town.cloneDir, ".git", "objects", blob.slice(0, 2), blob.slice(2));
    await chmod(objectPath, 0o644);
    await writeFile(objectPath, "not a zlib stream");

    const problems = refused(await take());
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^git fsck found broken objects in the clone: .*${blob}`));
    expect(problems[0]).not.toContain(repo.gitDir);
    expect(await inActionRepo(tip)).toBe(false);
    expect(await quarantinesLeft()).toEqual([]);
  });

  it("refuses more than the byte limit of new objects", async () => {
    await agentCommit(town, { "src/a.ts": "export const a = 1;\n".repeat(100) }, "Add a");
    expect(refused(await take({ limits: { maxBytes: 100, maxLooseObjects: 100 } }))[0]).toMatch(/^the clone's new objects pass 100 bytes at \.git\/objects\/[0-9a-f]{2}\/[0-9a-f]{38}$/);
  });
});

describe("the rules on the agent's commits", () => {
  it("refuses commits that touch protected paths: workflows, CODEOWNERS, formulas", async () => {
    const workflow = await agentCommit(town, { ".github/workflows/x.yml": "on: push\n" }, "Add a workflow");
    const owners = await agentCommit(town, { ".github/CODEOWNERS": "* @nux\n" }, "Own everything");
    const docsOwners = await agentCommit(town, { "docs/CODEOWNERS": "* @nux\n" }, "Own the docs");
    const formula = await agentCommit(town, { ".beads/formulas/x.formula.yaml": "formula: x\n" }, "Change a formula");

    const taken = await take();
    expect(refused(taken)).toEqual([
      `commit ${short(workflow)} ("Add a workflow") changes .github/workflows/x.yml, a protected path (.github/**)`,
      `commit ${short(owners)} ("Own everything") changes .github/CODEOWNERS, a protected path (.github/**)`,
      `commit ${short(docsOwners)} ("Own the docs") changes docs/CODEOWNERS, a protected path (**/CODEOWNERS)`,
      `commit ${short(formula)} ("Change a formula") changes .beads/formulas/x.formula.yaml, a protected path (.beads/formulas/**)`,
    ]);
    expect(taken.kind === "refused" && taken.text.split("\n")[0]).toBe("Gas Town did not take the work on polecat/nux/gt-1; nothing was pushed:");
  });

  it("protects workflows and every CODEOWNERS whatever protected_paths says", async () => {
    const workflow = await agentCommit(town, { ".github/workflows/x.yml": "on: push\n" }, "Add a workflow");
    const owners = await agentCommit(town, { "CODEOWNERS": "* @nux\n", "docs/CODEOWNERS": "* @nux\n" }, "Own everything");
    expect(refused(await take({ rules: { ...RULES, protectedPaths: [] } }))).toEqual([
      `commit ${short(workflow)} ("Add a workflow") changes .github/workflows/x.yml, a protected path (.github/workflows/**)`,
      `commit ${short(owners)} ("Own everything") changes CODEOWNERS, a protected path (CODEOWNERS)`,
      `commit ${short(owners)} ("Own everything") changes docs/CODEOWNERS, a protected path (docs/CODEOWNERS)`,
    ]);
  });

  it("refuses a diff against the merge-base over max_diff_lines", async () => {
    await agentCommit(town, { "src/a.ts": "line\n".repeat(8) }, "Add a");
    await agentCommit(town, { "src/b.ts": "line\n".repeat(3) }, "Add b");
    expect(refused(await take({ rules: { ...RULES, maxDiffLines: 10 } }))).toEqual([
      `the work changes 11 lines against the base (from ${short(start.base)}), over the limit of 10 (max_diff_lines)`,
    ]);
  });

  it("refuses a forged Gastown-Closed trailer and a commit under the action's identity", async () => {
    const forged = await agentCommit(town, { "src/a.ts": "a\n" }, "Add a", "Add a\n\nGastown-Bead: gt-1\nGastown-Step: implement\nGastown-Closed: implement\n");
    await agentGit(town, "-c", "user.name=gastown[bot]", "-c", "user.email=gastown.bot@users.noreply.github.com", "commit", "--quiet", "--allow-empty", "-m", "Gastown: step review done");
    const posing = (await agentGit(town, "rev-parse", "HEAD")).trim();
    expect(refused(await take())).toEqual([
      `commit ${short(forged)} ("Add a") carries a Gastown-Closed trailer, which only Gas Town writes: leave it out (\`gt step done\` closes a step)`,
      `commit ${short(posing)} ("Gastown: step review done") is made under Gas Town's own identity (gastown[bot]), which only the action uses`,
    ]);
  });

  it("refuses a symbolic link that points outside the repository", async () => {
    await symlink("/etc/passwd", join(town.cloneDir, "passwd"));
    await agentGit(town, "add", "passwd");
    await agentGit(town, "commit", "--quiet", "-m", "Link the passwords\n\nGastown-Bead: gt-1\nGastown-Step: implement");
    const tip = (await agentGit(town, "rev-parse", "HEAD")).trim();
    expect(refused(await take())).toEqual([`commit ${short(tip)} ("Link the passwords") adds passwd, a symbolic link that points to the absolute path /etc/passwd`]);
  });

  it("refuses a branch that does not continue the pushed work", async () => {
    await agentGit(town, "reset", "--quiet", "--hard", "origin/main");
    const tip = await agentCommit(town, { "src/a.ts": "a\n" }, "Start over");
    expect(refused(await take())).toEqual([
      `the branch does not continue the pushed work: ${short(tip)} does not descend from ${short(start.work)}, and the work ref is only ever fast-forwarded`,
    ]);
  });

  it("refuses a merged base that changed a workflow file, which GitHub would refuse", async () => {
    const baseTip = await pushToBase(town, { ".github/workflows/ci.yml": "on: push\n" }, "Add CI");
    await repo.fetch();
    expect(await repo.workflowChangesSinceBranchPoint()).toEqual([".github/workflows/ci.yml"]);
    await rm(town.cloneDir, { recursive: true });
    await makeAgentClone({ repo, cloneDir: town.cloneDir, baseTip, workTip: start.work, owner: AGENT });
    await agentCommit(town, { "src/a.ts": "a\n" }, "Add a");
    await agentGit(town, "merge", "--quiet", "--no-edit", "origin/main");

    expect(refused(await take({ baseTip }))).toEqual([
      "the push would change .github/workflows/ci.yml, a workflow file (merged in from the base?), and GitHub refuses workflow changes from the polecat's token",
    ]);
  });
});
