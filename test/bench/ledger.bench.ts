// `npm run bench`: the ledger's speed on a synthetic 100k-bead ledger, one JSON line per case.
// Each case is set against a bare JSON.parse of every line of the same input, measured in the
// same process, so the ratio holds across machines even where the milliseconds do not.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../../app/cli/run-cli.js";
import { dependencyWarnings } from "../../app/ledger/check-dependencies.js";
import { mergeLedgerTexts } from "../../app/ledger/merge.js";
import { loadLedger, readLedger } from "../../app/ledger/read-ledger.js";
import { readyBeads } from "../../app/ledger/ready.js";
import { formatLedger, serializeLedger } from "../../app/ledger/write-ledger.js";
import type { Bead } from "../../app/ledger/bead-schema.js";
import { Ledger } from "../../app/ledger/ledger.js";
import { benchSize } from "./bench-scale.js";
import { cycleLedgerText, seededRandom, syntheticLedgerText } from "./synthetic-ledger.js";

const BEADS = benchSize("BENCH_BEADS", 100_000, 10_000);
const RUNS = benchSize("BENCH_RUNS", 5, 3);
const NOW = new Date("2026-03-15T00:00:00Z");

declare const gc: (() => void) | undefined;

/**
 * The median time of `RUNS` runs, after one warm-up, collecting garbage between runs. `setup`
 * runs before each, untimed, and hands `work` what it prepared. Work that returns a promise is
 * timed until it settles.
 */
async function time<T>(work: (prepared: T) => unknown, setup: () => T = () => undefined as T): Promise<number> {
  await work(setup());
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const prepared = setup();
    if (typeof gc === "function") gc();
    const start = performance.now();
    await work(prepared);
    samples.push(performance.now() - start);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)] as number;
}

/** JSON.parse of every line and nothing else, with the objects kept (as any load keeps them). */
function bareParse(...texts: string[]): unknown[] {
  const parsed: unknown[] = [];
  for (const text of texts) {
    for (const line of text.split("\n")) if (line) parsed.push(JSON.parse(line));
  }
  return parsed;
}

/** The same, dropping each object at once: cheaper, since the young ones die before promotion. */
function bareParseDropping(...texts: string[]): void {
  for (const text of texts) {
    for (const line of text.split("\n")) if (line) JSON.parse(line);
  }
}

interface Baseline {
  readonly kept: number;
  readonly dropped: number;
}

async function baseline(...texts: string[]): Promise<Baseline> {
  return { kept: await time(() => bareParse(...texts)), dropped: await time(() => bareParseDropping(...texts)) };
}

/** A case's target: its text, and the most it may take, in milliseconds or against the bare parse. */
interface Target {
  readonly text: string;
  readonly ms?: number;
  readonly ratio?: number;
}

const NO_TARGET: Target = { text: "(no target)" };

function report(name: string, ms: number, target: Target, bare?: Baseline, note?: string): void {
  const round = (n: number) => Math.round(n * 10) / 10;
  const ratio = (n: number) => Math.round((ms / n) * 100) / 100;
  const line: Record<string, unknown> = { case: name, ...(note ? { note } : {}), beads: BEADS, ms: round(ms) };
  if (bare !== undefined) {
    Object.assign(line, {
      bare_parse_ms: round(bare.kept), ratio: ratio(bare.kept),
      bare_parse_dropping_ms: round(bare.dropped), ratio_to_dropping: ratio(bare.dropped),
    });
  }
  line.target = target.text;
  const over = (target.ms !== undefined && ms > target.ms) || (target.ratio !== undefined && bare !== undefined && ms / bare.kept > target.ratio);
  if (target.ms !== undefined || target.ratio !== undefined) line.result = over ? "fail" : "pass";
  console.log(JSON.stringify(line));
}

/** The ledger with 1% of its beads changed, a different 1% for each seed. */
function changeOnePercent(ledger: Ledger, seed: number): string {
  const random = seededRandom(seed);
  const beads = ledger.beads();
  const changed: Bead[] = [];
  for (let i = 0; i < beads.length / 100; i++) {
    const bead = beads[Math.floor(random() * beads.length)] as Bead;
    changed.push({ ...bead, notes: `changed by ${seed}`, updated_at: `2026-03-${10 + seed}T00:00:00Z` });
  }
  return serializeLedger(ledger.withBeads(changed));
}

const text = syntheticLedgerText(BEADS);
const ledger = loadLedger(text);
const bare = await baseline(text);
console.error(`synthetic ledger: ${BEADS} beads, ${(text.length / 1e6).toFixed(1)} MB`);

report("load+validate", await time(() => {
  const { ledger: loaded } = readLedger(text);
  dependencyWarnings(loaded);
}), { text: "<= 3x bare parse", ratio: 3 }, bare);

// Ready work on a fresh Ledger object each run, so nothing learnt of one run's ledger serves the
// next. `gt ledger ready` first checks the dependencies (it warns of cycles and missing
// targets, which bear on what is ready), and that check builds the dependency graph ready
// work then walks: the graph's cost is in load+validate above, which resolves every
// dependency. Then two cases without the check, for the graph's own cost: a ledger just read
// (reading in id order gathers each bead's part while the bead is fresh in cache), and the
// same beads in a Ledger made in memory, as after a change, where everything is gathered anew.
const validated = () => {
  const { ledger: fresh } = readLedger(text);
  dependencyWarnings(fresh);
  return fresh;
};
const justRead = () => readLedger(text).ledger;
const sameBeads = () => new Ledger(ledger.records, ledger.otherLines);
const ready = (fresh: Ledger) => readyBeads(fresh, { now: NOW });
report("ready", await time(ready, validated), { text: "<= 50 ms", ms: 50 }, undefined,
  "after load+validate, as gt ledger ready runs");
report("ready (ledger just read, not validated)", await time(ready, justRead), NO_TARGET, undefined,
  "includes building the dependency graph");
report("ready (ledger made in memory)", await time(ready, sameBeads), NO_TARGET, undefined,
  "includes gathering and building the dependency graph from the beads");

report("fmt", await time(() => formatLedger(ledger)), NO_TARGET, bare);

const ours = changeOnePercent(ledger, 1);
const theirs = changeOnePercent(ledger, 2);
const bareThree = await baseline(text, ours, theirs);
report("merge (1% changed each side)", await time(() => mergeLedgerTexts(text, ours, theirs)), { text: "<= 4x bare parse of the three inputs", ratio: 4 }, bareThree);

// `gt ledger validate` then `gt ledger ready`, whole (reading the file, printing), on a ledger
// of 20,000 beads with two random `blocks` dependencies each, most of them blocking one another
// around one large cycle, against the same beads with every target picked among the beads
// before it, so that nothing loops. Cycles are one warning per set of beads that block one
// another, so the run costs about what the ledger without them costs.
const CYCLE_BEADS = benchSize("BENCH_CYCLE_BEADS", 20_000, 4_000);
const dir = mkdtempSync(join(tmpdir(), "gastown-bench-"));
writeFileSync(join(dir, "cycles.jsonl"), cycleLedgerText(CYCLE_BEADS));
writeFileSync(join(dir, "acyclic.jsonl"), cycleLedgerText(CYCLE_BEADS, { acyclic: true }));
let printed = 0;
const io = {
  cwd: dir, env: {}, now: () => NOW,
  stdout: (text: string) => { printed += Buffer.byteLength(text); },
  stderr: (text: string) => { printed += Buffer.byteLength(text); },
};
const validateAndReady = async (file: string) => {
  printed = 0;
  await runCli(["ledger", "validate", file], io);
  await runCli(["ledger", "ready", file], io);
};
const withCycles = await time(() => validateAndReady("cycles.jsonl"));
const cyclesPrinted = printed;
const withoutCycles = await time(() => validateAndReady("acyclic.jsonl"));
rmSync(dir, { recursive: true });
const ratio = Math.round((withCycles / withoutCycles) * 100) / 100;
console.log(JSON.stringify({
  case: "validate+ready, cycles", beads: CYCLE_BEADS, ms: Math.round(withCycles), acyclic_ms: Math.round(withoutCycles),
  ratio, printed_bytes: cyclesPrinted, target: "<= 2x the same ledger with no cycles", result: ratio <= 2 ? "pass" : "fail",
}));
