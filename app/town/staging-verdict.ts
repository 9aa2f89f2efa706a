// What the checks on a staging commit say, decided from what GitHub reports of it: the check
// runs, the commit statuses (external CI reports those), and the command gates' workflow run.
// Level-triggered: any event or pass reads them again and gets the same answer, so nothing waits
// in a job. Gas Town's own `gastown/*` check runs (a heartbeat, the queue's place) are never
// gates.
//   - `required` checks: the contexts the base branch's rules and protection require, each by
//     a check run's name or a status's context; with none named, every check reported, and at
//     least one
//   - command gates: the gates workflow's run on that commit
// Any red is red at once (no need to wait for the rest); otherwise a run waiting for a person's
// approval (`action_required`) waits on a person, which is no failure; otherwise anything not
// finished is pending.

export interface CheckRunFact {
  readonly id: number;
  readonly name: string;
  readonly status: string;
  readonly conclusion: string | null;
  readonly url?: string;
  /** What the check said of itself, shown with a failure. */
  readonly summary?: string;
}

export interface StatusFact {
  readonly context: string;
  /** error, failure, pending or success. */
  readonly state: string;
  readonly url?: string;
  readonly description?: string;
}

export interface GatesRunFact {
  readonly id: number;
  readonly status: string;
  readonly conclusion: string | null;
  readonly url: string;
}

export interface StagingFacts {
  readonly checkRuns: readonly CheckRunFact[];
  readonly statuses: readonly StatusFact[];
  /** The contexts the base requires; empty when it names none. */
  readonly required: readonly string[];
  /** Whether checks count (`refinery.gates.checks: required`). */
  readonly checks: boolean;
  /** Whether command gates are configured; then their run, once there is one. */
  readonly commands: boolean;
  readonly gatesRun?: GatesRunFact;
}

/** One red gate, with where to read more. */
export interface RedGate {
  readonly name: string;
  readonly url?: string;
  readonly summary?: string;
  /** The gates workflow's run, whose log is the evidence. */
  readonly gatesRunId?: number;
}

export type StagingVerdict =
  | { readonly kind: "green" }
  | { readonly kind: "red"; readonly red: readonly RedGate[] }
  | { readonly kind: "person"; readonly waiting: string }
  | { readonly kind: "pending"; readonly waiting: string };

/** The name the command gates go by in verdicts and the flaky record. */
export const COMMAND_GATES = "gates";

type Result = "pass" | "fail" | "person" | "pending";

const PASSING = new Set(["success", "neutral", "skipped"]);

function checkRunResult(run: CheckRunFact): Result {
  if (run.status !== "completed") return "pending";
  if (run.conclusion !== null && PASSING.has(run.conclusion)) return "pass";
  return run.conclusion === "action_required" ? "person" : "fail";
}

function statusResult(status: StatusFact): Result {
  return status.state === "success" ? "pass" : status.state === "pending" ? "pending" : "fail";
}

export function stagingVerdict(facts: StagingFacts): StagingVerdict {
  const gates: { name: string; result: Result; red: RedGate }[] = [];
  const waiting: string[] = [];
  if (facts.checks) {
    const runs = latestBy(facts.checkRuns.filter((run) => !run.name.startsWith("gastown/")), (run) => run.name);
    const statuses = new Map(facts.statuses.map((status) => [status.context, status]));
    const names = facts.required.length > 0 ? facts.required : [...new Set([...runs.keys(), ...statuses.keys()])];
    if (names.length === 0) waiting.push("no check has reported on the staging commit yet");
    for (const name of names) {
      const run = runs.get(name);
      const status = statuses.get(name);
      if (run !== undefined) {
        gates.push({ name, result: checkRunResult(run), red: { name, ...(run.url ? { url: run.url } : {}), ...(run.summary ? { summary: run.summary } : {}) } });
      } else if (status !== undefined) {
        gates.push({ name, result: statusResult(status), red: { name, ...(status.url ? { url: status.url } : {}), ...(status.description ? { summary: status.description } : {}) } });
      } else waiting.push(`the required check \`${name}\` has not reported`);
    }
  }
  if (facts.commands) {
    const run = facts.gatesRun;
    if (run === undefined) waiting.push("the gates workflow has not started");
    else {
      const result: Result = run.status !== "completed" ? "pending" : run.conclusion === "success" ? "pass"
        : run.conclusion === "action_required" ? "person" : "fail";
      gates.push({ name: COMMAND_GATES, result, red: { name: COMMAND_GATES, url: run.url, gatesRunId: run.id } });
    }
  }
  const red = gates.filter((gate) => gate.result === "fail").map((gate) => gate.red);
  if (red.length > 0) return { kind: "red", red };
  const person = gates.filter((gate) => gate.result === "person").map((gate) => `\`${gate.name}\``);
  if (person.length > 0) return { kind: "person", waiting: `${person.join(", ")} waits for a person to approve its run` };
  waiting.push(...gates.filter((gate) => gate.result === "pending").map((gate) => `\`${gate.name}\` is running`));
  return waiting.length > 0 ? { kind: "pending", waiting: waiting.join("; ") } : { kind: "green" };
}

/** The newest of each name (check runs are numbered in the order they were made). */
function latestBy<T extends { readonly id: number }>(items: readonly T[], key: (item: T) => string): Map<string, T> {
  const latest = new Map<string, T>();
  for (const item of items) {
    const seen = latest.get(key(item));
    if (seen === undefined || item.id > seen.id) latest.set(key(item), item);
  }
  return latest;
}
