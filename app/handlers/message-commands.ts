// `/nudge` and `/escalate`: a message bead in the ledger, written once per comment (a
// redelivered comment finds its message there and does nothing more), then the answer. An
// escalation also opens an issue that mentions whoever slung the work.
import { replyToIssue } from "../github/issue-comments.js";
import { addLabels } from "../github/issue-labels.js";
import { createIssue } from "../github/create-issue.js";
import { react, type ReactionTarget } from "../github/reactions.js";
import type { Bead } from "../ledger/bead-schema.js";
import { beadByExternalRef } from "../ledger/external-ref.js";
import { ledgerPrefix } from "../ledger/id-prefix.js";
import { gastownString } from "../molecules/gastown-metadata.js";
import type { IssueSnapshot } from "../town/import-issue.js";
import { slingLabelsOn } from "../town/sling-label.js";
import { ESCALATED_LABEL } from "../town/state-labels.js";
import { escalationIssueOf, escalationIssueText, recordEscalationIssue, recordMessage, type MessageKind, type Recorded } from "../town/message-beads.js";
import { DISPATCH_GRACE_MS } from "../town/sling.js";
import type { Town } from "./repository-town.js";

export interface MessageCommand {
  readonly issue: IssueSnapshot;
  readonly text: string;
  readonly sender: string;
  /** The comment's URL: the message's key. */
  readonly commentUrl: string;
  readonly acknowledge: ReactionTarget;
}

export async function nudgeIssue(town: Town, request: MessageCommand): Promise<void> {
  const recorded = await record(town, "nudge", request);
  // Recorded by an earlier delivery of the same comment, which answered it.
  if (!recorded?.created) return;
  const polecat = gastownString(recorded.bead, "polecat");
  await reply(town, request, `@${request.sender}: nudge recorded as \`${recorded.message.id}\`. ` +
    (polecat ? `Polecat **${polecat}** reads it before its next step, and so does every later attempt.` :
      "The bead's polecat reads it when it starts."));
}

export async function escalateIssue(town: Town, request: MessageCommand): Promise<void> {
  const recorded = await record(town, "escalation", request);
  if (!recorded) return;
  const { bead, message } = recorded;
  // A message already there belongs to an earlier delivery of this comment. It opened the issue
  // unless it crashed first: one whose message is past the grace period without an issue did.
  if (!recorded.created) {
    const age = town.deps.clock().getTime() - Date.parse(message.created_at);
    if (escalationIssueOf(message) !== undefined || age < DISPATCH_GRACE_MS) return;
  }
  const slungBy = gastownString(bead, "slung_by") ?? request.issue.author;
  const polecat = gastownString(bead, "polecat");
  const created = await createIssue(town.github, { owner: town.owner, repo: town.repo }, escalationIssueText({
    slungBy, issue: request.issue.number, text: request.text, message: message.id,
    heading: `@${request.sender} escalated #${request.issue.number} (bead \`${bead.id}\`${polecat ? `, polecat **${polecat}**` : ""})`,
  }));
  await town.store.update(
    `Record escalation issue #${created.number} on ${message.id}`,
    (ledger) => recordEscalationIssue(ledger, message.id, created.number),
  );
  const issueRef = { owner: town.owner, repo: town.repo, issue_number: request.issue.number };
  if (!request.issue.labels.includes(ESCALATED_LABEL)) await addLabels(town.github, issueRef, [ESCALATED_LABEL]);
  await reply(town, request, `@${request.sender}: escalated as #${created.number}, mentioning @${slungBy}.`);
}

/** The comment's message in the ledger (new, or from an earlier delivery), with its bead; undefined when the issue has none. */
async function record(town: Town, kind: MessageKind, request: MessageCommand): Promise<(Recorded & { bead: Bead }) | undefined> {
  await react(town.github, request.acknowledge, "eyes");
  const now = town.deps.clock();
  let outcome: (Recorded & { bead: Bead }) | "not-slung" | undefined;
  await town.store.update(
    () => `Record a ${kind} for ${outcome !== undefined && outcome !== "not-slung" ? outcome.bead.id : "?"} from @${request.sender}`,
    (ledger) => {
      const bead = beadByExternalRef(ledger, request.issue.url);
      if (!bead) {
        outcome = "not-slung";
        return ledger;
      }
      const prefix = ledgerPrefix(town.config.ledger.prefix ?? undefined, ledger.records.keys()) ?? town.fallbackPrefix;
      const recorded = recordMessage(ledger, { kind, bead, text: request.text, sender: request.sender, ref: request.commentUrl, now, prefix });
      outcome = { ...recorded, bead };
      return recorded.ledger;
    },
  );
  if (outcome === "not-slung") {
    const what = kind === "nudge" ? "nudge" : "escalate from";
    // GitHub does not order deliveries: the sling label's may still be on its way.
    const slinging = slingLabelsOn(request.issue.labels, town.config.sling.label).length > 0;
    await reply(town, request, slinging
      ? `@${request.sender}: this issue's sling has not reached the ledger yet, so there is no polecat to ${what}; try again in a moment.`
      : `@${request.sender}: this issue has never been slung, so there is no polecat to ${what}.`);
    return undefined;
  }
  return outcome;
}

function reply(town: Town, request: MessageCommand, body: string): Promise<unknown> {
  return replyToIssue(town.github, { owner: town.owner, repo: town.repo, issue_number: request.issue.number }, body);
}
