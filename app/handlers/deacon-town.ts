// The deacon's pass over an installation (issue 16, `mol-deacon-patrol`), called by the patrol
// clock: for each repository that opted in, 1. open it as a town (a broken
// `.github/gastown.yml` is itself a finding), 2. read the polecat and patrol workflows' states
// (and the polecat workflow's file, for what a dispatch needs), the ledger branch and the open
// escalations, 3. decide (town/deacon.ts), 4. remind on the
// escalations overdue, 5. bring the one `gt:town-health` issue in line: open it, edit it in
// place, or close it. A rig with nothing wrong and no health issue costs reads only.
import { replyToIssue, listIssueComments } from "../github/issue-comments.js";
import { createIssue } from "../github/create-issue.js";
import { refusalOf, statusOf, type GitHubClient } from "../github/github-client.js";
import type { InstallationRepository } from "../github/installation-repositories.js";
import { openIssuesLabelled } from "../github/labelled-issues.js";
import { closeIssue, editIssueBody } from "../github/update-issue.js";
import { workflowFileText, workflowState } from "../github/workflow-state.js";
import { LedgerReadError } from "../ledger/read-ledger.js";
import {
  decideRig, healthIssueActions, PATROL_WORKFLOW, type Finding, type HealthIssueAction, type RigReading, type WorkflowReading,
} from "../town/deacon.js";
import { pastReminderAge, type EscalationReading } from "../town/escalation-reminders.js";
import { ESCALATED_LABEL } from "../town/state-labels.js";
import { TOWN_HEALTH_LABEL } from "../town/town-health.js";
import type { AppDependencies } from "./app-dependencies.js";
import { openTown, type RepositoryRef, type Town } from "./repository-town.js";

/** An installation as the patrol clock hands it over: its client, and the repositories it covers (listInstallationRepositories). */
export interface DeaconInstallation {
  readonly github: GitHubClient;
  readonly repositories: readonly InstallationRepository[];
}

/** What a pass did in one repository, for logs and a bench. */
export interface RigReport {
  /** `owner/repo`. */
  readonly repository: string;
  /** `off`: not opted in; `checked`: read and brought in line; `failed`: a request failed, the next pass tries again. */
  readonly outcome: "off" | "checked" | "failed";
  /** Why it is off, or what failed. */
  readonly reason?: string;
  /** The kinds of what was found, in the health issue's order. */
  readonly findings: readonly Finding["kind"][];
  /** The escalation issues reminded on. */
  readonly reminded: readonly number[];
  /** What became of the health issue: `opened #7`, `edited #7`, `closed #7`; empty when nothing was written. */
  readonly healthIssue: readonly string[];
}

export interface DeaconReport {
  readonly rigs: readonly RigReport[];
}

/**
 * One deacon pass over every repository of the installation, one after another (GitHub asks for
 * writes one at a time). A repository whose requests fail is reported and left for the next
 * pass; the others are still looked after. `botLogin` is the App's (`<slug>[bot]`): its issues
 * and comments are the ones it keeps.
 */
export async function deaconPass(installation: DeaconInstallation, deps: AppDependencies, botLogin: string): Promise<DeaconReport> {
  const rigs: RigReport[] = [];
  for (const repository of installation.repositories) {
    const ref: RepositoryRef = { github: installation.github, ...repository };
    try {
      rigs.push(await lookAfterRig(ref, deps, botLogin));
    } catch (error) {
      rigs.push({ ...nothingDone(ref), outcome: "failed", reason: error instanceof Error ? error.message : String(error) });
    }
  }
  return { rigs };
}

async function lookAfterRig(ref: RepositoryRef, deps: AppDependencies, botLogin: string): Promise<RigReport> {
  const opening = await openTown(ref, deps);
  if (opening.kind === "off") return { ...nothingDone(ref), outcome: "off", reason: opening.reason };
  const reading: RigReading = opening.kind === "invalid"
    ? { kind: "invalid", problems: opening.error.problems }
    : await readRig(opening.town, botLogin);
  const decision = decideRig(reading, { now: deps.clock(), botLogin });
  const repo = { owner: ref.owner, repo: ref.repo };
  for (const reminder of decision.reminders) await replyToIssue(ref.github, { ...repo, issue_number: reminder.number }, reminder.body);
  const open = await openIssuesLabelled(ref.github, repo, { label: TOWN_HEALTH_LABEL, creator: botLogin });
  const healthIssue: string[] = [];
  for (const action of healthIssueActions(decision.findings, open)) healthIssue.push(await apply(ref, action));
  return {
    ...nothingDone(ref), outcome: "checked", findings: decision.findings.map((f) => f.kind), reminded: decision.reminders.map((r) => r.number), healthIssue,
  };
}

async function readRig(town: Town, botLogin: string): Promise<RigReading> {
  const repo = { owner: town.owner, repo: town.repo };
  const { workflow } = town.config.polecat;
  const polecatWorkflow = await readWorkflow(town.github, repo, workflow);
  // Only an active workflow is worth reading: a missing or disabled one is the finding already.
  const ref = town.config.polecat.ref ?? town.defaultBranch;
  const polecatWorkflowFile = polecatWorkflow.kind === "found" && polecatWorkflow.state === "active"
    ? { ref, text: await workflowFileText(town.github, repo, workflow, ref) }
    : undefined;
  return {
    kind: "on",
    config: town.config,
    polecatWorkflow,
    ...(polecatWorkflowFile === undefined ? {} : { polecatWorkflowFile }),
    patrolWorkflow: await readWorkflow(town.github, repo, PATROL_WORKFLOW),
    ledgerErrors: await ledgerErrors(town),
    escalations: await overdueEscalations(town, botLogin),
  };
}

/** A workflow's state; a 403 is GitHub refusing the installation, which is itself a finding. */
async function readWorkflow(github: GitHubClient, repo: { owner: string; repo: string }, file: string): Promise<WorkflowReading> {
  try {
    const state = await workflowState(github, repo, file);
    return state === undefined ? { kind: "missing" } : { kind: "found", state };
  } catch (error) {
    if (statusOf(error) === 403) return { kind: "refused", status: 403, message: refusalOf(error) };
    throw error;
  }
}

/** The ledger branch's errors; none when it reads (warnings never fail a read). One request: the deacon writes nothing to it. */
async function ledgerErrors(town: Town): Promise<LedgerReadError["problems"]> {
  try {
    await town.store.peek();
    return [];
  } catch (error) {
    if (!(error instanceof LedgerReadError)) throw error;
    return error.problems.filter((problem) => problem.severity === "error");
  }
}

/** The App's open escalations old enough to be overdue, with their comments (only theirs are read). */
async function overdueEscalations(town: Town, botLogin: string): Promise<EscalationReading[]> {
  const repo = { owner: town.owner, repo: town.repo };
  const listed = await openIssuesLabelled(town.github, repo, { label: ESCALATED_LABEL, creator: botLogin });
  const readings: EscalationReading[] = [];
  for (const escalation of pastReminderAge(listed, town.deps.clock(), town.config.deacon.escalation_reminder_hours)) {
    readings.push({ ...escalation, comments: await listIssueComments(town.github, { ...repo, issue_number: escalation.number }) });
  }
  return readings;
}

async function apply(ref: RepositoryRef, action: HealthIssueAction): Promise<string> {
  const repo = { owner: ref.owner, repo: ref.repo };
  switch (action.kind) {
    case "open": {
      const opened = await createIssue(ref.github, repo, action);
      return `opened #${opened.number}`;
    }
    case "edit":
      await editIssueBody(ref.github, { ...repo, issue_number: action.number }, action.body);
      return `edited #${action.number}`;
    case "close":
      await replyToIssue(ref.github, { ...repo, issue_number: action.number }, action.comment);
      await closeIssue(ref.github, { ...repo, issue_number: action.number });
      return `closed #${action.number}`;
  }
}

function nothingDone(ref: RepositoryRef): RigReport {
  return { repository: `${ref.owner}/${ref.repo}`, outcome: "checked", findings: [], reminded: [], healthIssue: [] };
}
