// A polecat's exit, as the run records it on its bead (DESIGN §7, "After a polecat exits"; the
// vision's four exits): the hook released and the slot freed, the bead's status by the exit, and
// on `metadata.gastown` what the publisher and the witness read back: the exit, its reason,
// when, the work ref's tip the run last pushed, and a BLOCKED exit's blocker. COMPLETED also
// ends the molecule with a `work` digest; the other exits leave it open, so a later sling
// resumes it. Pure, so it can run inside a compare-and-swap and again after a lost race.
import { beadStatus, type Bead, type Dependency } from "../ledger/bead-schema.js";
import type { Ledger } from "../ledger/ledger.js";
import type { Digest } from "../molecules/digest.js";
import { gastownMetadata, gastownString, withGastownMetadata } from "../molecules/gastown-metadata.js";
import { timestamp } from "../molecules/pour.js";
import type { Exit } from "../molecules/runner-commands.js";
import { squash } from "../molecules/squash.js";
import { attemptOf, unhooked } from "./sling.js";

/** The status a bead takes after each exit. */
export const STATUS_AFTER_EXIT: Readonly<Record<Exit, string>> = {
  // Its pull request is open until it merges.
  COMPLETED: "in_progress",
  BLOCKED: "blocked",
  REFACTOR: "deferred",
  ESCALATE: "open",
};

export interface PolecatExit {
  readonly exit: Exit;
  readonly reason: string;
  /** BLOCKED only: the bead that blocks the work. */
  readonly blocker?: string;
  /** The work ref's tip the run last pushed. */
  readonly workTip: string;
  readonly at: Date;
}

export interface ExitContext {
  readonly bead: string;
  readonly molecule: string;
  readonly polecat: string;
  /** `owner/repo`, for the digest. */
  readonly rig: string;
  /** What the run's agent used, by its own count, for the digest. */
  readonly turns: number;
  readonly costUsd: number;
}

export interface ExitRecorded {
  readonly ledger: Ledger;
  /** COMPLETED's `work` digest, for the caller to append to its month's file. */
  readonly digest: Digest | undefined;
}

/** The exit on the bead, the hook released; for COMPLETED the molecule squashed into its digest. */
export function recordPolecatExit(ledger: Ledger, exit: PolecatExit, context: ExitContext): ExitRecorded {
  const work = ledger.get(context.bead);
  if (!work) throw new Error(`${context.bead} is not in the ledger`);
  const at = timestamp(exit.at);
  const released = withGastownMetadata(
    { ...(beadStatus(work) === "hooked" ? unhooked(work) : work), status: STATUS_AFTER_EXIT[exit.exit], updated_at: at },
    {
      exit: exit.exit, exit_reason: exit.reason, exit_at: at, exit_blocker: exit.blocker, work_tip: exit.workTip,
      // What the attempt spent: by its model proxy in the sandbox, else by the agent's stream.
      exit_turns: context.turns, exit_cost_usd: Math.round(context.costUsd * 1e6) / 1e6,
    },
  );
  const blocked = exit.blocker === undefined ? released : withBlocker(released, exit.blocker, at, context.polecat);
  const next = ledger.withBead(sameAs(work, blocked) ? work : blocked);
  if (exit.exit !== "COMPLETED") return { ledger: next, digest: undefined };
  const squashed = squash(next, context.molecule, {
    now: exit.at, kind: "work", exit: "COMPLETED", summary: exit.reason, agent: context.polecat, rig: context.rig,
    metrics: { turns: context.turns, cost_usd: Math.round(context.costUsd * 1e6) / 1e6 },
  });
  return { ledger: squashed.ledger, digest: squashed.digest };
}

/** The exit a bead records for its current attempt, as the publisher and the witness read it. */
export interface RecordedExit {
  readonly exit: Exit;
  readonly reason: string;
  readonly attempt: number;
  readonly runId: number | undefined;
  readonly blocker: string | undefined;
  readonly workTip: string | undefined;
  readonly at: string | undefined;
}

export function recordedExit(bead: Bead): RecordedExit | undefined {
  const meta = gastownMetadata(bead);
  const exit = meta.exit;
  if (exit !== "COMPLETED" && exit !== "BLOCKED" && exit !== "REFACTOR" && exit !== "ESCALATE") return undefined;
  return {
    exit,
    reason: gastownString(bead, "exit_reason") ?? "",
    attempt: attemptOf(bead),
    runId: typeof meta.run_id === "number" ? meta.run_id : undefined,
    blocker: gastownString(bead, "exit_blocker"),
    workTip: gastownString(bead, "work_tip"),
    at: gastownString(bead, "exit_at"),
  };
}

/** `blocker` blocks the work: Beads keeps that as a `blocks` dependency on the work bead. */
function withBlocker(work: Bead, blocker: string, at: string, polecat: string): Bead {
  const deps = work.dependencies ?? [];
  if (deps.some((d) => d.depends_on_id === blocker && d.type === "blocks")) return work;
  const dep: Dependency = { issue_id: work.id, depends_on_id: blocker, type: "blocks", created_at: at, created_by: `polecat/${polecat}` };
  return { ...work, dependencies: [...deps, dep] };
}

/** Whether a bead changed in anything but the time it was last updated. */
function sameAs(before: Bead, after: Bead): boolean {
  return JSON.stringify({ ...before, updated_at: "" }) === JSON.stringify({ ...after, updated_at: "" });
}
