// Reading files in the agent's clone as root, without trusting them. Every component of a path
// is looked at with lstat, so no symbolic link is followed anywhere on the way; the file itself
// must be a regular file with no other hard link, and is opened with O_NOFOLLOW and checked to
// be the very file lstat saw. Nothing here writes to the clone or runs anything in it.
// The agent's processes are gone when this runs (the caller's promise), so nothing can swap a
// component between the look and the read; the checks above still hold if one survives.
import { constants, type Stats } from "node:fs";
import { lstat, open, type FileHandle } from "node:fs/promises";
import { join } from "node:path";
import { WorkRefusal } from "./work-refusal.js";

/** The file's metadata, or undefined when some component does not exist; refuses links on the way. */
export async function lstatInside(root: string, relative: string): Promise<Stats | undefined> {
  const parts = relative.split("/");
  let path = root;
  let stats = await lstatOrUndefined(root);
  if (stats === undefined) return undefined;
  if (!stats.isDirectory()) throw new WorkRefusal(`${root} is not a directory`);
  for (const [i, part] of parts.entries()) {
    path = join(path, part);
    stats = await lstatOrUndefined(path);
    if (stats === undefined) return undefined;
    const shown = parts.slice(0, i + 1).join("/");
    if (stats.isSymbolicLink()) throw new WorkRefusal(`${shown} is a symbolic link`);
    if (i < parts.length - 1 && !stats.isDirectory()) throw new WorkRefusal(`${shown} is not a directory`);
  }
  return stats;
}

export interface OpenedAgentFile {
  readonly handle: FileHandle;
  readonly size: number;
}

/**
 * Opens a regular file of the clone for reading, or returns undefined when it does not exist.
 * The caller closes the handle.
 */
export async function openInside(root: string, relative: string): Promise<OpenedAgentFile | undefined> {
  const stats = await lstatInside(root, relative);
  if (stats === undefined) return undefined;
  if (!stats.isFile()) throw new WorkRefusal(`${relative} is not a regular file`);
  if (stats.nlink > 1) throw new WorkRefusal(`${relative} has other hard links`);
  // O_NONBLOCK: a FIFO swapped in after lstat would otherwise block the open.
  const handle = await open(join(root, relative), constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  const opened = await handle.stat();
  if (!opened.isFile() || opened.ino !== stats.ino || opened.dev !== stats.dev) {
    await handle.close();
    throw new WorkRefusal(`${relative} changed while it was read`);
  }
  return { handle, size: opened.size };
}

/** A small regular file's bytes, or undefined when it does not exist; refuses one over `maxBytes`. */
export async function readInside(root: string, relative: string, maxBytes: number): Promise<Buffer | undefined> {
  const file = await openInside(root, relative);
  if (file === undefined) return undefined;
  try {
    if (file.size > maxBytes) throw new WorkRefusal(`${relative} is ${file.size} bytes, more than the ${maxBytes} it may be`);
    const buffer = Buffer.alloc(file.size);
    const { bytesRead } = await file.handle.read(buffer, 0, file.size, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await file.handle.close();
  }
}

async function lstatOrUndefined(path: string): Promise<Stats | undefined> {
  try {
    return await lstat(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}
