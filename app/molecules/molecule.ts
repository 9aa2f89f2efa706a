// A molecule as the ledger holds it: a root bead (`issue_type: molecule`) and one step bead per
// formula step, `<root>.<n>`, whose `blocks` dependencies on sibling steps are the formula's
// needs. Everything here is read from the beads alone, so any polecat continues any molecule
// from exactly where the last one stopped.
import { beadStatus, beadType, type Bead, type Dependency } from "../ledger/bead-schema.js";
import { childNumber } from "../ledger/child-id.js";
import type { Ledger } from "../ledger/ledger.js";
import { gastownMetadata, gastownString } from "./gastown-metadata.js";

export class MoleculeError extends Error {
  override name = "MoleculeError";
}

export interface MoleculeStep {
  readonly bead: Bead;
  /** The formula step's id (`metadata.gastown.step`). */
  readonly step: string;
  /** Its place in the formula: the n of `<root>.<n>`. */
  readonly n: number;
  /** Step ids it needs, from its `blocks` dependencies on sibling steps. */
  readonly needs: readonly string[];
  readonly closed: boolean;
}

export interface Molecule {
  readonly root: Bead;
  readonly steps: readonly MoleculeStep[];
  /** The work bead it was poured on, if any. */
  readonly bead: string | undefined;
  /** `<formula>@<version>` from the root's `bonded_from`, if recorded. */
  readonly formulaRef: string | undefined;
  /** The formula's name. */
  readonly formula: string | undefined;
  readonly ephemeral: boolean;
}

/** The close reasons of step beads (DESIGN §7) and of roots. */
export const CLOSE_REASONS = {
  done: "done",
  /** A step or root the squash closed. */
  squashed: "squashed",
  /** The root of a molecule squashed with steps still open (`--abandon`). */
  abandoned: "abandoned",
  burned: "burned",
  failed: "failed",
} as const;

export function isMoleculeRoot(bead: Bead | undefined): bead is Bead {
  return bead !== undefined && beadType(bead) === "molecule";
}

export function readMolecule(ledger: Ledger, rootId: string): Molecule {
  const root = ledger.get(rootId);
  if (!root) throw new MoleculeError(`no bead ${rootId} in the ledger`);
  if (!isMoleculeRoot(root)) {
    throw new MoleculeError(`${rootId} is not a molecule (its type is ${beadType(root)})`);
  }
  const head = `${rootId}.`;
  const stepBeads = ledger.beads().filter((b) => b.id.startsWith(head) && !b.id.includes(".", head.length));
  const stepIdOf = new Map(stepBeads.map((b) => [b.id, gastownString(b, "step") ?? b.id.slice(head.length)]));
  const steps = stepBeads
    .map((bead): MoleculeStep => ({
      bead,
      step: stepIdOf.get(bead.id) as string,
      n: childNumber(bead.id) ?? 0,
      needs: (bead.dependencies ?? [])
        .filter((d: Dependency) => d.type === "blocks" && stepIdOf.has(d.depends_on_id))
        .map((d: Dependency) => stepIdOf.get(d.depends_on_id) as string),
      closed: beadStatus(bead) === "closed",
    }))
    .sort((a, b) => a.n - b.n);
  const rootBond = root.bonded_from?.find((bond) => bond.bond_type === "root");
  const formulaRef = rootBond?.source_id ?? rootBond?.proto_id;
  return {
    root,
    steps,
    bead: gastownString(root, "bead"),
    formulaRef,
    formula: gastownString(root, "formula") ?? formulaRef?.replace(/@[^@]*$/, ""),
    ephemeral: root.ephemeral === true || root.wisp === true,
  };
}

/** The vars the molecule was poured with, as recorded on its root. */
export function moleculeVars(molecule: Molecule): Record<string, string> {
  const vars = gastownMetadata(molecule.root).vars;
  const recorded: Record<string, string> = {};
  if (typeof vars === "object" && vars !== null && !Array.isArray(vars)) {
    for (const [name, value] of Object.entries(vars)) if (typeof value === "string") recorded[name] = value;
  }
  return recorded;
}

export function isOpen(molecule: Molecule): boolean {
  return beadStatus(molecule.root) !== "closed";
}
