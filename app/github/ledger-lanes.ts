// One App process's writes to each ledger branch, one after another. Events that one process
// handles at the same time would otherwise race each other through the compare-and-swap: all
// but one lose, read again, wait and write again (a burst of eight slings wasted more than half
// its commits so). In a lane, each write starts from the state the write before it left, so
// none of them loses to its own process; the compare-and-swap still settles races with other
// processes. The state handed on is only a guess at the branch's tip (another writer may have
// moved it, and then the write loses and reads afresh), and it is let go as soon as the lane is
// idle, so the App keeps no state between events.
import type { LedgerState } from "./ledger-store.js";

interface Lane {
  tail: Promise<unknown>;
  last: LedgerState | undefined;
}

export class LedgerLanes {
  private readonly lanes = new Map<string, Lane>();

  /** Runs `write` after every earlier write to `key`, handing it the state the last one left. */
  async run<T extends { readonly state: LedgerState }>(key: string, write: (last: LedgerState | undefined) => Promise<T>): Promise<T> {
    const lane = this.lanes.get(key) ?? { tail: Promise.resolve(), last: undefined };
    this.lanes.set(key, lane);
    const mine = lane.tail.then(() => write(lane.last));
    const settled = mine.then(
      (written) => { lane.last = written.state; },
      () => { lane.last = undefined; },
    );
    lane.tail = settled;
    await settled;
    if (lane.tail === settled) this.lanes.delete(key);
    return mine;
  }

  /** Lanes with writes in them or waiting: for tests. */
  get busy(): number {
    return this.lanes.size;
  }
}
