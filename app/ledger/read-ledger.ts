// Reading `.beads/issues.jsonl` in every format Beads has written: v1 exports (`_type`, count
// fields), SQLite-era files (tombstones, numeric comment ids, local-offset timestamps, legacy
// `wisp: true`). Unknown fields are kept. Every problem is reported as FILE:LINE: field: message,
// and a ledger with errors is never handed out for writing.
import type { Bead } from "./bead-schema.js";
import { EMPTY_LEDGER_CONFIG, type LedgerConfig } from "./ledger-config.js";
import { DependencyTable, gatheredWhileReading } from "./dependency-graph.js";
import { compareIds, Ledger, type LedgerRecord } from "./ledger.js";
import { problemSummary, type LedgerProblem } from "./ledger-problems.js";
import { beadRules, validateBead } from "./validate-bead.js";

export interface ReadOptions {
  /** Named in every problem; defaults to `.beads/issues.jsonl`. */
  readonly file?: string;
  readonly config?: LedgerConfig;
}

export interface ReadResult {
  readonly ledger: Ledger;
  /** Errors and warnings in line order. */
  readonly problems: readonly LedgerProblem[];
  readonly ok: boolean;
}

/** The most lines a LedgerReadError's message holds; `problems` has every one. */
const MESSAGE_LINES = 20;

export class LedgerReadError extends Error {
  constructor(readonly problems: readonly LedgerProblem[]) {
    // Logs and a failed workflow's annotation show the message: a few errors and a count, not all.
    super(problemSummary(problems.filter((p) => p.severity === "error"), MESSAGE_LINES).join("\n"));
    this.name = "LedgerReadError";
  }
}

function jsonError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return `not valid JSON (${message})`;
}

/** The lines of a ledger file, numbered from 1 at index 0, without their `\n` or `\r\n`. */
export function splitLedgerLines(text: string): string[] {
  const lines: string[] = [];
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf("\n", start);
    if (end === -1) end = text.length;
    const raw = text.slice(start, end);
    lines.push(raw.endsWith("\r") ? raw.slice(0, -1) : raw);
    start = end + 1;
  }
  return lines;
}

/** Reads every line, collecting all problems rather than stopping at the first. */
export function readLedger(text: string, options: ReadOptions = {}): ReadResult {
  const file = options.file ?? ".beads/issues.jsonl";
  const rules = beadRules(options.config ?? EMPTY_LEDGER_CONFIG);
  const records = new Map<string, LedgerRecord>();
  const otherLines: string[] = [];
  const problems: LedgerProblem[] = [];
  const error = (line: number, field: string, message: string) =>
    problems.push({ file, line, field, message, severity: "error" });

  // While every bead is in id order, as Beads and `gt ledger fmt` write them, the records as
  // read are the ledger's sorted order, and the dependency table is gathered as each bead is
  // read: see gatheredWhileReading.
  let inIdOrder: LedgerRecord[] | undefined = [];
  const lines = splitLedgerLines(text);
  let table: DependencyTable | undefined = new DependencyTable(lines.length);
  let lastId = "";

  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i] as string;
    const line = i + 1;
    if (raw.trim() === "") continue;

    let record: unknown;
    try {
      record = JSON.parse(raw);
    } catch (cause) {
      error(line, "", jsonError(cause));
      continue;
    }
    if (typeof record !== "object" || record === null || Array.isArray(record)) {
      error(line, "", "each line must be one JSON object");
      continue;
    }
    const kind = (record as { _type?: unknown })._type;
    if (kind !== undefined && kind !== "issue") {
      // Memories and whatever later versions add: not beads, kept as they are.
      otherLines.push(raw);
      continue;
    }
    const fieldProblems = validateBead(record, rules);
    for (const p of fieldProblems) error(line, p.field, p.message);
    const id = (record as { id?: unknown }).id;
    if (typeof id !== "string" || id === "") continue;
    const earlier = records.get(id);
    if (earlier) {
      error(line, "id", `${id} is already on line ${earlier.line}`);
      continue;
    }
    const read: LedgerRecord = { bead: record as Bead, raw, line };
    records.set(id, read);
    if (inIdOrder && compareIds(lastId, id) < 0) inIdOrder.push(read);
    else inIdOrder = undefined;
    lastId = id;
    // The table trusts bead shapes, so a bead with problems ends it (the ledger is not ok).
    if (fieldProblems.length > 0 || !inIdOrder) table = undefined;
    table?.add(read.bead);
  }
  const ok = !problems.some((p) => p.severity === "error");
  const ledger = new Ledger(records, otherLines, inIdOrder);
  if (ok && table) gatheredWhileReading(ledger, table);
  return { ledger, problems, ok };
}

/** The ledger, or a LedgerReadError listing every error. */
export function loadLedger(text: string, options: ReadOptions = {}): Ledger {
  const result = readLedger(text, options);
  if (!result.ok) throw new LedgerReadError(result.problems);
  return result.ledger;
}
