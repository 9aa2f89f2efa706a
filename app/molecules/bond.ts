// bond: artifact-level composition, polymorphic in its operands. Two protos make a compound
// proto; a proto bonded to a molecule is poured in that molecule's phase (liquid or vapor) and
// attached to it; two molecules are linked. The bond type says how B follows A: after it
// (sequential), alongside it (parallel), or only if it fails (conditional). Between molecules
// the bond is a dependency of B's root on A's root, which progress() reads: `blocks` waits for
// A's root to close, `conditional-blocks` also skips B unless A failed, `related` only records.
import type { Bead, Dependency } from "../ledger/bead-schema.js";
import type { Ledger } from "../ledger/ledger.js";
import { isMoleculeRoot, MoleculeError, readMolecule } from "./molecule.js";
import { moleculeBeads, timestamp, type PourOptions } from "./pour.js";
import type { Proto, ProtoStep } from "./proto.js";

export const BOND_TYPES = ["sequential", "parallel", "conditional"] as const;
export type BondType = (typeof BOND_TYPES)[number];

/** The dependency of B's root on A's root that each bond type makes. */
export const BOND_DEPENDENCY: Readonly<Record<BondType, string>> = {
  sequential: "blocks",
  conditional: "conditional-blocks",
  parallel: "related",
};

/** Dependency types between roots that hold a molecule back, so must never form a cycle. */
const HOLDING: ReadonlySet<string> = new Set([BOND_DEPENDENCY.sequential, BOND_DEPENDENCY.conditional]);

export interface Bonded {
  readonly ledger: Ledger;
  /** B's root: the new one for a proto, the one given for a molecule. */
  readonly root: string;
}

/**
 * One proto doing A's steps, then B's as the bond type says. Sequential: B's first steps
 * (those that need nothing) need A's last ones (those no A step needs); conditional: the same,
 * and those steps carry the gate `{type: conditional, condition: "<A> failed"}`, replacing a
 * gate of their own; parallel: the two run side by side.
 */
export function bondProtos(a: Proto, b: Proto, type: BondType): Proto {
  const aIds = new Set(a.steps.map((step) => step.id));
  const renamed = new Map(b.steps.map((step) => [step.id, aIds.has(step.id) ? `${b.formula}.${step.id}` : step.id]));
  const bIds = [...renamed.values()];
  const clash = bIds.find((id, i) => aIds.has(id) || bIds.indexOf(id) !== i);
  if (clash !== undefined) {
    throw new MoleculeError(
      `cannot bond ${a.formula} and ${b.formula}: step "${clash}" would be there twice, even with ${b.formula}'s ` +
        "clashing ids prefixed by its name; rename the step in one of the formulas",
    );
  }
  const needed = new Set(a.steps.flatMap((step) => step.needs));
  const sinks = a.steps.filter((step) => !needed.has(step.id)).map((step) => step.id);
  const follows = type !== "parallel" && sinks.length > 0;
  const bSteps = b.steps.map((step): ProtoStep => {
    const moved = { ...step, id: renamed.get(step.id) as string, needs: step.needs.map((need) => renamed.get(need) ?? need) };
    if (!follows || step.needs.length > 0) return moved;
    return {
      ...moved,
      needs: sinks,
      ...(type === "conditional" ? { gate: { type: "conditional", condition: `${a.formula} failed` } } : {}),
    };
  });
  const vars = { ...a.vars };
  for (const [name, value] of Object.entries(b.vars)) if (!Object.hasOwn(vars, name)) vars[name] = value;
  return {
    formula: `${a.formula}+${b.formula}`,
    version: 1,
    file: `${a.file}+${b.file}`,
    description: [a.description, b.description].filter((text) => text !== "").join("\n\n"),
    type: "workflow",
    vars,
    steps: [...a.steps, ...bSteps],
  };
}

/**
 * `proto` poured beside molecule `targetRootId` in the same ledger and phase (a wisp target
 * gets an ephemeral molecule), its root bonded to the target's. The new molecule is not
 * poured onto a work bead: the target's work bead keeps its one molecule, and the bond is how
 * the new one is found.
 */
export function bondProtoToMolecule(
  ledger: Ledger, proto: Proto, targetRootId: string, type: BondType, options: PourOptions,
): Bonded {
  const target = readMolecule(ledger, targetRootId);
  const beads = moleculeBeads(proto, ledger.records, {
    ...options,
    kind: target.ephemeral ? "wisp" : "mol",
    work: undefined,
    bond: { root: target.root, type, dependency: BOND_DEPENDENCY[type] },
  });
  return { ledger: ledger.withBeads(beads), root: (beads[0] as Bead).id };
}

/**
 * Molecule B bonded to molecule A: B's root gets the dependency on A's root and a
 * `bonded_from` entry naming A. Bonding again changes nothing; a different bond between the
 * same two, a bond to itself, or one that would make the roots wait on each other is refused.
 */
export function bondMolecules(ledger: Ledger, aRootId: string, bRootId: string, type: BondType, now: Date): Ledger {
  if (aRootId === bRootId) throw new MoleculeError(`cannot bond molecule ${aRootId} to itself`);
  readMolecule(ledger, aRootId);
  const b = readMolecule(ledger, bRootId).root;
  const depType = BOND_DEPENDENCY[type];
  const other = (b.dependencies ?? []).find((d) =>
    d.depends_on_id === aRootId && Object.values(BOND_DEPENDENCY).includes(d.type) && d.type !== depType);
  if (other !== undefined) {
    throw new MoleculeError(
      `${bRootId} is already bonded to ${aRootId} by a ${other.type} dependency; ` +
        `remove that bond before bonding them as ${type}`,
    );
  }
  const hasDep = (b.dependencies ?? []).some((d) => d.depends_on_id === aRootId && d.type === depType);
  const hasEntry = (b.bonded_from ?? []).some((bond) => bond.source_id === aRootId && bond.bond_type === type);
  if (hasDep && hasEntry) return ledger;
  if (!hasDep && HOLDING.has(depType)) {
    const path = holdingPath(ledger, aRootId, bRootId);
    if (path !== undefined) {
      throw new MoleculeError(
        `cannot bond ${bRootId} after ${aRootId}: ${path.join(" waits on ")}, so each would wait on the other`,
      );
    }
  }
  const at = timestamp(now);
  // Who bonds is not known here, so the dependency names no creator rather than a wrong one.
  const dep: Dependency = { issue_id: bRootId, depends_on_id: aRootId, type: depType, created_at: at };
  return ledger.withBead({
    ...b,
    updated_at: at,
    ...(hasDep ? {} : { dependencies: [...(b.dependencies ?? []), dep] }),
    ...(hasEntry ? {} : { bonded_from: [...(b.bonded_from ?? []), { source_id: aRootId, bond_type: type }] }),
  });
}

/** Roots from `from` to `to` along holding dependencies between molecule roots, if any. */
function holdingPath(ledger: Ledger, from: string, to: string): string[] | undefined {
  const cameFrom = new Map<string, string | undefined>([[from, undefined]]);
  const queue = [from];
  for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
    if (id === to) {
      const path: string[] = [];
      for (let at: string | undefined = id; at !== undefined; at = cameFrom.get(at)) path.unshift(at);
      return path;
    }
    for (const dep of ledger.get(id)?.dependencies ?? []) {
      if (!HOLDING.has(dep.type) || cameFrom.has(dep.depends_on_id)) continue;
      if (!isMoleculeRoot(ledger.get(dep.depends_on_id))) continue;
      cameFrom.set(dep.depends_on_id, id);
      queue.push(dep.depends_on_id);
    }
  }
  return undefined;
}

