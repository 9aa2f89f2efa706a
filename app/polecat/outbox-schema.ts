// The outbox: where the runner's `gt` records what the agent asks of the ledger, one JSON
// object a line, for the action to check and apply once the agent's process is gone (DESIGN
// §7, invariant 6). The agent owns the file and may write anything in it, so every line is read
// as hostile: objects are strict (no field the action does not know), every string is capped,
// and every line says when it was written, which makes applying it twice give the same ledger.
import { z } from "zod";
import { toUtc, utcTimestamp } from "../ledger/timestamps.js";
import { timestamp as ledgerTime } from "../molecules/pour.js";
import { AGENT_BEAD_TYPES, EXITS, MAIL_ADDRESSES } from "../molecules/runner-commands.js";

/** Written into every line, so a line from another version of `gt` is refused, not misread. */
export const OUTBOX_VERSION = 1;

/** Beads' own limit on a title, in bytes. */
export const MAX_TITLE_BYTES = 500;
/** A mail subject is one line, shown as a heading where the mail is delivered. */
export const MAX_SUBJECT_CHARS = 200;
/**
 * Notes, reasons, descriptions and mail bodies are summaries a person reads: a few screens
 * (16 KiB) is plenty, and keeps one field from filling the outbox's cap.
 */
export const MAX_TEXT_CHARS = 16_384;
/** Ids and step ids are short names; anything longer is not one. */
const MAX_ID_CHARS = 200;

// Written to the ledger in UTC, so the instant must be one UTC can write (years 0000 to 9999).
const timestamp = z.string().refine((value) => utcTimestamp(value) !== undefined, {
  message: "must be an RFC 3339 timestamp such as 2026-04-18T16:19:12Z",
});
const beadId = z.string().min(1).max(MAX_ID_CHARS).regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, {
  message: "must be a bead id (letters, digits, `.`, `_` and `-`)",
});
const text = z.string().max(MAX_TEXT_CHARS);
const title = z.string().min(1).refine((value) => Buffer.byteLength(value) <= MAX_TITLE_BYTES, {
  message: `must be at most ${MAX_TITLE_BYTES} bytes`,
});
const head = { v: z.literal(OUTBOX_VERSION), at: timestamp };

export const stepDoneSchema = z.strictObject({
  ...head,
  kind: z.literal("step"),
  step: z.string().min(1).max(MAX_ID_CHARS),
  notes: text.optional(),
});

export const exitSchema = z.strictObject({
  ...head,
  kind: z.literal("exit"),
  exit: z.enum(EXITS),
  reason: text.min(1),
  blocker: beadId.optional(),
});

export const newBeadSchema = z.strictObject({
  ...head,
  kind: z.literal("bead"),
  /** The id `gt bead create` minted and printed, so the agent can name the bead at once. */
  id: beadId,
  title,
  type: z.enum(AGENT_BEAD_TYPES),
  description: text.optional(),
  parent: beadId.optional(),
  discovered_from: beadId.optional(),
  blocks: beadId.optional(),
});

export const mailSchema = z.strictObject({
  ...head,
  kind: z.literal("mail"),
  /** The message bead's id, minted by `gt mail send` as a new bead's is. */
  id: beadId,
  to: z.enum(MAIL_ADDRESSES),
  subject: z.string().min(1).max(MAX_SUBJECT_CHARS),
  body: text,
});

export const outboxIntentSchema = z.discriminatedUnion("kind", [stepDoneSchema, exitSchema, newBeadSchema, mailSchema]);

export type StepDoneIntent = z.infer<typeof stepDoneSchema>;
export type ExitIntent = z.infer<typeof exitSchema>;
export type NewBeadIntent = z.infer<typeof newBeadSchema>;
export type MailIntent = z.infer<typeof mailSchema>;
export type OutboxIntent = z.infer<typeof outboxIntentSchema>;
export type IntentKind = OutboxIntent["kind"];

/** What a command records, without the version, which every line gets. */
export type IntentFields = OutboxIntent extends infer I ? (I extends OutboxIntent ? Omit<I, "v"> : never) : never;

/** The outbox line for an intent: its fields in a fixed order, and a newline. */
export function outboxLine(fields: IntentFields): string {
  const { kind, at, ...rest } = fields;
  return JSON.stringify({ v: OUTBOX_VERSION, kind, at, ...rest }) + "\n";
}

/** When the intent was written, as the ledger writes the beads it makes: the same every time. */
export function intentTime(intent: { readonly at: string }): string {
  return ledgerTime(new Date(toUtc(intent.at)));
}
