// Reading what git prints: many objects in one process (`git cat-file --batch` and
// `--batch-check`), and the fields of `-z` output.
// https://git-scm.com/docs/git-cat-file#_batch_output
import type { ActionGit } from "./action-git.js";

export interface GitObject {
  readonly sha: string;
  readonly type: string;
  readonly content: Buffer;
}

export interface ObjectHeader {
  readonly sha: string;
  readonly type: string;
  readonly size: number;
}

/** The objects' headers; a missing object has the type `missing` and size 0. */
export async function objectHeaders(git: ActionGit, shas: readonly string[], env: Readonly<Record<string, string>> = {}): Promise<ObjectHeader[]> {
  if (shas.length === 0) return [];
  const output = await git.text(["cat-file", "--batch-check"], { input: `${shas.join("\n")}\n`, env });
  return output.split("\n").map((line) => {
    const [sha = "", type = "missing", size = "0"] = line.split(" ");
    return { sha, type, size: Number(size) };
  });
}

/** The objects' contents, in the order asked; a missing object throws. */
export async function readObjects(git: ActionGit, shas: readonly string[], env: Readonly<Record<string, string>> = {}): Promise<GitObject[]> {
  if (shas.length === 0) return [];
  const { stdout } = await git.run(["cat-file", "--batch"], { input: `${shas.join("\n")}\n`, env });
  return parseCatFileBatch(stdout);
}

/** `<sha> <type> <size>\n<content>\n`, repeated. */
export function parseCatFileBatch(output: Buffer): GitObject[] {
  const objects: GitObject[] = [];
  let at = 0;
  while (at < output.length) {
    const newline = output.indexOf(0x0a, at);
    if (newline < 0) throw new Error("git cat-file --batch ended inside a header");
    const header = output.subarray(at, newline).toString("utf8");
    const [sha = "", type = "", size] = header.split(" ");
    if (size === undefined) throw new Error(`git cat-file --batch: ${header}`);
    const start = newline + 1;
    const end = start + Number(size);
    objects.push({ sha, type, content: output.subarray(start, end) });
    at = end + 1;
  }
  return objects;
}

/** The fields of `-z` output: NUL-separated, without the empty field after the last NUL. */
export function nulFields(output: Buffer): string[] {
  const fields = output.toString("utf8").split("\0");
  if (fields.at(-1) === "") fields.pop();
  return fields;
}
