// A polecat run's claim on its bead (DESIGN §7, "Dispatch, exactly once"). The App hooks a bead
// for one attempt and dispatches one run; that run claims the attempt in one compare-and-swap
// commit (its run id, URL and start), and every later ledger write and push it makes checks
// the claim still holds. A run stops at once, and writes nothing, when the bead was unslung,
// moved on to a newer attempt, claimed by another run, or hooked with other limits: anyone with
// write access can dispatch the workflow by hand, and a cancelled run may live on for minutes.
import { beadStatus, type Bead } from "../ledger/bead-schema.js";
import type { Ledger } from "../ledger/ledger.js";
import { gastownMetadata, gastownString, withGastownMetadata } from "../molecules/gastown-metadata.js";
import { timestamp } from "../molecules/pour.js";
import { limitsHash } from "./polecat-dispatch.js";
import { POLECAT_ASSIGNEE_PREFIX } from "./polecat-names.js";
import { attemptOf } from "./sling.js";

/** What a run was dispatched with, and who it is. */
export interface PolecatRun {
  readonly bead: string;
  readonly polecat: string;
  readonly attempt: number;
  /** The `limits` input exactly as dispatched. */
  readonly limits: string;
  readonly runId: number;
  readonly runUrl: string;
}

export type Claimed =
  | { readonly ok: true; readonly ledger: Ledger; readonly bead: Bead }
  | { readonly ok: false; readonly refusal: string };

/**
 * The claim written into `ledger`, or why this run may not claim the bead. Claiming again from
 * the same run (a re-run of its job) changes nothing.
 */
export function claimBead(ledger: Ledger, run: PolecatRun, now: Date): Claimed {
  const refusal = hookRefusal(ledger, run) ?? limitsRefusal(ledger.get(run.bead) as Bead, run);
  if (refusal !== undefined) return { ok: false, refusal };
  const bead = ledger.get(run.bead) as Bead;
  const claimedBy = gastownMetadata(bead).run_id;
  if (claimedBy === run.runId) return { ok: true, ledger, bead };
  if (claimedBy !== undefined) {
    return { ok: false, refusal: `${run.bead}'s attempt ${run.attempt} was claimed by run ${String(claimedBy)}, not this run (${run.runId})` };
  }
  const claimed = withGastownMetadata(bead, { run_id: run.runId, run_url: run.runUrl, started_at: timestamp(now) });
  return { ok: true, ledger: ledger.withBead(claimed), bead: claimed };
}

/**
 * Why this run no longer holds its claim, or undefined while it does: the bead still hooked to
 * its polecat, at its attempt, claimed by its run id.
 */
export function claimLost(ledger: Ledger, run: Pick<PolecatRun, "bead" | "polecat" | "attempt" | "runId">): string | undefined {
  const refusal = hookRefusal(ledger, run);
  if (refusal !== undefined) return refusal;
  const claimedBy = gastownMetadata(ledger.get(run.bead) as Bead).run_id;
  return claimedBy === run.runId ? undefined : `${run.bead}'s attempt ${run.attempt} is claimed by ${claimedBy === undefined ? "no run" : `run ${String(claimedBy)}`}, not this run (${run.runId})`;
}

function hookRefusal(ledger: Ledger, run: Pick<PolecatRun, "bead" | "polecat" | "attempt">): string | undefined {
  const bead = ledger.get(run.bead);
  if (!bead) return `${run.bead} is not in the ledger`;
  const status = beadStatus(bead);
  if (status !== "hooked") return `${run.bead} is ${status}, not hooked: it was unslung or its work has ended`;
  const assignee = `${POLECAT_ASSIGNEE_PREFIX}${run.polecat}`;
  if (bead.assignee !== assignee) return `${run.bead} is hooked to ${bead.assignee ?? "nobody"}, not ${assignee}`;
  const attempt = attemptOf(bead);
  if (attempt !== run.attempt) return `${run.bead} is on attempt ${attempt}, and this run is attempt ${run.attempt}`;
  return undefined;
}

function limitsRefusal(bead: Bead, run: PolecatRun): string | undefined {
  const recorded = gastownString(bead, "limits_hash");
  // Every hook records the hash; one without it was hooked by a release before runs checked it.
  if (recorded === undefined) {
    return `${run.bead} was hooked with no record of its limits, so this run cannot tell them from limits anyone could dispatch: ` +
      "comment /retry on its issue to dispatch an attempt that records them";
  }
  const given = limitsHash(run.limits);
  return given === recorded ? undefined
    : `the limits this run was given (${given}) are not the ones ${run.bead}'s hook recorded (${recorded}): it was not dispatched by the App for this attempt`;
}
