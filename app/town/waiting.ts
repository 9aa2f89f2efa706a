// A slot freed: the waiting sling that goes next (DESIGN §7, limits.max_polecats). A sling at the
// cap pours its molecule and marks the bead `waiting_since` (sling.ts); when a polecat's exit lets
// its bead go, the bead that waits is hooked in the same compare-and-swap write that records the
// exit published, so its writer, and only it, dispatches the polecat, as a sling's writer does.
// Which one: the highest priority (the lowest number), then the one that has waited longest.
import type { GastownConfig } from "../config/config-schema.js";
import { beadStatus, type Bead } from "../ledger/bead-schema.js";
import type { Ledger } from "../ledger/ledger.js";
import { gastownString } from "../molecules/gastown-metadata.js";
import { timestamp } from "../molecules/pour.js";
import type { PolecatAssignment } from "./polecat-dispatch.js";
import { hookedBeads } from "./polecat-names.js";
import { attemptOf, hookedForNextAttempt } from "./sling.js";

/** Beads slung at the cap and still waiting, the next to go first. */
export function waitingBeads(ledger: Ledger): Bead[] {
  return ledger.beads()
    .filter((bead) => gastownString(bead, "waiting_since") !== undefined && beadStatus(bead) !== "hooked" && beadStatus(bead) !== "closed")
    .sort((a, b) => (a.priority ?? 2) - (b.priority ?? 2) || compare(gastownString(a, "waiting_since"), gastownString(b, "waiting_since")) || compare(a.id, b.id));
}

export interface Promoted {
  readonly ledger: Ledger;
  /** The bead hooked, for its writer to dispatch; undefined when no slot is free or none waits. */
  readonly hooked?: { readonly bead: Bead; readonly assignment: PolecatAssignment };
}

/**
 * The next waiting bead hooked, if a slot is free. Pure, for a compare-and-swap: applied again
 * on a newer ledger it finds the slot taken or the bead hooked already, and hooks nothing.
 */
export function promoteWaiting(ledger: Ledger, config: GastownConfig, now: Date): Promoted {
  if (hookedBeads(ledger).length >= config.limits.max_polecats) return { ledger };
  for (const bead of waitingBeads(ledger)) {
    const polecat = gastownString(bead, "polecat");
    const molecule = gastownString(bead, "molecule");
    // A waiting bead always has both (the sling that marked it poured its molecule); one that
    // does not is left for a person's sling rather than blocking the ones behind it.
    if (polecat === undefined || molecule === undefined) continue;
    const hooked = hookedForNextAttempt(bead, polecat, config, timestamp(now));
    return {
      ledger: ledger.withBead(hooked),
      hooked: { bead: hooked, assignment: { bead: bead.id, molecule, polecat, attempt: attemptOf(hooked) } },
    };
  }
  return { ledger };
}

function compare(a: string | undefined, b: string | undefined): number {
  return (a ?? "") < (b ?? "") ? -1 : (a ?? "") > (b ?? "") ? 1 : 0;
}
