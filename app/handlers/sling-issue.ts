// Slinging an issue to a polecat, as a story:
//   1. acknowledge (👀)
//   2. read the ledger; if the bead is hooked, look at its run
//   3. load the formula and write the sling in one compare-and-swap commit (app/town/sling.ts)
//   4. only the writer of the hook dispatches the polecat workflow, then records the run
//   5. show the outcome: the status comment and the state labels
import { ConfigError } from "../config/read-config.js";
import { replyToIssue } from "../github/issue-comments.js";
import { labelsOn } from "../github/issue-labels.js";
import { react, type ReactionTarget } from "../github/reactions.js";
import type { LedgerState } from "../github/ledger-store.js";
import { cancelRun, DispatchError, dispatchWorkflow, findRunByName, isLiveRun, type RunSummary } from "../github/polecat-runs.js";
import { beadStatus, type Bead } from "../ledger/bead-schema.js";
import { beadByExternalRef } from "../ledger/external-ref.js";
import { cook } from "../molecules/cook.js";
import { FormulaError } from "../molecules/formula-problems.js";
import { gastownString } from "../molecules/gastown-metadata.js";
import { MoleculeError } from "../molecules/molecule.js";
import type { FormulaLibrary } from "../molecules/resolve-formula.js";
import { releaseRefusedDispatch } from "../town/dispatch-records.js";
import type { IssueSnapshot } from "../town/import-issue.js";
import { polecatInputs, polecatRunName, type PolecatAssignment } from "../town/polecat-dispatch.js";
import { issueNumberOf } from "../town/publish-exit.js";
import { attemptOf, dispatchedWithinGrace, sling, type SlingOutcome } from "../town/sling.js";
import { slingLabelsOn } from "../town/sling-label.js";
import { ESCALATED_LABEL, HOOKED_LABEL, WAITING_LABEL } from "../town/state-labels.js";
import { promoteWaiting, type Promoted } from "../town/waiting.js";
import { otherStatusLabels, showStatus, type IssueOnGitHub } from "./issue-status.js";
import { isConvoyIssue, withConvoyWork } from "../town/convoy.js";
import { startConvoy } from "./convoy-run.js";
import { findBeadRun } from "./observe-polecat.js";
import type { Town, TownEvent } from "./repository-town.js";

export interface SlingRequest {
  readonly issue: IssueSnapshot;
  /** Named by the label or the command; undefined: `sling.formula`. */
  readonly formula: string | undefined;
  readonly vars: Readonly<Record<string, string>>;
  readonly sender: string;
  /** What the 👀 goes on: the issue for a label, the comment for a command. */
  readonly acknowledge: ReactionTarget;
  /** `/retry`: the next attempt now, stopping the current run if it still looks alive. */
  readonly retry?: boolean;
  /** Slung by a convoy: its work bead is marked as the convoy's (convoy.ts withConvoyWork). */
  readonly convoy?: { readonly ref: string; readonly convoyAt: string };
}

export async function slingIssue(town: TownEvent, request: SlingRequest): Promise<void> {
  const { issue } = request;
  const now = town.deps.clock();
  await react(town.github, request.acknowledge, "eyes");
  // An epic or a `gt:convoy` issue is a convoy: its sub-issues are slung, not the issue itself.
  if (isConvoyIssue(issue.labels)) return await startConvoy(town, request);

  const read = await town.store.read();
  const seen = beadByExternalRef(read.ledger, issue.url);
  const hooked = seen !== undefined && beadStatus(seen) === "hooked";
  // A dispatch within its grace period is left alone whatever its run shows, so no need to look.
  const observed = hooked && (request.retry || !dispatchedWithinGrace(seen, now)) ? await observeRun(town, seen) : undefined;
  if (request.retry && (!seen || attemptOf(seen) === 0)) {
    await replyToIssue(town.github, { owner: town.owner, repo: town.repo, issue_number: issue.number },
      `@${request.sender}: this issue has never been slung, so there is nothing to retry; \`/sling\` it.`);
    return;
  }

  // A retry goes on with the formula the bead was slung with.
  const formula = request.formula ?? (request.retry && seen ? gastownString(seen, "formula") : undefined) ?? town.config.sling.formula;
  let outcome: SlingOutcome | undefined;
  let promoted: Promoted["hooked"];
  const load = () => town.deps.loadFormulas(town.github, { owner: town.owner, repo: town.repo }, [formula]);
  const write = (library: FormulaLibrary | undefined) => town.store.update(
    () => commitMessage(issue, outcome, promoted),
    (ledger) => {
      const slung = sling(ledger, {
        issue, formula, vars: request.vars, baseBranch: town.defaultBranch, slungBy: request.sender, now,
        config: town.config, fallbackPrefix: town.fallbackPrefix, cook: cookWith(library),
        ...(observed ? { observedRun: { attempt: observed.attempt, live: observed.live } } : {}),
        ...(request.retry ? { retry: true } : {}),
      });
      outcome = slung.outcome;
      // A hook let go at last (no run after every attempt) frees its slot for the sling that waits longest.
      const next = slung.outcome.kind === "escalate" ? promoteWaiting(slung.ledger, town.config, now) : { ledger: slung.ledger };
      promoted = next.hooked;
      return request.convoy ? withConvoyWork(next.ledger, issue.url, request.convoy) : next.ledger;
    },
    { from: read },
  );
  let written;
  try {
    // A bead already hooked is mostly left as it is, so its formulas are fetched only if needed.
    try {
      written = await write(hooked ? undefined : await load());
    } catch (error) {
      if (!(error instanceof FormulasNotLoaded)) throw error;
      written = await write(await load());
    }
  } catch (error) {
    if (!(error instanceof FormulaError || error instanceof MoleculeError || error instanceof ConfigError)) throw error;
    await showStatus(town, issue, {
      state: "error", now, detail: error.message, sandbox: town.config.polecat,
      headline: `@${request.sender}, this issue could not be slung with \`${formula}\`:`,
      ...(seen ? { bead: seen, ledger: read.ledger } : {}),
    });
    return;
  }
  if (outcome === undefined) throw new Error("the sling mutation never ran");
  await settle(town, request, outcome, written.state, observed?.run);
  if (promoted !== undefined && written.changed) await dispatchPromoted(town, promoted, written.state);
}

/** The bead's current attempt and whether its run is live. */
async function observeRun(town: Town, bead: Bead): Promise<{ attempt: number; live: boolean; run: RunSummary | undefined }> {
  const attempt = attemptOf(bead);
  const run = await findBeadRun(town, bead, attempt);
  return { attempt, live: run !== undefined && isLiveRun(run), run };
}

/** Thrown by the mutation when it needs formulas that were not fetched. */
class FormulasNotLoaded extends Error {}

function cookWith(library: FormulaLibrary | undefined) {
  return (name: string, vars: Readonly<Record<string, string>>) => {
    if (!library) throw new FormulasNotLoaded(name);
    return cook(name, library, vars);
  };
}

/** Steps 4 and 5, by outcome. */
async function settle(town: TownEvent, request: SlingRequest, outcome: SlingOutcome, state: LedgerState, seenRun: RunSummary | undefined): Promise<void> {
  const { issue } = request;
  const now = town.deps.clock();
  const view = { now, bead: outcome.bead, ledger: state.ledger, sandbox: town.config.polecat };
  const slingLabels = slingLabelsOn(issue.labels, town.config.sling.label);
  // The sling label stays on while the bead is slung, whichever way it was slung, so taking it off unslings.
  const missingSlingLabel = slingLabels.length === 0 ? [town.config.sling.label] : [];
  switch (outcome.kind) {
    case "dispatch": {
      // The attempt it replaces stops on its own once it sees the ledger's; cancelling saves its minutes.
      if (outcome.reason === "retry" && seenRun && isLiveRun(seenRun)) {
        await cancelRun(town.github, { owner: town.owner, repo: town.repo, runId: seenRun.id });
      }
      const { polecat, attempt } = outcome.assignment;
      const how = outcome.reason === "retry"
        ? (request.retry ? `Retried by @${request.sender}: the last attempt was stopped and this one started` : `No run was seen for the last attempt, so it was dispatched again`) :
        outcome.reason === "resume" ? `It resumes the open molecule from its first step not done` : `It is on its way`;
      await dispatchHooked(town, async () => issue, outcome.assignment, state, outcome.reason === "retry" && request.retry
        ? `${how}: polecat **${polecat}**, attempt ${attempt}.`
        : `Slung by @${request.sender} to polecat **${polecat}** (attempt ${attempt}). ${how}.`, missingSlingLabel);
      return;
    }
    case "already-hooked": {
      const polecat = gastownString(outcome.bead, "polecat") ?? "?";
      const run = seenRun ? ` ([run ${seenRun.id}](${seenRun.html_url}), ${seenRun.status})` : "";
      const said = outcome.why === "running"
        ? `already hooked: polecat **${polecat}** is running it${run}, so nothing more was started.`
        : `already hooked: polecat **${polecat}** was dispatched moments ago, so nothing more was started.`;
      // A person who asked gets one reply. A label seen again (a redelivery, a second replica)
      // needs no answer: the writer of the hook shows the status.
      if (request.acknowledge && "comment_id" in request.acknowledge) {
        await replyToIssue(town.github, { owner: town.owner, repo: town.repo, issue_number: issue.number }, `@${request.sender}: ${said}`);
      }
      return;
    }
    case "waiting":
      await showStatus(town, issue, {
        ...view, state: "waiting",
        headline: `All ${outcome.hooked} polecats are busy (limits.max_polecats is ${town.config.limits.max_polecats}). ` +
          `This issue waits for the next free one.`,
      }, { add: [WAITING_LABEL, ...missingSlingLabel] });
      return;
    case "escalate":
      await showStatus(town, issue, {
        ...view, state: "escalated",
        headline: `No polecat run was seen after ${outcome.attempts} attempts, so the hook was let go. ` +
          `Look at the polecat workflow's runs, then sling again.`,
      }, { add: [ESCALATED_LABEL], remove: [HOOKED_LABEL, ...slingLabels] });
      return;
    case "closed":
      await showStatus(town, issue, {
        ...view, state: "error", headline: `This issue is closed, so it was not slung. Reopen it first.`,
      }, { remove: slingLabels });
      return;
  }
}

/**
 * Steps 4 and 5 for a hook its caller wrote (a sling, or a freed slot's waiting bead): the polecat workflow dispatched and the issue
 * showing it, or, where GitHub refused the dispatch, the hook let go and the issue saying why.
 */
export async function dispatchHooked(
  town: TownEvent, issueOf: () => Promise<IssueOnGitHub | undefined>, assignment: PolecatAssignment, state: LedgerState,
  headline: string, addLabels: readonly string[] = [],
): Promise<void> {
  const dispatched = await dispatch(town, assignment, state);
  // The issue is looked at once the polecat is on its way; one gone leaves it running all the same.
  const issue = await issueOf();
  if (issue === undefined) return;
  const view = { now: town.deps.clock(), bead: dispatched.bead, ledger: dispatched.ledger, sandbox: town.config.polecat };
  if (dispatched.refused) {
    await showStatus(town, issue, {
      ...view, state: "error", detail: dispatched.refused,
      headline: `The polecat workflow could not be started, so the hook was let go. Fix the workflow, then sling again.`,
    }, { remove: [HOOKED_LABEL, ...slingLabelsOn(issue.labels, town.config.sling.label)] });
    return;
  }
  await showStatus(town, issue, {
    ...view, state: "hooked", headline, ...(dispatched.run ? { run: dispatched.run } : {}),
  }, { add: [HOOKED_LABEL, ...addLabels], remove: [WAITING_LABEL, ...otherStatusLabels(issue.labels, HOOKED_LABEL)] });
}

/** The issue the bead mirrors, with its labels as GitHub has them now; undefined when it has none, or GitHub no longer does. */
export function issueOfBead(town: Town, bead: Bead): () => Promise<IssueOnGitHub | undefined> {
  const number = issueNumberOf(bead);
  return async () => {
    const labels = number === undefined ? undefined : await labelsOn(town.github, { owner: town.owner, repo: town.repo, issue_number: number });
    return number === undefined || labels === undefined ? undefined : { number, labels };
  };
}

/** A waiting bead hooked in a freed slot: its polecat dispatched, its issue showing it, as a sling's. */
export async function dispatchPromoted(town: TownEvent, promoted: NonNullable<Promoted["hooked"]>, state: LedgerState): Promise<void> {
  const { polecat, attempt } = promoted.assignment;
  const slungBy = gastownString(promoted.bead, "slung_by");
  await dispatchHooked(town, issueOfBead(town, promoted.bead), promoted.assignment, state,
    `A polecat came free: slung${slungBy === undefined ? "" : ` by @${slungBy}`} to polecat **${polecat}** (attempt ${attempt}). It is on its way.`);
}

interface Dispatched {
  readonly bead: Bead;
  readonly ledger: LedgerState["ledger"];
  readonly run?: { readonly id: number; readonly url: string; readonly status?: string };
  /** GitHub's refusal, when it refused. */
  readonly refused?: string;
}

/**
 * The polecat workflow dispatched for this attempt. The ledger is not written again: the run
 * claims the bead itself (app/town/polecat-claim.ts), and until it has, its run is found by the
 * run-name, which carries the attempt.
 */
async function dispatch(town: Town, assignment: PolecatAssignment, state: LedgerState): Promise<Dispatched> {
  const repo = { owner: town.owner, repo: town.repo };
  const { workflow, ref } = town.config.polecat;
  const beadIn = (ledger: LedgerState["ledger"]) => ledger.get(assignment.bead) as Bead;
  let started: { runId?: number; htmlUrl?: string };
  try {
    started = await dispatchWorkflow(town.github, { ...repo, workflow, ref: ref ?? town.defaultBranch, inputs: polecatInputs(assignment, town.config.polecat) });
  } catch (error) {
    if (!(error instanceof DispatchError)) throw error;
    const now = town.deps.clock();
    const released = await town.store.update(
      `Release ${assignment.bead}: the polecat workflow was refused`,
      (ledger) => releaseRefusedDispatch(ledger, assignment.bead, assignment.attempt, now),
      { from: state },
    );
    return { bead: beadIn(released.state.ledger), ledger: released.state.ledger, refused: error.message };
  }
  const found = started.runId === undefined
    // An older GitHub answers the dispatch without the run: find it by the name it was given.
    ? await findRunByName(town.github, { ...repo, workflow, name: polecatRunName(assignment) })
    : undefined;
  const run = started.runId !== undefined && started.htmlUrl !== undefined
    ? { id: started.runId, url: started.htmlUrl, status: "queued" }
    : found ? { id: found.id, url: found.html_url, status: found.status } : undefined;
  return { bead: beadIn(state.ledger), ledger: state.ledger, ...(run ? { run } : {}) };
}

function commitMessage(issue: IssueSnapshot, outcome: SlingOutcome | undefined, promoted: Promoted["hooked"]): string {
  const hooked = promoted === undefined ? "" : `; hook ${promoted.bead.id} to polecat ${promoted.assignment.polecat}, attempt ${promoted.assignment.attempt}`;
  return slingMessage(issue, outcome) + hooked;
}

function slingMessage(issue: IssueSnapshot, outcome: SlingOutcome | undefined): string {
  const bead = outcome?.bead?.id ?? "?";
  switch (outcome?.kind) {
    case "dispatch":
      return `Sling #${issue.number} (${bead}) to polecat ${outcome.assignment.polecat}, attempt ${outcome.assignment.attempt}`;
    case "waiting":
      return `Sling #${issue.number} (${bead}): waiting for a free polecat`;
    case "escalate":
      return `Escalate #${issue.number} (${bead}): no run after ${outcome.attempts} attempts`;
    default:
      return `Sling #${issue.number} (${bead})`;
  }
}
