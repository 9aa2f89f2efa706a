// The processes of one user, as /proc shows them, and the last resort for ending them where no
// cgroup can be made: `kill -KILL -1` run as that user (which signals every process the user may
// signal, i.e. its own, and not itself), again and again until /proc shows none. A process that
// forks between two rounds is caught by the next; zombies are already dead and are not counted.
import { spawn } from "node:child_process";
import { readdir, readFile } from "node:fs/promises";
import { setTimeout as sleep } from "node:timers/promises";
import { systemTool } from "./system-tools.js";

export interface UserIds {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
}

/** Whether a process of that pid runs: ESRCH says none; EPERM, one of another user's. */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== "ESRCH";
  }
}

export interface ProcStatus {
  /** Real, effective, saved and filesystem uid. */
  readonly uids: readonly number[];
  /** The one-letter state: R, S, D, Z, … */
  readonly state: string;
}

/** The parts of /proc/<pid>/status that say whose a process is and whether it still runs. */
export function parseProcStatus(text: string): ProcStatus | null {
  const uid = /^Uid:\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*$/m.exec(text);
  const state = /^State:\s+(\S)/m.exec(text);
  if (uid === null || state === null) return null;
  return { uids: uid.slice(1, 5).map(Number), state: state[1]! };
}

const GONE = new Set(["Z", "X"]);

/** The pids of live processes any of whose uids is `uid`. */
export async function processesOf(uid: number, proc = "/proc"): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir(proc)) {
    if (!/^\d+$/.test(entry)) continue;
    let text: string;
    try {
      text = await readFile(`${proc}/${entry}/status`, "utf8");
    } catch {
      continue; // ended while we looked
    }
    const status = parseProcStatus(text);
    if (status !== null && !GONE.has(status.state) && status.uids.includes(uid)) pids.push(Number(entry));
  }
  return pids.sort((a, b) => a - b);
}

export interface KillLoopOptions {
  readonly maxRounds?: number;
  readonly pauseMs?: number;
}

export const DEFAULT_KILL_ROUNDS = 50;
const DEFAULT_PAUSE_MS = 20;

/**
 * Kills every process of the user and returns how many rounds of `kill -KILL -1` it took (0 when
 * there was none); throws, naming them, if some are still there after the last round.
 */
export async function killAllProcessesOf(user: UserIds, options: KillLoopOptions = {}): Promise<number> {
  const maxRounds = options.maxRounds ?? DEFAULT_KILL_ROUNDS;
  for (let round = 0; ; round++) {
    const left = await processesOf(user.uid);
    if (left.length === 0) return round;
    if (round === maxRounds) {
      throw new Error(`${left.length} processes of ${user.name} (uid ${user.uid}) are still running after ${maxRounds} rounds of kill -KILL -1: ${left.join(", ")}`);
    }
    await killMinusOneAs(user);
    await sleep(options.pauseMs ?? DEFAULT_PAUSE_MS);
  }
}

function killMinusOneAs(user: UserIds): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(systemTool("setpriv"), [
      `--reuid=${user.uid}`, `--regid=${user.gid}`, "--clear-groups", "--no-new-privs",
      systemTool("kill"), "-KILL", "-1",
    ], { env: {}, stdio: "ignore" });
    child.on("error", reject);
    // kill's status says whether it found anyone to signal; /proc is what the caller asks.
    child.on("exit", () => resolvePromise());
  });
}
