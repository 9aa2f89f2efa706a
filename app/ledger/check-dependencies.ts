// What `bd import` tolerates but reports: a dependency on a bead the ledger does not hold, and
// blocking dependencies that form a cycle. Warnings only; neither fails a read.
import { BLOCKING_DEPENDENCY_TYPES } from "./bead-schema.js";
import type { Ledger, LedgerRecord } from "./ledger.js";
import type { LedgerProblem } from "./read-ledger.js";

const BLOCKING = new Set<string>(BLOCKING_DEPENDENCY_TYPES);
/** Cross-repository targets (`external:<project>:<id>`) live in another ledger. */
const EXTERNAL = "external:";

interface BlockingGraph {
  readonly records: readonly LedgerRecord[];
  /** The blocking targets of record i, as indexes into `records`. */
  readonly edges: readonly (readonly number[] | undefined)[];
}

export function dependencyWarnings(ledger: Ledger, file = ".beads/issues.jsonl"): LedgerProblem[] {
  const warnings: LedgerProblem[] = [];
  const warn = (line: number, field: string, message: string) =>
    warnings.push({ file, line, field, message, severity: "warning" });

  const graph = blockingGraph(ledger, (record, i, target) =>
    warn(record.line, `dependencies[${i}].depends_on_id`, `${target} is not in the ledger`));
  for (const cycle of findCycles(graph)) {
    const ids = cycle.map((i) => graph.records[i]?.bead.id);
    const line = graph.records[cycle[0] as number]?.line ?? 0;
    warn(line, "dependencies", `blocking dependencies form a cycle: ${[...ids, ids[0]].join(" → ")}`);
  }
  return warnings.sort((a, b) => a.line - b.line);
}

/** Cycles of blocking dependencies, as lists of ids; see findCycles. */
export function blockingCycles(ledger: Ledger): string[][] {
  const graph = blockingGraph(ledger, () => {});
  return findCycles(graph).map((cycle) => cycle.map((i) => graph.records[i]?.bead.id as string));
}

/**
 * The blocking edges between beads, by index, built in one pass over every dependency; a
 * target the ledger does not hold is reported to `onMissing` (external targets are not).
 */
function blockingGraph(
  ledger: Ledger,
  onMissing: (record: LedgerRecord, dependencyIndex: number, target: string) => void,
): BlockingGraph {
  const records = ledger.sorted();
  const index = new Map<string, number>();
  records.forEach((record, i) => index.set(record.bead.id, i));
  const edges: (number[] | undefined)[] = new Array(records.length);
  records.forEach((record, i) => {
    const dependencies = record.bead.dependencies;
    if (!dependencies) return;
    for (let d = 0; d < dependencies.length; d++) {
      const dep = dependencies[d] as (typeof dependencies)[number];
      const target = index.get(dep.depends_on_id);
      if (target === undefined) {
        if (!dep.depends_on_id.startsWith(EXTERNAL)) onMissing(record, d, dep.depends_on_id);
      } else if (BLOCKING.has(dep.type)) {
        (edges[i] ??= []).push(target);
      }
    }
  });
  return { records, edges };
}

const UNSEEN = 0;
const ON_PATH = 1;
const DONE = 2;

/**
 * At least one cycle through every knot of blocking dependencies, each starting at its
 * smallest id. The depth-first search is iterative (long `blocks` chains would overflow the
 * call stack) and works on indexes, since it visits every bead of a large ledger.
 */
function findCycles({ records, edges }: BlockingGraph): number[][] {
  const state = new Uint8Array(records.length);
  const cycles: number[][] = [];
  const path: number[] = [];
  const next: number[] = [];
  for (let root = 0; root < records.length; root++) {
    if (state[root] !== UNSEEN || edges[root] === undefined) continue;
    path.push(root);
    next.push(0);
    state[root] = ON_PATH;
    while (path.length > 0) {
      const top = path.length - 1;
      const node = path[top] as number;
      const targets = edges[node] ?? [];
      const i = next[top] as number;
      if (i >= targets.length) {
        state[node] = DONE;
        path.pop();
        next.pop();
        continue;
      }
      next[top] = i + 1;
      const target = targets[i] as number;
      if (state[target] === ON_PATH) {
        cycles.push(rotateToSmallest(path.slice(path.lastIndexOf(target))));
      } else if (state[target] === UNSEEN) {
        state[target] = ON_PATH;
        path.push(target);
        next.push(0);
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
