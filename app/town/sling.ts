// Sling: what slinging an issue does to the ledger, decided from the ledger alone (DESIGN §7,
// "Dispatch, exactly once"). It is the pure mutation of one compare-and-swap write, so it may
// run again on a newer ledger after a lost race, and converges rather than assumes (invariant
// 2): a bead already hooked is left alone while its run lives or its dispatch is fresh; one
// hooked with no live run past the grace period gets its attempt bumped here, and only the
// writer of that commit dispatches, so any number of App replicas start one polecat.
import type { GastownConfig } from "../config/config-schema.js";
import { beadStatus, type Bead } from "../ledger/bead-schema.js";
import { beadByExternalRef } from "../ledger/external-ref.js";
import { ledgerPrefix } from "../ledger/id-prefix.js";
import type { Ledger } from "../ledger/ledger.js";
import { gastownMetadata, gastownString, withGastownMetadata } from "../molecules/gastown-metadata.js";
import { linkedAtImport } from "../mirror/imported-issue.js";
import { pour, timestamp } from "../molecules/pour.js";
import type { Proto } from "../molecules/proto.js";
import { beadFromIssue, type IssueSnapshot } from "./import-issue.js";
import { limitsHash, polecatLimits, type PolecatAssignment } from "./polecat-dispatch.js";
import { freePolecatName, hookedBeads, namesInUse, POLECAT_ASSIGNEE_PREFIX } from "./polecat-names.js";
import { slingVars } from "./sling-vars.js";

/**
 * How long a hooked bead's dispatch counts as under way without a run to show for it. A
 * dispatch answers at once, but a crash between the hook commit and the dispatch leaves a
 * hooked bead with no run; after this long, the next sling or patrol dispatches again.
 */
export const DISPATCH_GRACE_MS = 2 * 60_000;

export interface SlingInput {
  readonly issue: IssueSnapshot;
  /** The formula to pour: named by the label or command, else `sling.formula`. */
  readonly formula: string;
  /** `--var` values from the command. */
  readonly vars: Readonly<Record<string, string>>;
  /** The branch the pull request will target. */
  readonly baseBranch: string;
  /** Who slung it. */
  readonly slungBy: string;
  readonly now: Date;
  readonly config: GastownConfig;
  /** The prefix of new ids when neither the config nor the ledger gives one. */
  readonly fallbackPrefix: string;
  /** The formula cooked with these values; throws FormulaError when it cannot be. */
  readonly cook: (formula: string, vars: Readonly<Record<string, string>>) => Proto;
  /**
   * What the handler saw of the bead's run before writing: whether a run of `attempt` is live.
   * Undefined when it did not look (the bead was not hooked when it read the ledger).
   */
  readonly observedRun?: { readonly attempt: number; readonly live: boolean };
  /**
   * `/retry`: a hooked bead is dispatched again as its next attempt even while its run still
   * looks alive (a stuck polecat) and past `witness.max_attempts`, since a person asked; the
   * attempts `witness.max_attempts` counts start again from it, as from a sling.
   */
  readonly retry?: boolean;
}

export type SlingOutcome =
  /** This write hooked the bead: its writer, and only it, dispatches the polecat. */
  | {
      readonly kind: "dispatch";
      readonly reason: "new" | "resume" | "retry";
      readonly bead: Bead;
      readonly assignment: PolecatAssignment;
      readonly imported: boolean;
    }
  /** Hooked already, with a live run (`running`) or a dispatch still within its grace period. */
  | { readonly kind: "already-hooked"; readonly bead: Bead; readonly why: "running" | "dispatching" }
  /** At the concurrency cap: marked waiting, poured, not hooked. */
  | { readonly kind: "waiting"; readonly bead: Bead; readonly imported: boolean; readonly hooked: number }
  /** Hooked with no run after `witness.max_attempts` attempts since it was slung: let go, for people to look at. */
  | { readonly kind: "escalate"; readonly bead: Bead; readonly attempts: number }
  /** The issue or its bead is closed: nothing to do. */
  | { readonly kind: "closed"; readonly bead: Bead | undefined };

export interface Slung {
  readonly ledger: Ledger;
  readonly outcome: SlingOutcome;
}

export function sling(ledger: Ledger, input: SlingInput): Slung {
  const found = beadByExternalRef(ledger, input.issue.url);
  if (input.issue.state === "closed" || (found && beadStatus(found) === "closed")) {
    return { ledger, outcome: { kind: "closed", bead: found } };
  }
  const now = timestamp(input.now);
  if (found && beadStatus(found) === "hooked") return slingHooked(ledger, found, input);

  const imported = found === undefined;
  const prefix = ledgerPrefix(input.config.ledger.prefix ?? undefined, ledger.records.keys()) ?? input.fallbackPrefix;
  const bead = found ?? importedBead(ledger, input, prefix);
  const withBead = imported ? ledger.withBead(bead) : ledger;

  const polecat = gastownString(bead, "polecat") ?? freePolecatName(input.config.polecat.name_pool, namesInUse(withBead));
  const proto = input.cook(input.formula, slingVars({
    issue: input.issue.number, bead, polecat, baseBranch: input.baseBranch, given: input.vars,
  }));
  const poured = pour(withBead, proto, bead.id, { now: input.now, actor: input.slungBy, prefix });
  const pouredBead = poured.ledger.get(bead.id) as Bead;
  // A person's sling starts a new count of attempts against witness.max_attempts (none is
  // recorded for a first sling: it counts from 0); the promotion of a waiting bead (waiting.ts)
  // is this sling going ahead, so it keeps the count.
  const slungBy = { polecat, slung_by: input.slungBy, slung_at: now, attempts_before_sling: attemptOf(bead) || undefined };

  const hooked = hookedBeads(withBead).length;
  if (hooked >= input.config.limits.max_polecats) {
    // Waiting already, with its molecule: a second sling changes nothing.
    if (gastownString(bead, "waiting_since") !== undefined && poured.ledger === withBead) {
      return { ledger, outcome: { kind: "waiting", bead, imported, hooked } };
    }
    const waiting = withGastownMetadata(pouredBead, { ...slungBy, waiting_since: gastownString(bead, "waiting_since") ?? now });
    return {
      ledger: poured.ledger.withBead({ ...waiting, updated_at: now }),
      outcome: { kind: "waiting", bead: waiting, imported, hooked },
    };
  }
  const hook = hookedForNextAttempt(withGastownMetadata(pouredBead, slungBy), polecat, input.config, now);
  return {
    ledger: poured.ledger.withBead(hook),
    outcome: {
      kind: "dispatch",
      reason: poured.created ? "new" : "resume",
      bead: hook,
      assignment: { bead: bead.id, molecule: poured.root, polecat, attempt: attemptOf(hook) },
      imported,
    },
  };
}

/**
 * The issue as a new bead, as the mirror imports one: with the mirror on, it records what both
 * sides agree on and the issue's id, so the mirror reads later changes as changes, not conflicts.
 */
function importedBead(ledger: Ledger, input: SlingInput, prefix: string): Bead {
  const bead = beadFromIssue(ledger, input.issue, { prefix, now: input.now, actor: input.slungBy });
  return input.config.mirror.enabled ? linkedAtImport(bead, input.issue.id) : bead;
}

/**
 * The bead hooked to its polecat for its next attempt, no longer waiting and with no exit: what
 * a sling writes, and what a freed slot writes for the bead that waited longest (waiting.ts).
 */
export function hookedForNextAttempt(bead: Bead, polecat: string, config: GastownConfig, now: string): Bead {
  return withGastownMetadata(
    { ...bead, status: "hooked", assignee: `${POLECAT_ASSIGNEE_PREFIX}${polecat}`, updated_at: now },
    {
      attempt: attemptOf(bead) + 1, dispatched_at: now, limits_hash: limitsHash(polecatLimits(config.polecat)),
      ...UNCLAIMED, waiting_since: undefined, exit: undefined, exit_reason: undefined, exit_blocker: undefined,
    },
  );
}

/** A bead already hooked: leave it, dispatch it again, or give up on it. */
function slingHooked(ledger: Ledger, bead: Bead, input: SlingInput): Slung {
  const attempt = attemptOf(bead);
  const observed = input.observedRun;
  // What was seen is about this attempt only: a newer one is some other writer's to dispatch.
  if (observed === undefined || observed.attempt !== attempt) return alreadyHooked(ledger, bead, "dispatching");
  // A person's /retry is the next attempt whatever the current one looks like.
  if (!input.retry) {
    if (observed.live) return alreadyHooked(ledger, bead, "running");
    if (dispatchedWithinGrace(bead, input.now)) return alreadyHooked(ledger, bead, "dispatching");
  }
  const attempts = attemptsSinceSling(bead);
  if (!input.retry && attempts >= input.config.witness.max_attempts) {
    const released = escalatedBead(bead, input.now, `no polecat run was seen ${afterAttemptsText(attempts, input.config)}`);
    return { ledger: ledger.withBead(released), outcome: { kind: "escalate", bead: released, attempts } };
  }
  const next = nextAttempt(bead, input.now, input.config);
  // A /retry is a person asking again: the attempts counted against max_attempts start from it,
  // and so does the witness's stuck ladder.
  const retried = input.retry
    ? withGastownMetadata(next.bead, { attempts_before_sling: attempt || undefined, witness_rung: undefined, witness_at: undefined })
    : next.bead;
  return {
    ledger: ledger.withBead(retried),
    outcome: { kind: "dispatch", reason: "retry", bead: retried, imported: false, assignment: next.assignment },
  };
}

/**
 * The hooked bead's next attempt: the same polecat and molecule (so it resumes at its first open
 * step), dispatched now and claimed by no run yet. Only the writer of the commit that records it
 * dispatches it.
 */
export function nextAttempt(bead: Bead, now: Date, config: GastownConfig): { readonly bead: Bead; readonly assignment: PolecatAssignment } {
  const molecule = gastownString(bead, "molecule");
  const polecat = gastownString(bead, "polecat");
  if (molecule === undefined || polecat === undefined) {
    throw new Error(`${bead.id} is hooked but its metadata.gastown has no ${molecule === undefined ? "molecule" : "polecat"}`);
  }
  const attempt = attemptOf(bead) + 1;
  const at = timestamp(now);
  const next = withGastownMetadata({ ...bead, updated_at: at }, {
    attempt, dispatched_at: at, limits_hash: limitsHash(polecatLimits(config.polecat)), ...UNCLAIMED,
  });
  return { bead: next, assignment: { bead: bead.id, molecule, polecat, attempt } };
}

/** The bead let go for people to look at, as the ESCALATE exit leaves it: open, unclaimed, with why. */
export function escalatedBead(bead: Bead, now: Date, reason: string): Bead {
  return withGastownMetadata(
    { ...unhooked(bead), updated_at: timestamp(now) },
    { dispatched_at: undefined, ...UNCLAIMED, exit: "ESCALATE", exit_reason: reason },
  );
}

/** A new attempt, or a released bead, is nobody's until a run claims it (polecat-claim.ts). */
export const UNCLAIMED = { run_id: undefined, run_url: undefined, started_at: undefined } as const;

function alreadyHooked(ledger: Ledger, bead: Bead, why: "running" | "dispatching"): Slung {
  return { ledger, outcome: { kind: "already-hooked", bead, why } };
}

/** Whether the bead's last dispatch is recent enough that its run may still be on its way. */
export function dispatchedWithinGrace(bead: Bead, now: Date): boolean {
  const dispatchedAt = Date.parse(gastownString(bead, "dispatched_at") ?? "");
  return Number.isFinite(dispatchedAt) && now.getTime() - dispatchedAt < DISPATCH_GRACE_MS;
}

/** The bead's last attempt; 0 when it was never dispatched. */
export function attemptOf(bead: Bead): number {
  const attempt = gastownMetadata(bead).attempt;
  return typeof attempt === "number" && Number.isInteger(attempt) && attempt > 0 ? attempt : 0;
}

/**
 * The attempts made since a person last slung the bead (or asked for a /retry): what
 * `witness.max_attempts` limits. The sling records the attempt it started from
 * (`attempts_before_sling`); a bead slung before that was recorded counts from 0.
 */
export function attemptsSinceSling(bead: Bead): number {
  const before = gastownMetadata(bead).attempts_before_sling;
  const base = typeof before === "number" && Number.isInteger(before) && before > 0 ? before : 0;
  return Math.max(0, attemptOf(bead) - base);
}

/** "after N attempts since it was slung (witness.max_attempts is M)", for an escalation's reason. */
export function afterAttemptsText(attempts: number, config: GastownConfig): string {
  return `after ${attempts} attempt${attempts === 1 ? "" : "s"} since it was slung (witness.max_attempts is ${config.witness.max_attempts})`;
}

/** The bead let go by its polecat: open and unassigned; its molecule and polecat name kept. */
export function unhooked(bead: Bead): Bead {
  const { assignee: _assignee, ...rest } = bead;
  return { ...rest, status: "open" };
}
