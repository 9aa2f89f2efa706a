// The ledger as a polecat run writes it: every write is a compare-and-swap (invariant 3) whose
// mutation first checks that the run still holds its claim, and every read says whether it
// does. An unslung or superseded run may live on for minutes while its cancel lands; the first
// write or push it tries after that stops it, and writes nothing; so does the heartbeat's tick
// while a step's agent runs (mid-step-tick.ts), which reads the ledger as it is and decides itself.
import type { LedgerState, LedgerStore, UpdateOptions, Written } from "../github/ledger-store.js";
import type { Ledger } from "../ledger/ledger.js";
import { claimBead, claimLost, type PolecatRun } from "../town/polecat-claim.js";

/** The run no longer holds its bead: it stops, and writes nothing more. */
export class ClaimLostError extends Error {
  override name = "ClaimLostError";

  /** `reason`: claimLost's, why the run no longer holds it. */
  constructor(reason: string) {
    super(`this run no longer holds its claim: ${reason}`);
  }
}

export type ClaimOutcome =
  | { readonly kind: "claimed"; readonly state: LedgerState }
  | { readonly kind: "refused"; readonly reason: string };

export class ClaimedLedger {
  /** The last state this run read or wrote: while the branch has not moved, reading it again costs one request. */
  private last: LedgerState | undefined;

  constructor(private readonly store: LedgerStore, readonly run: PolecatRun, private readonly clock: () => Date) {}

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
    const state = await this.readAsIs();
    this.check(state.ledger);
    return state;
  }

  /** The ledger now, whether or not the run still holds its claim: for a reader that decides itself what a lost one means. */
  async readAsIs(): Promise<LedgerState> {
    const state = await this.store.read(this.last);
    this.last = state;
    return state;
  }

  /**
   * `mutate` applied in a compare-and-swap commit, each try only while the claim holds, with the
   * other files `files` makes from the state it was applied to.
   */
  async write(message: string, mutate: (ledger: Ledger) => Ledger, files?: UpdateOptions["files"]): Promise<Written> {
    const written = await this.store.update(message, (ledger) => {
      this.check(ledger);
      return mutate(ledger);
    }, { ...(this.last ? { from: this.last } : {}), ...(files ? { files } : {}) });
    this.last = written.state;
    return written;
  }

  /** A file of the ledger branch at `state`'s commit. */
  readFile(state: LedgerState, path: string): Promise<string | undefined> {
    return this.store.readFile(state, path);
  }

  private check(ledger: Ledger): void {
    const lost = claimLost(ledger, this.run);
    if (lost !== undefined) throw new ClaimLostError(lost);
  }
}
