// The orders `bd ready --sort` offers (`internal/storage/issueops/ready_work.go`,
// `buildReadyWorkOrder` and `sortReadyIssues`), with the id last so every order is total.
import type { DependencyGraph } from "./dependency-graph.js";

export type ReadySort = "hybrid" | "priority" | "oldest";
export const READY_SORTS: readonly ReadySort[] = ["hybrid", "priority", "oldest"];

/** Under `hybrid`, beads created this recently go first, by priority. */
const RECENT_MS = 48 * 60 * 60 * 1000;

/** Everything a comparison needs, read once per bead from the graph rather than once per comparison. */
interface SortKey {
  /** Where the bead is in the list given to ReadyOrder. */
  readonly position: number;
  /** The bead's index in the dependency graph, which is in id order: the id's tie-break. */
  readonly index: number;
  readonly priority: number;
  /** Both parts of created_at's instant: the milliseconds a Date keeps, and the rest. */
  readonly createdMs: number;
  readonly createdNanos: number;
}

/**
 * A list of beads in each order, each sorted once: ready work keeps one per ledger, since its
 * unblocked beads do not change with the clock. Only hybrid's 48-hour cutoff depends on now,
 * and it merely splits the oldest-first order in two (see `hybrid`).
 */
export class ReadyOrder {
  private readonly keys: readonly SortKey[];
  private oldest: readonly SortKey[] | undefined;
  private priority: readonly SortKey[] | undefined;

  /** `beads`: graph indexes in id order; the orders are given as positions in that list. */
  constructor(graph: DependencyGraph, beads: readonly number[]) {
    this.keys = beads.map((index, position) => ({
      position,
      index,
      priority: graph.priority[index] as number,
      createdMs: graph.createdMs[index] as number,
      // SQLite-era beads carry nanoseconds, which order beads made in one millisecond.
      createdNanos: graph.createdNanos[index] as number,
    }));
  }

  /** Positions in the list of beads given, in the order `sort` puts them at `now`. */
  positions(sort: ReadySort, now: Date): number[] {
    const keys = sort === "hybrid" ? this.hybrid(now) : this.sorted(sort);
    return keys.map((key) => key.position);
  }

  private sorted(sort: "oldest" | "priority"): readonly SortKey[] {
    if (sort === "oldest") return this.oldest ??= [...this.keys].sort(oldestFirst);
    return this.priority ??= [...this.keys].sort(priorityFirst);
  }

  /**
   * Beads created in the last 48 hours (`created_at >= cutoff`) first, by priority then age;
   * older ones after, by age alone. The oldest-first order is by created_at, so the recent beads
   * are its tail, already by age: a stable sort of the tail by priority alone finishes them.
   * The cutoff is whole milliseconds, so the nanoseconds cannot matter to it.
   */
  private hybrid(now: Date): SortKey[] {
    const oldest = this.sorted("oldest");
    const cutoff = now.getTime() - RECENT_MS;
    let low = 0;
    let high = oldest.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((oldest[middle] as SortKey).createdMs >= cutoff) high = middle;
      else low = middle + 1;
    }
    const recent = oldest.slice(low).sort((a, b) => a.priority - b.priority);
    return recent.concat(oldest.slice(0, low));
  }
}

function byCreated(a: SortKey, b: SortKey): number {
  if (a.createdMs !== b.createdMs) return a.createdMs < b.createdMs ? -1 : 1;
  return a.createdNanos - b.createdNanos;
}

function byId(a: SortKey, b: SortKey): number {
  return a.index - b.index;
}

/** `created_at ASC, id ASC`. */
function oldestFirst(a: SortKey, b: SortKey): number {
  return byCreated(a, b) || byId(a, b);
}

/** `priority ASC, created_at DESC, id ASC`: within a priority, the newest first. */
function priorityFirst(a: SortKey, b: SortKey): number {
  return a.priority - b.priority || byCreated(b, a) || byId(a, b);
}
