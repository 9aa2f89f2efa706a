// The deacon (issue 16, `mol-deacon-patrol`): the town-wide patrol over every repository of an
// installation. For one rig, from what was read of it, it decides what is wrong that a person
// must fix (the findings), which unanswered escalations to mention again, and what becomes of
// the rig's one `gt:town-health` issue: opened when there are findings and none is open, edited
// in place when they change, closed when they are all cleared. A pass that finds nothing and
// has no issue open writes nothing. Pure: the handler (handlers/deacon-town.ts) reads and writes.
import type { ConfigProblem } from "../config/read-config.js";
import type { GastownConfig } from "../config/config-schema.js";
import type { LedgerProblem } from "../ledger/ledger-problems.js";
import type { LocatedProblem } from "../yaml/located-yaml.js";
import { dispatchRefusal } from "./polecat-workflow-check.js";
import { decideEscalations, type EscalationReading, type Reminder, type Unanswered } from "./escalation-reminders.js";
import { townHealthBody, TOWN_HEALTH_CLOSED, TOWN_HEALTH_LABEL, TOWN_HEALTH_TITLE } from "./town-health.js";

/**
 * The scheduled workflow that runs the witness's patrol in Actions-only mode. Missing is no
 * finding (an App server runs the patrol on its own timer); disabled is.
 */
export const PATROL_WORKFLOW = "gastown-patrol.yml";

/** A workflow as `GET /repos/{owner}/{repo}/actions/workflows/{file}` showed it. */
export type WorkflowReading =
  | { readonly kind: "missing" }
  /** `active`, `disabled_manually`, `disabled_inactivity`, `disabled_fork`, `deleted`. */
  | { readonly kind: "found"; readonly state: string }
  /** GitHub refused to answer (403: the installation may not read Actions here). */
  | { readonly kind: "refused"; readonly status: number; readonly message: string };

/** What the deacon read of one rig. */
export type RigReading =
  /** `.github/gastown.yml` does not read: nothing else is read, since nothing else is known. */
  | { readonly kind: "invalid"; readonly problems: readonly ConfigProblem[] }
  | {
    readonly kind: "on";
    readonly config: GastownConfig;
    readonly polecatWorkflow: WorkflowReading;
    /**
     * The polecat workflow's file where a sling dispatches it (`polecat.ref`, else the default
     * branch), read when the workflow is active; `text` undefined when it is not there.
     */
    readonly polecatWorkflowFile?: { readonly ref: string; readonly text: string | undefined };
    readonly patrolWorkflow: WorkflowReading;
    /** The ledger branch's errors when it does not read; none when it does. */
    readonly ledgerErrors: readonly LedgerProblem[];
    /** Open escalations old enough to be overdue, with their comments. */
    readonly escalations: readonly EscalationReading[];
  };

/** Something wrong with a rig that a person must fix, each naming where. */
export type Finding =
  | { readonly kind: "config"; readonly problems: readonly ConfigProblem[] }
  | { readonly kind: "polecat-workflow-missing"; readonly file: string }
  | { readonly kind: "polecat-workflow-disabled"; readonly file: string; readonly state: string }
  | { readonly kind: "polecat-workflow-refused"; readonly file: string; readonly status: number; readonly message: string }
  /** A dispatch GitHub would refuse: the file not on the ref, or `problem` in it. */
  | { readonly kind: "polecat-workflow-undispatchable"; readonly file: string; readonly ref: string; readonly problem?: LocatedProblem }
  | { readonly kind: "patrol-workflow-disabled"; readonly file: string; readonly state: string }
  | { readonly kind: "ledger"; readonly branch: string; readonly errors: readonly LedgerProblem[] }
  | { readonly kind: "escalation"; readonly escalation: Unanswered; readonly hours: number };

export interface RigDecision {
  readonly findings: readonly Finding[];
  readonly reminders: readonly Reminder[];
}

/** The findings for one rig, in the order the health issue lists them, and the reminders due. */
export function decideRig(reading: RigReading, options: { now: Date; botLogin: string }): RigDecision {
  if (reading.kind === "invalid") return { findings: [{ kind: "config", problems: reading.problems }], reminders: [] };
  const { config } = reading;
  const findings: Finding[] = [];
  const polecat = workflowPath(config.polecat.workflow);
  const polecatFinding = polecatWorkflowFinding(polecat, reading.polecatWorkflow) ?? dispatchFinding(polecat, reading.polecatWorkflowFile);
  if (polecatFinding) findings.push(polecatFinding);
  const patrol = reading.patrolWorkflow;
  if (patrol.kind === "found" && isDisabled(patrol.state)) {
    findings.push({ kind: "patrol-workflow-disabled", file: workflowPath(PATROL_WORKFLOW), state: patrol.state });
  }
  if (reading.ledgerErrors.length > 0) findings.push({ kind: "ledger", branch: config.ledger.branch, errors: reading.ledgerErrors });
  const hours = config.deacon.escalation_reminder_hours;
  const escalations = decideEscalations(reading.escalations, { ...options, hours });
  for (const escalation of escalations.unanswered) findings.push({ kind: "escalation", escalation, hours });
  return { findings, reminders: escalations.reminders };
}

function polecatWorkflowFinding(file: string, reading: WorkflowReading): Finding | undefined {
  switch (reading.kind) {
    case "missing":
      return { kind: "polecat-workflow-missing", file };
    case "refused":
      return { kind: "polecat-workflow-refused", file, status: reading.status, message: reading.message };
    case "found":
      // GitHub keeps a workflow whose file was removed, as `deleted`.
      if (reading.state === "deleted") return { kind: "polecat-workflow-missing", file };
      return isDisabled(reading.state) ? { kind: "polecat-workflow-disabled", file, state: reading.state } : undefined;
  }
}

function dispatchFinding(file: string, read: { ref: string; text: string | undefined } | undefined): Finding | undefined {
  if (read === undefined) return undefined;
  if (read.text === undefined) return { kind: "polecat-workflow-undispatchable", file, ref: read.ref };
  const problem = dispatchRefusal(read.text, file);
  return problem === undefined ? undefined : { kind: "polecat-workflow-undispatchable", file, ref: read.ref, problem };
}

/** Every state but `active` (and `deleted`, a file gone) starts no run: disabled by a person, by GitHub, or in a fork. */
function isDisabled(state: string): boolean {
  return state !== "active" && state !== "deleted";
}

export function workflowPath(file: string): string {
  return `.github/workflows/${file}`;
}

/** An open `gt:town-health` issue the App opened. */
export interface OpenHealthIssue {
  readonly number: number;
  readonly body: string;
}

export type HealthIssueAction =
  | { readonly kind: "open"; readonly title: string; readonly body: string; readonly labels: readonly string[] }
  | { readonly kind: "edit"; readonly number: number; readonly body: string }
  | { readonly kind: "close"; readonly number: number; readonly comment: string };

/**
 * What to do with the rig's health issue, given its findings and the open health issues the App
 * opened (any order): one issue, found by its label and edited in place. Two open at once (two
 * passes that each opened one) is repaired: the oldest stays, the others are closed.
 */
export function healthIssueActions(findings: readonly Finding[], open: readonly OpenHealthIssue[]): HealthIssueAction[] {
  const [kept, ...extra] = [...open].sort((a, b) => a.number - b.number);
  const duplicates: HealthIssueAction[] = extra.map((issue) => ({
    kind: "close", number: issue.number, comment: `Gas Town keeps one town health issue per repository: #${kept?.number ?? "?"} is it.`,
  }));
  if (findings.length === 0) {
    return kept === undefined ? [] : [{ kind: "close", number: kept.number, comment: TOWN_HEALTH_CLOSED }, ...duplicates];
  }
  const body = townHealthBody(findings);
  if (kept === undefined) return [{ kind: "open", title: TOWN_HEALTH_TITLE, body, labels: [TOWN_HEALTH_LABEL] }];
  return [...(kept.body === body ? [] : [{ kind: "edit" as const, number: kept.number, body }]), ...duplicates];
}
