// The ledger as a polecat run writes it: every write is a compare-and-swap (invariant 3) whose
// mutation first checks that the run still holds its claim, and every read says whether it
// does. An unslung or superseded run may live on for minutes while its cancel lands; the first
// write or push it tries after that stops it, and writes nothing.
import type { LedgerState, LedgerStore, Written } from "../github/ledger-store.js";
import type { Ledger } from "../ledger/ledger.js";
import { claimBead, claimLost, type PolecatRun } from "../town/polecat-claim.js";

/** The run no longer holds its bead: it stops, and writes nothing more. */
export class ClaimLostError extends Error {
  override name = "ClaimLostError";
}

export type ClaimOutcome =
  | { readonly kind: "claimed"; readonly state: LedgerState }
  | { readonly kind: "refused"; readonly reason: string };

export class ClaimedLedger {
  /** The last state this run read or wrote: while the branch has not moved, reading it again costs one request. */
  private last: LedgerState | undefined;

  constructor(private readonly store: LedgerStore, private readonly run: PolecatRun, private readonly clock: () => Date) {}

  /** The claim, in one commit: the run's id, its URL and when it started. */
  async claim(): Promise<ClaimOutcome> {
    let refusal: string | undefined;
    const written = await this.store.update(
      `Polecat ${this.run.polecat} claims ${this.run.bead}, attempt ${this.run.attempt} (run ${this.run.runId})`,
      (ledger) => {
        const claimed = claimBead(ledger, this.run, this.clock());
        refusal = claimed.ok ? undefined : claimed.refusal;
        return claimed.ok ? claimed.ledger : ledger;
      },
    );
    this.last = written.state;
    return refusal === undefined ? { kind: "claimed", state: written.state } : { kind: "refused", reason: refusal };
  }

  /** The ledger now, while the run still holds its claim. */
  async read(): Promise<LedgerState> {
    const state = await this.store.read(this.last);
    this.last = state;
    this.check(state.ledger);
    return state;
  }

  /** `mutate` applied in a compare-and-swap commit, each try only while the claim holds. */
  async write(message: string, mutate: (ledger: Ledger) => Ledger): Promise<Written> {
    const written = await this.store.update(message, (ledger) => {
      this.check(ledger);
      return mutate(ledger);
    }, this.last ? { from: this.last } : {});
    this.last = written.state;
    return written;
  }

  private check(ledger: Ledger): void {
    const lost = claimLost(ledger, this.run);
    if (lost !== undefined) throw new ClaimLostError(`this run no longer holds its claim: ${lost}`);
  }
}
