// The witness's events (issue 16): what GitHub says of polecat runs as they start and end.
//   - `workflow_run`: a run whose title is a polecat run-name, of the rig's polecat workflow.
//     Requested or in progress, it is looked at only for whether it holds its bead's hook (one
//     that does not, a stale attempt or an unslung bead's, is cancelled); its health is the
//     patrol's to judge, since that needs its heartbeat. Completed, it is looked at with its
//     final heartbeat: an exit that never reached the ledger is recorded from it, anything else
//     respawned, or past `witness.max_attempts` escalated.
//   - `workflow_job` completed: the same look at a completed run, for the bead whose claimed run
//     the job belongs to. A polecat run has one job, so its job's end is its run's; this also
//     covers a `workflow_run` delivery that was lost. Jobs of other workflows cost the settings'
//     request and the ledger's (one each), and find no bead.
// A look acts only on a bead still hooked to the run's attempt and `run_id`, and its ledger side
// is one compare-and-swap commit made before any effect (witness-act.ts), so a delivery seen
// twice, or by two replicas, acts once.
import type { LedgerState } from "../github/ledger-store.js";
import { beadStatus, type Bead } from "../ledger/bead-schema.js";
import type { Ledger } from "../ledger/ledger.js";
import { gastownMetadata } from "../molecules/gastown-metadata.js";
import { parsePolecatRunName } from "../town/polecat-dispatch.js";
import { hookedBeads } from "../town/polecat-names.js";
import { attemptOf } from "../town/sling.js";
import { witnessLook, type WitnessDecision, type WitnessRun } from "../town/witness.js";
import type { AppDependencies } from "./app-dependencies.js";
import type { GitHubEvent } from "./issue-events.js";
import { readHeartbeat } from "./observe-polecat.js";
import { openTown, type Town, type TownEvent } from "./repository-town.js";
import { actOnWitness, type WitnessActed } from "./witness-act.js";

interface RepositoryPayload {
  readonly repository: { readonly name: string; readonly owner: { readonly login: string }; readonly default_branch: string };
}

interface WorkflowRunPayload extends RepositoryPayload {
  readonly action?: string;
  readonly workflow_run: {
    readonly id: number; readonly display_title?: string | null; readonly path?: string; readonly status: string | null;
    readonly conclusion: string | null; readonly created_at?: string;
  };
}

interface WorkflowJobPayload extends RepositoryPayload {
  readonly action?: string;
  readonly workflow_job: { readonly run_id: number; readonly status: string; readonly conclusion: string | null };
}

export type RunEventOutcome =
  | { readonly kind: "ignored"; readonly why: string }
  | { readonly kind: "looked"; readonly decision: WitnessDecision; readonly acted: WitnessActed | undefined };

export async function handleRunEvent(event: GitHubEvent, deps: AppDependencies, botLogin: () => Promise<string>): Promise<RunEventOutcome> {
  if (event.name === "workflow_run") return workflowRun(event, deps, botLogin);
  return workflowJob(event, deps, botLogin);
}

async function workflowRun(event: GitHubEvent, deps: AppDependencies, botLogin: () => Promise<string>): Promise<RunEventOutcome> {
  const payload = event.payload as WorkflowRunPayload;
  const named = parsePolecatRunName(payload.workflow_run.display_title);
  // Most runs are of other workflows: their titles say so without a request.
  if (named === undefined) return { kind: "ignored", why: "not a polecat run" };
  const town = await townOf(event, payload, deps, botLogin);
  if (typeof town === "string") return { kind: "ignored", why: town };
  if (payload.workflow_run.path !== `.github/workflows/${town.config.polecat.workflow}`) {
    return { kind: "ignored", why: `${payload.workflow_run.path ?? "the run's workflow"} is not polecat.workflow` };
  }
  const { workflow_run: raw } = payload;
  const run: WitnessRun = {
    id: raw.id, attempt: named.attempt, status: raw.status ?? "", conclusion: raw.conclusion, ...(raw.created_at ? { created_at: raw.created_at } : {}),
  };
  return look(town, named.bead, run);
}

async function workflowJob(event: GitHubEvent, deps: AppDependencies, botLogin: () => Promise<string>): Promise<RunEventOutcome> {
  const payload = event.payload as WorkflowJobPayload;
  const job = payload.workflow_job;
  if (payload.action !== "completed") return { kind: "ignored", why: `a job ${payload.action ?? "event"} says nothing the witness acts on` };
  const town = await townOf(event, payload, deps, botLogin);
  if (typeof town === "string") return { kind: "ignored", why: town };
  // Most jobs are other workflows': the ledger in one request says whether any bead is this run's.
  const bead = claimedBy(await town.store.peek(), job.run_id);
  if (bead === undefined) return { kind: "ignored", why: `no hooked bead is claimed by run ${job.run_id}` };
  return look(town, bead.id, { id: job.run_id, attempt: attemptOf(bead), status: "completed", conclusion: job.conclusion });
}

/**
 * The witness's look at the bead with this run, and its acts. A live run's look leaves out its
 * health (no heartbeat is read for it): only whether it holds the hook.
 */
async function look(town: TownEvent, beadId: string, run: WitnessRun, known?: LedgerState): Promise<RunEventOutcome> {
  const read = known ?? (await town.store.read());
  const bead = read.ledger.get(beadId);
  const completed = run.status === "completed";
  // The final heartbeat only matters for a run that holds its bead's hook.
  const heartbeat = completed && bead !== undefined && holdsHook(bead, run) ? await readHeartbeat(town, bead, run.attempt) : undefined;
  const decision = witnessLook({
    ledger: read.ledger, bead: beadId, run, now: town.deps.clock(), config: town.config, rig: `${town.owner}/${town.repo}`,
    ...(heartbeat ? { heartbeat } : {}),
  });
  if (decision.kind === "nothing" || (!completed && decision.kind !== "cancel-run")) return { kind: "looked", decision, acted: undefined };
  const acted = await actOnWitness(town, [decision], { from: read, why: `Witness: run ${run.id} of ${beadId} (attempt ${run.attempt}) is ${run.conclusion ?? run.status}` });
  return { kind: "looked", decision, acted };
}

/** Whether the bead is hooked to the run's attempt and not claimed by another run. */
function holdsHook(bead: Bead, run: WitnessRun): boolean {
  const claimed = gastownMetadata(bead).run_id;
  return beadStatus(bead) === "hooked" && attemptOf(bead) === run.attempt && (claimed === undefined || claimed === run.id);
}

function claimedBy(ledger: Ledger, runId: number): Bead | undefined {
  return hookedBeads(ledger).find((bead) => gastownMetadata(bead).run_id === runId);
}

/** The rig the event is from, switched on; else why it is left alone. */
async function townOf(event: GitHubEvent, payload: RepositoryPayload, deps: AppDependencies, botLogin: () => Promise<string>): Promise<TownEvent | string> {
  const ref = {
    github: event.github, owner: payload.repository.owner.login, repo: payload.repository.name, defaultBranch: payload.repository.default_branch,
  };
  const opened = await openTown(ref, deps);
  if (opened.kind === "off") return opened.reason;
  if (opened.kind === "invalid") return opened.error.message;
  const town: Town = opened.town;
  return { ...town, botLogin: await botLogin() };
}
