// Beads that block one another in a loop: the strongly connected components of the ledger's
// blocking dependencies, found by Tarjan's algorithm over the graph's edge arrays. A component is
// one finding however many cycles run through it; the cycles themselves are never listed, since
// n beads can hold exponentially many. Iterative, with every stack in a typed array:
// `blocks` chains run as long as the ledger, and recursion would overflow the call stack.
import { EdgeKind, REPEATED, type DependencyGraph } from "./dependency-graph.js";

export interface BlockingComponent {
  /** Its beads' graph indexes in id order: the first is its smallest id. */
  readonly members: Int32Array;
  /**
   * When the component is one simple cycle (each bead blocks exactly one other bead of it), its
   * beads in the cycle's order, starting at the first member; else undefined.
   */
  readonly cycle: Int32Array | undefined;
}

/**
 * Every component of two or more beads, and every bead that blocks itself, ordered by first
 * member. An edge counts when its type blocks and its target is in the ledger; each dependency
 * counts as listed, a repeated target included, as `bd import` checks them.
 */
export function findBlockingComponents(graph: DependencyGraph): BlockingComponent[] {
  const { edgeStart, edgeTarget } = graph;
  const n = graph.records.length;
  /** 1 + the order in which the search met each bead; 0 while unmet. */
  const order = new Int32Array(n);
  /** The smallest order reachable from the bead within its search subtree. */
  const low = new Int32Array(n);
  const onStack = new Uint8Array(n);
  const stack = new Int32Array(n);
  let stackSize = 0;
  // The search's own path, in place of recursion: a bead and the next of its edges to follow.
  const pathBead = new Int32Array(n);
  const pathEdge = new Int32Array(n);
  let depth = 0;
  let met = 0;
  const found: Int32Array[] = [];

  const enter = (bead: number) => {
    order[bead] = low[bead] = ++met;
    stack[stackSize++] = bead;
    onStack[bead] = 1;
    pathBead[depth] = bead;
    pathEdge[depth] = edgeStart[bead] as number;
    depth++;
  };

  for (let root = 0; root < n; root++) {
    // A bead with no dependencies is a component of its own and blocks nothing in a loop.
    if (order[root] !== 0 || edgeStart[root] === edgeStart[root + 1]) continue;
    enter(root);
    while (depth > 0) {
      const bead = pathBead[depth - 1] as number;
      const end = edgeStart[bead + 1] as number;
      let e = pathEdge[depth - 1] as number;
      let descended = false;
      for (; e < end; e++) {
        if (!isBlockingEdge(graph, e)) continue;
        const target = edgeTarget[e] as number;
        if (order[target] === 0) {
          pathEdge[depth - 1] = e + 1;
          enter(target);
          descended = true;
          break;
        }
        if (onStack[target] === 1 && (order[target] as number) < (low[bead] as number)) low[bead] = order[target] as number;
      }
      if (descended) continue;
      depth--;
      if (depth > 0) {
        const parent = pathBead[depth - 1] as number;
        if ((low[bead] as number) < (low[parent] as number)) low[parent] = low[bead] as number;
      }
      if (low[bead] !== order[bead]) continue;
      // The bead is its component's root: the component is the stack down to it.
      let start = stackSize - 1;
      while (stack[start] !== bead) start--;
      for (let k = start; k < stackSize; k++) onStack[stack[k] as number] = 0;
      if (stackSize - start > 1 || blocksItself(graph, bead)) found.push(stack.slice(start, stackSize).sort());
      stackSize = start;
    }
  }
  found.sort((a, b) => (a[0] as number) - (b[0] as number));
  return found.map((members) => ({ members, cycle: simpleCycle(graph, members) }));
}

function isBlockingEdge(graph: DependencyGraph, e: number): boolean {
  return ((graph.edgeType[e] as number) & ~REPEATED) !== EdgeKind.OTHER && (graph.edgeTarget[e] as number) >= 0;
}

function blocksItself(graph: DependencyGraph, bead: number): boolean {
  for (let e = graph.edgeStart[bead] as number; e < (graph.edgeStart[bead + 1] as number); e++) {
    if (graph.edgeTarget[e] === bead && isBlockingEdge(graph, e)) return true;
  }
  return false;
}

/**
 * The members in cycle order when each blocks exactly one other member (counting a target once
 * however often it is listed): strongly connected with one way out of each bead, that is a
 * single cycle. Stops at the first bead with two ways out, so a large component costs little.
 */
function simpleCycle(graph: DependencyGraph, members: Int32Array): Int32Array | undefined {
  const inComponent = new Set(members);
  const next = new Map<number, number>();
  for (const bead of members) {
    let only = -1;
    for (let e = graph.edgeStart[bead] as number; e < (graph.edgeStart[bead + 1] as number); e++) {
      const target = graph.edgeTarget[e] as number;
      if (!isBlockingEdge(graph, e) || !inComponent.has(target) || target === only) continue;
      if (only !== -1) return undefined;
      only = target;
    }
    next.set(bead, only);
  }
  const cycle = new Int32Array(members.length);
  let bead = members[0] as number;
  for (let k = 0; k < cycle.length; k++) {
    cycle[k] = bead;
    bead = next.get(bead) as number;
  }
  return cycle;
}
