// The monthly digest files on the ledger branch, `.beads/digests/YYYY-MM.jsonl`: which file a
// digest goes in, appending one without ever touching the lines already there, and reading a
// file back with every problem as FILE:LINE: field: message. Text in, text out: the caller
// reads and writes the file.
import type { LedgerProblem } from "../ledger/ledger-problems.js";
import { splitLedgerLines } from "../ledger/read-ledger.js";
import { utcTimestamp } from "../ledger/timestamps.js";
import { DigestError, digestLine, digestProblems, type Digest } from "./digest.js";

export const DIGESTS_DIR = ".beads/digests";

/** `2026-04.jsonl`: a month's file, which holds the digests that finished in it (UTC). */
const MONTH_FILE = /^(\d{4}-\d{2})\.jsonl$/;
const BOM = "\uFEFF";

/**
 * The file for a digest that finished at `finishedAt`: `.beads/digests/YYYY-MM.jsonl` for the
 * instant's month in UTC, whatever offset it is written with (`2026-04-30T20:00:00-05:00` is
 * in May). Throws a DigestError when `finishedAt` is not a timestamp.
 */
export function digestFileFor(finishedAt: string): string {
  const month = utcMonth(finishedAt);
  if (month === undefined) {
    throw new DigestError([{
      field: "finished_at",
      message: `must be an RFC 3339 timestamp such as 2026-04-18T16:19:12Z (got ${JSON.stringify(finishedAt)})`,
    }]);
  }
  return `${DIGESTS_DIR}/${month}.jsonl`;
}

/** `YYYY-MM` of the instant in UTC; undefined for text that is not a timestamp of years 0–9999. */
function utcMonth(text: string): string | undefined {
  const utc = utcTimestamp(text);
  return utc === undefined ? undefined : /^(\d{4}-\d{2})-/.exec(utc)?.[1];
}

/**
 * `fileText` with `digest`'s line appended, or `fileText` itself when a line with the same id is
 * already in it, so a retried squash or a replayed event never writes a digest twice. A missing
 * final newline is added first; the lines already there are never changed. Throws a DigestError
 * when `digest` is not valid.
 */
export function appendDigest(fileText: string, digest: Digest): string {
  const line = digestLine(digest);
  if (lineWithId(fileText, digest.id) !== undefined) return fileText;
  const separator = fileText === "" || fileText.endsWith("\n") ? "" : "\n";
  return `${fileText}${separator}${line}`;
}

/** The 1-based line whose JSON object has `id`, whatever else is wrong with it. */
function lineWithId(text: string, id: string): number | undefined {
  const lines = splitLedgerLines(text);
  for (let i = 0; i < lines.length; i++) {
    let record: unknown;
    try {
      record = JSON.parse(withoutBom(lines[i] as string, i));
    } catch {
      continue;
    }
    if (isObject(record) && record["id"] === id) return i + 1;
  }
  return undefined;
}

export interface DigestsRead {
  /** The lines that are valid digests, in file order; a repeated id keeps its first line. */
  readonly digests: Digest[];
  /** Every error, in line order; the file is sound when there are none. */
  readonly problems: LedgerProblem[];
}

/**
 * The digests in `text`, and a problem for each thing wrong with it, every one naming `file`
 * and its line: lines that are not JSON objects, fields missing, unknown or out of range, an id
 * already on an earlier line, a digest in another month's file. Blank lines are skipped; a bad
 * line does not stop the good ones being read.
 */
export function readDigests(text: string, file: string): DigestsRead {
  const digests: Digest[] = [];
  const problems: LedgerProblem[] = [];
  const error = (line: number, field: string, message: string) =>
    problems.push({ file, line, field, message, severity: "error" });
  const fileMonth = MONTH_FILE.exec(file.split(/[\\/]/).pop() ?? "")?.[1];
  const lineOfId = new Map<string, number>();

  const lines = splitLedgerLines(text);
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i] as string;
    const line = i + 1;
    if (withoutBom(raw, i).trim() === "") continue;

    let record: unknown;
    try {
      record = JSON.parse(withoutBom(raw, i));
    } catch (cause) {
      error(line, "", `not valid JSON (${cause instanceof Error ? cause.message : String(cause)})`);
      continue;
    }
    if (!isObject(record)) {
      error(line, "", "each line must be one JSON object");
      continue;
    }
    const fieldProblems = digestProblems(record);
    for (const p of fieldProblems) error(line, p.field, p.message);
    const id = record["id"];
    if (typeof id === "string" && id !== "") {
      const earlier = lineOfId.get(id);
      if (earlier !== undefined) {
        error(line, "id", `${id} is already on line ${earlier}`);
        continue;
      }
      lineOfId.set(id, line);
    }
    if (fieldProblems.length > 0) continue;
    const digest = record as Digest;
    const month = utcMonth(digest.finished_at);
    if (fileMonth !== undefined && month !== fileMonth) {
      // appendDigest looks for an id in one month's file only: a digest filed in the wrong
      // month would be written again.
      error(line, "finished_at", `is in ${month} (UTC), so this digest belongs in ${month}.jsonl, not ${fileMonth}.jsonl`);
      continue;
    }
    digests.push(digest);
  }
  return { digests, problems };
}

/** Line `index` (0-based) without the byte-order mark an editor may put at a file's start. */
function withoutBom(raw: string, index: number): string {
  return index === 0 && raw.startsWith(BOM) ? raw.slice(BOM.length) : raw;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
