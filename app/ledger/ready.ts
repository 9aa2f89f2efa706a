// "Ready work" as `bd ready` selects it (`cmd/bd/ready.go`,
// `internal/storage/issueops/ready_work.go`): open beads nothing blocks, that are work to claim
// (not infrastructure, not ephemeral, not pinned) and not deferred, in one of its orders.
import { beadStatus, beadType, isEphemeral, TOMBSTONE, type Bead } from "./bead-schema.js";
import { BlockedState } from "./blocked-state.js";
import type { Ledger } from "./ledger.js";
import { sortReady, type ReadySort } from "./ready-sort.js";
import { isStoredEdge } from "./stored-edges.js";
import { compareInstants, epochMillis } from "./timestamps.js";

export { blockedIds } from "./blocked-state.js";
export { READY_SORTS, type ReadySort } from "./ready-sort.js";

export interface ReadyOptions {
  readonly now: Date;
  /** Defaults to `hybrid`, as `bd ready` does. */
  readonly sort?: ReadySort;
}

/** Beads that track the town's machinery or its mail, never work to claim. */
const NOT_WORK_TYPES: ReadonlySet<string> = new Set([
  "merge-request", "gate", "molecule", "message", "agent", "role", "rig",
]);

export function readyBeads(ledger: Ledger, options: ReadyOptions): Bead[] {
  const now = new Clock(options.now);
  const candidates: Bead[] = [];
  let anyDeferred = false;
  for (const { bead } of ledger.records.values()) {
    const deferred = now.isBefore(bead.defer_until);
    anyDeferred ||= deferred;
    if (!deferred && isClaimable(bead)) candidates.push(bead);
  }
  const blocked = BlockedState.of(ledger);
  // Blocking is worked out only for beads that would otherwise be ready.
  const ready = candidates.filter((bead) =>
    !blocked.isBlocked(bead) && !(anyDeferred && hasDeferredParent(bead, ledger, now)));
  return sortReady(ready, options.sort ?? "hybrid", options.now);
}

/** What the bead says of itself, before its dependencies or the clock are consulted. */
function isClaimable(bead: Bead): boolean {
  // `bd ready` asks for `open` only: in_progress work already has someone on it.
  return beadStatus(bead) === "open" && bead.pinned !== true && !isEphemeral(bead) &&
    !NOT_WORK_TYPES.has(beadType(bead));
}

/**
 * Beads hides the children of a parent deferred to later, but looks at the direct parent only
 * (`getChildrenOfDeferredParentsInTx`): a deferred grandparent hides its children, not theirs.
 */
function hasDeferredParent(bead: Bead, ledger: Ledger, now: Clock): boolean {
  const deps = bead.dependencies ?? [];
  for (let d = 0; d < deps.length; d++) {
    const dep = deps[d];
    if (dep?.type !== "parent-child" || !isStoredEdge(deps, d)) continue;
    const parent = ledger.get(dep.depends_on_id);
    if (parent && parent.status !== TOMBSTONE && now.isBefore(parent.defer_until)) return true;
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
