// Recording one intent: checked by the rules the action applies (so the agent learns at once
// what the action would refuse, and why), then appended to the outbox as one line.
import { resolve } from "node:path";
import { timestamp } from "../../molecules/pour.js";
import { checkOutbox } from "../../polecat/outbox-check.js";
import { appendOutboxLine, OutboxFileError } from "../../polecat/outbox-file.js";
import { outboxLine, type IntentFields } from "../../polecat/outbox-schema.js";
import { MAX_OUTBOX_BYTES, parseOutbox } from "../../polecat/outbox.js";
import { UsageError, type CliIo } from "../cli-io.js";
import type { OpenedRun } from "./runner-env.js";

/** The command's flag for an outbox field, so a refusal names what the agent typed. */
const FLAGS: Readonly<Record<string, string>> = {
  parent: "--parent", blocks: "--blocks", discovered_from: "--discovered-from", blocker: "--blocker", exit: "--exit",
  notes: "--notes", reason: "--reason", title: "--title", type: "--type", description: "--description",
  to: "--to", subject: "--subject", body: "--body",
};

/** When the command runs, as every line records it. */
export function now(io: CliIo): string {
  return timestamp(io.now());
}

/** Every id the run's ledger copy and outbox hold, so a new one is new to both. */
export function takenIds(opened: OpenedRun): Set<string> {
  const ids = new Set(opened.ledger.records.keys());
  for (const { intent } of opened.outbox.entries) if (intent.kind === "bead" || intent.kind === "mail") ids.add(intent.id);
  return ids;
}

export async function recordIntent(io: CliIo, opened: OpenedRun, fields: IntentFields): Promise<void> {
  // A line a crash cut short stays a line of its own.
  const separator = opened.outboxText === "" || opened.outboxText.endsWith("\n") ? "" : "\n";
  const line = separator + outboxLine(fields);
  if (Buffer.byteLength(opened.outboxText) + Buffer.byteLength(line) > MAX_OUTBOX_BYTES) {
    throw new UsageError(`the outbox is full (its cap is ${MAX_OUTBOX_BYTES} bytes): nothing more can be recorded in this run`, 1);
  }
  const text = opened.outboxText + line;
  const outbox = parseOutbox(text, opened.files.outbox);
  const lineNumber = text.split("\n").length - 1;
  const refusal = checkOutbox(opened.ledger, outbox, opened.run).refused.find((r) => r.line === lineNumber);
  if (refusal !== undefined) {
    const flag = FLAGS[refusal.field];
    throw new UsageError(`${flag ? `${flag}: ` : ""}${refusal.reason}; nothing was recorded`, 1);
  }
  try {
    await appendOutboxLine(resolve(io.cwd, opened.files.outbox), line);
  } catch (error) {
    if (error instanceof OutboxFileError) throw new UsageError(`${opened.files.outbox} ${error.reason}`, 1);
    throw error;
  }
}
