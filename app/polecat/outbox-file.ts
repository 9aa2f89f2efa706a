// The outbox on disk. The agent owns its directory, so the file may be anything the agent made
// of it: a link to a file the action can read and the agent cannot, a FIFO that would hang the
// reader, a hard link to another file. The outbox is opened without following a link and
// without blocking, and used only when it is a regular file with no other name; reads stop at
// the cap, so a huge file costs nothing.
import { constants } from "node:fs";
import { open, type FileHandle } from "node:fs/promises";
import { MAX_OUTBOX_BYTES } from "./outbox.js";

export class OutboxFileError extends Error {
  override name = "OutboxFileError";

  /** `reason`: what is wrong with the file, after its name (`is a symbolic link; …`). */
  constructor(readonly path: string, readonly reason: string) {
    super(`${path} ${reason}`);
  }
}

/** Only the file's owner reads it: the agent's user, and root. */
const OUTBOX_MODE = 0o600;

async function openSafely(path: string, flags: number, mode?: number): Promise<FileHandle | undefined> {
  let handle: FileHandle;
  try {
    handle = await open(path, flags | constants.O_NOFOLLOW | constants.O_NONBLOCK, mode);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return undefined;
    if (code === "ELOOP") throw new OutboxFileError(path, "is a symbolic link; it is not followed");
    throw new OutboxFileError(path, `cannot be opened (${code ?? String(error)})`);
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw new OutboxFileError(path, "is not a regular file");
    if (stat.nlink !== 1) throw new OutboxFileError(path, `has ${stat.nlink} names (a hard link); it is not used`);
    return handle;
  } catch (error) {
    await handle.close();
    throw error;
  }
}

/**
 * The text of a file read without following a link: at most `limit` bytes (a reader that gets
 * `limit` bytes knows the file is at least that long). Undefined when there is no such file.
 */
export async function readFileNoFollow(path: string, limit: number): Promise<string | undefined> {
  const handle = await openSafely(path, constants.O_RDONLY);
  if (handle === undefined) return undefined;
  try {
    const buffer = Buffer.alloc(limit);
    let length = 0;
    while (length < limit) {
      const { bytesRead } = await handle.read(buffer, length, limit - length, null);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    return buffer.subarray(0, length).toString("utf8");
  } finally {
    await handle.close();
  }
}

/**
 * The outbox's text, "" when there is none yet; one byte past the cap at most, so that
 * `parseOutbox` sees it is over.
 */
export async function readOutboxFile(path: string): Promise<string> {
  return (await readFileNoFollow(path, MAX_OUTBOX_BYTES + 1)) ?? "";
}

/**
 * Appends one line, made when missing. One `write` of an `O_APPEND` file: lines from two
 * commands run at once never interleave.
 */
export async function appendOutboxLine(path: string, line: string): Promise<void> {
  const handle = await openSafely(path, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT, OUTBOX_MODE);
  if (handle === undefined) throw new OutboxFileError(path, "cannot be made: its directory is missing");
  try {
    const bytes = Buffer.from(line, "utf8");
    const { bytesWritten } = await handle.write(bytes, 0, bytes.length, null);
    if (bytesWritten !== bytes.length) throw new OutboxFileError(path, `took only ${bytesWritten} of ${bytes.length} bytes`);
  } finally {
    await handle.close();
  }
}
