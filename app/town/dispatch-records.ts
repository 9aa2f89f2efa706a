// What the App writes after a dispatch GitHub refused, as a mutation that changes nothing unless
// the bead is still hooked for the same attempt: by then another writer may have unslung it or
// moved it on to a later attempt, and that writer's state stands. (A dispatch that starts a run
// writes nothing more: the run claims the bead itself, polecat-claim.ts.)
import { beadStatus, type Bead } from "../ledger/bead-schema.js";
import type { Ledger } from "../ledger/ledger.js";
import { withGastownMetadata } from "../molecules/gastown-metadata.js";
import { timestamp } from "../molecules/pour.js";
import { attemptOf, UNCLAIMED, unhooked } from "./sling.js";

function hookedFor(ledger: Ledger, bead: string, attempt: number): Bead | undefined {
  const found = ledger.get(bead);
  return found && beadStatus(found) === "hooked" && attemptOf(found) === attempt ? found : undefined;
}

/**
 * The hook let go when GitHub refused the dispatch (no such workflow, an input it does not
 * take): retrying cannot help until someone fixes the workflow, so the bead goes back to open.
 */
export function releaseRefusedDispatch(ledger: Ledger, bead: string, attempt: number, now: Date): Ledger {
  const found = hookedFor(ledger, bead, attempt);
  if (!found) return ledger;
  const released = withGastownMetadata({ ...unhooked(found), updated_at: timestamp(now) }, { dispatched_at: undefined, ...UNCLAIMED });
  return ledger.withBead(released);
}
