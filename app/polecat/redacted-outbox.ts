// The agent's outbox with the run's secrets taken out of its text, before any of it is checked,
// recorded or pushed: step notes, exit reasons, new beads' titles and descriptions, and mail all
// end up in the ledger (and mail to the overseer in a comment), and a finished step's intents in
// its marker commit. The model key is in the agent's environment, so an agent talked into it can
// write the key anywhere it writes. Ids are not text: their form is checked, and a secret cannot
// pass for one.
import type { ParsedOutbox } from "./outbox.js";
import type { OutboxIntent } from "./outbox-schema.js";
import type { Redactor } from "./redact.js";

export function redactOutbox(outbox: ParsedOutbox, redactor: Redactor): ParsedOutbox {
  return { ...outbox, entries: outbox.entries.map(({ line, intent }) => ({ line, intent: redactIntent(intent, redactor) })) };
}

function redactIntent(intent: OutboxIntent, redactor: Redactor): OutboxIntent {
  const redact = (text: string) => redactor.redact(text);
  switch (intent.kind) {
    case "step": return intent.notes === undefined ? intent : { ...intent, notes: redact(intent.notes) };
    case "exit": return { ...intent, reason: redact(intent.reason) };
    case "bead": return { ...intent, title: redact(intent.title), ...(intent.description === undefined ? {} : { description: redact(intent.description) }) };
    case "mail": return { ...intent, subject: redact(intent.subject), body: redact(intent.body) };
  }
}
