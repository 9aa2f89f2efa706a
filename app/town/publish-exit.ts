// Publishing a polecat's exit (DESIGN §7, "After a polecat exits"; the vision's four exits): what
// the publisher does, decided from the ledger alone, never from the mail that rang: whether the
// bead has an exit to publish (its recorded exit for its current attempt, by the run that claimed
// it, not yet published), the look's claim on publishing it, the record of what was published,
// and the labels after it. What people read of it is in exit-texts.ts.
import { beadStatus, type Bead } from "../ledger/bead-schema.js";
import type { Ledger } from "../ledger/ledger.js";
import { gastownMetadata, gastownString, withGastownMetadata } from "../molecules/gastown-metadata.js";
import { timestamp } from "../molecules/pour.js";
import type { Exit } from "../molecules/runner-commands.js";
import { polecatBranch, workRef } from "./polecat-names.js";
import { recordedExit, STATUS_AFTER_EXIT, type RecordedExit } from "./polecat-exit.js";
import { slingLabelsOn } from "./sling-label.js";
import { ESCALATED_LABEL, HOOKED_LABEL, WAITING_LABEL } from "./state-labels.js";

/** The label that puts a pull request in the merge queue. */
export const QUEUE_LABEL = "gt:queue";
/** On a polecat's pull request the merge queue sent back, until it is queued again. */
export const FIX_NEEDED_LABEL = "gt:fix-needed";
/** A pull request put in the queue, by its polecat's publishing or a person's `/queue`: one sent back is taken as fixed. */
export const QUEUED_LABELS = { add: [QUEUE_LABEL], remove: [FIX_NEEDED_LABEL] } as const;

/** An exit to publish: the bead's recorded exit for its current attempt, by the run that claimed it. */
export interface ExitToPublish extends RecordedExit {
  readonly bead: Bead;
  readonly polecat: string;
  /** The run that claimed the attempt and recorded the exit. */
  readonly runId: number;
  /** The issue the bead mirrors. */
  readonly issue: number;
  /** `polecat/<name>/<bead>`, which the publisher moves. */
  readonly branch: string;
  /** `gastown/work/<name>/<bead>`, which the run pushed. */
  readonly workRef: string;
}

export type PublishDecision =
  | { readonly kind: "publish"; readonly exit: ExitToPublish }
  | { readonly kind: "nothing"; readonly why: string };

/**
 * Whether the bead has an exit to publish. Nothing when it has none, when a newer attempt holds
 * it (hooked again), when no run claimed the attempt (the witness's own escalation is published
 * where it is decided), or when this attempt's exit was published already.
 */
export function exitToPublish(bead: Bead | undefined): PublishDecision {
  if (bead === undefined) return { kind: "nothing", why: "the ledger has no such bead" };
  const exit = recordedExit(bead);
  if (exit === undefined) return { kind: "nothing", why: `${bead.id} records no exit` };
  if (beadStatus(bead) === "hooked") return { kind: "nothing", why: `${bead.id} is hooked again, attempt ${exit.attempt}` };
  if (exit.runId === undefined) return { kind: "nothing", why: `no run claimed attempt ${exit.attempt} of ${bead.id}` };
  const published = publishedAttempt(bead);
  if (published !== undefined && published >= exit.attempt) return { kind: "nothing", why: `attempt ${exit.attempt} of ${bead.id} is published` };
  const polecat = gastownString(bead, "polecat");
  const issue = issueNumberOf(bead);
  if (polecat === undefined || issue === undefined) return { kind: "nothing", why: `${bead.id} has no ${polecat === undefined ? "polecat" : "issue"}` };
  if (exit.exit === "COMPLETED" && exit.workTip === undefined) return { kind: "nothing", why: `${bead.id} records no work tip` };
  return {
    kind: "publish",
    exit: { ...exit, runId: exit.runId, bead, polecat, issue, branch: polecatBranch(polecat, bead.id), workRef: workRef(polecat, bead.id) },
  };
}

/** The attempt whose exit was last published, as recorded on the bead. */
export function publishedAttempt(bead: Bead): number | undefined {
  const value = gastownMetadata(bead).published_attempt;
  return typeof value === "number" && Number.isInteger(value) ? value : undefined;
}

/**
 * How long one look's claim on publishing an exit holds other looks off. Looks at one bead may
 * overlap (a mail redelivered to another copy of the App, the patrol); the one whose claim lands
 * publishes. A look that dies midway leaves its claim, and a look after this long takes it over
 * and finds on GitHub what the first one made.
 */
export const PUBLISH_CLAIM_MS = 2 * 60_000;

export interface PublishClaim {
  /** Unique to one look. */
  readonly id: string;
  readonly now: Date;
}

/**
 * The bead claimed for this look's publishing of `attempt`: unless its exit is published, or
 * another look's claim on the same attempt is younger than PUBLISH_CLAIM_MS. Pure, for a
 * compare-and-swap: a look that lost the race applies it again and finds the winner's claim.
 */
export function claimPublishing(ledger: Ledger, beadId: string, attempt: number, claim: PublishClaim): Ledger {
  const bead = ledger.get(beadId);
  const decision = exitToPublish(bead);
  if (bead === undefined || decision.kind !== "publish" || decision.exit.attempt !== attempt) return ledger;
  const held = publishingClaim(bead);
  if (held?.by === claim.id) return ledger;
  if (held !== undefined && held.attempt === attempt && claim.now.getTime() - Date.parse(held.at) < PUBLISH_CLAIM_MS) return ledger;
  return ledger.withBead(withGastownMetadata(bead, { publishing: { attempt, by: claim.id, at: timestamp(claim.now) } }));
}

/** Whether the bead's publishing claim is the look's `id`. */
export function holdsClaim(bead: Bead | undefined, id: string): boolean {
  return bead !== undefined && publishingClaim(bead)?.by === id;
}

function publishingClaim(bead: Bead): { attempt: number; by: string; at: string } | undefined {
  const value = gastownMetadata(bead).publishing as { attempt?: unknown; by?: unknown; at?: unknown } | undefined;
  if (typeof value !== "object" || value === null) return undefined;
  const { attempt, by, at } = value;
  return typeof attempt === "number" && typeof by === "string" && typeof at === "string" ? { attempt, by, at } : undefined;
}

/**
 * Records that the exit of `attempt` is published (and COMPLETED's pull request), letting the
 * look's claim go, if the bead still records that exit: a newer attempt's hook is left as it is.
 */
export function recordPublished(ledger: Ledger, beadId: string, attempt: number, pr?: number): Ledger {
  const bead = ledger.get(beadId);
  if (!bead) return ledger;
  const exit = recordedExit(bead);
  if (exit === undefined || exit.attempt !== attempt || beadStatus(bead) === "hooked") return ledger;
  const unchanged = publishedAttempt(bead) === attempt && (pr === undefined || gastownMetadata(bead).pr === pr) && publishingClaim(bead) === undefined;
  if (unchanged) return ledger;
  return ledger.withBead(withGastownMetadata(bead, { published_attempt: attempt, publishing: undefined, ...(pr === undefined ? {} : { pr }) }));
}

export interface LabelChanges {
  readonly add: readonly string[];
  readonly remove: readonly string[];
}

/**
 * The issue's labels after an exit: its `status::` label follows the bead's status, and every
 * exit but COMPLETED takes the sling label off (so a person slings again once they have acted)
 * and ESCALATE adds `gt:escalated`. Only what differs from `labels` is changed.
 */
export function exitLabels(exit: Exit, labels: readonly string[], slingLabel: string): LabelChanges {
  const status = `status::${STATUS_AFTER_EXIT[exit]}`;
  const add = [status, ...(exit === "ESCALATE" ? [ESCALATED_LABEL] : [])];
  const remove = [
    HOOKED_LABEL, WAITING_LABEL,
    ...labels.filter((label) => label.startsWith("status::") && label !== status),
    ...(exit === "COMPLETED" ? [] : slingLabelsOn(labels, slingLabel)),
  ];
  return {
    add: add.filter((label) => !labels.includes(label)),
    remove: [...new Set(remove)].filter((label) => labels.includes(label)),
  };
}

/** The number of the issue a work bead mirrors (`external_ref` is its URL). */
export function issueNumberOf(bead: Bead): number | undefined {
  const match = /\/issues\/(\d+)$/.exec(bead.external_ref ?? "");
  return match ? Number(match[1]) : undefined;
}
