// Where the local town (and the tests that run the polecat action from the sources) find this
// checkout's files: the project's root, the committed bundles the action ships, and a copy of a
// directory that the agent's user may enter.
import { chmodSync, cpSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { isRunning } from "../app/polecat/user-processes.js";

/** The project's root: above this file, whether it runs from the sources or from build/. */
export const ROOT = projectRoot(fileURLToPath(new URL(".", import.meta.url)));
/** The `gt` the agent's runs use: the committed bundle, as the action ships it. */
export const GT_BUNDLE = join(ROOT, "action/polecat/dist/gt.js");
/** The sandbox's init, likewise. */
export const SANDBOX_INIT_BUNDLE = join(ROOT, "action/polecat/dist/sandbox-init.js");

/**
 * `source` copied, once per process, to a directory every user may enter: the agent's user runs
 * what is in it, and a checkout may sit where only its owner can go (`/root`, a directory
 * `mktemp -d` made). Removed when the process exits; as a process ended without its exit handlers
 * (killed, or a test worker torn down) cannot, its pid is in the name, and the next copy made with
 * the same prefix removes those of processes that are gone.
 */
export function reachableCopy(source: string, prefix: string): string {
  removeCopiesOfEndedProcesses(prefix);
  const dir = mkdtempSync(join(tmpdir(), `${prefix}${process.pid}-`));
  chmodSync(dir, 0o755);
  cpSync(source, dir, { recursive: true });
  process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function removeCopiesOfEndedProcesses(prefix: string): void {
  for (const name of readdirSync(tmpdir())) {
    const pid = name.startsWith(prefix) ? /^(\d+)-/.exec(name.slice(prefix.length))?.[1] : undefined;
    if (pid === undefined || isRunning(Number(pid))) continue;
    try {
      // A link or anything else of that name is removed as itself (rm follows no link).
      rmSync(join(tmpdir(), name), { recursive: true, force: true });
    } catch {
      // Another user's, in the sticky /tmp: theirs to remove.
    }
  }
}

function projectRoot(from: string): string {
  for (let dir = from; dir !== dirname(dir); dir = dirname(dir)) if (existsSync(join(dir, "package.json"))) return dir;
  throw new Error(`no package.json above ${from}`);
}
