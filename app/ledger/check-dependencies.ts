// What `bd import` tolerates but reports: a dependency on a bead the ledger does not hold, and
// blocking dependencies that form a cycle. Warnings only; neither fails a read. Both are read
// off the ledger's dependency graph, which ready work then reuses.
import type { Dependency } from "./bead-schema.js";
import {
  dependencyGraph, EdgeKind, MISSING, REPEATED, type DependencyGraph,
} from "./dependency-graph.js";
import type { Ledger, LedgerRecord } from "./ledger.js";
import type { LedgerProblem } from "./read-ledger.js";

export function dependencyWarnings(ledger: Ledger, file = ".beads/issues.jsonl"): LedgerProblem[] {
  const warnings: LedgerProblem[] = [];
  const warn = (line: number, field: string, message: string) =>
    warnings.push({ file, line, field, message, severity: "warning" });

  const graph = dependencyGraph(ledger);
  const { records, edgeStart, edgeTarget } = graph;
  // Every dependency as listed, repeats included; external targets are not missing.
  for (let i = 0; i < records.length; i++) {
    const first = edgeStart[i] as number;
    const end = edgeStart[i + 1] as number;
    for (let e = first; e < end; e++) {
      if (edgeTarget[e] !== MISSING) continue;
      // Missing targets are rare: the bead itself has the text.
      const record = records[i] as LedgerRecord;
      const dep = record.bead.dependencies?.[e - first] as Dependency;
      warn(record.line, `dependencies[${e - first}].depends_on_id`, `${dep.depends_on_id} is not in the ledger`);
    }
  }
  for (const cycle of findCycles(graph)) {
    const ids = cycle.map((i) => records[i]?.bead.id);
    const line = records[cycle[0] as number]?.line ?? 0;
    warn(line, "dependencies", `blocking dependencies form a cycle: ${[...ids, ids[0]].join(" → ")}`);
  }
  return warnings.sort((a, b) => a.line - b.line);
}

/** Cycles of blocking dependencies, as lists of ids; see findCycles. */
export function blockingCycles(ledger: Ledger): string[][] {
  const graph = dependencyGraph(ledger);
  return findCycles(graph).map((cycle) => cycle.map((i) => graph.records[i]?.bead.id as string));
}

/**
 * An edge the cycle search follows: any blocking type to a bead the ledger holds. Each
 * dependency counts as listed, a repeated target included, as `bd import` checks them.
 */
function isBlockingEdge(graph: DependencyGraph, e: number): boolean {
  return ((graph.edgeType[e] as number) & ~REPEATED) !== EdgeKind.OTHER && (graph.edgeTarget[e] as number) >= 0;
}

const UNSEEN = 0;
const ON_PATH = 1;
const DONE = 2;

/**
 * At least one cycle through every knot of blocking dependencies, each starting at its
 * smallest id. The depth-first search is iterative (long `blocks` chains would overflow the
 * call stack) and works on indexes, since it visits every bead of a large ledger.
 */
function findCycles(graph: DependencyGraph): number[][] {
  const { edgeStart, edgeTarget } = graph;
  const n = graph.records.length;
  const state = new Uint8Array(n);
  const cycles: number[][] = [];
  const path: number[] = [];
  /** For each bead on the path, the next of its edges to follow. */
  const next: number[] = [];
  for (let root = 0; root < n; root++) {
    if (state[root] !== UNSEEN || edgeStart[root] === edgeStart[root + 1]) continue;
    path.push(root);
    next.push(edgeStart[root] as number);
    state[root] = ON_PATH;
    while (path.length > 0) {
      const top = path.length - 1;
      const node = path[top] as number;
      const e = next[top] as number;
      if (e >= (edgeStart[node + 1] as number)) {
        state[node] = DONE;
        path.pop();
        next.pop();
        continue;
      }
      next[top] = e + 1;
      if (!isBlockingEdge(graph, e)) continue;
      const target = edgeTarget[e] as number;
      if (state[target] === ON_PATH) {
        cycles.push(rotateToSmallest(path.slice(path.lastIndexOf(target))));
      } else if (state[target] === UNSEEN) {
        state[target] = ON_PATH;
        path.push(target);
        next.push(edgeStart[target] as number);
      }
    }
  }
  return cycles;
}

/** Records are in id order, so the smallest index is the smallest id. */
function rotateToSmallest(cycle: number[]): number[] {
  const start = cycle.indexOf(Math.min(...cycle));
  return [...cycle.slice(start), ...cycle.slice(0, start)];
}
