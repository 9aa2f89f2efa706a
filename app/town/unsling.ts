// Unsling: the bead let go (DESIGN §7): open and unassigned, no longer waiting, its run to be
// cancelled. Closed steps stay closed and the molecule stays open, so a later sling resumes
// where this one stopped, with the same polecat name; `--abandon` burns the molecule as well,
// so a later sling starts over. Pure, as the mutation of one compare-and-swap write.
import { beadStatus, type Bead } from "../ledger/bead-schema.js";
import { beadByExternalRef } from "../ledger/external-ref.js";
import type { Ledger } from "../ledger/ledger.js";
import { gastownMetadata, gastownString, withGastownMetadata } from "../molecules/gastown-metadata.js";
import { openMoleculeOf, timestamp } from "../molecules/pour.js";
import { burn } from "../molecules/squash.js";
import { UNCLAIMED, unhooked } from "./sling.js";

export type UnslingOutcome =
  | {
      readonly kind: "released";
      readonly bead: Bead;
      /** The run to cancel, when one had claimed the bead. */
      readonly runId: number | undefined;
      /** Whether it was hooked: a run dispatched but not yet claimed may still be queued. */
      readonly wasHooked: boolean;
      /** The molecule burned by `--abandon`. */
      readonly burned: string | undefined;
    }
  /** Neither hooked nor waiting (and, with `--abandon`, no open molecule): nothing to let go. */
  | { readonly kind: "not-slung"; readonly bead: Bead | undefined };

export interface Unslung {
  readonly ledger: Ledger;
  readonly outcome: UnslingOutcome;
}

export function unsling(ledger: Ledger, issueUrl: string, options: { readonly abandon: boolean; readonly now: Date }): Unslung {
  const bead = beadByExternalRef(ledger, issueUrl);
  if (!bead) return { ledger, outcome: { kind: "not-slung", bead } };
  const hooked = beadStatus(bead) === "hooked";
  const waiting = gastownString(bead, "waiting_since") !== undefined;
  const molecule = openMoleculeOf(ledger, bead)?.root.id;
  if (!hooked && !waiting && !(options.abandon && molecule)) return { ledger, outcome: { kind: "not-slung", bead } };

  const now = timestamp(options.now);
  const runId = gastownMetadata(bead).run_id;
  let next = ledger;
  if (hooked || waiting) {
    const released = withGastownMetadata(
      { ...(hooked ? unhooked(bead) : bead), updated_at: now },
      { dispatched_at: undefined, ...UNCLAIMED, waiting_since: undefined },
    );
    next = next.withBead(released);
  }
  const burned = options.abandon ? molecule : undefined;
  if (burned) next = burn(next, burned, options.now);
  return {
    ledger: next,
    outcome: {
      kind: "released",
      bead: next.get(bead.id) as Bead,
      runId: typeof runId === "number" ? runId : undefined,
      wasHooked: hooked,
      burned,
    },
  };
}
