// What the polecat workflow is dispatched with (DESIGN §7): the bead, its molecule, the
// polecat's name, the attempt, and the limits as one JSON input, since the run must never read
// settings from the checkout its agent edits. The run-name is how the App finds a run when
// the dispatch answers without its id.
import { createHash } from "node:crypto";
import type { GastownConfig } from "../config/config-schema.js";

export interface PolecatAssignment {
  readonly bead: string;
  readonly molecule: string;
  readonly polecat: string;
  readonly attempt: number;
}

/**
 * What a polecat job needs beyond its agent's time: installing the agent, cloning, and after the
 * agent stops, taking its work, pushing and writing the ledger. Workflow expressions cannot add,
 * so the App gives the job its whole limit as `job_timeout_minutes`.
 */
export const JOB_HEADROOM_MINUTES = 15;
/** GitHub stops any job on its own runners after six hours. */
export const MAX_JOB_MINUTES = 360;

/** Every `polecat.*` setting the run needs, in a fixed order so the input, and its hash, are stable. */
export function polecatLimits(polecat: GastownConfig["polecat"]): string {
  const {
    agent, model, max_turns, timeout_minutes, max_cost_usd, heartbeat_minutes, max_diff_lines, protected_paths, command, sandbox, network,
  } = polecat;
  const job_timeout_minutes = Math.min(MAX_JOB_MINUTES, timeout_minutes + JOB_HEADROOM_MINUTES);
  return JSON.stringify({
    agent, model, max_turns, timeout_minutes, max_cost_usd, heartbeat_minutes, max_diff_lines, protected_paths, command, sandbox, network,
    job_timeout_minutes,
  });
}

/**
 * The hash the hook records of the limits it dispatched with. Anyone with write access can
 * dispatch the polecat workflow by hand, with limits of their own; a run whose `limits` input
 * does not hash to the hook's stops before it claims the bead.
 */
export function limitsHash(limits: string): string {
  return `sha256:${createHash("sha256").update(limits, "utf8").digest("hex")}`;
}

/** The inputs a dispatch sends; the polecat workflow must declare each of them. */
export const POLECAT_INPUTS = ["bead", "molecule", "polecat", "attempt", "limits"] as const;

export function polecatInputs(assignment: PolecatAssignment, polecat: GastownConfig["polecat"]): Record<(typeof POLECAT_INPUTS)[number], string> {
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

const RUN_NAME = /^polecat (\S+) · (\S+) · attempt ([1-9]\d{0,5})$/;

/**
 * What a run's title says it is, when it is a polecat run-name: anyone who can dispatch the
 * workflow chooses its inputs, so this only names what to look at, never what to believe.
 */
export function parsePolecatRunName(title: string | null | undefined): { bead: string; polecat: string; attempt: number } | undefined {
  const match = RUN_NAME.exec(title ?? "");
  if (!match) return undefined;
  return { polecat: match[1] as string, bead: match[2] as string, attempt: Number(match[3]) };
}
