// Reading an outbox: every line that is an intent, and a problem for every line that is not,
// named by line and field. Nothing here throws on what the agent wrote: a bad line is refused
// and the lines around it still count.
import type { z } from "zod";
import { outboxIntentSchema, type OutboxIntent } from "./outbox-schema.js";

/**
 * The most an outbox may hold. A run's intents are notes, titles and short messages (a long
 * run writes a few KiB); anything near this is a runaway loop, and what is accepted is uploaded
 * again with every later ledger write.
 */
export const MAX_OUTBOX_BYTES = 256 * 1024;

export interface OutboxEntry {
  /** 1-based line in the outbox file. */
  readonly line: number;
  readonly intent: OutboxIntent;
}

/** Why a line is not applied: unreadable, or refused by the run's rules. */
export interface OutboxRefusal {
  readonly line: number;
  /** The field at fault (`parent`, `notes`); empty for the line as a whole. */
  readonly field: string;
  readonly reason: string;
}

export interface ParsedOutbox {
  /** The file as the refusals name it. */
  readonly file: string;
  readonly entries: readonly OutboxEntry[];
  readonly problems: readonly OutboxRefusal[];
}

export function formatRefusal(file: string, refusal: OutboxRefusal): string {
  return `${file}:${refusal.line}:${refusal.field ? ` ${refusal.field}:` : ""} ${refusal.reason}`;
}

/**
 * The outbox's intents and problems. Past `MAX_OUTBOX_BYTES` the text is read up to the last
 * whole line within the cap; the rest is one problem, on the first line it cuts.
 */
export function parseOutbox(text: string, file: string): ParsedOutbox {
  const { kept, overflow } = withinCap(text);
  const entries: OutboxEntry[] = [];
  const problems: OutboxRefusal[] = [];
  const lines = kept.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  lines.forEach((raw, index) => {
    const line = index + 1;
    if (raw.trim() === "") return;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (error) {
      problems.push({ line, field: "", reason: `not valid JSON (${(error as Error).message})` });
      return;
    }
    const parsed = outboxIntentSchema.safeParse(value);
    if (parsed.success) entries.push({ line, intent: parsed.data });
    else problems.push(...parsed.error.issues.map((issue) => ({ line, ...describeIssue(issue, value) })));
  });
  if (overflow) {
    problems.push({
      line: lines.length + 1,
      field: "",
      reason: `the outbox is over its cap of ${MAX_OUTBOX_BYTES} bytes: this line and every one after it are refused`,
    });
  }
  return { file, entries, problems };
}

function withinCap(text: string): { kept: string; overflow: boolean } {
  // Most outboxes are far below the cap, whatever their encoding.
  if (text.length * 3 <= MAX_OUTBOX_BYTES) return { kept: text, overflow: false };
  const bytes = Buffer.from(text, "utf8");
  if (bytes.length <= MAX_OUTBOX_BYTES) return { kept: text, overflow: false };
  const lastNewline = bytes.subarray(0, MAX_OUTBOX_BYTES).lastIndexOf(0x0a);
  return { kept: bytes.subarray(0, lastNewline + 1).toString("utf8"), overflow: true };
}

function fieldPath(path: readonly PropertyKey[]): string {
  return path.map(String).join(".");
}

/** A zod issue as a field and a reason an agent can act on. */
function describeIssue(issue: z.core.$ZodIssue, value: unknown): { field: string; reason: string } {
  const field = fieldPath(issue.path);
  const got = (issue.path.length === 1 && typeof value === "object" && value !== null)
    ? (value as Record<PropertyKey, unknown>)[issue.path[0] as PropertyKey]
    : undefined;
  switch (issue.code) {
    case "invalid_type":
      if (issue.path.length === 0) return { field, reason: "must be a JSON object" };
      return { field, reason: got === undefined ? "is required" : `must be ${issue.expected === "string" ? "a string" : issue.expected}` };
    case "unrecognized_keys":
      return { field: issue.keys.join(", "), reason: `unknown field${issue.keys.length > 1 ? "s" : ""}` };
    case "invalid_union":
      return { field: "kind", reason: "must be one of step, exit, bead, mail" };
    case "invalid_value":
      if (field === "v") return { field, reason: `must be 1 (this line was written by another version of gt)` };
      return { field, reason: `must be one of ${issue.values.map(String).join(", ")} (got ${JSON.stringify(got)})` };
    case "too_big":
      return { field, reason: `must be at most ${issue.maximum} characters` };
    case "too_small":
      return { field, reason: "must not be empty" };
    default:
      return { field, reason: issue.message };
  }
}
