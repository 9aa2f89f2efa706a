// pour: proto → molecule (liquid) in the ledger; wisp: the same, ephemeral (vapor), into a
// ledger of wisps kept apart from the committed one. A work bead holds at most one open
// molecule: pouring the same formula again hands back the open one, so a re-sling resumes.
import type { Bead, Dependency } from "../ledger/bead-schema.js";
import type { Ledger } from "../ledger/ledger.js";
import { newBeadId } from "../ledger/new-bead-id.js";
import { toUtc } from "../ledger/timestamps.js";
import { withGastownMetadata, gastownString } from "./gastown-metadata.js";
import { isMoleculeRoot, isOpen, MoleculeError, readMolecule } from "./molecule.js";
import { formulaRef, type Proto } from "./proto.js";

export interface PourOptions {
  readonly now: Date;
  /** Who pours: `created_by`, and part of the root id's hash. */
  readonly actor: string;
  /** The ledger's id prefix (`issue-prefix`). */
  readonly prefix: string;
}

export interface Poured {
  readonly ledger: Ledger;
  readonly root: string;
  /** False when the work bead's open molecule of the same formula was handed back. */
  readonly created: boolean;
}

/** `proto` poured onto work bead `on`. */
export function pour(ledger: Ledger, proto: Proto, on: string, options: PourOptions): Poured {
  const work = ledger.get(on);
  if (!work) throw new MoleculeError(`no bead ${on} in the ledger to pour ${proto.formula} onto`);
  if (isMoleculeRoot(work)) throw new MoleculeError(`${on} is a molecule; pour onto the work bead it belongs to`);
  const open = openMoleculeOf(ledger, work);
  if (open) {
    if (open.formula === proto.formula) return { ledger, root: open.root.id, created: false };
    throw new MoleculeError(
      `${on} already has molecule ${open.root.id} (formula ${open.formula ?? "unknown"}) open; ` +
        `to start over with ${proto.formula}, abandon it first: gt mol burn ${open.root.id}`,
    );
  }
  const beads = moleculeBeads(proto, ledger.records, { ...options, kind: "mol", work });
  const root = beads[0] as Bead;
  const linked = withGastownMetadata(work, { molecule: root.id, formula: proto.formula });
  return {
    ledger: ledger.withBeads([...beads, { ...linked, updated_at: timestamp(options.now) }]),
    root: root.id,
    created: true,
  };
}

/**
 * `proto` as a wisp, added to `wisps` (never the committed ledger). Ids are minted against
 * both, so a wisp's id never names a committed bead. `on` links it to a work bead without
 * changing that bead.
 */
export function wisp(wisps: Ledger, committed: Ledger, proto: Proto, options: PourOptions & { readonly on?: string }): Poured {
  const work = options.on === undefined ? undefined : committed.get(options.on);
  if (options.on !== undefined && !work) throw new MoleculeError(`no bead ${options.on} in the ledger`);
  const taken = new Set([...wisps.records.keys(), ...committed.records.keys()]);
  const beads = moleculeBeads(proto, taken, { ...options, kind: "wisp", work });
  return { ledger: wisps.withBeads(beads), root: (beads[0] as Bead).id, created: true };
}

/** The work bead's open molecule, if it has one. */
export function openMoleculeOf(ledger: Ledger, work: Bead) {
  const id = gastownString(work, "molecule");
  if (id === undefined || !isMoleculeRoot(ledger.get(id))) return undefined;
  const molecule = readMolecule(ledger, id);
  return isOpen(molecule) ? molecule : undefined;
}

/** Where a new molecule goes, besides its own beads. */
export interface MoleculePlace {
  /** `wisp` for an ephemeral molecule. */
  readonly kind: "mol" | "wisp";
  /** The work bead it is for: its parent, named in its metadata; lends its title and priority. */
  readonly work: Bead | undefined;
  /** Another molecule's root it is bonded to: by which bond type, through which dependency. */
  readonly bond?: { readonly root: Bead; readonly type: "sequential" | "parallel" | "conditional"; readonly dependency: string };
}

/**
 * The root, then one bead per step, as pour, wisp and bond write them. `taken`: the ids the
 * root must not take.
 */
export function moleculeBeads(
  proto: Proto, taken: ReadonlySet<string> | ReadonlyMap<string, unknown>, options: PourOptions & MoleculePlace,
): Bead[] {
  const { work, kind, actor, bond } = options;
  const now = timestamp(options.now);
  const title = work ? `${proto.formula}: ${work.title}` : proto.formula;
  const rootId = newBeadId(
    { prefix: options.prefix, kind, title, description: proto.description, creator: actor, createdAt: options.now },
    taken,
  );
  const ephemeral = kind === "wisp" ? { ephemeral: true } : {};
  // The work is as urgent as the bead it is for, or the molecule it is bonded to.
  const priority = work?.priority ?? bond?.root.priority ?? 2;
  const dep = (issue: string, target: string, type: string): Dependency =>
    ({ issue_id: issue, depends_on_id: target, type, created_at: now, created_by: actor });
  const root: Bead = {
    id: rootId,
    title,
    ...(proto.description ? { description: proto.description } : {}),
    status: "open",
    priority,
    issue_type: "molecule",
    mol_type: proto.formula.includes("patrol") ? "patrol" : "work",
    created_at: now,
    created_by: actor,
    updated_at: now,
    source_formula: proto.file,
    bonded_from: [
      { source_id: formulaRef(proto), bond_type: "root" },
      ...(bond ? [{ source_id: bond.root.id, bond_type: bond.type }] : []),
    ],
    metadata: { gastown: { ...(work ? { bead: work.id } : {}), formula: proto.formula, vars: proto.vars } },
    ...(work || bond ? {
      dependencies: [
        ...(work ? [dep(rootId, work.id, "parent-child")] : []),
        ...(bond ? [dep(rootId, bond.root.id, bond.dependency)] : []),
      ],
    } : {}),
    ...ephemeral,
  };
  const stepIds = new Map(proto.steps.map((step, i) => [step.id, `${rootId}.${i + 1}`]));
  const steps = proto.steps.map((step, i): Bead => {
    const id = `${rootId}.${i + 1}`;
    return {
      id,
      title: step.title,
      ...(step.description ? { description: step.description } : {}),
      ...(step.acceptance ? { acceptance_criteria: step.acceptance } : {}),
      status: "open",
      priority,
      issue_type: "task",
      created_at: now,
      created_by: actor,
      updated_at: now,
      metadata: { gastown: { step: step.id, ...(step.parallel ? { parallel: true } : {}), ...(step.gate ? { gate: step.gate } : {}) } },
      dependencies: [
        dep(id, rootId, "parent-child"),
        ...step.needs.map((need) => dep(id, stepIds.get(need) as string, "blocks")),
      ],
      ...ephemeral,
    };
  });
  return [root, ...steps];
}

/** Now as the ledger writes it: UTC, whole seconds unless there is a fraction. */
export function timestamp(now: Date): string {
  return toUtc(now.toISOString().replace(".000Z", "Z"));
}
