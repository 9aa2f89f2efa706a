// What the sandbox tests read of a process they started: its output once it has closed, its first
// line while it runs, and the moment a user has no process left.
import type { ChildProcessWithoutNullStreams } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";
import { processesOf } from "../../app/polecat/user-processes.js";

export interface Ended {
  readonly code: number | null;
  readonly signal: string | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Its status and all it wrote, once every process holding its output has let go. */
export function ended(child: ChildProcessWithoutNullStreams): Promise<Ended> {
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => { stdout += chunk.toString(); });
  child.stderr.on("data", (chunk: Buffer) => { stderr += chunk.toString(); });
  return new Promise((resolve) => child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr })));
}

/** What it printed up to the end of its first line. */
export function firstLine(child: ChildProcessWithoutNullStreams): Promise<string> {
  return new Promise((resolve) => {
    let text = "";
    const take = (chunk: Buffer) => {
      text += chunk.toString();
      if (!text.includes("\n")) return;
      child.stdout.off("data", take);
      resolve(text);
    };
    child.stdout.on("data", take);
  });
}

/** The kernel kills a PID namespace's processes as its init exits: a moment, not an instant. */
export async function untilNoProcessesOf(uid: number): Promise<number[]> {
  for (let round = 0; round < 500; round += 1) {
    const left = await processesOf(uid);
    if (left.length === 0) return left;
    await sleep(10);
  }
  return processesOf(uid);
}
