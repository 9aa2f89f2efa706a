// What the refinery does on GitHub once the ledger has recorded a pull request leaving the queue:
//   - ejected: the evidence on the pull request (the red gates, the end of the failing log,
//     fenced), the `gt:queue` label off; a polecat's pull request goes back to a polecat with
//     `mol-polecat-fix` (a failure, the evidence as `failure_summary`) or
//     `mol-polecat-conflict-resolve` (a conflict), labelled `gt:fix-needed`, up to
//     `refinery.max_fix_attempts` times, then escalated to whoever slung it; a person's pull
//     request is theirs to fix and queue again
//   - landed: each pull request told where it landed; where the landing left its head
//     unreachable (a squash or rebase of the refinery pull request) it is closed with a link, and
//     its issue closed
import { hasMarkedComment, replyToIssue } from "../github/issue-comments.js";
import { showQueueState } from "../github/queue-check-run.js";
import { addLabels, labelsOn, removeLabel } from "../github/issue-labels.js";
import { jobLog, listRunJobs } from "../github/job-logs.js";
import { closeIssue } from "../github/update-issue.js";
import type { Bead } from "../ledger/bead-schema.js";
import type { Ledger } from "../ledger/ledger.js";
import { cook } from "../molecules/cook.js";
import { gastownMetadata, gastownString, withGastownMetadata } from "../molecules/gastown-metadata.js";
import type { MergeRequest } from "../town/merge-queue.js";
import type { Ejected, Landed } from "../town/refinery.js";
import { ejectedComment, ejectedMarker, failureEvidence, failureSummaryVar } from "../town/refinery-texts.js";
import { FIX_NEEDED_LABEL, issueNumberOf, QUEUE_LABEL } from "../town/publish-exit.js";
import { escalatedBead, sling, type SlingOutcome } from "../town/sling.js";
import { slingLabelsOn } from "../town/sling-label.js";
import { owedSendBack, overdueSendBacks, sendBackOf, sendBackPaid, type SendBack } from "../town/send-back.js";
import { ESCALATED_LABEL } from "../town/state-labels.js";
import type { RedGate } from "../town/staging-verdict.js";
import { wakeConvoys } from "./convoy-run.js";
import { issueSnapshot, type IssuePayload } from "./issue-events.js";
import type { TownEvent } from "./repository-town.js";
import { dispatchHooked, issueOfBead } from "./sling-issue.js";

export const FIX_FORMULA = "mol-polecat-fix";
export const CONFLICT_FORMULA = "mol-polecat-conflict-resolve";

const EJECTED_WHY: Readonly<Record<Ejected["why"], string>> = {
  failed: "it failed the gates",
  conflict: "it conflicts with the base or the pull requests ahead of it",
  refused: "GitHub refused to merge it",
};

/**
 * The send-back an ejection owes (app/town/send-back.ts), done, and its debt cleared in the commit
 * that does its last ledger change: a fix slung, an escalation, or, where there is neither, a
 * commit of its own. Each step before that commit is safe to do again, so a send-back cut short is
 * finished by the next pass that finds it owed (refineTown): whoever clears it first acts, the
 * others find nothing owed. Its comment is said once: finished again, it is looked for first.
 */
export async function sendBackEjected(town: TownEvent, owed: SendBack, ledger: Ledger, options: { readonly again?: boolean } = {}): Promise<void> {
  const { ejected, evidence } = owed;
  const { request } = ejected;
  const repo = { owner: town.owner, repo: town.repo };
  const text = typeof evidence === "string" ? evidence : failureEvidence({ ...evidence, ...await failingLog(town, evidence.red) });
  const work = request.bead === undefined ? undefined : ledger.get(request.bead);
  const marker = ejectedMarker(request.id, owed.at);
  const pull = { ...repo, issue_number: request.number };
  const say = async (next: string) => {
    // A send-back finished again says its comment only if the first try did not get that far.
    if (options.again === true && await hasMarkedComment(town.github, pull, marker, town.botLogin)) return;
    await replyToIssue(town.github, pull, ejectedComment({ marker, number: request.number, why: EJECTED_WHY[ejected.why], evidence: text, next }));
  };
  await removeLabel(town.github, pull, QUEUE_LABEL);
  await showQueueState(town.github, { ...repo, number: request.number, headSha: request.headSha, botLogin: town.botLogin, display: { kind: "ejected", why: EJECTED_WHY[ejected.why], evidence: text } });
  if (work === undefined || request.polecat === undefined || ejected.why === "refused") {
    await say(work === undefined ? "Fix it, then `/queue` it again." : "A polecat cannot fix this; a person must, then `/queue` it again.");
    await paid(town, request);
    return;
  }
  const fixes = typeof gastownMetadata(work).fix_attempts === "number" ? gastownMetadata(work).fix_attempts as number : 0;
  const max = town.config.refinery.max_fix_attempts;
  if (fixes >= max) {
    const escalated = await escalate(town, work, request.id, `its pull request #${request.number} failed in the merge queue after ${fixes} fix${fixes === 1 ? "" : "es"} (refinery.max_fix_attempts is ${max})`);
    if (!escalated) return;
    await say(fixes === 0
      ? `Sending it back to a polecat is off (refinery.max_fix_attempts is 0), so it is escalated to the people who slung it.`
      : `It has gone back to a polecat ${fixes} time${fixes === 1 ? "" : "s"} already, so it is escalated to the people who slung it.`);
    await paid(town, request);
    return;
  }
  const formula = ejected.why === "conflict" ? CONFLICT_FORMULA : FIX_FORMULA;
  await addLabels(town.github, pull, [FIX_NEEDED_LABEL]);
  await say(`It goes back to polecat **${request.polecat}** with \`${formula}\` (fix ${fixes + 1} of ${max}), and comes back into the queue when the polecat is done.`);
  await resling(town, work, request.id, { formula, pr: request.number, summary: failureSummaryVar(text), fixes: fixes + 1, base: request.base });
}

/** The send-backs the ejections just committed in `ledger` owe, done. */
export async function sendBack(town: TownEvent, ejected: readonly Ejected[], ledger: Ledger): Promise<void> {
  for (const { request } of ejected) {
    const bead = ledger.get(request.id);
    const owed = bead === undefined ? undefined : sendBackOf(bead);
    if (owed !== undefined) await sendBackEjected(town, owed, ledger);
  }
}

/** Each send-back owed past its grace, finished: those of refinery runs cut short. */
export async function finishSendBacks(town: TownEvent, ledger: Ledger): Promise<string[]> {
  const said: string[] = [];
  for (const owed of overdueSendBacks(ledger, `${town.owner}/${town.repo}`, town.deps.clock())) {
    await sendBackEjected(town, owed, ledger, { again: true });
    said.push(`#${owed.ejected.request.number}: its send-back, cut short, is finished.`);
  }
  return said;
}

/** The end of the gates workflow's failing job's log, when a red gate is the gates workflow. */
async function failingLog(town: TownEvent, red: readonly RedGate[]): Promise<{ log?: string }> {
  const runId = red.find((gate) => gate.gatesRunId !== undefined)?.gatesRunId;
  if (runId === undefined) return {};
  const jobs = await listRunJobs(town.github, { owner: town.owner, repo: town.repo, runId });
  const failed = jobs.find((job) => job.conclusion === "failure") ?? jobs[0];
  const log = failed === undefined ? undefined : await jobLog(town.github, { owner: town.owner, repo: town.repo, jobId: failed.id });
  return log === undefined ? {} : { log };
}

/** The work bead slung again with a fix formula, on its own pull request's branch. */
async function resling(town: TownEvent, work: Bead, owing: string, fix: { readonly formula: string; readonly pr: number; readonly summary: string; readonly fixes: number; readonly base: string }): Promise<void> {
  const number = issueNumberOf(work);
  if (number === undefined) {
    await town.store.update(`Refinery: ${work.id} has no issue to sling again`, (ledger) => sendBackPaid(ledger, owing));
    return;
  }
  const { data } = await town.github.request("GET /repos/{owner}/{repo}/issues/{issue_number}", { owner: town.owner, repo: town.repo, issue_number: number });
  const issue = issueSnapshot(data as IssuePayload);
  const library = await town.deps.loadFormulas(town.github, { owner: town.owner, repo: town.repo }, [fix.formula]);
  let outcome: SlingOutcome | undefined;
  const written = await town.store.update(`Refinery: ${work.id} back to its polecat with ${fix.formula} for #${fix.pr}`, (ledger) => {
    outcome = undefined;
    if (!owes(ledger, owing)) return ledger;
    const slung = sling(sendBackPaid(ledger, owing), {
      issue, formula: fix.formula, vars: { failure_summary: fix.summary, pr: String(fix.pr) }, baseBranch: fix.base,
      slungBy: gastownString(work, "slung_by") ?? town.botLogin, now: town.deps.clock(), config: town.config, fallbackPrefix: town.fallbackPrefix,
      cook: (name, values) => cook(name, library, values),
    });
    outcome = slung.outcome;
    const bead = slung.ledger.get(work.id);
    return bead === undefined ? slung.ledger : slung.ledger.withBead(withGastownMetadata(bead, { fix_attempts: fix.fixes }));
  });
  if (outcome?.kind !== "dispatch" || !written.changed) return;
  const { polecat, attempt } = outcome.assignment;
  await dispatchHooked(town, issueOfBead(town, outcome.bead), outcome.assignment, written.state,
    `The merge queue sent pull request #${fix.pr} back: polecat **${polecat}** works on it with \`${fix.formula}\` (attempt ${attempt}).`);
}

/**
 * The work escalated to whoever slung it (once, whatever the passes), its labels and comment after
 * the commit: a person's unlabelling must find the bead escalated already. False when another run
 * paid the send-back first.
 */
async function escalate(town: TownEvent, work: Bead, owing: string, reason: string): Promise<boolean> {
  const written = await town.store.update(`Refinery: ${work.id} escalated: ${reason}`, (ledger) => {
    const bead = ledger.get(work.id);
    if (bead === undefined || !owes(ledger, owing) || gastownString(bead, "exit_reason") === reason) return ledger;
    return ledger.withBead(escalatedBead(bead, town.deps.clock(), reason));
  });
  if (!owes(written.state.ledger, owing)) return false;
  const number = issueNumberOf(work);
  if (number === undefined) return true;
  const slungBy = gastownString(work, "slung_by");
  const issue = { owner: town.owner, repo: town.repo, issue_number: number };
  await addLabels(town.github, issue, [ESCALATED_LABEL]);
  // As after an ESCALATE exit, the sling label comes off: a person slings again once they have acted.
  for (const label of slingLabelsOn(await labelsOn(town.github, issue) ?? [], town.config.sling.label)) await removeLabel(town.github, issue, label);
  await replyToIssue(town.github, { owner: town.owner, repo: town.repo, issue_number: number },
    `${slungBy === undefined ? "" : `@${slungBy}: `}the refinery escalated this issue to you: ${reason}.`);
  return true;
}

/** The send-back's debt cleared, once all it owed is done. */
async function paid(town: TownEvent, request: MergeRequest): Promise<void> {
  await town.store.update(`Refinery: #${request.number} has what it was owed on leaving the queue`, (ledger) => sendBackPaid(ledger, request.id));
}

/** Whether the merge-request bead still owes its send-back. */
function owes(ledger: Ledger, id: string): boolean {
  const bead = ledger.get(id);
  return bead !== undefined && owedSendBack(bead) !== undefined;
}

export async function tellLanded(town: TownEvent, landing: { readonly landed: readonly Landed[]; readonly where: string; readonly sha: string; readonly closeEach: boolean }): Promise<void> {
  const repo = { owner: town.owner, repo: town.repo };
  for (const { request, work } of landing.landed) {
    await replyToIssue(town.github, { ...repo, issue_number: request.number }, `Landed in ${landing.where} (\`${landing.sha.slice(0, 12)}\`) by the merge queue.`);
    if (!landing.closeEach) continue;
    await town.github.request("PATCH /repos/{owner}/{repo}/pulls/{pull_number}", { ...repo, pull_number: request.number, state: "closed" });
    const issue = work === undefined ? undefined : issueNumberOf(work);
    if (issue !== undefined) await closeIssue(town.github, { ...repo, issue_number: issue });
  }
  // A convoy's work landed: its convoy goes on (a patrol pass does the same if this is missed).
  await wakeConvoys(town, landing.landed.map((l) => l.work));
}
