// Closing one step as done: what `gt step done` records. Only a step that is next may close,
// so a step is never done twice and never before what it needs.
import type { Ledger } from "../ledger/ledger.js";
import { withGastownMetadata } from "./gastown-metadata.js";
import { CLOSE_REASONS, MoleculeError, readMolecule } from "./molecule.js";
import { progress } from "./next-steps.js";
import { timestamp } from "./pour.js";

export function closeStep(ledger: Ledger, rootId: string, stepId: string, now: Date, notes?: string): Ledger {
  const molecule = readMolecule(ledger, rootId);
  const step = molecule.steps.find((s) => s.step === stepId);
  if (!step) throw new MoleculeError(`${rootId} has no step "${stepId}" (steps: ${molecule.steps.map((s) => s.step).join(", ")})`);
  if (step.closed) throw new MoleculeError(`step "${stepId}" of ${rootId} is already closed`);
  const { next, state } = progress(ledger, molecule);
  if (!next.includes(step)) {
    const open = step.needs.filter((need) => molecule.steps.some((s) => s.step === need && !s.closed));
    const why = state !== "running" ? `the molecule is ${state}` : `it needs ${open.join(", ")} first`;
    throw new MoleculeError(`step "${stepId}" of ${rootId} cannot close yet: ${why}`);
  }
  const at = timestamp(now);
  const bead = notes === undefined ? step.bead : withGastownMetadata(step.bead, { notes });
  return ledger.withBead({ ...bead, status: "closed", closed_at: at, close_reason: CLOSE_REASONS.done, updated_at: at });
}
