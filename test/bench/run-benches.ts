// `npm run bench`: every bench in one run, each in its own process (a bench leaves timers,
// servers and a warm heap behind; a fresh process keeps one from weighing on the next). Each
// bench's JSON lines are kept as it prints them, in build/bench/results.jsonl, and the run ends
// with one table of every case: figure, ratio to its baseline, target, pass or fail. The run
// fails when a case fails or a bench ends in an error. `--quick` runs every case smaller
// (bench-scale.ts); `--only name,name` runs some.
import { spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { benchRow, benchTable, benchVerdict, type BenchRow } from "./bench-summary.js";

/** In the order the README's Speed section tells them. */
const BENCHES = ["ledger", "sling", "webhooks", "patrol", "mirror", "mirror-drift", "queue", "polecat", "sandbox"] as const;

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const quick = args.includes("--quick");
const onlyAt = args.indexOf("--only");
const only = onlyAt >= 0 ? (args[onlyAt + 1] ?? "").split(",") : undefined;
const unknown = only?.filter((name) => !(BENCHES as readonly string[]).includes(name)) ?? [];
if (unknown.length > 0) {
  console.error(`npm run bench: no bench named ${unknown.join(", ")}; the benches are ${BENCHES.join(", ")}`);
  process.exit(2);
}

interface BenchRun {
  readonly lines: Record<string, unknown>[];
  readonly code: number | null;
  readonly seconds: number;
}

/** One bench in a process of its own: its JSON lines, echoed as they come, and how it ended. */
function runBench(name: string): Promise<BenchRun> {
  const began = performance.now();
  const child = spawn(process.execPath, ["--expose-gc", join(here, `${name}.bench.js`)], {
    env: { ...process.env, ...(quick ? { BENCH_QUICK: "1" } : {}) },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const lines: Record<string, unknown>[] = [];
  let pending = "";
  child.stdout.setEncoding("utf8");
  child.stdout.on("data", (chunk: string) => {
    pending += chunk;
    const complete = pending.split("\n");
    pending = complete.pop() ?? "";
    for (const text of complete) {
      if (text.trim() === "") continue;
      console.log(text);
      try {
        lines.push(JSON.parse(text) as Record<string, unknown>);
      } catch {
        // A line a bench printed for people, not a figure.
      }
    }
  });
  return new Promise((resolve) => child.on("close", (code) => resolve({ lines, code, seconds: (performance.now() - began) / 1000 })));
}

const rows: BenchRow[] = [];
const all: Record<string, unknown>[] = [];
for (const name of only ?? BENCHES) {
  console.error(`bench ${name}${quick ? " (quick)" : ""}…`);
  const { lines, code, seconds } = await runBench(name);
  console.error(`bench ${name}: ${lines.length} case${lines.length === 1 ? "" : "s"} in ${Math.round(seconds)} s${code === 0 ? "" : `, ended with ${code}`}`);
  rows.push(...lines.map((line) => benchRow(name, line)));
  all.push(...lines.map((line) => ({ bench: name, ...line })));
  if (code !== 0) rows.push({ bench: name, case: "(the bench itself)", figure: `ended with ${code}`, ratio: "", target: "ends cleanly", result: "fail" });
}

const results = join(here, "..", "..", "bench", "results.jsonl");
mkdirSync(dirname(results), { recursive: true });
writeFileSync(results, all.map((line) => JSON.stringify(line)).join("\n") + "\n");
console.log("");
console.log(benchTable(rows));
const verdict = benchVerdict(rows);
console.log("");
console.log(verdict.passed ? `Every case with a target passed${quick ? " (quick sizes)" : ""}. Lines: ${results}` : `Failed: ${verdict.failed.join("; ")}. Lines: ${results}`);
if (!verdict.passed) process.exitCode = 1;
