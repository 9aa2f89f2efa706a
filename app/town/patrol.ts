// The witness's patrol over one rig (issue 16), its pure part: which hooked beads a pass looks
// at, when a polecat's heartbeat stands for its run (so an idle pass reads no run), and the
// round's record: `mol-witness-patrol` poured as a wisp, its steps closed, squashed into the one
// `patrol` digest the pass commits with what it did. A pass that changes nothing writes nothing.
import { beadStatus, type Bead } from "../ledger/bead-schema.js";
import { Ledger } from "../ledger/ledger.js";
import type { Digest } from "../molecules/digest.js";
import { gastownMetadata } from "../molecules/gastown-metadata.js";
import { readMolecule } from "../molecules/molecule.js";
import { progress } from "../molecules/next-steps.js";
import { wisp } from "../molecules/pour.js";
import type { Proto } from "../molecules/proto.js";
import { squash } from "../molecules/squash.js";
import { closeStep } from "../molecules/step-done.js";
import type { Heartbeat } from "./heartbeat.js";
import { mailToEscalate, type MailClaim } from "./mail-escalation.js";
import { exitToPublish } from "./publish-exit.js";
import { hookedBeads } from "./polecat-names.js";
import { attemptOf, dispatchedWithinGrace } from "./sling.js";
import { WITNESS_SENDER } from "./witness-ladder.js";
import type { WitnessDecision, WitnessRun } from "./witness.js";

export const WITNESS_PATROL_FORMULA = "mol-witness-patrol";

/**
 * The hooked beads a pass looks at: each dispatched attempt past its grace period. One within it
 * is on its way, and nothing GitHub shows of it yet could change what the witness does.
 */
export function patrolTargets(ledger: Ledger, now: Date): Bead[] {
  return hookedBeads(ledger).filter((bead) => attemptOf(bead) > 0 && !dispatchedWithinGrace(bead, now));
}

/**
 * The run a heartbeat vouches for, so the pass need not read it: the claimed run of the current
 * attempt, live, when its heartbeat is no older than `stuck_minutes`, carries no exit and says it
 * works. Only a live action beats, on a timer. Anything else (stale, stuck, crashed, an exit, no
 * claim) is undefined: the caller reads the run from GitHub.
 */
export function runVouchedFor(bead: Bead, heartbeat: Heartbeat | undefined, now: Date, stuckMinutes: number): WitnessRun | undefined {
  const runId = gastownMetadata(bead).run_id;
  const attempt = attemptOf(bead);
  if (typeof runId !== "number" || heartbeat === undefined || heartbeat.exit !== undefined) return undefined;
  if ((heartbeat.attempt ?? attempt) !== attempt || (heartbeat.state !== undefined && heartbeat.state !== "working")) return undefined;
  if (now.getTime() - heartbeat.at.getTime() > stuckMinutes * 60_000) return undefined;
  return { id: runId, attempt, status: "in_progress", conclusion: null };
}

/** How long a recorded exit waits for its own mail before a pass publishes it instead. */
export const MAIL_GRACE_MS = 2 * 60_000;

export interface LostMail {
  /** Beads whose recorded exit is unpublished past the mail's grace: its mail was lost. */
  readonly publish: readonly string[];
  /**
   * The claimed runs whose agents wrote to the overseer with no escalation yet: a HELP whose mail
   * was lost, or one written mid-run, which rings no mail until the run ends.
   */
  readonly overseer: readonly MailClaim[];
}

/** What the mail should have made happen and has not, as the ledger shows it (DESIGN §7, Mail). */
export function lostMail(ledger: Ledger, now: Date): LostMail {
  const publish: string[] = [];
  const overseer: MailClaim[] = [];
  for (const bead of ledger.beads()) {
    if (bead.issue_type === "message" || bead.issue_type === "molecule") continue;
    const decision = exitToPublish(bead);
    // An exit of unknown time has waited long enough.
    const lost = decision.kind === "publish" && !(now.getTime() - Date.parse(decision.exit.at ?? "") < MAIL_GRACE_MS);
    if (lost) publish.push(bead.id);
    // Only a claimed run's mail counts: the hooked beads', and the exits about to be published
    // (as the run's last mail escalates first). Any other bead's run has been looked at already.
    const runId = gastownMetadata(bead).run_id;
    if (typeof runId !== "number" || !(lost || beadStatus(bead) === "hooked")) continue;
    const claim = { bead: bead.id, attempt: attemptOf(bead), runId };
    if (mailToEscalate(ledger, claim).kind === "escalate") overseer.push(claim);
  }
  return { publish, overseer };
}

/** One thing a pass did, as its digest and its commit say it. */
export interface PatrolAction {
  readonly bead: string;
  readonly text: string;
}

/** What a decision the pass applied did, in a few words. */
export function patrolActionOf(decision: WitnessDecision): PatrolAction | undefined {
  switch (decision.kind) {
    case "nothing":
      return undefined;
    case "cancel-run":
      return { bead: decision.bead, text: `cancelled run ${decision.runId} (${decision.why})` };
    case "repair-exit":
      return { bead: decision.bead, text: `recorded attempt ${decision.seen.attempt}'s lost exit ${decision.exit.exit}` };
    case "respawn":
      return { bead: decision.bead, text: `restarted it as attempt ${decision.assignment.attempt} (${decision.cause.kind})` };
    case "nudge":
      return { bead: decision.bead, text: `nudged attempt ${decision.seen.attempt} (no progress)` };
    case "escalate":
      return { bead: decision.bead, text: `escalated it after attempt ${decision.seen.attempt}` };
  }
}

export interface PatrolRound {
  /** The ledger the pass commits to: the wisp's ids are minted apart from its beads'. */
  readonly committed: Ledger;
  /** `mol-witness-patrol`, cooked. */
  readonly proto: Proto;
  readonly prefix: string;
  readonly rig: string;
  readonly startedAt: Date;
  readonly finishedAt: Date;
  /** How many hooked beads the pass looked at. */
  readonly looked: number;
  readonly actions: readonly PatrolAction[];
  /** Waiting beads the pass hooked in freed slots. */
  readonly promoted: readonly string[];
}

/**
 * The round as a wisp run to its end: every step of `mol-witness-patrol` closed in order, then
 * squashed into its `patrol` digest. The wisp itself is never committed.
 */
export function patrolDigest(round: PatrolRound): Digest {
  const poured = wisp(Ledger.empty(), round.committed, round.proto, { now: round.startedAt, actor: WITNESS_SENDER, prefix: round.prefix });
  let wisps = poured.ledger;
  for (;;) {
    const { next } = progress(wisps, readMolecule(wisps, poured.root));
    if (next.length === 0) break;
    for (const step of next) wisps = closeStep(wisps, poured.root, step.step, round.finishedAt);
  }
  return squash(wisps, poured.root, {
    now: round.finishedAt, kind: "patrol", agent: WITNESS_SENDER, rig: round.rig, summary: patrolSummary(round),
  }).digest;
}

/** `Looked at 3 hooked beads: gt-a1 restarted it as attempt 2 (dead-runner); …`. */
export function patrolSummary(round: Pick<PatrolRound, "looked" | "actions" | "promoted">): string {
  const looked = `Looked at ${round.looked} hooked bead${round.looked === 1 ? "" : "s"}`;
  const did = [
    ...round.actions.map((a) => `${a.bead} ${a.text}`),
    ...round.promoted.map((bead) => `${bead} hooked from the waiting slings`),
  ];
  return did.length === 0 ? `${looked}; nothing to do.` : `${looked}: ${did.join("; ")}.`;
}
