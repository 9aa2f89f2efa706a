// Beads linked to something outside the ledger by `external_ref`: a work bead's GitHub issue,
// by the URL, as `bd github sync` links them.

import type { Bead } from "./bead-schema.js";
import type { Ledger } from "./ledger.js";

/** The bead whose `external_ref` is `ref`; the smallest id when several are (a merge can do that). */
export function beadByExternalRef(ledger: Ledger, ref: string): Bead | undefined {
  for (const record of ledger.sorted()) if (record.bead.external_ref === ref) return record.bead;
  return undefined;
}
