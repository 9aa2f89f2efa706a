// Writing a ledger as `bd import` accepts it: one record a line, sorted by id, no header,
// `priority` always present. Two modes: `serializeLedger` keeps every unchanged bead's line as
// read (so a git diff shows only real changes); `formatLedger` rewrites every bead canonically.
import {
  EXPORT_FIELD_ORDER, EXPORT_ONLY_FIELDS, TIMESTAMP_FIELDS, type Bead,
} from "./bead-schema.js";
import type { Ledger } from "./ledger.js";
import { toUtc } from "./timestamps.js";

const DEPENDENCY_FIELD_ORDER = [
  "issue_id", "depends_on_id", "type", "created_at", "created_by", "metadata", "thread_id",
];
const COMMENT_FIELD_ORDER = ["id", "issue_id", "author", "text", "created_at"];
const EXPORT_ONLY = new Set(EXPORT_ONLY_FIELDS);
const TIMESTAMPS = new Set(TIMESTAMP_FIELDS);

type Json = Record<string, unknown>;

/**
 * `record`'s keys with `order` first, the rest after in their own order. The copy has no
 * prototype, so a field named `constructor`, `toString` or `__proto__` is kept like any other.
 */
function ordered(record: Json, order: readonly string[], skip?: ReadonlySet<string>): Json {
  const out = Object.create(null) as Json;
  for (const key of order) if (record[key] !== undefined) out[key] = record[key];
  for (const key of Object.keys(record)) {
    if (!(key in out) && !skip?.has(key) && record[key] !== undefined) out[key] = record[key];
  }
  return out;
}

function withUtcTimestamps(record: Json, fields: ReadonlySet<string> | readonly string[]): Json {
  for (const key of fields) {
    const value = record[key];
    if (typeof value === "string") record[key] = toUtc(value);
  }
  return record;
}

const NESTED_TIMESTAMPS = ["created_at"];

/** The bead as `bd export` writes it: its field order, UTC timestamps, no derived counts. */
export function canonicalBead(bead: Bead): Json {
  // A missing priority imports as 0 (P0); write it so nobody has to know that.
  const record = { ...bead, priority: bead.priority ?? 0 } as Json;
  const out = withUtcTimestamps(ordered(record, EXPORT_FIELD_ORDER, EXPORT_ONLY), TIMESTAMPS);
  if (Array.isArray(bead.labels)) out.labels = [...bead.labels].sort();
  if (Array.isArray(bead.dependencies)) {
    out.dependencies = bead.dependencies.map((dep) =>
      withUtcTimestamps(ordered(dep as Json, DEPENDENCY_FIELD_ORDER), NESTED_TIMESTAMPS));
  }
  if (Array.isArray(bead.comments)) {
    out.comments = bead.comments.map((comment) =>
      withUtcTimestamps(ordered(comment as Json, COMMENT_FIELD_ORDER), NESTED_TIMESTAMPS));
  }
  return out;
}

const GO_ESCAPED = /[<>&\u2028\u2029]/g;
const HAS_GO_ESCAPED = /[<>&\u2028\u2029]/;
const GO_ESCAPES: Record<string, string> = {
  "<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029",
};

/** JSON as Go's encoding/json writes it, which escapes HTML characters and line separators. */
export function goJson(value: unknown): string {
  const json = JSON.stringify(value);
  return HAS_GO_ESCAPED.test(json) ? json.replace(GO_ESCAPED, (c) => GO_ESCAPES[c] as string) : json;
}

export function canonicalLine(bead: Bead): string {
  return goJson(canonicalBead(bead));
}

function join(lines: string[]): string {
  return lines.length === 0 ? "" : lines.join("\n") + "\n";
}

/** The ledger with every bead it did not change written back exactly as it was read. */
export function serializeLedger(ledger: Ledger): string {
  const lines = ledger.sorted().map((record) => record.raw ?? canonicalLine(record.bead));
  return join([...lines, ...ledger.otherLines]);
}

/** The ledger with every bead rewritten canonically; lines that are not beads as they were. */
export function formatLedger(ledger: Ledger): string {
  const lines = ledger.sorted().map((record) => canonicalLine(record.bead));
  return join([...lines, ...ledger.otherLines]);
}
