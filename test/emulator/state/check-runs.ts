// Check runs. GitHub sends `check_run` created when one is made and completed when one ends;
// an update that leaves it unfinished (a heartbeat, say) sends nothing.
// https://docs.github.com/en/rest/checks/runs
// https://docs.github.com/en/webhooks/webhook-events-and-payloads#check_run
import type { Actor } from "./events.js";
import type { CheckConclusion, CheckOutput, CheckRunRecord, CheckStatus, EmulatorState } from "./model.js";
import { allocateId, nodeId, notFound, ok, produce, validationFailed, type Result } from "./result.js";

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

export function createCheckRun(state: EmulatorState, fullName: string, input: CheckRunInput & { name: string; head_sha: string }, actor: Actor, at: string): Result<CheckRunRecord> {
  return produce(state, (draft) => {
    const repo = draft.repos[fullName];
    if (!repo) return notFound();
    const id = allocateId(draft);
    // Each App has one check suite per commit.
    const checkSuiteId = repo.checkRuns.find((r) => r.headSha === input.head_sha)?.checkSuiteId ?? allocateId(draft);
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
    };
    const refused = applyInput(run, input, at);
    if (refused && !refused.ok) return refused;
    repo.checkRuns.push(run);
    return ok(draft, run, [{ event: "check_run", action: "created", repo: fullName, actor, checkRunId: id }]);
  });
}

export function updateCheckRun(state: EmulatorState, fullName: string, id: number, input: CheckRunInput, actor: Actor, at: string): Result<CheckRunRecord> {
  return produce(state, (draft) => {
    const run = draft.repos[fullName]?.checkRuns.find((r) => r.id === id);
    if (!run) return notFound();
    const wasCompleted = run.status === "completed";
    const refused = applyInput(run, input, at);
    if (refused && !refused.ok) return refused;
    const completes = !wasCompleted && run.status === "completed";
    return ok(draft, run, completes ? [{ event: "check_run", action: "completed", repo: fullName, actor, checkRunId: id }] : []);
  });
}
