import { describe, expect, it } from "vitest";
import type { Bead } from "../../app/ledger/bead-schema.js";
import type { Molecule, MoleculeStep } from "../../app/molecules/molecule.js";
import type { Progress } from "../../app/molecules/next-steps.js";
import { MOST_NODES } from "../../app/town/mermaid.js";
import { moleculeDiagram } from "../../app/town/molecule-diagram.js";
import { mermaidSources, parseMermaid } from "./mermaid-parser.js";

function step(n: number, title: string, fields: { closed?: string; needs?: readonly string[] } = {}): MoleculeStep {
  const bead: Bead = {
    id: `mol.${n}`, title, status: fields.closed ? "closed" : "open", priority: 2, issue_type: "task",
    created_at: "2026-11-24T12:00:00Z", updated_at: "2026-11-24T12:00:00Z", ...(fields.closed ? { close_reason: fields.closed } : {}),
  };
  return { bead, step: `step-${n}`, n, needs: fields.needs ?? (n > 1 ? [`step-${n - 1}`] : []), closed: fields.closed !== undefined };
}

function molecule(steps: readonly MoleculeStep[]): Molecule {
  const root: Bead = { id: "mol", title: "Molecule", status: "open", priority: 2, issue_type: "molecule", created_at: "2026-11-24T12:00:00Z", updated_at: "2026-11-24T12:00:00Z" };
  return { root, steps, bead: "town-1", formulaRef: undefined, formula: "work", ephemeral: false };
}

/** The steps ready now, as next-steps.ts finds them. */
function progressOf(steps: readonly MoleculeStep[]): Progress {
  const closed = new Set(steps.filter((s) => s.closed).map((s) => s.step));
  const next = steps.filter((s) => !s.closed && s.needs.every((need) => closed.has(need)));
  return { state: "running", next, waitingOn: [], done: closed.size, total: steps.length };
}

const none = () => false;

describe("the molecule's picture", () => {
  it("draws steps done, on now, waiting and failed, with the formula's needs as arrows", async () => {
    const steps = [
      step(1, "Design"), step(2, "Implement", { needs: ["step-1"] }), step(3, "Lint", { needs: ["step-1"] }),
      step(4, "Submit", { needs: ["step-2", "step-3"] }),
    ];
    const done = [{ ...steps[0]!, closed: true, bead: { ...steps[0]!.bead, status: "closed" as const, close_reason: "done" } }, ...steps.slice(1)];
    const failed = [done[0]!, done[1]!, { ...done[2]!, closed: true, bead: { ...done[2]!.bead, status: "closed" as const, close_reason: "failed" } }, done[3]!];
    const block = moleculeDiagram(molecule(failed), progressOf(failed), (s) => s.step === "step-2");
    expect(block).toBe([
      "```mermaid",
      "flowchart LR",
      "  accTitle: The molecule's steps",
      "  s1[\"Design\"]:::done",
      "  s2[\"Implement\"]:::current",
      "  s3[\"Lint\"]:::failed",
      "  s4[\"Submit\"]:::waiting",
      "  s1 --> s2",
      "  s1 --> s3",
      "  s2 --> s4",
      "  s3 --> s4",
      "  classDef done fill:#d3f9d8,stroke:#2b8a3e,color:#1b4332",
      "  classDef current fill:#fff3bf,stroke:#e67700,color:#5c3c00,stroke-width:2px",
      "  classDef waiting fill:#f1f3f5,stroke:#868e96,color:#343a40,stroke-dasharray:4 3",
      "  classDef failed fill:#ffe3e3,stroke:#c92a2a,color:#5c0011",
      "```",
    ].join("\n"));
    const parsed = await parseMermaid(mermaidSources(block!)[0]!);
    expect(parsed.nodes.map((n) => [n.text, n.classes[0]])).toEqual([["Design", "done"], ["Implement", "current"], ["Lint", "failed"], ["Submit", "waiting"]]);
    expect(parsed.edges).toHaveLength(4);
    // With no step said to be on now, every ready step is drawn as current.
    const ready = moleculeDiagram(molecule(done), progressOf(done), none)!;
    expect(ready.split("\n").filter((line) => line.includes(":::current"))).toEqual(["  s2[\"Implement\"]:::current", "  s3[\"Lint\"]:::current"]);
  });

  it("draws a long molecule around its first open step, saying how many steps it leaves out", async () => {
    const steps = Array.from({ length: 50 }, (_, i) => i < 20 ? { ...step(i + 1, `Step ${i + 1}`), closed: true } : step(i + 1, `Step ${i + 1}`));
    const block = moleculeDiagram(molecule(steps), progressOf(steps), none)!;
    const parsed = await parseMermaid(mermaidSources(block)[0]!);
    expect(parsed.nodes).toHaveLength(MOST_NODES);
    expect(parsed.nodes.map((n) => n.text).slice(0, 5)).toEqual(["17 steps before", "Step 18", "Step 19", "Step 20", "Step 21"]);
    expect(parsed.nodes.at(-1)?.text).toBe("…and 5 more steps");
    expect(parsed.edges[0]).toEqual(["s18", "s19"]);
  });

  it("keeps a hostile step title inside its box", async () => {
    const steps = [step(1, "Fix\"] --> x[\"owned\"]\nclick s1 call alert(1)\n```\n%%{init: {}}%%"), step(2, "Next")];
    const parsed = await parseMermaid(mermaidSources(moleculeDiagram(molecule(steps), progressOf(steps), none)!)[0]!);
    expect(parsed.nodes.map((n) => n.id)).toEqual(["s1", "s2"]);
    expect(parsed.nodes[0]).toEqual({ id: "s1", text: "Fix\"] --> x[\"owned\"] click s1 call alert(1) ```…", classes: ["current"] });
    expect(parsed.edges).toEqual([["s1", "s2"]]);
  });

  it("draws nothing for a molecule without steps", () => {
    expect(moleculeDiagram(molecule([]), progressOf([]), none)).toBeUndefined();
  });
});
