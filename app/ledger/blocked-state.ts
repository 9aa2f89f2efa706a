// Which beads are blocked, computed from the ledger the way Beads computes its `is_blocked`
// column (`internal/storage/issueops/blocked_state.go`); a stored `blocked` status is never
// trusted. A bead whose status is neither closed nor pinned is blocked when:
// 1. a `blocks` or `conditional-blocks` target is neither closed nor pinned, or is
//    `external:<project>:<id>` (Beads' docs: external dependencies always block). A target the
//    ledger lacks never blocks: `bd import` drops such a dependency;
// 2. a `waits-for` target has a child that is neither closed nor pinned, unless the gate is
//    `any-children` and some child is closed;
// 3. its `parent-child` parent is blocked (so transitively, down the tree).
// Only the dependencies Beads stores count: a repeated target is marked REPEATED in the graph,
// and comparing edge kinds exactly leaves it out.
//
// Tombstones (`status: "tombstone"`, Beads ≤ 0.50) count as absent: `bd import` skips them, so
// to Beads today they neither block, nor are blocked, nor are anyone's children, and a legacy
// tombstone's own dependencies were dropped when it was deleted.
import {
  BeadFlag, dependencyGraph, EdgeKind, EXTERNAL, StatusClass, type DependencyGraph,
} from "./dependency-graph.js";
import type { Ledger, LedgerRecord } from "./ledger.js";

/** What a waits-for gate needs to know of a bead's children. */
const HAS_ACTIVE_CHILD = 1;
const HAS_CLOSED_CHILD = 2;

/** Verdicts, one byte a bead. */
const UNJUDGED = 0;
const BLOCKED = 1;
const FREE = 2;

export function blockedIds(ledger: Ledger): ReadonlySet<string> {
  const blocked = new Set<string>();
  const state = BlockedState.of(ledger);
  const records = state.graph.records;
  for (let i = 0; i < records.length; i++) {
    if (state.isBlocked(i)) blocked.add((records[i] as LedgerRecord).bead.id);
  }
  return blocked;
}

/** A ledger never changes (a change makes a new one), so what is learnt of it is kept with it. */
const states = new WeakMap<Ledger, BlockedState>();

/**
 * Answers "is bead i blocked?" (i its index in the dependency graph): most verdicts are settled
 * up front in one pass over the graph; the rest by searching the bead's ancestors when asked,
 * remembering what the search learnt.
 */
export class BlockedState {
  /** BLOCKED or FREE where known; UNJUDGED until a search settles it. */
  private readonly verdicts: Uint8Array;
  // Scratch for searches, reused: bead i was met by the current search when seenIn[i] is its
  // number, so no search clears or allocates a set. Made at the first search: most ledgers
  // need none, and fresh memory is not free.
  private seenIn: Int32Array | undefined;
  private searches = 0;
  private readonly seen: number[] = [];
  private readonly path: number[] = [];
  /** Parents still to try, flat; those of path[k] start at levelStart[k]. */
  private readonly pending: number[] = [];
  private readonly levelStart: number[] = [];

  private constructor(readonly graph: DependencyGraph) {
    this.verdicts = judgeInIdOrder(graph);
  }

  /** The ledger's blocked state; asking again of the same ledger, as a patrol does, reuses answers. */
  static of(ledger: Ledger): BlockedState {
    let state = states.get(ledger);
    if (!state) {
      state = new BlockedState(dependencyGraph(ledger));
      states.set(ledger, state);
    }
    return state;
  }

  isBlocked(bead: number): boolean {
    const known = this.verdicts[bead];
    if (known !== UNJUDGED) return known === BLOCKED;
    return this.searchAncestors(bead);
  }

  /**
   * Whether some chain of parents, each of them able to be blocked, reaches a bead its own
   * dependencies block: the least fixpoint of Beads' rules, which is what Beads reaches marking
   * from nothing blocked, as on import. Depth-first and iterative, since parent chains can be
   * long; each bead is met once per search, so loops end.
   */
  private searchAncestors(root: number): boolean {
    const { verdicts, seen, path, pending, levelStart } = this;
    const search = ++this.searches;
    this.seenIn ??= new Int32Array(this.graph.records.length);
    this.seenIn[root] = search;
    seen.length = 0;
    seen.push(root);
    path.length = 0;
    path.push(root);
    pending.length = 0;
    levelStart.length = 0;
    levelStart.push(0);
    this.addParentsToSearch(root, search);
    let found = false;
    while (path.length > 0 && !found) {
      if (pending.length === levelStart[levelStart.length - 1]) {
        path.pop();
        levelStart.pop();
        continue;
      }
      const parent = pending.pop() as number;
      const known = verdicts[parent];
      if (known === FREE) continue;
      // An unjudged bead is not blocked by its own dependencies: judgeInIdOrder saw to that.
      found = known === BLOCKED;
      if (!found) {
        path.push(parent);
        levelStart.push(pending.length);
        this.addParentsToSearch(parent, search);
      }
    }
    // Found: every bead on the path leads to the blocker. Not found: nothing seen leads to one,
    // since whatever a seen bead reaches, the root reaches too. Beads seen off the path when the
    // search succeeded are left unjudged: some may be waiting on a loop back to the path.
    if (found) for (const bead of path) verdicts[bead] = BLOCKED;
    else for (const bead of seen) verdicts[bead] = FREE;
    return found;
  }

  /** The live parents that could be blocked and that this search has not met yet. */
  private addParentsToSearch(bead: number, search: number): void {
    const { edgeStart, edgeTarget, edgeType, status } = this.graph;
    const seenIn = this.seenIn as Int32Array;
    const end = edgeStart[bead + 1] as number;
    for (let e = edgeStart[bead] as number; e < end; e++) {
      if (edgeType[e] !== EdgeKind.PARENT_CHILD) continue;
      const parent = edgeTarget[e] as number;
      if (parent < 0 || seenIn[parent] === search) continue;
      if (!canBeBlocked(status[parent] as number)) continue;
      seenIn[parent] = search;
      this.seen.push(parent);
      this.pending.push(parent);
    }
  }
}

/**
 * Every bead's verdict that one pass in id order can settle, along the edge arrays: rules 1
 * and 2 from its own dependencies, and rule 3 from parents judged earlier in the pass. A bead
 * is left UNJUDGED only when it is not blocked by its own dependencies nor by a parent already
 * judged blocked, and some live parent is not yet judged (it comes later in id order, or is
 * itself unjudged); a search settles it when asked. Child ids sort after their parent's
 * (`bd-a3f8.1`), so in practice few are left: one sequential pass costs far less than visiting
 * each bead's ancestors.
 */
function judgeInIdOrder(graph: DependencyGraph): Uint8Array {
  const { status, flags, edgeStart, edgeTarget, edgeType } = graph;
  const verdicts = new Uint8Array(status.length);
  let children: Uint8Array | undefined;
  for (let bead = 0; bead < status.length; bead++) {
    if (!canBeBlocked(status[bead] as number)) {
      verdicts[bead] = FREE;
      continue;
    }
    let verdict = FREE;
    const end = edgeStart[bead + 1] as number;
    for (let e = edgeStart[bead] as number; e < end && verdict !== BLOCKED; e++) {
      const kind = edgeType[e];
      const target = edgeTarget[e] as number;
      if (kind === EdgeKind.PARENT_CHILD) {
        if (target < 0 || !canBeBlocked(status[target] as number)) continue;
        const parent = verdicts[target] as number;
        if (parent === BLOCKED) verdict = BLOCKED;
        // The parent's own verdict is not known yet (it may be this very bead).
        else if (target >= bead || parent === UNJUDGED) verdict = UNJUDGED;
      } else if (kind === EdgeKind.BLOCKS || kind === EdgeKind.CONDITIONAL_BLOCKS) {
        // Beads defines a failure-close rule for conditional-blocks but never applies it. An id
        // written `external:…` blocks even when this ledger holds a bead by that name.
        if (target === EXTERNAL || (target >= 0 && (canBeBlocked(status[target] as number) ||
          ((flags[target] as number) & BeadFlag.EXTERNAL_ID) !== 0))) verdict = BLOCKED;
      } else if ((kind === EdgeKind.WAITS_FOR_ALL || kind === EdgeKind.WAITS_FOR_ANY) && target >= 0) {
        children ??= childStates(graph);
        const anyChildren = kind === EdgeKind.WAITS_FOR_ANY;
        if (gateHolds(status[target] as number, children[target] as number, anyChildren)) verdict = BLOCKED;
      }
    }
    verdicts[bead] = verdict;
  }
  return verdicts;
}

/** Children of a bead the ledger lacks (or a tombstone) are linked to nothing once Beads imports them. */
function gateHolds(spawnerStatus: number, children: number, anyChildren: boolean): boolean {
  if (spawnerStatus === StatusClass.TOMBSTONE || (children & HAS_ACTIVE_CHILD) === 0) return false;
  return !(anyChildren && (children & HAS_CLOSED_CHILD) !== 0);
}

/**
 * For every bead, whether any child is active and whether any is closed, from the children's
 * parent-child edges (children name their parent, not the other way round).
 */
function childStates({ status, edgeStart, edgeTarget, edgeType }: DependencyGraph): Uint8Array {
  const states = new Uint8Array(status.length);
  for (let child = 0; child < status.length; child++) {
    const bit = childBit(status[child] as number);
    if (bit === 0) continue;
    const end = edgeStart[child + 1] as number;
    for (let e = edgeStart[child] as number; e < end; e++) {
      const parent = edgeTarget[e] as number;
      if (edgeType[e] === EdgeKind.PARENT_CHILD && parent >= 0) states[parent] = (states[parent] as number) | bit;
    }
  }
  return states;
}

/** A pinned child neither holds a gate nor opens an any-children one; nor does a tombstone. */
function childBit(status: number): number {
  if (status === StatusClass.CLOSED) return HAS_CLOSED_CHILD;
  return status === StatusClass.PINNED || status === StatusClass.TOMBSTONE ? 0 : HAS_ACTIVE_CHILD;
}

/**
 * Closed and pinned beads are never blocked, so never pass blocking on to children, and never
 * block others. Beads asks the status here, not the `pinned` flag.
 */
function canBeBlocked(status: number): boolean {
  return status === StatusClass.OPEN || status === StatusClass.ACTIVE;
}
