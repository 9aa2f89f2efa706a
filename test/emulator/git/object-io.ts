// Reading and writing git objects without a process per object: writes go straight into the
// repository as loose objects (git's own format: zlib of "<type> <size>\0<content>", named by
// the SHA-1 of it), reads go through one long-lived `git cat-file --batch`. Starting git costs
// tens of milliseconds, and the Git Data API reads and writes objects by the dozen.
// https://git-scm.com/book/en/v2/Git-Internals-Git-Objects
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdir, rename, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { deflateSync } from "node:zlib";

export type ObjectType = "blob" | "tree" | "commit" | "tag";
export type RawObject = { sha: string; type: ObjectType; content: Buffer };

/** Writes an object (if it is not there yet) and returns its sha. */
export async function writeLooseObject(gitDir: string, type: ObjectType, content: Buffer): Promise<string> {
  const stored = Buffer.concat([Buffer.from(`${type} ${content.length}\0`), content]);
  const sha = createHash("sha1").update(stored).digest("hex");
  const dir = join(gitDir, "objects", sha.slice(0, 2));
  const file = join(dir, sha.slice(2));
  const exists = await stat(file).then(() => true, () => false);
  if (!exists) {
    await mkdir(dir, { recursive: true });
    // Written aside and renamed, so a reader never sees half an object.
    const temporary = `${file}.${process.pid}.${Math.random().toString(16).slice(2)}.tmp`;
    await writeFile(temporary, deflateSync(stored));
    await rename(temporary, file);
  }
  return sha;
}

export type TreeItem = { mode: string; name: string; sha: string };

/** A tree object's bytes: entries sorted as git sorts them (a subtree's name as if it ended in "/"). */
export function encodeTree(items: readonly TreeItem[]): Buffer {
  const key = (item: TreeItem) => Buffer.from(item.mode === "40000" ? `${item.name}/` : item.name);
  const sorted = [...items].sort((a, b) => Buffer.compare(key(a), key(b)));
  return Buffer.concat(sorted.flatMap((item) => [Buffer.from(`${item.mode} ${item.name}\0`), Buffer.from(item.sha, "hex")]));
}

export function decodeTree(content: Buffer): TreeItem[] {
  const items: TreeItem[] = [];
  let at = 0;
  while (at < content.length) {
    const space = content.indexOf(0x20, at);
    const nul = content.indexOf(0, space);
    items.push({
      mode: content.subarray(at, space).toString("utf8"),
      name: content.subarray(space + 1, nul).toString("utf8"),
      sha: content.subarray(nul + 1, nul + 21).toString("hex"),
    });
    at = nul + 21;
  }
  return items;
}

/**
 * One `git cat-file --batch` per repository, asked one name at a time: a sha, a ref, or
 * "<rev>^{commit}". Answers "missing" for what does not exist.
 */
export class ObjectReader {
  private child: ChildProcessWithoutNullStreams | undefined;
  private buffer = Buffer.alloc(0);
  private waiting: { resolve: (object: RawObject | undefined) => void; reject: (error: Error) => void }[] = [];

  constructor(private readonly gitDir: string) {}

  read(name: string): Promise<RawObject | undefined> {
    if (/[\n\r]/.test(name)) return Promise.resolve(undefined);
    const child = this.start();
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      child.stdin.write(`${name}\n`);
    });
  }

  close(): void {
    this.child?.stdin.end();
    this.child?.kill();
    this.child = undefined;
  }

  private start(): ChildProcessWithoutNullStreams {
    if (this.child) return this.child;
    const child = spawn("git", ["cat-file", "--batch"], {
      cwd: this.gitDir,
      env: { ...process.env, GIT_CONFIG_NOSYSTEM: "1", GIT_CONFIG_GLOBAL: "/dev/null" },
    });
    child.stdout.on("data", (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      this.drain();
    });
    child.stderr.resume();
    child.stdin.on("error", () => undefined);
    const failAll = (error: Error) => {
      for (const waiter of this.waiting.splice(0)) waiter.reject(error);
      this.child = undefined;
    };
    child.on("error", failAll);
    child.on("close", () => failAll(new Error("git cat-file stopped")));
    this.child = child;
    return child;
  }

  private drain(): void {
    for (;;) {
      const newline = this.buffer.indexOf(0x0a);
      if (newline < 0) return;
      const header = /^([0-9a-f]{40}) (blob|tree|commit|tag) (\d+)$/.exec(this.buffer.subarray(0, newline).toString("utf8"));
      if (header === null) {
        // "<name> missing", "<name> ambiguous", or anything else that is not an object.
        this.buffer = this.buffer.subarray(newline + 1);
        this.waiting.shift()?.resolve(undefined);
        continue;
      }
      const length = Number(header[3]);
      // The content is followed by one newline.
      if (this.buffer.length < newline + 1 + length + 1) return;
      const content = Buffer.from(this.buffer.subarray(newline + 1, newline + 1 + length));
      this.buffer = this.buffer.subarray(newline + 1 + length + 1);
      this.waiting.shift()?.resolve({ sha: header[1] as string, type: header[2] as ObjectType, content });
    }
  }
}
