// How a molecule ends. squash: once every step is done (or, asked to, when abandoned partway),
// close what is open as `squashed`, close the root, and condense the run into one digest.
// burn: end it with no record; a wisp simply evaporates, a poured molecule is closed as
// `burned` (the committed ledger never deletes a bead) and its work bead let go, so the next
// pour starts afresh.
import { beadStatus, type Bead } from "../ledger/bead-schema.js";
import { Ledger } from "../ledger/ledger.js";
import { buildDigest, type Digest, type DigestKind } from "./digest.js";
import { gastownMetadata, gastownString, withGastownMetadata } from "./gastown-metadata.js";
import { CLOSE_REASONS, MoleculeError, readMolecule, type Molecule } from "./molecule.js";
import { timestamp } from "./pour.js";

/** What the squash is told that the ledger does not know: all optional. */
export interface SquashOptions {
  readonly now: Date;
  /** Close open steps as squashed rather than refuse. */
  readonly abandon?: boolean;
  /** `patrol` for a patrol molecule's cycle; otherwise `work`. */
  readonly kind?: Exclude<DigestKind, "merge">;
  readonly exit?: string;
  readonly summary?: string;
  readonly agent?: string;
  readonly rig?: string;
  readonly metrics?: Partial<Pick<Digest,
    "commits" | "files_changed" | "lines_added" | "lines_removed" | "pr" | "cost_usd" | "turns">>;
}

export interface Squashed {
  readonly ledger: Ledger;
  readonly digest: Digest;
}

/**
 * The molecule closed and its digest. Squashing a molecule already squashed changes nothing
 * and gives the same digest again (its time is the root's `closed_at`), so a squash whose
 * digest was not written can simply be run again.
 */
export function squash(ledger: Ledger, rootId: string, options: SquashOptions): Squashed {
  const molecule = readMolecule(ledger, rootId);
  const squashedBefore = molecule.root.close_reason === CLOSE_REASONS.squashed || molecule.root.close_reason === CLOSE_REASONS.abandoned;
  if (beadStatus(molecule.root) === "closed" && squashedBefore) {
    return { ledger, digest: digestOf(ledger, molecule, options) };
  }
  openMolecule(ledger, rootId, "squash");
  const open = molecule.steps.filter((s) => !s.closed);
  if (open.length > 0 && options.abandon !== true) {
    throw new MoleculeError(
      `${rootId} has steps still open (${open.map((s) => s.step).join(", ")}): finish them, ` +
        "or squash with --abandon to close them as squashed",
    );
  }
  // An abandoned molecule's root says so: a conditional bond on it counts that as failure.
  const rootReason = open.length > 0 ? CLOSE_REASONS.abandoned : CLOSE_REASONS.squashed;
  const squashed = ledger.withBeads(closeAll(molecule, CLOSE_REASONS.squashed, timestamp(options.now), rootReason));
  return { ledger: squashed, digest: digestOf(squashed, readMolecule(squashed, rootId), options) };
}

/** The digest of a squashed molecule, from its beads: the same however often it is asked. */
function digestOf(ledger: Ledger, molecule: Molecule, options: SquashOptions): Digest {
  const { root, steps } = molecule;
  const work = molecule.bead === undefined ? undefined : ledger.get(molecule.bead);
  const attempt = work ? gastownMetadata(work).attempt : undefined;
  // Done before the squash: the steps it did not close itself.
  const stepsDone = steps.filter((s) => s.closed && s.bead.close_reason !== CLOSE_REASONS.squashed).length;
  const kind = options.kind ?? (root.mol_type === "patrol" ? "patrol" : "work");
  const metrics = options.metrics ?? {};
  return buildDigest({
    kind,
    molecule: root.id,
    formula: molecule.formulaRef ?? null,
    bead: molecule.bead ?? null,
    agent: options.agent ?? (work ? gastownString(work, "polecat") : undefined) ?? null,
    rig: options.rig ?? null,
    started_at: root.created_at,
    finished_at: root.closed_at ?? timestamp(options.now),
    exit: options.exit ?? (stepsDone === steps.length ? (kind === "patrol" ? "OK" : "COMPLETED") : "ABANDONED"),
    steps_total: steps.length,
    steps_done: stepsDone,
    attempts: typeof attempt === "number" && Number.isInteger(attempt) && attempt >= 0 ? attempt : 0,
    commits: metrics.commits ?? null,
    files_changed: metrics.files_changed ?? null,
    lines_added: metrics.lines_added ?? null,
    lines_removed: metrics.lines_removed ?? null,
    pr: metrics.pr ?? null,
    merged_at: null,
    cost_usd: metrics.cost_usd ?? null,
    turns: metrics.turns ?? null,
    summary: options.summary ?? `${stepsDone}/${steps.length} steps done`,
  });
}

/** A poured molecule closed as burned, its work bead let go. For a wisp, see `evaporate`. */
export function burn(ledger: Ledger, rootId: string, now: Date): Ledger {
  const molecule = openMolecule(ledger, rootId, "burn");
  const closed = closeAll(molecule, CLOSE_REASONS.burned, timestamp(now));
  const work = molecule.bead === undefined ? undefined : ledger.get(molecule.bead);
  const released = work && gastownString(work, "molecule") === rootId
    ? [{ ...withGastownMetadata(work, { molecule: undefined, formula: undefined }), updated_at: timestamp(now) }]
    : [];
  return ledger.withBeads([...closed, ...released]);
}

/** `wisps` without the wisp rooted at `rootId`: vapor leaves nothing behind. */
export function evaporate(wisps: Ledger, rootId: string): Ledger {
  const molecule = readMolecule(wisps, rootId);
  const gone = new Set([rootId, ...molecule.steps.map((s) => s.bead.id)]);
  const records = new Map([...wisps.records].filter(([id]) => !gone.has(id)));
  return new Ledger(records, wisps.otherLines);
}

function openMolecule(ledger: Ledger, rootId: string, verb: string): Molecule {
  const molecule = readMolecule(ledger, rootId);
  if (beadStatus(molecule.root) === "closed") {
    throw new MoleculeError(`${rootId} is already closed (${molecule.root.close_reason ?? "no reason given"}): nothing to ${verb}`);
  }
  return molecule;
}

/** The open steps closed with `reason`, and the root with `rootReason` (the same by default). */
function closeAll(molecule: Molecule, reason: string, now: string, rootReason = reason): Bead[] {
  const close = (bead: Bead, why: string): Bead => ({ ...bead, status: "closed", closed_at: now, close_reason: why, updated_at: now });
  return [...molecule.steps.filter((s) => !s.closed).map((s) => close(s.bead, reason)), close(molecule.root, rootReason)];
}
