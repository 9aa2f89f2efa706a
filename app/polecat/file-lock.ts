// One writer at a time for a file that several processes change by reading it and writing it
// back (cron.deny, at.deny: each job on a kept runner adds its user and takes it out again): a
// lock file beside it, made with O_EXCL and holding the holder's pid. A lock whose holder has
// died (a runner killed mid-job) is taken over rather than waited on for good; two waiters that
// find it so at the same instant could both go on, which needs a crash and a race at once.
import { open, readFile, rm, stat } from "node:fs/promises";
import { isRunning } from "./user-processes.js";

export interface FileLockOptions {
  /** How long to wait for a live holder before giving up. */
  readonly timeoutMs?: number;
  /** Between looks while another holds it. */
  readonly pollMs?: number;
}

/** Runs `action` holding `<path>.lock`, and lets it go whatever the action does. */
export async function withFileLock<T>(path: string, action: () => Promise<T>, options: FileLockOptions = {}): Promise<T> {
  const lock = `${path}.lock`;
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  for (;;) {
    if (await tryTake(lock)) break;
    if (await holderIsGone(lock)) {
      await rm(lock, { force: true });
      continue;
    }
    if (Date.now() >= deadline) throw new Error(`${lock} is still held by another process; remove it if none is running`);
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 20));
  }
  try {
    return await action();
  } finally {
    await rm(lock, { force: true });
  }
}

async function tryTake(lock: string): Promise<boolean> {
  try {
    const file = await open(lock, "wx", 0o600);
    try {
      await file.writeFile(`${process.pid}\n`);
    } finally {
      await file.close();
    }
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  }
}

/** A lock's pid is written just after it is made: one still without a pid this long after was left by a process killed in between. */
const UNWRITTEN_STALE_MS = 5_000;

/** Whether the lock's holder no longer runs. */
async function holderIsGone(lock: string): Promise<boolean> {
  let text: string;
  let madeAt: number;
  try {
    [text, madeAt] = await Promise.all([readFile(lock, "utf8"), stat(lock).then((info) => info.mtimeMs)]);
  } catch {
    // Let go meanwhile: the next try takes it.
    return false;
  }
  const pid = Number(text.trim());
  if (!Number.isSafeInteger(pid) || pid <= 0) return Date.now() - madeAt > UNWRITTEN_STALE_MS;
  return !isRunning(pid);
}
