// Every /proc/<pid>/cmdline is world-readable: tests look there for secrets that must not be.
import { readdirSync, readFileSync } from "node:fs";

/** Every process on the machine whose command line holds the text, as `pid: argv`. */
export function commandLinesHolding(text: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync("/proc").filter((entry) => /^\d+$/.test(entry))) {
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
