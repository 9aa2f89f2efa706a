// A polecat's HELP and ESCALATION mail (DESIGN §7, Mail): the agent's `gt mail send --to overseer`
// is a message bead its run wrote into the ledger (app/polecat/apply-outbox.ts), and the mail that
// rings says "look now". What is escalated is that message bead, never the mail's words, and only
// when the mail names the run that claimed the bead's current attempt: a forged mail does nothing
// beyond reading the ledger. Each message is escalated once, as `/escalate` escalates a comment:
// an issue labelled `gt:escalated` that mentions whoever slung the work. Decided from the ledger
// alone, as the pure mutations of compare-and-swap writes.
import type { Bead } from "../ledger/bead-schema.js";
import type { Ledger } from "../ledger/ledger.js";
import { gastownMetadata, gastownString, withGastownMetadata } from "../molecules/gastown-metadata.js";
import { timestamp } from "../molecules/pour.js";
import { escalationIssueOf, MAIL_LABEL } from "./message-beads.js";
import { POLECAT_ASSIGNEE_PREFIX } from "./polecat-names.js";
import { attemptOf } from "./sling.js";

/** Mail that asks for people: HELP and ESCALATION. */
export const ESCALATING_MAIL: ReadonlySet<string> = new Set(["HELP", "ESCALATION"]);

/** What a mail claims: the bead, its attempt and the run that sent it. Only the ledger can confirm it. */
export interface MailClaim {
  readonly bead: string;
  readonly attempt: unknown;
  readonly runId: unknown;
}

export type MailEscalation =
  | { readonly kind: "escalate"; readonly bead: Bead; readonly polecat: string; readonly messages: readonly Bead[] }
  | { readonly kind: "nothing"; readonly why: string };

/**
 * The messages the bead's claimed run wrote to the overseer and that are not escalated yet,
 * oldest first; nothing unless the mail names that run and the bead's current attempt.
 */
export function mailToEscalate(ledger: Ledger, mail: MailClaim): MailEscalation {
  const bead = ledger.get(mail.bead);
  if (bead === undefined) return { kind: "nothing", why: "the ledger has no such bead" };
  const attempt = attemptOf(bead);
  const runId = gastownMetadata(bead).run_id;
  if (typeof runId !== "number" || mail.attempt !== attempt || mail.runId !== runId) {
    return { kind: "nothing", why: `the mail does not name the run that claimed attempt ${attempt} of ${bead.id}` };
  }
  const polecat = gastownString(bead, "polecat");
  if (polecat === undefined) return { kind: "nothing", why: `${bead.id} has no polecat` };
  const messages = ledger.beads()
    .filter((b) => isOverseerMail(b, bead.id, polecat) && escalationIssueOf(b) === undefined)
    .sort((a, b) => (a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : 0));
  if (messages.length === 0) return { kind: "nothing", why: `${bead.id}'s polecat has no mail to the overseer left to escalate` };
  return { kind: "escalate", bead, polecat, messages };
}

/** A message the bead's polecat wrote to the overseer about the bead, as the action records the agent's mail. */
function isOverseerMail(message: Bead, bead: string, polecat: string): boolean {
  return message.issue_type === "message" && message.assignee === "overseer" && (message.labels ?? []).includes(MAIL_LABEL) &&
    gastownString(message, "mail") === bead && message.created_by === `${POLECAT_ASSIGNEE_PREFIX}${polecat}`;
}

/**
 * How long one look's claim on escalating a message holds other looks off: a mail delivered
 * twice, or to two copies of the App, opens one issue. A look that died midway leaves its claim;
 * a look after this long takes it over and first looks for the issue the dead one may have opened.
 */
export const ESCALATION_CLAIM_MS = 2 * 60_000;

export interface EscalationClaim {
  /** Unique to one look. */
  readonly id: string;
  readonly now: Date;
}

/**
 * The message claimed for this look's escalation: unless its issue is recorded, or another look's
 * claim is younger than ESCALATION_CLAIM_MS. A stale claim taken over is named (`after`), so the
 * look that takes it knows to look for the issue the dead one may have opened.
 */
export function claimEscalation(ledger: Ledger, messageId: string, claim: EscalationClaim): Ledger {
  const message = ledger.get(messageId);
  if (message === undefined || escalationIssueOf(message) !== undefined) return ledger;
  const held = escalatingClaim(message);
  if (held?.by === claim.id) return ledger;
  if (held !== undefined && claim.now.getTime() - Date.parse(held.at) < ESCALATION_CLAIM_MS) return ledger;
  return ledger.withBead(withGastownMetadata(message, {
    escalating: { by: claim.id, at: timestamp(claim.now), ...(held === undefined ? {} : { after: held.by }) },
  }));
}

/** Whether the look `id` holds the message's claim, and whether it took it over from a look that died. */
export function escalationClaimOf(message: Bead | undefined, id: string): { held: boolean; takenOver: boolean } {
  const claim = message === undefined ? undefined : escalatingClaim(message);
  return { held: claim?.by === id, takenOver: claim?.by === id && claim.after !== undefined };
}

function escalatingClaim(message: Bead): { by: string; at: string; after?: string } | undefined {
  const value = gastownMetadata(message).escalating as { by?: unknown; at?: unknown; after?: unknown } | undefined;
  if (typeof value !== "object" || value === null) return undefined;
  const { by, at, after } = value;
  if (typeof by !== "string" || typeof at !== "string") return undefined;
  return { by, at, ...(typeof after === "string" ? { after } : {}) };
}

/** The message with its escalation issue recorded and the look's claim let go. */
export function recordMailEscalated(ledger: Ledger, messageId: string, issue: number): Ledger {
  const message = ledger.get(messageId);
  if (message === undefined || (escalationIssueOf(message) === issue && escalatingClaim(message) === undefined)) return ledger;
  return ledger.withBead(withGastownMetadata(message, { issue, escalating: undefined }));
}

/** What people read of the message: its subject, then its body. */
export function mailText(message: Bead): string {
  return message.description ? `${message.title}\n\n${message.description}` : message.title;
}
