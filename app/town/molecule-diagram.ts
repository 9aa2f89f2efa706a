// A molecule as a picture, for the status comment and /peek: its steps as boxes (done, the one
// on now, waiting, failed) and its formula's `needs` as arrows. The checklist beside it
// (status-comment.ts) says the same in words.
import { CLOSE_REASONS, type Molecule, type MoleculeStep } from "../molecules/molecule.js";
import type { Progress } from "../molecules/next-steps.js";
import { mermaidBlock, moreNode, MOST_NODES, type DiagramNode, type NodeState } from "./mermaid.js";

/** Done steps shown before the first open one when a molecule is too long to draw whole. */
const DONE_SHOWN_BEFORE = 3;

/** Close reasons of a step that did not get done. */
const FAILED: ReadonlySet<string> = new Set([CLOSE_REASONS.failed, CLOSE_REASONS.burned]);

/**
 * The picture of `molecule`'s steps. `isCurrent` picks the step a polecat says it is on; when it
 * picks none, the steps ready now (`progress.next`) are drawn as current. A long molecule is drawn
 * around its first open step, with how many steps come before and after.
 */
export function moleculeDiagram(molecule: Molecule, state: Progress, isCurrent: (step: MoleculeStep) => boolean): string | undefined {
  const { steps } = molecule;
  if (steps.length === 0) return undefined;
  const firstOpen = Math.max(0, steps.findIndex((step) => !step.closed));
  const room = MOST_NODES - 2;
  const start = steps.length <= MOST_NODES ? 0 : Math.max(0, Math.min(firstOpen - DONE_SHOWN_BEFORE, steps.length - room));
  const shown = steps.length <= MOST_NODES ? steps : steps.slice(start, start + room);
  const onNow = steps.some(isCurrent);
  const ready = new Set(state.next.map((step) => step.step));
  const stateOf = (step: MoleculeStep): NodeState =>
    step.closed ? (FAILED.has(step.bead.close_reason ?? "") ? "failed" : "done")
    : isCurrent(step) || (!onNow && ready.has(step.step)) ? "current" : "waiting";
  // Ids by place in the formula: step ids are the formula's words, not the picture's.
  const nodeId = new Map(shown.map((step, i) => [step.step, `s${start + i + 1}`]));
  const idOf = (step: MoleculeStep) => nodeId.get(step.step) as string;
  const nodes: DiagramNode[] = [
    ...(start > 0 ? [{ id: "before", label: `${start} step${start === 1 ? "" : "s"} before` }] : []),
    ...shown.map((step) => ({ id: idOf(step), label: step.bead.title, state: stateOf(step) })),
    ...moreNode("after", steps.length - start - shown.length, "more steps"),
  ];
  const edges = shown.flatMap((step) =>
    step.needs.filter((need) => nodeId.has(need)).map((need) => [nodeId.get(need) as string, idOf(step)] as const));
  return mermaidBlock({ title: "The molecule's steps", direction: "LR", nodes, edges });
}
