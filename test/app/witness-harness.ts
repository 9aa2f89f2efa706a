// The witness's side of a town in the emulator: a polecat run played by the test (its claim, its
// heartbeats, how it ends), the events GitHub then sends handed to the App, and a patrol pass run
// with the App's installation client, as its timer or the patrol workflow runs one.
import type { GitHubClient } from "../../app/github/github-client.js";
import { realDependencies } from "../../app/handlers/app-dependencies.js";
import { patrolRig, type PatrolOptions, type PatrolReport } from "../../app/handlers/patrol-rig.js";
import type { Bead } from "../../app/ledger/bead-schema.js";
import { gastownMetadata, gastownString } from "../../app/molecules/gastown-metadata.js";
import { claimBead } from "../../app/town/polecat-claim.js";
import { heartbeatExternalId, heartbeatMarker, HEARTBEAT_CHECK_NAME, type HeartbeatExit, type HeartbeatState } from "../../app/town/heartbeat.js";
import { workRef } from "../../app/town/polecat-names.js";
import { attemptOf } from "../../app/town/sling.js";
import { call } from "../emulator/testing.js";
import type { Delivery } from "../emulator/webhooks/deliveries.js";
import { REPO, type Town } from "./app-harness.js";
import { editLedger } from "./publish-harness.js";

export const runs = (town: Town) => town.github.state.repos[REPO]?.runs ?? [];
export const requests = (town: Town, from = 0) => town.sent.slice(from).map((s) => `${s.method} ${s.url}`);

/** An issue opened by ann and slung by the mayor, its deliveries handled: the bead and its run. */
export async function slungIssue(town: Town, title = "Fix the pumps"): Promise<{ bead: Bead; runId: number }> {
  const bead = await beadOf(town, await openAndSling(town, title));
  return { bead, runId: runOf(town, bead).id };
}

/** An issue opened by ann and slung by the mayor, its deliveries handled: its number. */
export async function openAndSling(town: Town, title: string): Promise<number> {
  const issue = await town.as("ann", "POST", `/repos/${REPO}/issues`, { title, body: "They leak." }) as { number: number };
  await town.deliver();
  await town.as("mayor", "POST", `/repos/${REPO}/issues/${issue.number}/labels`, { labels: ["gt:sling"] });
  await town.deliver();
  // The dispatched run's `workflow_run.requested`: a look that finds it holds its hook.
  await town.deliver();
  return issue.number;
}

/** The work bead of issue `number`. */
export async function beadOf(town: Town, number: number): Promise<Bead> {
  const found = (await town.ledger())?.beads().find((b) => b.external_ref?.endsWith(`/issues/${number}`));
  if (!found) throw new Error(`no bead for issue ${number}`);
  return found;
}

/** The newest run of the bead's current attempt, by its run-name. */
export function runOf(town: Town, bead: Bead) {
  const name = `polecat ${gastownString(bead, "polecat")} · ${bead.id} · attempt ${attemptOf(bead)}`;
  const run = runs(town).filter((r) => r.displayTitle === name).at(-1);
  if (!run) throw new Error(`no run named ${name}`);
  return run;
}

/** The run's job starts and it claims the bead, as the polecat action does first. */
export async function startAndClaim(town: Town, runId: number): Promise<void> {
  const run = runs(town).find((r) => r.id === runId);
  if (!run?.inputs) throw new Error(`no dispatched run ${runId}`);
  town.github.startJob(REPO, runId, "polecat");
  await town.deliver();
  const inputs = run.inputs as Record<string, string>;
  await editLedger(town, "mayor", `claim ${inputs["bead"]}`, (ledger) => {
    const claimed = claimBead(ledger, {
      bead: inputs["bead"] as string, polecat: inputs["polecat"] as string, attempt: Number(inputs["attempt"]), limits: inputs["limits"] as string,
      runId, runUrl: `https://github.com/${REPO}/actions/runs/${runId}`,
    }, town.clock.now);
    if (!claimed.ok) throw new Error(claimed.refusal);
    return claimed.ledger;
  });
}

export interface Beat {
  readonly at?: Date;
  readonly progressAt?: Date;
  readonly state?: HeartbeatState;
  readonly exit?: HeartbeatExit;
}

/**
 * A heartbeat of the run's attempt, as the polecat writes it with its run's token: a check run on
 * its work ref's tip (the ref made from the default branch's tip the first time).
 */
export async function beat(town: Town, runId: number, heartbeat: Beat = {}): Promise<void> {
  const run = runs(town).find((r) => r.id === runId);
  const inputs = run?.inputs as Record<string, string> | undefined;
  if (!run || !inputs) throw new Error(`no dispatched run ${runId}`);
  const bead = inputs["bead"] as string;
  const attempt = Number(inputs["attempt"]);
  const ref = workRef(inputs["polecat"] as string, bead);
  const api = (method: string, path: string, body?: unknown) => call(town.github, method, path, { token: run.token, ...(body === undefined ? {} : { body }) });
  let tip = ((await api("GET", `/repos/${REPO}/git/ref/${encodeURIComponent(`heads/${ref}`)}`)).body as { object?: { sha: string } }).object?.sha;
  if (tip === undefined) {
    tip = ((await api("GET", `/repos/${REPO}/git/ref/heads%2Fmain`)).body as { object: { sha: string } }).object.sha;
    await api("POST", `/repos/${REPO}/git/refs`, { ref: `refs/heads/${ref}`, sha: tip });
  }
  const at = heartbeat.at ?? town.clock.now;
  const state = heartbeat.state ?? (heartbeat.exit ? "done" : "working");
  const marker = heartbeatMarker({ at, progressAt: heartbeat.progressAt ?? at, state, step: 1, attempt, ...(heartbeat.exit ? { exit: heartbeat.exit } : {}) });
  const answer = await api("POST", `/repos/${REPO}/check-runs`, {
    name: HEARTBEAT_CHECK_NAME, head_sha: tip, external_id: heartbeatExternalId(bead, attempt), status: "in_progress",
    output: { title: `${state} · step 1/2`, summary: `${marker}\nworking` },
  });
  if (answer.status >= 400) throw new Error(`heartbeat: ${answer.status} ${JSON.stringify(answer.body)}`);
}

/** Hands the App the new `workflow_run` and `workflow_job` deliveries that were sent, in order: those handed. */
export async function deliverRunEvents(town: Town, only?: (event: string, action: string) => boolean): Promise<Delivery[]> {
  const handed: Delivery[] = [];
  for (const d of await town.newDeliveries()) {
    // A delivery the emulator dropped never reached the App.
    if ((d.event !== "workflow_run" && d.event !== "workflow_job") || d.fate === "dropped") continue;
    if (only && !only(d.event, eventAction(d))) continue;
    await handRunEvent(town, d);
    handed.push(d);
  }
  return handed;
}

/** One delivery handed to the App (again, for a duplicate), or to its replica `index`. */
export async function handRunEvent(town: Town, delivery: Delivery, index = 0): Promise<void> {
  await town.app(index).receive({ id: delivery.id, name: delivery.event as never, payload: delivery.payload as never });
}

/** `workflow_run.completed`: the delivery's event and action. */
export function eventAction(delivery: Delivery): string {
  return `${delivery.event}.${String((delivery.payload as { action?: unknown }).action)}`;
}

/** The App's installation client, as its timer uses it. */
export async function installationClient(town: Town, index = 0): Promise<GitHubClient> {
  const installation = town.github.state.installations[0];
  if (!installation) throw new Error("no installation");
  return await town.app(index).auth(installation.id) as unknown as GitHubClient;
}

/** One patrol pass over octo/town with the App's installation client. */
export async function patrol(town: Town, index = 0, options: PatrolOptions = {}): Promise<PatrolReport> {
  const github = await installationClient(town, index);
  return patrolRig({ github, owner: "octo", repo: "town", defaultBranch: "main" }, {
    ...realDependencies, clock: () => town.clock.now, random: () => 0.5, sleep: async () => undefined,
  }, "gastown[bot]", options);
}

/** What the witness recorded on the bead. */
export function witnessOf(bead: Bead) {
  const meta = gastownMetadata(bead);
  return { attempt: meta.attempt, run_id: meta.run_id, witness_rung: meta.witness_rung, witness_at: meta.witness_at, status: bead.status };
}
