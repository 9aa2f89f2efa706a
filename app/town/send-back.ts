// A send-back owed. The commit that ejects a pull request from the merge queue also records on
// its merge-request bead what the pull request is owed (the evidence, then a fix, an escalation
// or a word to its author), and the commit that does the last of that clears it. Until then any
// refinery pass finishes it, so a send-back cut short (an App killed, a 5xx) is not lost. Pure.
import { beadStatus, type Bead } from "../ledger/bead-schema.js";
import type { Ledger } from "../ledger/ledger.js";
import { gastownMetadata, withGastownMetadata } from "../molecules/gastown-metadata.js";
import { MERGE_REQUEST_TYPE, mergeRequestOf } from "./merge-queue.js";
import type { Ejected } from "./refinery.js";
import type { RedGate } from "./staging-verdict.js";

/** The field of a merge-request bead's `metadata.gastown` that holds its send-back while owed. */
export const SEND_BACK_FIELD = "send_back";

/** A send-back as the ledger keeps it: why the pull request left, and for a red batch, its gates. */
export interface OwedSendBack {
  readonly why: Ejected["why"];
  readonly red?: readonly RedGate[];
  readonly staging_sha?: string;
}

/** Evidence of a red batch: its red gates and staging commit; or, for a build's refusal or conflict, GitHub's words. */
export type Evidence = string | { readonly red: readonly RedGate[]; readonly stagingSha: string };

/** A send-back to do: the pull request that left, when, and the evidence to give it. */
export interface SendBack {
  readonly ejected: Ejected;
  readonly evidence: Evidence;
  /** When it left the queue (its merge-request bead's `closed_at`). */
  readonly at: string;
}

/**
 * How long a send-back is left to the refinery run that ejected its pull request before another
 * pass takes it up: that run does it within seconds unless it was cut short.
 */
export const SEND_BACK_GRACE_MS = 2 * 60_000;

/** The merge-request bead `id` owing its send-back. */
export function owingSendBack(ledger: Ledger, id: string, owed: OwedSendBack): Ledger {
  const bead = ledger.get(id);
  return bead === undefined ? ledger : ledger.withBead(withGastownMetadata(bead, { [SEND_BACK_FIELD]: owed }));
}

/** The merge-request bead's send-back, done: nothing is owed any more. */
export function sendBackPaid(ledger: Ledger, id: string): Ledger {
  const bead = ledger.get(id);
  return bead === undefined || owedSendBack(bead) === undefined ? ledger : ledger.withBead(withGastownMetadata(bead, { [SEND_BACK_FIELD]: undefined }));
}

/** The send-back a merge-request bead owes, read from the ledger; undefined when none (or none that reads). */
export function owedSendBack(bead: Bead): OwedSendBack | undefined {
  const owed = gastownMetadata(bead)[SEND_BACK_FIELD];
  if (typeof owed !== "object" || owed === null) return undefined;
  const { why, red, staging_sha: stagingSha } = owed as Record<string, unknown>;
  if (why !== "failed" && why !== "conflict" && why !== "refused") return undefined;
  const gates = Array.isArray(red) ? red.filter(isRedGate) : undefined;
  return { why, ...(gates ? { red: gates } : {}), ...(typeof stagingSha === "string" ? { staging_sha: stagingSha } : {}) };
}

/** The send-back a merge-request bead owes, with its evidence, or undefined. */
export function sendBackOf(bead: Bead): SendBack | undefined {
  const owed = owedSendBack(bead);
  const request = mergeRequestOf(bead);
  if (owed === undefined || request === undefined) return undefined;
  const evidence: Evidence = owed.why === "failed" && owed.red !== undefined && owed.staging_sha !== undefined
    ? { red: owed.red, stagingSha: owed.staging_sha }
    : typeof gastownMetadata(bead).left_why === "string" ? gastownMetadata(bead).left_why as string : "";
  return { ejected: { request, why: owed.why }, evidence, at: bead.closed_at ?? "" };
}

/** The send-backs of `rig` owed for longer than their grace: those whose refinery run was cut short. */
export function overdueSendBacks(ledger: Ledger, rig: string, now: Date): SendBack[] {
  const overdue: SendBack[] = [];
  for (const bead of ledger.beads()) {
    if (bead.issue_type !== MERGE_REQUEST_TYPE || beadStatus(bead) !== "closed" || bead.close_reason !== "ejected") continue;
    // An ejection of unknown time has waited long enough.
    if (now.getTime() - Date.parse(bead.closed_at ?? "") < SEND_BACK_GRACE_MS) continue;
    const owed = sendBackOf(bead);
    if (owed !== undefined && owed.ejected.request.repo === rig) overdue.push(owed);
  }
  return overdue;
}

function isRedGate(value: unknown): value is RedGate {
  return typeof value === "object" && value !== null && typeof (value as { name?: unknown }).name === "string";
}
