// Messages people leave for a bead's polecat, as Beads keeps mail (reference/beads-format.md):
// `issue_type: message`, `sender` the sender, `assignee` the recipient, the title its subject,
// the description its body, open until read. A nudge is addressed to the work bead rather than
// to one run (DESIGN §7), so every later attempt reads it too. Each message is keyed by the
// comment that asked for it (`external_ref`), so a redelivered comment records it once.
import type { Bead } from "../ledger/bead-schema.js";
import { beadByExternalRef } from "../ledger/external-ref.js";
import type { Ledger } from "../ledger/ledger.js";
import { newBeadId } from "../ledger/new-bead-id.js";
import { gastownMetadata, withGastownMetadata } from "../molecules/gastown-metadata.js";
import { timestamp } from "../molecules/pour.js";
import { fenced } from "./fenced-text.js";
import { ESCALATED_LABEL } from "./state-labels.js";

/** Marks agents' mail (`gt mail send`) apart from people's nudges, as `gt:nudge` marks those. */
export const MAIL_LABEL = "gt:mail";

export type MessageKind = "nudge" | "escalation";

export interface MessageRequest {
  readonly kind: MessageKind;
  /** The work bead it is about. */
  readonly bead: Bead;
  readonly text: string;
  readonly sender: string;
  /** The comment that asked for it: its URL. */
  readonly ref: string;
  readonly now: Date;
  readonly prefix: string;
}

export interface Recorded {
  readonly ledger: Ledger;
  readonly message: Bead;
  /** False when the comment's message was already in the ledger. */
  readonly created: boolean;
}

const SUBJECT_CHARS = 60;

export function recordMessage(ledger: Ledger, request: MessageRequest): Recorded {
  const existing = beadByExternalRef(ledger, request.ref);
  if (existing) return { ledger, message: existing, created: false };
  const subject = `${request.kind === "nudge" ? "Nudge" : "Escalation"} for ${request.bead.id}: ${shorten(request.text)}`;
  const id = newBeadId(
    { prefix: request.prefix, title: subject, description: request.text, creator: request.sender, createdAt: request.now },
    ledger.records,
  );
  const now = timestamp(request.now);
  const message: Bead = {
    id,
    title: subject,
    description: request.text,
    status: "open",
    priority: request.bead.priority ?? 2,
    issue_type: "message",
    created_at: now,
    created_by: request.sender,
    updated_at: now,
    // An escalation is for the people who look after the town, not for the polecat.
    assignee: request.kind === "nudge" ? request.bead.id : "overseer",
    sender: request.sender,
    external_ref: request.ref,
    labels: [`gt:${request.kind}`],
    metadata: { gastown: { [request.kind]: request.bead.id } },
  };
  return { ledger: ledger.withBead(message), message, created: true };
}

/** The escalation message with the number of the issue opened for it. */
export function recordEscalationIssue(ledger: Ledger, message: string, issue: number): Ledger {
  const found = ledger.get(message);
  if (!found || escalationIssueOf(found) === issue) return ledger;
  return ledger.withBead(withGastownMetadata(found, { issue }));
}

/**
 * The issue an escalation opens: `/escalate`'s for a comment, and a polecat's for its mail to the
 * overseer. It mentions whoever slung the work; `heading` says who escalated what, `text` (written
 * by a person or an agent) is fenced, and the marker names the message, so it can be found again.
 */
export function escalationIssueText(escalation: { slungBy: string; heading: string; issue: number; text: string; message: string }) {
  const body = [
    `@${escalation.slungBy}: ${escalation.heading}:`,
    "",
    fenced(escalation.text),
    "",
    `The work stays as it is; see its status on #${escalation.issue}.`,
    escalationMarker(escalation.message),
  ].join("\n");
  return { title: `Escalation: #${escalation.issue} needs a person`, body, labels: [ESCALATED_LABEL] };
}

/** The marker an escalation issue carries: its message's id. */
export function escalationMarker(message: string): string {
  return `<!-- gastown:escalation ${message} -->`;
}

/** The issue opened for an escalation message, once recorded. */
export function escalationIssueOf(message: Bead): number | undefined {
  const issue = gastownMetadata(message).issue;
  return typeof issue === "number" ? issue : undefined;
}

/** The nudges addressed to a work bead, oldest first. */
export function nudgesFor(ledger: Ledger, bead: string): Bead[] {
  return ledger.beads()
    .filter((b) => b.issue_type === "message" && b.assignee === bead && (b.labels ?? []).includes("gt:nudge"))
    .sort((a, b) => (a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : 0));
}

function shorten(text: string): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length <= SUBJECT_CHARS ? line : `${line.slice(0, SUBJECT_CHARS - 1)}…`;
}
