// One emulated repository's git side: a real bare repository on disk. The Git Data API, pull
// request merges and `git http-backend` all work on it, so what one writes the others see.
// Objects are read through one `git cat-file --batch` and written in-process (./object-io.ts);
// history questions (ancestry, merges, diffs with line counts) and ref moves go to git itself.
import { chmod, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { decodeTree, encodeTree, ObjectReader, writeLooseObject, type TreeItem } from "./object-io.js";
import { git, runGit } from "./run-git.js";
import { PRE_RECEIVE_HOOK } from "./pre-receive.js";

export const ZERO_SHA = "0000000000000000000000000000000000000000";

export type Person = { name: string; email: string; date: string };
export type CommitObject = { sha: string; tree: string; parents: string[]; author: Person; committer: Person; message: string };
export type TreeEntry = { mode: string; type: "blob" | "tree" | "commit"; sha: string; path: string; size?: number };
export type TreeChange = { path: string; mode: string; type: "blob" | "tree" | "commit"; sha: string | null };
export type FileChanges = { added: string[]; removed: string[]; modified: string[] };
export type MergeOutcome = { clean: true; tree: string } | { clean: false; conflicts: string[] };

const SHA = /^[0-9a-f]{40}$/;
// Inside tree objects git writes a directory's mode without the leading zero the API shows.
const TREE_MODE = "40000";

function typeOfMode(mode: string): TreeEntry["type"] {
  if (mode === TREE_MODE || mode === "040000") return "tree";
  return mode === "160000" ? "commit" : "blob";
}

// git's own date format, "<unix seconds> +0000", so commits carry the emulator's clock.
function gitDate(iso: string): string {
  return `${Math.floor(Date.parse(iso) / 1000)} +0000`;
}

function personFromHeader(value: string): Person {
  const match = /^(.*) <(.*)> (\d+) ([+-]\d{4})$/.exec(value);
  if (!match) throw new Error(`unreadable person line: ${value}`);
  const seconds = Number(match[3]);
  return { name: match[1] as string, email: match[2] as string, date: new Date(seconds * 1000).toISOString().replace(/\.000Z$/, "Z") };
}

// git refuses angle brackets and newlines in names and addresses; drop them as git does.
function clean(value: string): string {
  return value.replace(/[<>\n]/g, "").trim();
}

function personLine(role: string, person: Person): string {
  return `${role} ${clean(person.name)} <${clean(person.email)}> ${gitDate(person.date)}\n`;
}

/** A directory being edited: entries by name; a subtree is expanded only when edited. */
type Directory = Map<string, { mode: string; sha: string; edited?: Directory }>;

export class BareRepo {
  private readonly reader: ObjectReader;
  // git objects never change once written, so parsed commits are kept.
  private readonly commits = new Map<string, CommitObject>();

  private constructor(readonly dir: string) {
    this.reader = new ObjectReader(dir);
  }

  /** A new empty bare repository whose HEAD names `defaultBranch`, with the push guard installed. */
  static async create(dir: string, defaultBranch: string): Promise<BareRepo> {
    await git(process.cwd(), ["init", "--quiet", "--bare", `--initial-branch=${defaultBranch}`, dir]);
    // Smart HTTP pushes are off by default for unauthenticated CGI; the server does the auth.
    // Pushes must not start a background gc that would repack under the object reader.
    await writeFile(join(dir, "config"), "[http]\n\treceivepack = true\n[receive]\n\tautogc = false\n[gc]\n\tauto = 0\n", { flag: "a" });
    await writeFile(join(dir, "hooks", "pre-receive"), PRE_RECEIVE_HOOK);
    await chmod(join(dir, "hooks", "pre-receive"), 0o755);
    return new BareRepo(dir);
  }

  close(): void {
    this.reader.close();
  }

  git(args: readonly string[], options: { input?: Buffer | string; env?: Readonly<Record<string, string>> } = {}): Promise<string> {
    return git(this.dir, args, options);
  }

  /** Every ref and the object it points at, e.g. "refs/heads/main" → sha. */
  async refs(): Promise<Map<string, string>> {
    const out = await this.git(["for-each-ref", "--format=%(refname) %(objectname)"]);
    const refs = new Map<string, string>();
    for (const line of out.split("\n").filter(Boolean)) {
      const [name, sha] = line.split(" ") as [string, string];
      refs.set(name, sha);
    }
    return refs;
  }

  /** The object a full ref name points at. */
  async resolveRef(ref: string): Promise<string | undefined> {
    if (!ref.startsWith("refs/")) return undefined;
    return (await this.reader.read(ref))?.sha;
  }

  /** A branch, tag or sha, as the API accepts a `ref` argument, to a commit sha. */
  async resolveCommit(commitish: string): Promise<string | undefined> {
    for (const candidate of [`refs/heads/${commitish}`, `refs/tags/${commitish}`, commitish]) {
      if (candidate.startsWith("-")) continue;
      const object = await this.reader.read(`${candidate}^{commit}`);
      if (object) return object.sha;
    }
    return undefined;
  }

  async objectType(sha: string): Promise<string | undefined> {
    if (!SHA.test(sha)) return undefined;
    return (await this.reader.read(sha))?.type;
  }

  writeBlob(content: Buffer): Promise<string> {
    return writeLooseObject(this.dir, "blob", content);
  }

  async readBlob(sha: string): Promise<Buffer> {
    const object = await this.reader.read(sha);
    if (object?.type !== "blob") throw new Error(`no blob ${sha}`);
    return object.content;
  }

  /** The entries of a tree (a sha, a commit, or "<commit>:<path>"); [] when there is none. */
  private async treeItems(name: string): Promise<TreeItem[] | undefined> {
    const object = await this.reader.read(SHA.test(name) ? `${name}^{tree}` : name);
    return object?.type === "tree" ? decodeTree(object.content) : undefined;
  }

  /** A tree's entries with blob sizes; recursive lists every blob and subtree under it. */
  async readTree(name: string, recursive: boolean, prefix = ""): Promise<TreeEntry[]> {
    const items = (await this.treeItems(name)) ?? [];
    const entries: TreeEntry[] = [];
    for (const item of items) {
      const type = typeOfMode(item.mode);
      const path = `${prefix}${item.name}`;
      const entry: TreeEntry = { mode: type === "tree" ? "040000" : item.mode, type, sha: item.sha, path };
      if (type === "blob") entry.size = (await this.reader.read(item.sha))?.content.length ?? 0;
      entries.push(entry);
      if (recursive && type === "tree") entries.push(...(await this.readTree(item.sha, true, `${path}/`)));
    }
    return entries;
  }

  private async expand(sha: string | undefined): Promise<Directory> {
    const items = sha === undefined ? [] : ((await this.treeItems(sha)) ?? []);
    return new Map(items.map((item) => [item.name, { mode: item.mode, sha: item.sha }]));
  }

  private async edit(directory: Directory, segments: readonly string[], change: TreeChange): Promise<void> {
    const [name, ...rest] = segments as [string, ...string[]];
    if (rest.length === 0) {
      if (change.sha === null) directory.delete(name);
      else directory.set(name, { mode: change.type === "tree" ? TREE_MODE : change.mode, sha: change.sha });
      return;
    }
    const existing = directory.get(name);
    const isTree = existing !== undefined && typeOfMode(existing.mode) === "tree";
    const sub = existing?.edited ?? (await this.expand(isTree ? existing.sha : undefined));
    await this.edit(sub, rest, change);
    directory.set(name, { mode: TREE_MODE, sha: isTree ? existing.sha : "", edited: sub });
  }

  private async writeDirectory(directory: Directory): Promise<string | undefined> {
    const items: TreeItem[] = [];
    for (const [name, entry] of directory) {
      const sha = entry.edited === undefined ? entry.sha : await this.writeDirectory(entry.edited);
      // An emptied directory disappears, as git cannot store one.
      if (sha !== undefined) items.push({ mode: entry.mode, name, sha });
    }
    if (items.length === 0) return undefined;
    return writeLooseObject(this.dir, "tree", encodeTree(items));
  }

  /**
   * A new tree: `base` (or nothing) with `changes` applied by path, nested paths included; a
   * change with sha null deletes the path.
   */
  async writeTree(base: string | undefined, changes: readonly TreeChange[]): Promise<string> {
    const root = await this.expand(base);
    for (const change of changes) await this.edit(root, change.path.split("/").filter(Boolean), change);
    return (await this.writeDirectory(root)) ?? (await writeLooseObject(this.dir, "tree", Buffer.alloc(0)));
  }

  async readCommit(sha: string): Promise<CommitObject> {
    const known = this.commits.get(sha);
    if (known !== undefined) return structuredClone(known);
    const object = await this.reader.read(sha);
    if (object?.type !== "commit") throw new Error(`no commit ${sha}`);
    const raw = object.content.toString("utf8");
    const split = raw.indexOf("\n\n");
    const commit: CommitObject = { sha: object.sha, tree: "", parents: [], author: { name: "", email: "", date: "" }, committer: { name: "", email: "", date: "" }, message: raw.slice(split + 2) };
    for (const line of raw.slice(0, split).split("\n")) {
      const space = line.indexOf(" ");
      const [key, value] = [line.slice(0, space), line.slice(space + 1)];
      if (key === "tree") commit.tree = value;
      else if (key === "parent") commit.parents.push(value);
      else if (key === "author") commit.author = personFromHeader(value);
      else if (key === "committer") commit.committer = personFromHeader(value);
    }
    this.commits.set(sha, commit);
    return structuredClone(commit);
  }

  writeCommit(commit: Omit<CommitObject, "sha">): Promise<string> {
    const text =
      `tree ${commit.tree}\n` +
      commit.parents.map((parent) => `parent ${parent}\n`).join("") +
      personLine("author", commit.author) +
      personLine("committer", commit.committer) +
      `\n${commit.message}`;
    return writeLooseObject(this.dir, "commit", Buffer.from(text, "utf8"));
  }

  /**
   * Moves `ref` to `sha` only if it still points at `expected` (ZERO_SHA: must not exist yet);
   * false when another writer got there first. git does the compare-and-swap under its lock.
   */
  async compareAndSwapRef(ref: string, sha: string, expected: string): Promise<boolean> {
    const args = sha === ZERO_SHA ? ["update-ref", "-d", ref, expected] : ["update-ref", ref, sha, expected];
    return (await runGit(this.dir, args)).code === 0;
  }

  // History questions are answered by walking parents through the object reader: the
  // emulator's repositories are small, and a walk costs less than starting git.

  /** Every commit reachable from `tip`, itself included. */
  private async ancestors(tip: string): Promise<Set<string>> {
    const seen = new Set<string>();
    const queue = [tip];
    while (queue.length > 0) {
      const sha = queue.pop() as string;
      if (seen.has(sha)) continue;
      seen.add(sha);
      queue.push(...(await this.readCommit(sha)).parents);
    }
    return seen;
  }

  async isAncestor(ancestor: string, descendant: string): Promise<boolean> {
    return (await this.ancestors(descendant)).has(ancestor);
  }

  /** The best common ancestor: one no other common ancestor descends from (as git merge-base). */
  async mergeBase(a: string, b: string): Promise<string | undefined> {
    const ofA = await this.ancestors(a);
    const common = [...(await this.ancestors(b))].filter((sha) => ofA.has(sha));
    for (const candidate of common) {
      let dominated = false;
      for (const other of common) {
        if (other !== candidate && (await this.ancestors(other)).has(candidate)) {
          dominated = true;
          break;
        }
      }
      if (!dominated) return candidate;
    }
    return undefined;
  }

  /** Commits reachable from `to` and not from `from` (one tip or several), parents first. */
  async commitsBetween(from: string | readonly string[] | undefined, to: string): Promise<string[]> {
    const tips = (from === undefined ? [] : typeof from === "string" ? [from] : from).filter((sha) => sha !== ZERO_SHA);
    const excluded = new Set<string>();
    for (const tip of tips) for (const sha of await this.ancestors(tip)) excluded.add(sha);
    const ordered: string[] = [];
    const visited = new Set<string>();
    const visit = async (sha: string): Promise<void> => {
      if (visited.has(sha) || excluded.has(sha)) return;
      visited.add(sha);
      for (const parent of (await this.readCommit(sha)).parents) await visit(parent);
      ordered.push(sha);
    };
    await visit(to);
    return ordered;
  }

  /** Files added, removed and modified from commit `before` (or nothing) to commit `after`. */
  async changedFiles(before: string | undefined, after: string): Promise<FileChanges> {
    const changes: FileChanges = { added: [], removed: [], modified: [] };
    const from = before === undefined ? undefined : (await this.readCommit(before)).tree;
    await this.diffTrees(from, (await this.readCommit(after)).tree, "", changes);
    for (const list of Object.values(changes)) list.sort();
    return changes;
  }

  /** Walks two trees side by side, descending only where they differ. */
  private async diffTrees(from: string | undefined, to: string | undefined, prefix: string, changes: FileChanges): Promise<void> {
    if (from === to) return;
    const a = from === undefined ? [] : ((await this.treeItems(from)) ?? []);
    const b = to === undefined ? [] : ((await this.treeItems(to)) ?? []);
    const left = new Map(a.map((item) => [item.name, item]));
    const right = new Map(b.map((item) => [item.name, item]));
    for (const name of new Set([...left.keys(), ...right.keys()])) {
      const [l, r] = [left.get(name), right.get(name)];
      const path = `${prefix}${name}`;
      const lTree = l !== undefined && typeOfMode(l.mode) === "tree";
      const rTree = r !== undefined && typeOfMode(r.mode) === "tree";
      if (l !== undefined && r !== undefined && l.sha === r.sha && l.mode === r.mode) continue;
      if (lTree || rTree) await this.diffTrees(lTree ? l?.sha : undefined, rTree ? r?.sha : undefined, `${path}/`, changes);
      if (l !== undefined && !lTree && (r === undefined || rTree)) changes.removed.push(path);
      else if (r !== undefined && !rTree && (l === undefined || lTree)) changes.added.push(path);
      else if (l !== undefined && r !== undefined && !lTree && !rTree) changes.modified.push(path);
    }
  }

  /** The blob at `path` in a commit, or undefined when there is none. */
  async fileAt(commit: string, path: string): Promise<{ sha: string; content: Buffer; mode: string } | undefined> {
    const slash = path.lastIndexOf("/");
    const parent = slash < 0 ? `${commit}^{tree}` : `${commit}:${path.slice(0, slash)}`;
    const item = ((await this.treeItems(parent)) ?? []).find((entry) => entry.name === path.slice(slash + 1));
    if (item === undefined || typeOfMode(item.mode) !== "blob") return undefined;
    return { sha: item.sha, mode: item.mode, content: await this.readBlob(item.sha) };
  }

  /**
   * A three-way merge of two commits' trees over `base` (by default their merge base), without
   * a work tree. git 2.39's merge-tree always merges over the merge base, so for another base
   * (a rebase replays one commit over its parent) it merges stand-in commits that share it.
   */
  async mergeTrees(ours: string, theirs: string, base?: string): Promise<MergeOutcome> {
    let [left, right] = [ours, theirs];
    if (base !== undefined) {
      const stand = (tree: string, parents: string[]) => this.writeCommit({ tree, parents, message: "merge stand-in\n", author: STAND_IN, committer: STAND_IN });
      const baseCommit = await stand((await this.readCommit(base)).tree, []);
      left = await stand((await this.readCommit(ours)).tree, [baseCommit]);
      right = await stand((await this.readCommit(theirs)).tree, [baseCommit]);
    }
    const output = await runGit(this.dir, ["merge-tree", "--write-tree", "--name-only", "-z", "--no-messages", left, right]);
    const parts = output.stdout.toString("utf8").split("\0").filter(Boolean);
    if (output.code === 0) return { clean: true, tree: parts[0] as string };
    if (output.code === 1) return { clean: false, conflicts: [...new Set(parts.slice(1))] };
    throw new Error(`git merge-tree failed: ${output.stderr.trim()}`);
  }
}

const STAND_IN: Person = { name: "emulator", email: "emulator@localhost", date: "2000-01-01T00:00:00Z" };
