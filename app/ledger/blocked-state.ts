// Which beads are blocked, computed from the ledger the way Beads computes its `is_blocked`
// column (`internal/storage/issueops/blocked_state.go`); a stored `blocked` status is never
// trusted. A bead whose status is neither closed nor pinned is blocked when:
// 1. a `blocks` or `conditional-blocks` target is neither closed nor pinned, or is
//    `external:<project>:<id>` (Beads' docs: external dependencies always block). A target the
//    ledger lacks never blocks: `bd import` drops such a dependency;
// 2. a `waits-for` target has a child that is neither closed nor pinned, unless the gate is
//    `any-children` and some child is closed;
// 3. its `parent-child` parent is blocked (so transitively, down the tree).
//
// Tombstones (`status: "tombstone"`, Beads ≤ 0.50) count as absent: `bd import` skips them, so
// to Beads today they neither block, nor are blocked, nor are anyone's children, and a legacy
// tombstone's own dependencies were dropped when it was deleted.
import { beadStatus, TOMBSTONE, type Bead, type Dependency } from "./bead-schema.js";
import type { Ledger } from "./ledger.js";
import { isStoredEdge } from "./stored-edges.js";

/** Cross-repository targets; no other ledger is at hand to resolve them, so they block. */
const EXTERNAL = "external:";
const ANY_CHILDREN = "any-children";

/** What a waits-for gate needs to know of a bead's children. */
const HAS_ACTIVE_CHILD = 1;
const HAS_CLOSED_CHILD = 2;

export function blockedIds(ledger: Ledger): ReadonlySet<string> {
  const blocked = new Set<string>();
  const state = BlockedState.of(ledger);
  for (const { bead } of ledger.records.values()) if (state.isBlocked(bead)) blocked.add(bead.id);
  return blocked;
}

/** A ledger never changes (a change makes a new one), so what is learnt of it is kept with it. */
const states = new WeakMap<Ledger, BlockedState>();

/**
 * Answers "is this bead blocked?" on demand, looking only at the bead, its blockers and its
 * ancestors, and remembering answers: ready work asks about a few open beads, and on a large
 * ledger most beads never need one.
 */
export class BlockedState {
  /** Answers found by searches; a bead with no parent is cheaper to judge again than to look up. */
  private readonly verdicts = new Map<string, boolean>();
  private childStates: ReadonlyMap<string, number> | undefined;

  private constructor(
    private readonly ledger: Ledger,
    private readonly childEdges: ChildEdges,
  ) {}

  /**
   * The ledger's blocked state, gathered on first use: one pass over the ledger for what a
   * waits-for gate needs to know (children name their parent, not the other way round). Asking
   * again of the same ledger, as a patrol does, costs only the questions.
   */
  static of(ledger: Ledger): BlockedState {
    let state = states.get(ledger);
    if (!state) {
      const edges: ChildEdges = { parents: [], bits: [] };
      for (const { bead } of ledger.records.values()) addChildEdges(bead, edges);
      state = new BlockedState(ledger, edges);
      states.set(ledger, state);
    }
    return state;
  }

  isBlocked(bead: Bead): boolean {
    if (!canBeBlocked(bead)) return false;
    if (!hasParent(bead)) return this.isDirectlyBlocked(bead);
    return this.verdicts.get(bead.id) ?? (this.isDirectlyBlocked(bead) || this.searchAncestors(bead));
  }

  /**
   * Whether some chain of parents, each of them able to be blocked, reaches a bead its own
   * dependencies block: the least fixpoint of Beads' rules, which is what Beads reaches marking
   * from nothing blocked, as on import. Depth-first and iterative, since parent chains can be
   * long; each bead is met once per search, so loops end.
   */
  private searchAncestors(root: Bead): boolean {
    const seen = new Set<string>([root.id]);
    const path: Bead[] = [root];
    const pending: Bead[][] = [this.parentsToSearch(root, seen)];
    let found = false;
    while (path.length > 0 && !found) {
      const parent = (pending[pending.length - 1] as Bead[]).pop();
      if (parent === undefined) {
        path.pop();
        pending.pop();
        continue;
      }
      const known = this.verdicts.get(parent.id);
      if (known === false) continue;
      found = known === true || this.isDirectlyBlocked(parent);
      if (!found) {
        path.push(parent);
        pending.push(this.parentsToSearch(parent, seen));
      }
    }
    // Found: every bead on the path leads to the blocker. Not found: nothing seen leads to one,
    // since whatever a seen bead reaches, the root reaches too. Beads seen off the path when the
    // search succeeded are left unjudged: some may be waiting on a loop back to the path.
    if (found) for (const bead of path) this.verdicts.set(bead.id, true);
    else for (const id of seen) this.verdicts.set(id, false);
    return found;
  }

  /** The live parents that could be blocked and that this search has not met yet. */
  private parentsToSearch(bead: Bead, seen: Set<string>): Bead[] {
    const parents: Bead[] = [];
    const deps = bead.dependencies ?? NO_DEPENDENCIES;
    for (let d = 0; d < deps.length; d++) {
      const dep = deps[d] as Dependency;
      if (dep.type !== "parent-child" || seen.has(dep.depends_on_id)) continue;
      if (!isStoredEdge(deps, d)) continue;
      const parent = this.live(dep.depends_on_id);
      if (parent && canBeBlocked(parent)) {
        seen.add(parent.id);
        parents.push(parent);
      }
    }
    return parents;
  }

  private isDirectlyBlocked(bead: Bead): boolean {
    const deps = bead.dependencies ?? NO_DEPENDENCIES;
    for (let d = 0; d < deps.length; d++) {
      const dep = deps[d] as Dependency;
      const type = dep.type;
      // Beads defines a failure-close rule for conditional-blocks but never applies it.
      const blocks = type === "blocks" || type === "conditional-blocks";
      if (!blocks && type !== "waits-for") continue;
      if (!isStoredEdge(deps, d)) continue;
      if (blocks ? this.blocksUntilClosed(dep.depends_on_id) : this.gateHolds(dep)) return true;
    }
    return false;
  }

  private blocksUntilClosed(target: string): boolean {
    if (target.startsWith(EXTERNAL)) return true;
    const blocker = this.live(target);
    return blocker !== undefined && canBeBlocked(blocker);
  }

  private gateHolds(dep: Dependency): boolean {
    this.childStates ??= countChildStates(this.childEdges);
    const children = this.childStates.get(dep.depends_on_id) ?? 0;
    if ((children & HAS_ACTIVE_CHILD) === 0) return false;
    if (isAnyChildrenGate(dep.metadata) && (children & HAS_CLOSED_CHILD) !== 0) return false;
    // Children of a bead the ledger lacks are linked to nothing once Beads imports them.
    return this.live(dep.depends_on_id) !== undefined;
  }

  private live(id: string): Bead | undefined {
    const bead = this.ledger.get(id);
    return bead && bead.status !== TOMBSTONE ? bead : undefined;
  }
}

/** Each parent-child edge as (parent, HAS_ACTIVE_CHILD or HAS_CLOSED_CHILD): two flat arrays. */
interface ChildEdges {
  readonly parents: string[];
  readonly bits: number[];
}

function addChildEdges(bead: Bead, edges: ChildEdges): void {
  const deps = bead.dependencies;
  if (!deps) return;
  const bit = childBit(beadStatus(bead));
  if (bit === 0) return;
  for (let d = 0; d < deps.length; d++) {
    const dep = deps[d] as Dependency;
    if (dep.type !== "parent-child" || !isStoredEdge(deps, d)) continue;
    edges.parents.push(dep.depends_on_id);
    edges.bits.push(bit);
  }
}

/** A pinned child neither holds a gate nor opens an any-children one; nor does a tombstone. */
function childBit(status: string): number {
  if (status === "closed") return HAS_CLOSED_CHILD;
  return status === "pinned" || status === TOMBSTONE ? 0 : HAS_ACTIVE_CHILD;
}

/** For every bead with children, whether any is active and whether any is closed. */
function countChildStates(edges: ChildEdges): ReadonlyMap<string, number> {
  const states = new Map<string, number>();
  for (let e = 0; e < edges.parents.length; e++) {
    const parent = edges.parents[e] as string;
    const bit = edges.bits[e] as number;
    const before = states.get(parent) ?? 0;
    if ((before & bit) === 0) states.set(parent, before | bit);
  }
  return states;
}

function hasParent(bead: Bead): boolean {
  return bead.dependencies?.some((dep) => dep.type === "parent-child") === true;
}

/**
 * Closed and pinned beads are never blocked, so never pass blocking on to children, and never
 * block others. Beads asks the status here, not the `pinned` flag.
 */
function canBeBlocked(bead: Bead): boolean {
  const status = beadStatus(bead);
  return status !== "closed" && status !== "pinned" && status !== TOMBSTONE;
}

const NO_DEPENDENCIES: readonly Dependency[] = [];

/** Beads reads `$.gate` from the metadata JSON; anything else, or no metadata, is all-children. */
function isAnyChildrenGate(metadata: string | undefined): boolean {
  // Most gates are all-children; skip parsing unless the text could say otherwise.
  if (metadata === undefined || !metadata.includes(ANY_CHILDREN)) return false;
  try {
    const parsed: unknown = JSON.parse(metadata);
    return typeof parsed === "object" && parsed !== null &&
      (parsed as { gate?: unknown }).gate === ANY_CHILDREN;
  } catch {
    return false;
  }
}
