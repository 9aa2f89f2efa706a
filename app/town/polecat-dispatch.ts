// What the polecat workflow is dispatched with (DESIGN §7): the bead, its molecule, the
// polecat's name, the attempt, and the limits as one JSON input, since the run must never read
// settings from the checkout its agent edits. The run-name is how the App finds a run when
// the dispatch answers without its id.
import type { GastownConfig } from "../config/config-schema.js";

export interface PolecatAssignment {
  readonly bead: string;
  readonly molecule: string;
  readonly polecat: string;
  readonly attempt: number;
}

/** Every `polecat.*` setting the run needs, in a fixed order so the input is stable. */
export function polecatLimits(polecat: GastownConfig["polecat"]): string {
  const { agent, model, max_turns, timeout_minutes, max_cost_usd, heartbeat_minutes, max_diff_lines, protected_paths } = polecat;
  return JSON.stringify({ agent, model, max_turns, timeout_minutes, max_cost_usd, heartbeat_minutes, max_diff_lines, protected_paths });
}

export function polecatInputs(assignment: PolecatAssignment, polecat: GastownConfig["polecat"]): Record<string, string> {
  return {
    bead: assignment.bead,
    molecule: assignment.molecule,
    polecat: assignment.polecat,
    attempt: String(assignment.attempt),
    limits: polecatLimits(polecat),
  };
}

/** The workflow's `run-name`, rendered as GitHub renders it from the inputs. */
export function polecatRunName(assignment: Pick<PolecatAssignment, "bead" | "polecat" | "attempt">): string {
  return `polecat ${assignment.polecat} · ${assignment.bead} · attempt ${assignment.attempt}`;
}
