// The agent's own clone, `<root>/agent/clone`: made by the action from its repository, then
// handed to the agent's user. It is on the local branch `polecat/<name>/<bead>` at the work
// ref's tip, has `origin/<base>` (the formulas diff and merge against it), and its `origin` is
// the repository's credential-free URL, so nothing the agent runs can push. It holds no hook and
// no configuration but its own few lines, and the action never reads either again: take-work.ts
// reads the clone's files, never runs git in it.
//
// Objects are copied file by file from the action's repository (packs and loose objects, never
// hard-linked: a link would hand the agent's user the action's own object files), so the
// clone's packs keep their names and take-work.ts skips them as already known.
import { spawn } from "node:child_process";
import { copyFile, lchown, mkdir, readdir } from "node:fs/promises";
import { join } from "node:path";
import { deflateSync } from "node:zlib";
import { ActionGit } from "./action-git.js";
import type { ActionRepo } from "./action-repo.js";
import { readObjects } from "./git-objects.js";

export interface AgentOwner {
  readonly uid: number;
  readonly gid: number;
}

export interface AgentCloneInput {
  /** The action's repository, holding the base and the work ref. */
  readonly repo: ActionRepo;
  /** `<root>/agent/clone`; must not exist yet, its parent must. */
  readonly cloneDir: string;
  readonly baseTip: string;
  readonly workTip: string;
  readonly owner: AgentOwner;
  readonly gitPath?: string;
}

/**
 * Who the agent's commits are by unless it says otherwise: the polecat's name, at an address
 * under `.invalid` (RFC 2606), which can never reach or belong to anyone.
 */
export function agentIdentity(polecat: string): { name: string; email: string } {
  return { name: polecat, email: `${polecat}.polecat@gastown.invalid` };
}

export async function makeAgentClone(input: AgentCloneInput): Promise<void> {
  const { repo } = input;
  const gitPath = input.gitPath === undefined ? {} : { gitPath: input.gitPath };
  await mkdir(input.cloneDir, { mode: 0o700 });
  const setup = new ActionGit({ gitDir: input.cloneDir, ...gitPath });
  await setup.runWithoutRepository(input.cloneDir, ["init", "--quiet", "--template=", `--initial-branch=${repo.agentBranch}`, input.cloneDir]);
  const gitDir = join(input.cloneDir, ".git");
  const git = new ActionGit({ gitDir, workTree: input.cloneDir, ...gitPath });

  await copyObjects(join(repo.gitDir, "objects"), join(gitDir, "objects"));
  const identity = agentIdentity(repo.polecat);
  for (const [key, value] of [
    ["remote.origin.url", repo.remoteUrl],
    ["remote.origin.fetch", "+refs/heads/*:refs/remotes/origin/*"],
    ["user.name", identity.name],
    ["user.email", identity.email],
  ] as const) {
    await git.run(["config", "--local", key, value]);
  }
  await git.run(["update-ref", "--stdin"], {
    input: `create refs/remotes/origin/${repo.base} ${input.baseTip}\ncreate refs/heads/${repo.agentBranch} ${input.workTip}\n`,
  });
  await git.run(["read-tree", "--reset", "-u", "HEAD"]);
  await chownTree(input.cloneDir, input.owner);
}

/** The action repository's packs (with their indexes) and loose objects, copied, never linked. */
async function copyObjects(from: string, to: string): Promise<void> {
  for (const entry of await readdir(from, { withFileTypes: true })) {
    if (entry.isDirectory() && /^[0-9a-f]{2}$/.test(entry.name)) {
      await mkdir(join(to, entry.name), { recursive: true });
      for (const name of await readdir(join(from, entry.name))) await copyFile(join(from, entry.name, name), join(to, entry.name, name));
    }
  }
  await mkdir(join(to, "pack"), { recursive: true });
  const packs = await readdir(join(from, "pack")).catch(() => [] as string[]);
  for (const name of packs) {
    if (/^pack-[0-9a-f]{40}\.(pack|idx)$/.test(name)) await copyFile(join(from, "pack", name), join(to, "pack", name));
  }
}

/** chown -R without following links: each entry itself changes owner, never what it points to. */
export async function chownTree(path: string, owner: AgentOwner): Promise<void> {
  await lchown(path, owner.uid, owner.gid);
  for (const entry of await readdir(path, { withFileTypes: true })) {
    const child = join(path, entry.name);
    if (entry.isDirectory()) await chownTree(child, owner);
    else await lchown(child, owner.uid, owner.gid);
  }
}

export interface AdvanceInput {
  /** The action's repository, which holds `to`. */
  readonly git: ActionGit;
  readonly cloneDir: string;
  readonly branch: string;
  /** The agent's tip the action took; the branch must still be there. */
  readonly from: string;
  /** The action's marker commit on top of `from`, which the next step continues. */
  readonly to: string;
  readonly owner: AgentOwner;
  /** A node the agent's user can run (`<root>/agent/bin/node`); this one by default. */
  readonly node?: string;
}

/**
 * Moves the agent's branch from the tip the action took to the action's marker on top of it,
 * so the next step's commits fast-forward the pushed work ref. The marker is empty, so the work
 * tree and index stay as they are. The write is done as the agent's user, by a small node
 * program with no git: whatever the agent left in its clone can then only lead the write where
 * the agent itself could write, and no hook or configuration of its runs.
 */
export async function advanceAgentBranch(input: AdvanceInput): Promise<void> {
  const [commit] = await readObjects(input.git, [input.to]);
  if (commit === undefined || commit.type !== "commit") throw new Error(`${input.to} is not a commit in the action's repository`);
  const object = deflateSync(Buffer.concat([Buffer.from(`commit ${commit.content.length}\0`), commit.content]));
  const request = {
    objectPath: `.git/objects/${input.to.slice(0, 2)}/${input.to.slice(2)}`,
    object: object.toString("base64"),
    refPath: `.git/refs/heads/${input.branch}`,
    ref: `refs/heads/${input.branch}`,
    from: input.from,
    to: input.to,
  };
  await runAsAgent(input.node ?? process.execPath, input.cloneDir, input.owner, JSON.stringify(request));
}

// Runs as the agent's user in its clone, reading the request above on stdin. Written for node's
// CommonJS `-e`, with nothing but node's own modules.
const ADVANCE_PROGRAM = `
const fs = require("fs");
const path = require("path");
const request = JSON.parse(fs.readFileSync(0, "utf8"));
// No link on the way, from the clone down: run as the action's own user (no root), the write would
// follow one the agent left to any file of that user's. Nothing of the agent's runs now to swap one in.
function noLink(relative) {
  const parts = relative.split("/");
  for (let n = 1; n <= parts.length; n++) {
    const at = parts.slice(0, n).join("/");
    let info;
    try { info = fs.lstatSync(at); } catch (error) { if (error.code === "ENOENT") return; throw error; }
    if (info.isSymbolicLink()) {
      process.stderr.write(at + " is a link\\n");
      process.exit(4);
    }
  }
}
const temporary = request.objectPath + ".gastown-tmp";
const lock = request.refPath + ".lock";
for (const file of [request.refPath, ".git/packed-refs", request.objectPath, temporary, lock]) noLink(file);
function current() {
  try { return fs.readFileSync(request.refPath, "utf8").trim(); } catch (error) { if (error.code !== "ENOENT") throw error; }
  let packed = "";
  try { packed = fs.readFileSync(".git/packed-refs", "utf8"); } catch (error) { if (error.code !== "ENOENT") throw error; }
  const line = packed.split("\\n").find((entry) => entry.split(" ")[1] === request.ref);
  return line === undefined ? undefined : line.split(" ")[0];
}
const at = current();
if (at !== request.from) {
  process.stderr.write("the branch is at " + at + ", not at " + request.from + "\\n");
  process.exit(3);
}
if (!fs.existsSync(request.objectPath)) {
  fs.mkdirSync(path.dirname(request.objectPath), { recursive: true });
  fs.rmSync(temporary, { force: true });
  fs.writeFileSync(temporary, Buffer.from(request.object, "base64"), { mode: 0o444, flag: "wx" });
  fs.renameSync(temporary, request.objectPath);
}
fs.mkdirSync(path.dirname(request.refPath), { recursive: true });
fs.writeFileSync(lock, request.to + "\\n", { flag: "wx" });
fs.renameSync(lock, request.refPath);
`;

function runAsAgent(node: string, cwd: string, owner: AgentOwner, input: string): Promise<void> {
  return new Promise((resolve, reject) => {
    // libuv drops root's supplementary groups before it takes the agent's uid and gid.
    const child = spawn(node, ["-e", ADVANCE_PROGRAM], { cwd, uid: owner.uid, gid: owner.gid, env: {}, stdio: ["pipe", "ignore", "pipe"] });
    const stderr: Buffer[] = [];
    child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
    child.on("error", reject);
    child.on("close", (code) => {
      if (code === 0) resolve();
      else reject(new Error(`moving the agent's branch failed (exit ${code}): ${Buffer.concat(stderr).toString("utf8").trim()}`));
    });
    child.stdin.end(input);
  });
}
