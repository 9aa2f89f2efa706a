// "Ready work" as `bd ready` selects it (`cmd/bd/ready.go`,
// `internal/storage/issueops/ready_work.go`): open beads nothing blocks, that are work to claim
// (not infrastructure, not ephemeral, not pinned) and not deferred, in one of its orders.
import type { Bead } from "./bead-schema.js";
import { BlockedState } from "./blocked-state.js";
import { BeadFlag, EdgeKind, StatusClass, type DependencyGraph } from "./dependency-graph.js";
import type { Ledger, LedgerRecord } from "./ledger.js";
import { ReadyOrder, type ReadySort } from "./ready-sort.js";
import { compareInstants, epochMillis } from "./timestamps.js";

export { blockedIds } from "./blocked-state.js";
export { READY_SORTS, type ReadySort } from "./ready-sort.js";

export interface ReadyOptions {
  readonly now: Date;
  /** Defaults to `hybrid`, as `bd ready` does. */
  readonly sort?: ReadySort;
}

export function readyBeads(ledger: Ledger, options: ReadyOptions): Bead[] {
  const work = ReadyWork.of(ledger);
  const order = work.order.positions(options.sort ?? "hybrid", options.now);
  const deferred = deferredBeads(work, new Clock(options.now));
  const ready: Bead[] = [];
  for (const position of order) {
    const bead = work.unblocked[position] as number;
    if (deferred && (deferred[bead] === 1 || hasDeferredParent(work.graph, bead, deferred))) continue;
    ready.push((work.graph.records[bead] as LedgerRecord).bead);
  }
  return ready;
}

/** A ledger never changes (a change makes a new one), so what is learnt of it is kept with it. */
const works = new WeakMap<Ledger, ReadyWork>();

/**
 * Everything of ready work that does not depend on the clock, worked out once per ledger: the
 * beads that are claimable and unblocked, sorted, and the few whose deferral the clock decides.
 * A patrol asking again of the same ledger then pays only for the clock and the copy.
 */
class ReadyWork {
  /** Graph indexes of the claimable beads nothing blocks, in id order. */
  readonly unblocked: readonly number[];
  /** The same beads in each order, as positions in `unblocked`. */
  readonly order: ReadyOrder;
  /** Graph indexes of the beads with a `defer_until`. */
  readonly deferrable: readonly number[];

  private constructor(readonly graph: DependencyGraph, blocked: BlockedState) {
    const { flags } = graph;
    const unblocked: number[] = [];
    const deferrable: number[] = [];
    for (let i = 0; i < flags.length; i++) {
      const bits = flags[i] as number;
      if ((bits & BeadFlag.HAS_DEFER_UNTIL) !== 0) deferrable.push(i);
      if ((bits & BeadFlag.CLAIMABLE) !== 0 && !blocked.isBlocked(i)) unblocked.push(i);
    }
    this.unblocked = unblocked;
    this.deferrable = deferrable;
    this.order = new ReadyOrder(graph, this.unblocked);
  }

  static of(ledger: Ledger): ReadyWork {
    let work = works.get(ledger);
    if (!work) {
      const blocked = BlockedState.of(ledger);
      work = new ReadyWork(blocked.graph, blocked);
      works.set(ledger, work);
    }
    return work;
  }
}

/** 1 for each bead deferred past now; undefined when none is, the usual case. */
function deferredBeads(work: ReadyWork, now: Clock): Uint8Array | undefined {
  let deferred: Uint8Array | undefined;
  for (const bead of work.deferrable) {
    if (!now.isBefore((work.graph.records[bead] as LedgerRecord).bead.defer_until)) continue;
    deferred ??= new Uint8Array(work.graph.records.length);
    deferred[bead] = 1;
  }
  return deferred;
}

/**
 * Beads hides the children of a parent deferred to later, but looks at the direct parent only
 * (`getChildrenOfDeferredParentsInTx`): a deferred grandparent hides its children, not theirs.
 */
function hasDeferredParent(graph: DependencyGraph, bead: number, deferred: Uint8Array): boolean {
  const { edgeStart, edgeTarget, edgeType, status } = graph;
  const end = edgeStart[bead + 1] as number;
  for (let e = edgeStart[bead] as number; e < end; e++) {
    if (edgeType[e] !== EdgeKind.PARENT_CHILD) continue;
    const parent = edgeTarget[e] as number;
    if (parent >= 0 && deferred[parent] === 1 && status[parent] !== StatusClass.TOMBSTONE) return true;
  }
  return false;
}

/** Now, compared with timestamps written with any offset and precision. */
class Clock {
  private readonly ms: number;
  private readonly text: string;

  constructor(now: Date) {
    this.ms = now.getTime();
    this.text = now.toISOString();
  }

  /** True when `timestamp` is strictly later than now; absent or unreadable text never is. */
  isBefore(timestamp: string | undefined): boolean {
    if (timestamp === undefined) return false;
    const ms = epochMillis(timestamp);
    if (ms === undefined || ms < this.ms) return false;
    // Within the same millisecond only the full text can tell (a SQLite-era fraction).
    return ms > this.ms || compareInstants(timestamp, this.text) > 0;
  }
}
