// Brings the objects the agent may have made into the quarantine, without running git in its
// clone and without following a link. Two kinds of file are read, and nothing else:
//   .git/objects/xx/<38 hex>      loose objects, copied as they are (fsck checks each one's
//                                 content against its name); skipped when the action's own
//                                 repository already holds that loose object;
//   .git/objects/pack/pack-*.pack packs, fed to `git unpack-objects` in the quarantine, which
//                                 names every object by its content and writes only those the
//                                 action's repository lacks; skipped when the action's repository
//                                 has a pack of that name (the clone was copied from it, and the
//                                 action needs nothing from the agent's copy).
// The agent's `.idx` files are never read (git indexes what it unpacks itself), nor
// `objects/info/alternates`, nor anything else. A link or a non-regular file among the files
// read is a refusal; so is more than `maxBytes` in all or `maxLooseObjects` loose files.
import { createWriteStream, type Dirent } from "node:fs";
import { lstat, mkdir, readdir } from "node:fs/promises";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { join } from "node:path";
import { lstatInside, openInside } from "./agent-files.js";
import { GitError, type ActionGit } from "./action-git.js";
import { WorkRefusal } from "./work-refusal.js";

export interface CopyLimits {
  /** Bytes read from the agent's loose objects and packs together. */
  readonly maxBytes: number;
  readonly maxLooseObjects: number;
}

/**
 * Enough for a step's work with room for the agent's own `git gc` (which repacks everything it
 * has into one new pack, read here in full); a clone that outgrows it needs a person.
 */
export const DEFAULT_COPY_LIMITS: CopyLimits = { maxBytes: 1024 * 1024 * 1024, maxLooseObjects: 100_000 };

export interface Quarantine {
  /** The quarantine's object directory: GIT_OBJECT_DIRECTORY for checks. */
  readonly objects: string;
  /** The action's repository's own object directory, the quarantine's alternate. */
  readonly realObjects: string;
}

/** The environment that shows git the quarantine's objects on top of the repository's own. */
export function quarantineEnvironment(quarantine: Quarantine): Record<string, string> {
  return { GIT_OBJECT_DIRECTORY: quarantine.objects, GIT_ALTERNATE_OBJECT_DIRECTORIES: quarantine.realObjects };
}

export interface CopyReport {
  readonly looseObjects: number;
  readonly packs: number;
  readonly bytes: number;
}

const FANOUT = /^[0-9a-f]{2}$/;
const LOOSE = /^[0-9a-f]{38}$/;
const PACK = /^pack-[0-9a-f]{40}\.pack$/;

export async function copyAgentObjects(git: ActionGit, cloneDir: string, quarantine: Quarantine, limits: CopyLimits): Promise<CopyReport> {
  const objectsDir = await agentDirectory(cloneDir, ".git/objects");
  if (objectsDir === undefined) throw new WorkRefusal(".git/objects is missing");
  const budget = new Budget(limits.maxBytes);
  const looseObjects = await copyLooseObjects(cloneDir, objectsDir, quarantine, budget, limits.maxLooseObjects);
  const packs = await unpackPacks(git, cloneDir, quarantine, budget);
  return { looseObjects, packs, bytes: budget.spent };
}

/** Bytes read from the clone so far, refused past the limit. */
class Budget {
  spent = 0;
  constructor(private readonly limit: number) {}

  spend(bytes: number, relative: string): void {
    this.spent += bytes;
    if (this.spent > this.limit) throw new WorkRefusal(`the clone's new objects pass ${this.limit} bytes at ${relative}`);
  }
}

async function copyLooseObjects(cloneDir: string, objectsDir: string, quarantine: Quarantine, budget: Budget, maxLooseObjects: number): Promise<number> {
  let copied = 0;
  for (const fanout of await readdir(objectsDir, { withFileTypes: true })) {
    if (!FANOUT.test(fanout.name)) continue;
    const dir = await agentDirectory(cloneDir, `.git/objects/${fanout.name}`);
    if (dir === undefined) continue;
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      if (!LOOSE.test(entry.name)) continue;
      const relative = `.git/objects/${fanout.name}/${entry.name}`;
      refuseOddEntry(entry, relative);
      if (await exists(join(quarantine.realObjects, fanout.name, entry.name))) continue;
      if (++copied > maxLooseObjects) throw new WorkRefusal(`the clone has more than ${maxLooseObjects} new loose objects`);
      await mkdir(join(quarantine.objects, fanout.name), { recursive: true, mode: 0o700 });
      await withAgentFile(cloneDir, relative, budget, (stream) => pipeline(stream, createWriteStream(join(quarantine.objects, fanout.name, entry.name), { flags: "wx", mode: 0o444 })));
    }
  }
  return copied;
}

async function unpackPacks(git: ActionGit, cloneDir: string, quarantine: Quarantine, budget: Budget): Promise<number> {
  const packDir = await agentDirectory(cloneDir, ".git/objects/pack");
  if (packDir === undefined) return 0;
  let unpacked = 0;
  const entries = (await readdir(packDir, { withFileTypes: true })).filter((entry) => PACK.test(entry.name)).sort((a, b) => a.name.localeCompare(b.name));
  for (const entry of entries) {
    const relative = `.git/objects/pack/${entry.name}`;
    refuseOddEntry(entry, relative);
    if (await exists(join(quarantine.realObjects, "pack", entry.name))) continue;
    unpacked++;
    try {
      await withAgentFile(cloneDir, relative, budget, (stream) => git.run(["unpack-objects", "-q"], { input: stream, env: quarantineEnvironment(quarantine) }));
    } catch (error) {
      if (error instanceof GitError) throw new WorkRefusal(`${relative} is not a pack git can read: ${firstLine(error.stderr)}`);
      throw error;
    }
  }
  return unpacked;
}

/** Hands `use` the bytes of a file of the clone, read from the handle that was checked, not from its path again. */
async function withAgentFile(cloneDir: string, relative: string, budget: Budget, use: (stream: Readable) => Promise<unknown>): Promise<void> {
  const file = await openInside(cloneDir, relative);
  if (file === undefined) return;
  try {
    budget.spend(file.size, relative);
    await use(file.handle.createReadStream({ start: 0, end: Math.max(0, file.size - 1), autoClose: false }));
  } finally {
    await file.handle.close();
  }
}

/** A directory of the clone, checked to be one with no link on its path, or undefined. */
async function agentDirectory(cloneDir: string, relative: string): Promise<string | undefined> {
  const stats = await lstatInside(cloneDir, relative);
  if (stats === undefined) return undefined;
  if (!stats.isDirectory()) throw new WorkRefusal(`${relative} is not a directory`);
  return join(cloneDir, relative);
}

function refuseOddEntry(entry: Dirent, relative: string): void {
  if (entry.isSymbolicLink()) throw new WorkRefusal(`${relative} is a symbolic link`);
  if (!entry.isFile()) throw new WorkRefusal(`${relative} is not a regular file`);
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch {
    return false;
  }
}

function firstLine(text: string): string {
  return text.trim().split("\n")[0] ?? "";
}
