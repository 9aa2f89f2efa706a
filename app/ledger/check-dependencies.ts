// What `bd import` tolerates but reports: a dependency on a bead the ledger does not hold, and
// blocking dependencies that form a cycle. Warnings only; neither fails a read. Both are read
// off the ledger's dependency graph, which ready work then reuses.
import type { Dependency } from "./bead-schema.js";
import { findBlockingComponents, type BlockingComponent } from "./blocking-components.js";
import { dependencyGraph, MISSING, type DependencyGraph } from "./dependency-graph.js";
import type { Ledger, LedgerRecord } from "./ledger.js";
import { thousands, type LedgerProblem } from "./ledger-problems.js";

/** How many of a component's ids a warning names unless asked for all: enough to find it by. */
export const IDS_NAMED = 5;

export interface DependencyWarningOptions {
  /** Name every bead of each cycle, not only the first IDS_NAMED. */
  readonly allIds?: boolean;
}

/**
 * One warning per missing target, and one per set of beads that block one another (a strongly
 * connected component, or a bead that blocks itself), on the line of its smallest id. In line
 * order; `file` is named in each.
 */
export function dependencyWarnings(ledger: Ledger, file = ".beads/issues.jsonl", options: DependencyWarningOptions = {}): LedgerProblem[] {
  const warnings: LedgerProblem[] = [];
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
      warnings.push({
        file, line: record.line, field: `dependencies[${e - first}].depends_on_id`,
        message: `${dep.depends_on_id} is not in the ledger`, severity: "warning", kind: "missing-target",
      });
    }
  }
  for (const component of findBlockingComponents(graph)) {
    warnings.push({
      file, line: (records[component.members[0] as number] as LedgerRecord).line, field: "dependencies",
      message: cycleMessage(graph, component, options.allIds === true), severity: "warning", kind: "cycle",
    });
  }
  return warnings.sort((a, b) => a.line - b.line);
}

/**
 * A single cycle as its path (`a → b → c → a`); a component of several cycles as its beads
 * (`cycles through a, b, c, …`). Either way the first IDS_NAMED ids and the count, unless all.
 */
function cycleMessage(graph: DependencyGraph, component: BlockingComponent, allIds: boolean): string {
  const { members, cycle } = component;
  const size = members.length;
  const named = allIds ? size : Math.min(size, IDS_NAMED);
  const idOf = (bead: number | undefined) => (graph.records[bead as number] as LedgerRecord).bead.id;
  const ids = Array.from((cycle ?? members).subarray(0, named), idOf);
  const count = size > IDS_NAMED ? ` (${thousands(size)} beads in all)` : "";
  if (cycle) {
    const path = named === size ? [...ids, ids[0]].join(" → ") : `${ids.join(" → ")} → …`;
    return `blocking dependencies form a cycle: ${path}${count}`;
  }
  return `blocking dependencies form cycles through ${ids.join(", ")}${named < size ? ", …" : ""}${count}`;
}

/** Each set of beads that block one another, as their ids in id order; see findBlockingComponents. */
export function blockingComponents(ledger: Ledger): string[][] {
  const graph = dependencyGraph(ledger);
  return findBlockingComponents(graph).map(({ members }) => Array.from(members, (i) => (graph.records[i] as LedgerRecord).bead.id));
}
