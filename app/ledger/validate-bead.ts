// One record against the schema and the rules `bd import` enforces (`Issue.ValidateWithCustom`).
import type { z } from "zod";
import {
  BUILTIN_STATUSES, BUILTIN_TYPES, GASTOWN_TYPES, TOMBSTONE, TYPE_ALIASES, beadSchema,
  type Bead,
} from "./bead-schema.js";
import { compileSchemaCheck } from "./compile-schema-check.js";
import type { LedgerConfig } from "./ledger-config.js";

export interface FieldProblem {
  /** The field's path, e.g. `dependencies[2].type`; empty for the record as a whole. */
  readonly field: string;
  readonly message: string;
}

/** Go measures a title in bytes. */
const MAX_TITLE_BYTES = 500;

/**
 * A UTF-16 code unit is at most 3 bytes of UTF-8 (a surrogate pair, 2 units, is 4), so a title
 * of fewer than a third as many units cannot be too long: most titles skip the byte count.
 */
function titleBytesMayExceed(title: string): boolean {
  return title.length * 3 > MAX_TITLE_BYTES;
}

export interface BeadRules {
  readonly statuses: ReadonlySet<string>;
  readonly types: ReadonlySet<string>;
}

export function beadRules(config: LedgerConfig): BeadRules {
  return {
    statuses: new Set<string>([...BUILTIN_STATUSES, TOMBSTONE, ...config.customStatuses]),
    types: new Set<string>([
      ...BUILTIN_TYPES, ...Object.keys(TYPE_ALIASES), ...GASTOWN_TYPES, ...config.customTypes,
    ]),
  };
}

function fieldPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const key of path) {
    out += typeof key === "number" ? `[${key}]` : out ? `.${String(key)}` : String(key);
  }
  return out;
}

function valueAt(record: unknown, path: readonly PropertyKey[]): unknown {
  let value = record;
  for (const key of path) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "an object";
  return JSON.stringify(value);
}

const EXPECTED: Record<string, string> = {
  int: "an integer", number: "a number", string: "a string", boolean: "true or false",
  array: "a list", object: "an object",
};

/** Zod's issue in words a person editing the file can act on. */
function issueMessage(issue: z.core.$ZodIssue, record: unknown): string {
  const value = valueAt(record, issue.path);
  const got = ` (got ${describe(value)})`;
  switch (issue.code) {
    case "invalid_type":
      return value === undefined
        ? "is required"
        : `must be ${EXPECTED[issue.expected] ?? issue.expected}${got}`;
    case "too_big":
      return issue.origin === "string" || issue.origin === "array"
        ? `must have at most ${issue.maximum} ${issue.origin === "string" ? "characters" : "items"}`
        : `must be at most ${issue.maximum}${got}`;
    case "too_small":
      return issue.origin === "string" || issue.origin === "array"
        ? `must not be empty`
        : `must be at least ${issue.minimum}${got}`;
    case "invalid_value":
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}${got}`;
    case "invalid_union":
      return `has the wrong type${got}`;
    default:
      return `${issue.message}${got}`;
  }
}

function schemaProblems(error: z.ZodError, record: unknown): FieldProblem[] {
  return error.issues.map((issue) => ({
    field: fieldPath(issue.path),
    message: issueMessage(issue, record),
  }));
}

const matchesSchema = compileSchemaCheck(beadSchema);

/** Every problem with `record`; an empty list means `bd import` would accept it. */
export function validateBead(record: unknown, rules: BeadRules): FieldProblem[] {
  if (!matchesSchema(record)) {
    const parsed = beadSchema.safeParse(record);
    if (!parsed.success) return schemaProblems(parsed.error, record);
  }
  const bead = record as Bead;
  const problems: FieldProblem[] = [];
  const status = bead.status || "open";
  if (bead.title.length === 0) problems.push({ field: "title", message: "is required" });
  else if (titleBytesMayExceed(bead.title) && Buffer.byteLength(bead.title) > MAX_TITLE_BYTES) {
    problems.push({ field: "title", message: `must be at most ${MAX_TITLE_BYTES} bytes` });
  }
  if (!rules.statuses.has(status)) {
    problems.push({
      field: "status",
      message: `unknown status "${status}" (add it to status.custom in .beads/config.yaml)`,
    });
  }
  const type = bead.issue_type || "task";
  if (!rules.types.has(type)) {
    problems.push({
      field: "issue_type",
      message: `unknown type "${type}" (add it to types.custom in .beads/config.yaml)`,
    });
  }
  if (status === "closed" && bead.closed_at === undefined) {
    problems.push({ field: "closed_at", message: "is required when status is closed" });
  }
  if (status !== "closed" && status !== TOMBSTONE && bead.closed_at !== undefined) {
    problems.push({ field: "closed_at", message: `must be absent when status is ${status}` });
  }
  if (bead.ephemeral === true && bead.no_history === true) {
    problems.push({ field: "no_history", message: "cannot be true together with ephemeral" });
  }
  return problems;
}
