// Taking the agent's work, once its processes are gone (DESIGN §4.6). Nothing runs in the
// agent's clone: its branch tip is read from its files (agent-branch-tip.ts), its objects are
// copied into a quarantine (copy-agent-objects.ts), and every git command runs in the action's
// own repository with the action's own configuration.
//
// The quarantine is a fresh object directory inside the action's repository, used as
// GIT_OBJECT_DIRECTORY with the repository's own objects as its alternate: the way git's
// receive-pack quarantines a push. What the agent brought is visible to the checks and to
// nothing else; the repository's object store is untouched until every check has passed, and
// then the quarantine's files are moved into it (same filesystem, so each move is a rename).
// A separate quarantine repository would need its own configuration and a fetch into the real
// one afterwards, which runs more git on untrusted objects for nothing.
//
// The checks, in order: `git fsck --strict` on everything brought in (content matches names,
// well-formed commits and trees, no `.git` in a tree, and everything reachable from the tip is
// present); the tip is a commit that fast-forwards the pushed work ref; then the pure rules of
// commit-rules.ts on the new commits, their files scanned for secrets (reachable from the tip, not from the pushed tip or the
// base). The answer is the tip with its commits, or a refusal a person and the agent can read.
import { mkdir, mkdtemp, readdir, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import type { ActionGit } from "./action-git.js";
import { readAgentBranchTip } from "./agent-branch-tip.js";
import { parseCommitObject } from "./commit-object.js";
import {
  checkWork, fastForwardProblem, isBinaryContent, MAX_LINK_TARGET_BYTES, refusalText, short,
  type AgentCommit, type ObjectFacts, type WorkFacts, type WorkRules,
} from "./commit-rules.js";
import { copyAgentObjects, DEFAULT_COPY_LIMITS, quarantineEnvironment, type CopyLimits, type Quarantine } from "./copy-agent-objects.js";
import { nulFields, objectHeaders, readObjects } from "./git-objects.js";
import { findSecrets } from "./secret-scan.js";
import { WorkRefusal } from "./work-refusal.js";
import { countChangedLines, GITLINK_MODE, DELETED_MODE, parseDiffTreeStdin, SYMLINK_MODE } from "./tree-changes.js";

/** More new commits than a run's steps plausibly make; past it nothing is read one by one. */
export const MAX_NEW_COMMITS = 1000;

export interface TakeWorkInput {
  /** The action's repository. */
  readonly git: ActionGit;
  /** `<root>/agent/clone`. */
  readonly cloneDir: string;
  /** `polecat/<name>/<bead>`: the only branch taken. */
  readonly branch: string;
  /** The work ref's tip on GitHub, which the agent's work must fast-forward. */
  readonly pushedTip: string;
  /** The base's tip the agent was given as `origin/<base>`. */
  readonly baseTip: string;
  readonly rules: WorkRules;
  readonly limits?: CopyLimits;
}

export type TakenWork =
  | { readonly kind: "accepted"; readonly tip: string; readonly commits: readonly AgentCommit[]; readonly notes: readonly string[] }
  | { readonly kind: "refused"; readonly problems: readonly string[]; readonly notes: readonly string[]; readonly text: string };

export async function takeWork(input: TakeWorkInput): Promise<TakenWork> {
  const refuse = (problems: readonly string[], notes: readonly string[] = []): TakenWork => ({
    kind: "refused",
    problems,
    notes,
    text: refusalText(input.branch, input.pushedTip, problems),
  });
  const quarantine: Quarantine = {
    objects: await mkdtemp(join(input.git.gitDir, "quarantine-")),
    realObjects: join(input.git.gitDir, "objects"),
  };
  try {
    // 1. The tip, from the clone's files; nothing new is nothing to check.
    const tip = await readAgentBranchTip(input.cloneDir, input.branch);
    if (tip === input.pushedTip) return { kind: "accepted", tip, commits: [], notes: [] };
    // 2. The agent's objects, copied into the quarantine and checked by fsck.
    await copyAgentObjects(input.git, input.cloneDir, quarantine, input.limits ?? DEFAULT_COPY_LIMITS);
    await checkObjects(input, quarantine, tip);
    // 3. The new commits and what they change, against the rules.
    const facts = await gatherFacts(input, quarantineEnvironment(quarantine), tip);
    const verdict = checkWork(facts, input.rules);
    if (verdict.problems.length > 0) return refuse(verdict.problems, verdict.notes);
    // 4. Only now do the objects enter the action's repository.
    await moveIntoRepository(quarantine);
    return { kind: "accepted", tip, commits: facts.commits, notes: verdict.notes };
  } catch (error) {
    if (error instanceof WorkRefusal) return refuse([error.message]);
    throw error;
  } finally {
    await rm(quarantine.objects, { recursive: true, force: true });
  }
}

/** fsck over everything brought in, and the tip a commit that fast-forwards the pushed work. */
async function checkObjects(input: TakeWorkInput, quarantine: Quarantine, tip: string): Promise<void> {
  const env = quarantineEnvironment(quarantine);
  const fsck = await input.git.run(["fsck", "--strict", "--no-full", "--no-dangling", "--no-reflogs", "--no-progress", tip], { env, allowExit: "any" });
  if (fsck.code !== 0) {
    // fsck prints missing objects on stdout and broken ones on stderr.
    throw new WorkRefusal(`git fsck found broken objects in the clone: ${firstLines(`${fsck.stdout.toString("utf8")}\n${fsck.stderr}`, quarantine.objects)}`);
  }
  const [header] = await objectHeaders(input.git, [tip], env);
  if (header?.type !== "commit") throw new WorkRefusal(`${input.branch} points at ${short(tip)}, which is not a commit`);
  const ancestor = await input.git.run(["merge-base", "--is-ancestor", input.pushedTip, tip], { env, allowExit: [1] });
  if (ancestor.code !== 0) throw new WorkRefusal(fastForwardProblem(tip, input.pushedTip));
}

async function gatherFacts(input: TakeWorkInput, env: Record<string, string>, tip: string): Promise<WorkFacts> {
  const git = (args: readonly string[]) => input.git.run(args, { env });
  const range = [tip, "--not", input.pushedTip, input.baseTip];
  const count = Number((await git(["rev-list", "--count", ...range])).stdout.toString("utf8").trim());
  if (count > MAX_NEW_COMMITS) throw new WorkRefusal(`the branch has ${count} new commits, more than the ${MAX_NEW_COMMITS} one run may push`);
  const shas = (await git(["rev-list", "--topo-order", "--reverse", ...range])).stdout.toString("utf8").split("\n").filter((sha) => sha !== "");
  const commits = await gatherCommits(input.git, shas, env);
  const mergeBase = (await git(["merge-base", tip, input.baseTip])).stdout.toString("utf8").trim();
  return {
    pushedTip: input.pushedTip,
    tip,
    fastForward: true,
    commits,
    objects: await gatherObjects(input.git, commits, env, input.rules),
    mergeBase,
    changedLines: countChangedLines(nulFields((await git(["diff-tree", "-r", "-z", "--numstat", "-M", mergeBase, tip])).stdout)),
    pushPaths: nulFields((await git(["diff-tree", "-r", "-z", "--no-renames", "--name-only", input.pushedTip, tip])).stdout),
  };
}

async function gatherCommits(git: ActionGit, shas: readonly string[], env: Record<string, string>): Promise<AgentCommit[]> {
  const raw = await readObjects(git, shas, env);
  const diffTree = await git.run(["diff-tree", "--stdin", "-r", "-z", "--no-renames", "--raw", "-c", "--root"], { input: `${shas.join("\n")}\n`, env });
  const changes = parseDiffTreeStdin(nulFields(diffTree.stdout));
  return raw.map((object) => ({ commit: parseCommitObject(object.sha, object.content.toString("utf8")), changes: changes.get(object.sha) ?? [] }));
}

/** Type and size of every object the new commits put in a tree, and the targets of links. */
async function gatherObjects(
  git: ActionGit, commits: readonly AgentCommit[], env: Record<string, string>, rules: WorkRules,
): Promise<Map<string, ObjectFacts>> {
  const entries = commits.flatMap(({ changes }) => changes).filter((change) => change.mode !== DELETED_MODE && change.mode !== GITLINK_MODE);
  const headers = await objectHeaders(git, [...new Set(entries.map((entry) => entry.object))], env);
  const facts = new Map<string, ObjectFacts>(headers.map((header) => [header.sha, { type: header.type, size: header.size }]));
  const links = [...new Set(entries.filter((entry) => entry.mode === SYMLINK_MODE).map((entry) => entry.object))].filter((sha) => {
    const link = facts.get(sha);
    return link?.type === "blob" && link.size <= MAX_LINK_TARGET_BYTES;
  });
  for (const object of await readObjects(git, links, env)) {
    facts.set(object.sha, { type: object.type, size: object.content.length, target: object.content.toString("utf8") });
  }
  // Files are scanned for secrets; one over the size limit is refused whatever it holds.
  const files = [...new Set(entries.filter((entry) => entry.mode !== SYMLINK_MODE).map((entry) => entry.object))].filter((sha) => {
    const file = facts.get(sha);
    return file?.type === "blob" && file.size <= rules.maxFileBytes;
  });
  for (const object of await readObjects(git, files, env)) {
    const secrets = findSecrets(object.content.toString("latin1"), rules.canaries ?? []);
    const binary = isBinaryContent(object.content);
    if (secrets.length > 0 || binary) {
      facts.set(object.sha, { type: object.type, size: object.content.length, ...(secrets.length > 0 ? { secrets } : {}), ...(binary ? { binary } : {}) });
    }
  }
  return facts;
}

/** Moves the quarantine's loose objects into the repository, skipping any it already has. */
async function moveIntoRepository(quarantine: Quarantine): Promise<void> {
  for (const fanout of await readdir(quarantine.objects)) {
    const target = join(quarantine.realObjects, fanout);
    await mkdir(target, { recursive: true });
    const existing = new Set(await readdir(target));
    for (const name of await readdir(join(quarantine.objects, fanout))) {
      if (!existing.has(name)) await rename(join(quarantine.objects, fanout, name), join(target, name));
    }
  }
}

/** A command's first complaints, without the quarantine's path. */
function firstLines(output: string, quarantine: string): string {
  const lines = output.split("\n").map((line) => line.split(quarantine).join("<quarantine>").trim()).filter((line) => line !== "");
  return lines.slice(0, 3).join("; ") || "no message";
}
