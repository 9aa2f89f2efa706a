// Every polecat of a repository, as `/peek all` lists it: each bead a polecat was given that is
// not closed yet (a closed bead's polecat is long gone), the hooked ones first, then the most
// recently changed. A polecat name is reused once free, so a row is a bead, named by its polecat.
import { beadStatus, type Bead } from "../ledger/bead-schema.js";
import type { Ledger } from "../ledger/ledger.js";
import { gastownString } from "../molecules/gastown-metadata.js";
import type { PolecatState } from "./polecat-health.js";

export function polecatRoster(ledger: Ledger): Bead[] {
  const hooked = (bead: Bead) => (beadStatus(bead) === "hooked" ? 0 : 1);
  return ledger.beads()
    .filter((bead) => gastownString(bead, "polecat") !== undefined && beadStatus(bead) !== "closed")
    .sort((a, b) => hooked(a) - hooked(b) || updated(b) - updated(a) || a.id.localeCompare(b.id));
}

// Timestamps may carry offsets (older ledgers), so they are compared as times, not strings.
function updated(bead: Bead): number {
  const time = Date.parse(bead.updated_at ?? "");
  return Number.isFinite(time) ? time : 0;
}

/** The order rows are shown in: what needs a look first. */
export const STATE_ORDER: readonly PolecatState[] = ["stuck", "working", "idle", "done"];
