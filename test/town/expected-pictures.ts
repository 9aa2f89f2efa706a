// The pictures as tests of something else (a status comment, a reply) expect them, line by line.
// Each picture's own tests (molecule-diagram.test.ts, fleet-diagram.test.ts, …) assert its text
// literally; these only spare the comments' tests from spelling the same lines again.
import type { NodeState } from "../../app/town/mermaid.js";

const CLASS_DEFS: Readonly<Record<NodeState, string>> = {
  done: "  classDef done fill:#d3f9d8,stroke:#2b8a3e,color:#1b4332",
  current: "  classDef current fill:#fff3bf,stroke:#e67700,color:#5c3c00,stroke-width:2px",
  waiting: "  classDef waiting fill:#f1f3f5,stroke:#868e96,color:#343a40,stroke-dasharray:4 3",
  failed: "  classDef failed fill:#ffe3e3,stroke:#c92a2a,color:#5c0011",
};

/** The class definitions of the states drawn, in the order the pictures write them. */
function classDefs(states: readonly NodeState[]): string[] {
  return (Object.keys(CLASS_DEFS) as NodeState[]).filter((state) => states.includes(state)).map((state) => CLASS_DEFS[state]);
}

/** A molecule whose steps each need the one before: `[label as written, state]` per step. */
export function stepChainPicture(steps: readonly (readonly [string, NodeState])[]): string[] {
  return [
    "```mermaid",
    "flowchart LR",
    "  accTitle: The molecule's steps",
    ...steps.map(([label, state], i) => `  s${i + 1}["${label}"]:::${state}`),
    ...steps.slice(1).map((_, i) => `  s${i + 1} --> s${i + 2}`),
    ...classDefs(steps.map(([, state]) => state)),
    "```",
  ];
}

/** mol-polecat-work's six steps for `bead`, the one on now drawn current and the rest waiting. */
export function polecatWorkPicture(bead: string, now: "load" | "implement"): string[] {
  const state = (step: "load" | "implement"): NodeState => (step === now ? "current" : "waiting");
  return stepChainPicture([
    [`Load the assignment for ${bead}`, state("load")],
    [`Implement ${bead}`, state("implement")],
    [`Review the change to ${bead}`, "waiting"],
    [`Build and test ${bead}`, "waiting"],
    // Cut at 48 characters.
    [`Merge the latest main into ${bead} and verify#8230;`, "waiting"],
    [`Submit ${bead}`, "waiting"],
  ]);
}

/** The fleet: `[group title, id, label as written, state]` per polecat, grouped in the order given. */
export function fleetPicture(polecats: readonly (readonly [string, string, string, NodeState])[]): string[] {
  const groups = [...new Set(polecats.map(([group]) => group))];
  return [
    "```mermaid",
    "flowchart LR",
    "  accTitle: Every polecat by its state",
    ...groups.flatMap((group) => [
      `  subgraph fleet_${group.toLowerCase()}["${group}"]`,
      ...polecats.filter(([g]) => g === group).map(([, id, label, state]) => `    ${id}["${label}"]:::${state}`),
      "  end",
    ]),
    ...classDefs(polecats.map(([, , , state]) => state)),
    "```",
  ];
}
