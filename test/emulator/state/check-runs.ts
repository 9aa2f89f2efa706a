// Check runs. GitHub sends `check_run` created when one is made and completed when one ends;
// an update that leaves it unfinished (a heartbeat, say) sends nothing.
// https://docs.github.com/en/rest/checks/runs
// https://docs.github.com/en/webhooks/webhook-events-and-payloads#check_run
// When the last run of a suite completes, the suite completes and GitHub sends `check_suite`
// completed.
// https://docs.github.com/en/webhooks/webhook-events-and-payloads#check_suite
import type { Actor, DomainEvent } from "./events.js";
import type { CheckConclusion, CheckOutput, CheckRunOwner, CheckRunRecord, CheckStatus, CheckSuiteFacts, EmulatorState, RepoRecord } from "./model.js";
import { ACTIONS_APP_ID } from "./accounts.js";
import { allocateId, fail, nodeId, notFound, ok, produce, validationFailed, type Result } from "./result.js";

export type CheckRunInput = {
  name?: string;
  head_sha?: string;
  details_url?: string;
  external_id?: string;
  status?: CheckStatus;
  started_at?: string;
  conclusion?: CheckConclusion;
  completed_at?: string;
  output?: { title?: string; summary?: string; text?: string };
};

function applyInput(run: CheckRunRecord, input: CheckRunInput, at: string): Result<undefined> | undefined {
  if (input.name !== undefined) run.name = input.name;
  if (input.details_url !== undefined) run.detailsUrl = input.details_url;
  if (input.external_id !== undefined) run.externalId = input.external_id;
  if (input.started_at !== undefined) run.startedAt = input.started_at;
  if (input.status !== undefined) run.status = input.status;
  if (input.output !== undefined) {
    const output: CheckOutput = { title: input.output.title ?? null, summary: input.output.summary ?? null, text: input.output.text ?? null };
    run.output = output;
  }
  // A conclusion completes the run; `completed` needs a conclusion.
  if (input.conclusion !== undefined) {
    run.status = "completed";
    run.conclusion = input.conclusion;
  }
  if (run.status === "completed") {
    if (run.conclusion === null) return validationFailed(undefined, "Invalid request.\n\nNo conclusion given for completed check run.");
    run.completedAt = input.completed_at ?? run.completedAt ?? at;
  }
  return undefined;
}

// The suite's conclusion is its runs' most severe one.
// https://docs.github.com/en/rest/checks/suites
const SEVERITY: readonly CheckConclusion[] = ["action_required", "timed_out", "cancelled", "failure", "stale", "neutral", "success", "skipped"];

/** The suite's status and conclusion, summarised from its runs. */
export function suiteSummary(repo: RepoRecord, checkSuiteId: number): { status: CheckStatus; conclusion: CheckConclusion | null; runs: CheckRunRecord[] } {
  const runs = repo.checkRuns.filter((r) => r.checkSuiteId === checkSuiteId);
  if (runs.some((r) => r.status !== "completed")) return { status: runs.some((r) => r.status === "in_progress") ? "in_progress" : "queued", conclusion: null, runs };
  const conclusion = SEVERITY.find((c) => runs.some((r) => r.conclusion === c)) ?? null;
  return { status: "completed", conclusion, runs };
}

/** `check_suite` completed when the run that just ended was its suite's last. */
function suiteEvents(repo: RepoRecord, fullName: string, run: CheckRunRecord, actor: Actor): DomainEvent[] {
  return suiteSummary(repo, run.checkSuiteId).status === "completed" ? [{ event: "check_suite", action: "completed", repo: fullName, actor, checkSuiteId: run.checkSuiteId }] : [];
}

export function createCheckRun(
  state: EmulatorState,
  fullName: string,
  input: CheckRunInput & { name: string; head_sha: string },
  suite: CheckSuiteFacts,
  actor: Actor,
  at: string,
): Result<CheckRunRecord> {
  return produce(state, (draft) => {
    const repo = draft.repos[fullName];
    if (!repo) return notFound();
    const id = allocateId(draft);
    const owner = ownerOf(actor);
    // Each App has one check suite per commit.
    const sibling = repo.checkRuns.find((r) => r.headSha === input.head_sha && r.owner === owner);
    const checkSuiteId = sibling?.checkSuiteId ?? allocateId(draft);
    const run: CheckRunRecord = {
      id,
      nodeId: nodeId("CheckRun", id),
      name: input.name,
      headSha: input.head_sha,
      status: "queued",
      conclusion: null,
      externalId: "",
      detailsUrl: null,
      startedAt: at,
      completedAt: null,
      output: { title: null, summary: null, text: null },
      checkSuiteId,
      suite: sibling?.suite ?? suite,
      owner,
    };
    const refused = applyInput(run, input, at);
    if (refused && !refused.ok) return refused;
    repo.checkRuns.push(run);
    const created: DomainEvent = { event: "check_run", action: "created", repo: fullName, actor, checkRunId: id };
    // A run created completed sends only `created` (already completed), and may end its suite.
    return ok(draft, run, run.status === "completed" ? [created, ...suiteEvents(repo, fullName, run, actor)] : [created]);
  });
}

export function updateCheckRun(state: EmulatorState, fullName: string, id: number, input: CheckRunInput, actor: Actor, at: string): Result<CheckRunRecord> {
  return produce(state, (draft) => {
    const repo = draft.repos[fullName];
    const run = repo?.checkRuns.find((r) => r.id === id);
    if (!repo || !run) return notFound();
    // Only the App that made a check run may change it.
    // https://docs.github.com/en/rest/checks/runs#update-a-check-run
    if (run.owner !== ownerOf(actor)) return fail(403, "Resource not accessible by integration");
    const wasCompleted = run.status === "completed";
    const refused = applyInput(run, input, at);
    if (refused && !refused.ok) return refused;
    const completes = !wasCompleted && run.status === "completed";
    const completed: DomainEvent = { event: "check_run", action: "completed", repo: fullName, actor, checkRunId: id };
    return ok(draft, run, completes ? [completed, ...suiteEvents(repo, fullName, run, actor)] : []);
  });
}

/** The id of the App a check run belongs to, as `app.id` shows it and `app_id` filters by. */
export function checkRunAppId(state: EmulatorState, run: CheckRunRecord): number {
  return run.owner === "actions" ? ACTIONS_APP_ID : state.app.id;
}

/** A workflow's GITHUB_TOKEN acts as GitHub Actions; any other token as the installed App. */
function ownerOf(actor: Actor): CheckRunOwner {
  return actor.via === "actions" ? "actions" : "app";
}
