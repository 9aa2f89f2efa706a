// Every /proc/<pid>/cmdline is world-readable: tests look there for secrets that must not be.
import { readdirSync, readFileSync, statSync } from "node:fs";

/**
 * Every process on the machine whose command line holds the text, as `pid: argv`; only those in
 * `among` when it is given (other tests on the machine may hold the same text on purpose).
 */
export function commandLinesHolding(text: string, among?: ReadonlySet<number>): string[] {
  const found: string[] = [];
  for (const pid of processIds()) {
    if (among !== undefined && !among.has(pid)) continue;
    let argv: string;
    try {
      argv = readFileSync(`/proc/${pid}/cmdline`, "utf8");
    } catch {
      continue; // ended while we looked
    }
    if (argv.includes(text)) found.push(`${pid}: ${argv.replaceAll("\0", " ").trim()}`);
  }
  return found;
}

/** What this test can have started: this process and its descendants, and every process of `uid`. */
export function processesStartedHere(uid: number): Set<number> {
  const children = new Map<number, number[]>();
  const started = new Set<number>();
  for (const pid of processIds()) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      // The name in parentheses may hold spaces and parentheses; the parent's id follows the state.
      const parent = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(parent, [...(children.get(parent) ?? []), pid]);
      if (statSync(`/proc/${pid}`).uid === uid) started.add(pid);
    } catch {
      // ended while we looked
    }
  }
  const pending = [process.pid];
  for (let pid = pending.pop(); pid !== undefined; pid = pending.pop()) {
    started.add(pid);
    pending.push(...(children.get(pid) ?? []));
  }
  return started;
}

function processIds(): number[] {
  return readdirSync("/proc").filter((entry) => /^\d+$/.test(entry)).map(Number);
}
