// The mirror's batches: webhooks for one repository that arrive while its last batch is being
// written are collected, and all applied in one compare-and-swap commit when that write is done.
// A burst of edits on GitHub (a person relabelling ten issues, GitHub's two deliveries of every
// sub-issue change) then costs one ledger commit, not one each, and no write loses a race to
// another of the same process.
//
// A batch stays open until its apply takes its changes (`take`), which the ledger mutation does
// when it runs: after the settings and the ledger have been read, so whatever arrived meanwhile is
// in it. The mutation may run again after a lost race, and takes the same changes. Each event
// waits for its own batch to be applied. Nothing is kept once a repository's batches are done:
// the App keeps no state between events.

interface Batch<C> {
  readonly changes: C[];
  taken: boolean;
  /** Settles when the batch has been applied; set as soon as the batch is queued. */
  done?: Promise<void>;
}

interface Queue<C> {
  /** The last batch's end: the next batch starts after it. */
  tail: Promise<void>;
  /** The batch still taking changes, if any. */
  open: Batch<C> | undefined;
}

export class MirrorBatches<C> {
  private readonly queues = new Map<string, Queue<C>>();

  /**
   * Adds `change` to the open batch of `key`, or opens one that `apply` will apply once the batch
   * before it is done. Resolves when the batch holding `change` has been applied.
   */
  submit(key: string, change: C, apply: (take: () => readonly C[]) => Promise<void>): Promise<void> {
    const queue = this.queues.get(key) ?? { tail: Promise.resolve(), open: undefined };
    this.queues.set(key, queue);
    const open = queue.open;
    if (open !== undefined && !open.taken) {
      open.changes.push(change);
      return open.done ?? Promise.resolve();
    }
    const batch: Batch<C> = { changes: [change], taken: false };
    queue.open = batch;
    const take = (): readonly C[] => {
      if (!batch.taken) {
        batch.taken = true;
        if (queue.open === batch) queue.open = undefined;
      }
      return batch.changes;
    };
    const run = queue.tail.then(() => apply(take)).finally(take);
    const settled = run.then(() => undefined, () => undefined);
    queue.tail = settled;
    // The queue is let go before the batch's events hear it was applied.
    const done = settled.then(() => {
      if (queue.tail === settled && queue.open === undefined) this.queues.delete(key);
      return run;
    });
    batch.done = done;
    return done;
  }

  /** Repositories with batches in them or waiting: for tests. */
  get busy(): number {
    return this.queues.size;
  }
}
