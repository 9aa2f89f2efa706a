// Reading both sides of a merge cheaply. Most of their lines are byte for byte lines of the
// base, which was already parsed and validated: for those the base's record is reused. The
// other lines go through readLedger itself, on a copy of the text where every reused line is
// blanked (readLedger skips blank lines, so line numbers stay right), so a changed line is
// checked and reported exactly as a full read would.
//
// Finding the unchanged lines: both sides are usually the base with a few lines changed, in the
// same order, so each line is first compared with the base lines just after the last one
// matched. Only when a side has lost step with the base (reordered) is the base indexed by
// content, since hashing every line of a 100 MB ledger costs more than comparing in step.
import { Ledger, type LedgerRecord } from "./ledger.js";
import type { LedgerProblem } from "./ledger-problems.js";
import { readLedger, splitLedgerLines, type ReadOptions, type ReadResult } from "./read-ledger.js";

/** A base ledger read without errors, by line: only then is a line of it known valid. */
export interface BaseLines {
  /** Every line as readLedger numbers them (line n at index n - 1), without a `\r`. */
  readonly lines: readonly string[];
  /** The record read from each line; undefined for blank lines and lines that are not beads. */
  readonly records: readonly (LedgerRecord | undefined)[];
}

/** How far past the expected base line to look: a run of changed lines shorter than this keeps step. */
const WINDOW = 32;
/** Lines in a row not found near the expected place: the side is out of step with the base. */
const OUT_OF_STEP = 64;

/** `base` (read from `text` without errors) by line, for readLedgerAgainstBase. */
export function baseLines(text: string, base: Ledger): BaseLines {
  const lines = splitLedgerLines(text);
  const records: (LedgerRecord | undefined)[] = new Array<LedgerRecord | undefined>(lines.length);
  for (const record of base.records.values()) records[record.line - 1] = record;
  return { lines, records };
}

function indexByContent(lines: readonly string[]): Map<string, number> {
  const index = new Map<string, number>();
  lines.forEach((line, i) => {
    if (!index.has(line)) index.set(line, i);
  });
  return index;
}

/** For each line of a side, the base record it repeats byte for byte, if any. */
function unchangedRecords(lines: readonly string[], base: BaseLines): (LedgerRecord | undefined)[] {
  const found: (LedgerRecord | undefined)[] = new Array<LedgerRecord | undefined>(lines.length);
  let next = 0;
  let misses = 0;
  let index: Map<string, number> | undefined;
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i];
    let at = -1;
    const end = Math.min(next + WINDOW, base.lines.length);
    for (let k = next; k < end; k++) {
      if (base.lines[k] === raw) {
        at = k;
        break;
      }
    }
    if (at < 0 && index) at = index.get(raw as string) ?? -1;
    if (at < 0) {
      if (++misses >= OUT_OF_STEP) index ??= indexByContent(base.lines);
      continue;
    }
    found[i] = base.records[at];
    next = at + 1;
    misses = 0;
  }
  return found;
}

export interface AgainstBaseOptions extends ReadOptions {
  readonly file: string;
}

/** readLedger's result for `text`, parsing only the lines that are not lines of `base`. */
export function readLedgerAgainstBase(
  text: string,
  base: BaseLines,
  options: AgainstBaseOptions,
): ReadResult {
  const lines = splitLedgerLines(text);
  const unchanged = unchangedRecords(lines, base);
  const changed = readLedger(lines.map((raw, i) => (unchanged[i] ? "" : raw)).join("\n"), options);
  const changedByLine = new Map<number, LedgerRecord>();
  for (const record of changed.ledger.records.values()) changedByLine.set(record.line, record);

  // Reused and changed lines together may repeat an id that neither holds twice on its own.
  const records = new Map<string, LedgerRecord>();
  const duplicates: LedgerProblem[] = [];
  lines.forEach((raw, i) => {
    const line = i + 1;
    const same = unchanged[i];
    let record = same ?? changedByLine.get(line);
    // The base's record object itself serves when it sits on the same line, as it mostly does.
    if (same && same.line !== line) record = { bead: same.bead, raw, line };
    if (!record) return;
    const earlier = records.get(record.bead.id);
    if (earlier) {
      duplicates.push({
        file: options.file, line, field: "id",
        message: `${record.bead.id} is already on line ${earlier.line}`, severity: "error",
      });
      return;
    }
    records.set(record.bead.id, record);
  });
  const problems = [...changed.problems, ...duplicates].sort((a, b) => a.line - b.line);
  return {
    ledger: new Ledger(records, changed.ledger.otherLines),
    problems,
    ok: !problems.some((p) => p.severity === "error"),
  };
}
