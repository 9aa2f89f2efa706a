// Where a molecule stands and what comes next: the steps not yet closed whose needs are all
// closed. A step is done exactly when its bead is closed, so this is all a restarted polecat
// needs to carry on without redoing anything.
import { beadStatus, type Bead } from "../ledger/bead-schema.js";
import type { Ledger } from "../ledger/ledger.js";
import { CLOSE_REASONS, type Molecule, type MoleculeStep } from "./molecule.js";

export type MoleculeState =
  /** Some steps are open and may be worked on. */
  | "running"
  /** Bonded after (or on the failure of) another molecule that has not ended. */
  | "waiting"
  /** Bonded to run on another molecule's failure, which succeeded instead. */
  | "skipped"
  /** Every step is closed: ready to squash. */
  | "finished"
  /** The root is closed: squashed or burned. */
  | "closed";

export interface Progress {
  readonly state: MoleculeState;
  /** The steps to work on now, in formula order. */
  readonly next: readonly MoleculeStep[];
  /** Ids of the beads a waiting molecule waits for. */
  readonly waitingOn: readonly string[];
  /** Steps closed as done: not those a squash or burn closed. */
  readonly done: number;
  readonly total: number;
}

/** Close reasons of steps the molecule's end closed, not work. */
const ENDED_UNDONE: ReadonlySet<string> = new Set([CLOSE_REASONS.squashed, CLOSE_REASONS.burned]);

/** Root close reasons that count as a failure, which a conditional bond runs on. */
const FAILED: ReadonlySet<string> = new Set([CLOSE_REASONS.failed, CLOSE_REASONS.burned, CLOSE_REASONS.abandoned]);

export function progress(ledger: Ledger, molecule: Molecule): Progress {
  const total = molecule.steps.length;
  const closedCount = molecule.steps.filter((s) => s.closed).length;
  const done = molecule.steps.filter((s) => s.closed && !ENDED_UNDONE.has(s.bead.close_reason ?? "")).length;
  const result = (state: MoleculeState, next: readonly MoleculeStep[] = [], waitingOn: readonly string[] = []) =>
    ({ state, next, waitingOn, done, total });
  if (beadStatus(molecule.root) === "closed") return result("closed");
  const bond = bondState(ledger, molecule.root);
  if (bond.state !== "running") return result(bond.state, [], bond.waitingOn);
  if (closedCount === total) return result("finished");
  const closed = new Set(molecule.steps.filter((s) => s.closed).map((s) => s.step));
  return result("running", molecule.steps.filter((s) => !s.closed && s.needs.every((n) => closed.has(n))));
}

/** What the root's own dependencies (from bonds) say: run, wait, or skip. */
function bondState(ledger: Ledger, root: Bead): { state: MoleculeState; waitingOn: string[] } {
  const waitingOn: string[] = [];
  let skipped = false;
  for (const dep of root.dependencies ?? []) {
    if (dep.type !== "blocks" && dep.type !== "conditional-blocks") continue;
    const other = ledger.get(dep.depends_on_id);
    if (!other) continue;
    if (beadStatus(other) !== "closed") waitingOn.push(other.id);
    else if (dep.type === "conditional-blocks" && !FAILED.has(other.close_reason ?? "")) skipped = true;
  }
  if (waitingOn.length > 0) return { state: "waiting", waitingOn };
  return { state: skipped ? "skipped" : "running", waitingOn };
}
