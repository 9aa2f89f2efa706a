// What GitHub shows of one polecat's current attempt, read when someone asks (/peek): its run
// (by the id its claim recorded, else by its run-name), its heartbeat check run on the work
// ref, and the last lines of its output — the heartbeat's `output.text` while the run is live,
// the job's log once it has completed (GitHub serves job logs only then). Its health is then
// decided from all that by app/town/polecat-health.ts.
import type { GitHubClient } from "../github/github-client.js";
import { findCheckRun, type CheckRunSummary } from "../github/heartbeat-check-runs.js";
import { jobLog, listRunJobs } from "../github/job-logs.js";
import { findRunByName, getRun, isLiveRun, type RunSummary } from "../github/polecat-runs.js";
import type { Bead } from "../ledger/bead-schema.js";
import { gastownMetadata, gastownString } from "../molecules/gastown-metadata.js";
import { HEARTBEAT_APP_SLUG, HEARTBEAT_CHECK_NAME, heartbeatExternalId, parseHeartbeat, type Heartbeat } from "../town/heartbeat.js";
import { unfenced } from "../town/fenced-text.js";
import { jobLogTail, outputTail } from "../town/output-tail.js";
import type { PolecatObservation } from "../town/peek-reply.js";
import { polecatHealth, type Health } from "../town/polecat-health.js";
import { polecatRunName } from "../town/polecat-dispatch.js";
import { workRef } from "../town/polecat-names.js";
import { attemptOf } from "../town/sling.js";
import type { Town } from "./repository-town.js";

export interface Observed extends PolecatObservation {
  readonly health: Health;
}

/**
 * The polecat's run, heartbeat and health; with `lines`, also that many of its last output lines.
 * A bead never dispatched (attempt 0) has nothing on GitHub to read.
 */
export async function observePolecat(town: Town, bead: Bead, options: { lines?: number } = {}): Promise<Observed> {
  const attempt = attemptOf(bead);
  const repo = { owner: town.owner, repo: town.repo };
  const run = attempt > 0 ? await findBeadRun(town, bead, attempt) : undefined;
  const check = attempt > 0 ? await findHeartbeat(town, bead, attempt) : undefined;
  const heartbeat = parseHeartbeat(check?.output.summary);
  const live = run !== undefined && isLiveRun(run);
  const health = polecatHealth({
    bead, now: town.deps.clock(), stuckMinutes: town.config.witness.stuck_minutes, ...(heartbeat ? { heartbeat } : {}),
    ...(run ? { run: { live, status: run.status, conclusion: run.conclusion, created_at: run.created_at } } : {}),
  });
  const output = options.lines === undefined ? undefined : await readOutput(town.github, { ...repo, run: live ? undefined : run, check, lines: options.lines });
  return {
    health,
    ...(run ? { run: { id: run.id, url: run.html_url, status: run.status, conclusion: run.conclusion } } : {}),
    ...(heartbeat ? { heartbeat } : {}),
    ...(output ? { output } : {}),
  };
}

/** The newest heartbeat check run of the bead's attempt, on its work ref's tip. */
export async function findHeartbeat(town: Town, bead: Bead, attempt: number): Promise<CheckRunSummary | undefined> {
  const polecat = gastownString(bead, "polecat");
  if (polecat === undefined) return undefined;
  return findCheckRun(town.github, {
    owner: town.owner, repo: town.repo, ref: workRef(polecat, bead.id), checkName: HEARTBEAT_CHECK_NAME,
    externalId: heartbeatExternalId(bead.id, attempt), appSlug: HEARTBEAT_APP_SLUG,
  });
}

/** The attempt's heartbeat, parsed: what it says, or undefined when it never beat or says nothing to trust. */
export async function readHeartbeat(town: Town, bead: Bead, attempt: number): Promise<Heartbeat | undefined> {
  return parseHeartbeat((await findHeartbeat(town, bead, attempt))?.output.summary);
}

/** The attempt's run: by the id the ledger recorded, else by the run-name its dispatch gave it. */
export async function findBeadRun(town: Town, bead: Bead, attempt: number): Promise<RunSummary | undefined> {
  const repo = { owner: town.owner, repo: town.repo };
  const runId = gastownMetadata(bead).run_id;
  if (typeof runId === "number") return getRun(town.github, { ...repo, runId });
  const polecat = gastownString(bead, "polecat") ?? "";
  return findRunByName(town.github, { ...repo, workflow: town.config.polecat.workflow, name: polecatRunName({ bead: bead.id, polecat, attempt }) });
}

/** The output's tail: from the job log of a completed run, else from the heartbeat. */
async function readOutput(
  github: GitHubClient,
  at: { owner: string; repo: string; run: RunSummary | undefined; check: CheckRunSummary | undefined; lines: number },
): Promise<PolecatObservation["output"]> {
  if (at.run) {
    // A polecat run has one job; a workflow with more shows its first completed one.
    const job = (await listRunJobs(github, { owner: at.owner, repo: at.repo, runId: at.run.id })).find((j) => j.status === "completed");
    const log = job ? await jobLog(github, { owner: at.owner, repo: at.repo, jobId: job.id }) : undefined;
    if (log !== undefined) return { lines: jobLogTail(log, at.lines), source: "job log" };
  }
  const text = at.check?.output.text;
  // A polecat fences its output, so GitHub shows it as text on the check run's page.
  return typeof text === "string" ? { lines: outputTail(unfenced(text), at.lines), source: "heartbeat" } : undefined;
}
