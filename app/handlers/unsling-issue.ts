// Unslinging an issue, as a story:
//   1. acknowledge (👀) a command
//   2. let the bead go in one compare-and-swap commit (app/town/unsling.ts)
//   3. cancel its run
//   4. show the outcome: the status comment, and labels that no longer say it is slung
//   5. the slot it freed: the waiting sling that goes next, hooked in the same commit (2), dispatched
import { cancelRun, isLiveRun } from "../github/polecat-runs.js";
import type { Bead } from "../ledger/bead-schema.js";
import { react, type ReactionTarget } from "../github/reactions.js";
import { replyToIssue } from "../github/issue-comments.js";
import type { IssueSnapshot } from "../town/import-issue.js";
import { slingLabelsOn } from "../town/sling-label.js";
import { HOOKED_LABEL, WAITING_LABEL } from "../town/state-labels.js";
import { attemptOf } from "../town/sling.js";
import { unsling, type UnslingOutcome } from "../town/unsling.js";
import { promoteWaiting, type Promoted } from "../town/waiting.js";
import { showStatus } from "./issue-status.js";
import { dispatchPromoted } from "./sling-issue.js";
import { findBeadRun } from "./observe-polecat.js";
import type { TownEvent } from "./repository-town.js";

export interface UnslingRequest {
  readonly issue: IssueSnapshot;
  readonly abandon: boolean;
  readonly sender: string;
  /** The comment to put 👀 on; undefined when a label was removed (the removal is its own answer). */
  readonly acknowledge?: ReactionTarget;
}

export async function unslingIssue(town: TownEvent, request: UnslingRequest): Promise<void> {
  const { issue } = request;
  const now = town.deps.clock();
  if (request.acknowledge) await react(town.github, request.acknowledge, "eyes");

  let outcome: UnslingOutcome | undefined;
  let promoted: Promoted["hooked"];
  const written = await town.store.update(
    () => `Unsling #${issue.number} (${outcome?.bead?.id ?? "?"})${request.abandon ? ", abandoning its molecule" : ""}` +
      (promoted === undefined ? "" : `; hook ${promoted.bead.id} to polecat ${promoted.assignment.polecat}, attempt ${promoted.assignment.attempt}`),
    (ledger) => {
      const unslung = unsling(ledger, issue.url, { abandon: request.abandon, now });
      outcome = unslung.outcome;
      // A hooked bead let go frees its slot for the sling that waits longest.
      const next = unslung.outcome.kind !== "not-slung" && unslung.outcome.wasHooked
        ? promoteWaiting(unslung.ledger, town.config, now)
        : { ledger: unslung.ledger };
      promoted = next.hooked;
      return next.ledger;
    },
  );
  if (outcome === undefined) throw new Error("the unsling mutation never ran");

  const issueRef = { owner: town.owner, repo: town.repo, issue_number: issue.number };
  if (outcome.kind === "not-slung") {
    // A label taken off work that was never slung needs no answer; a command gets one.
    if (request.acknowledge) await replyToIssue(town.github, issueRef, `@${request.sender}: this issue is not slung, so there was nothing to unsling.`);
    return;
  }
  // A run that has not claimed the bead yet (queued, waiting for a runner) is found by its run-name.
  const runId = outcome.runId ?? (outcome.wasHooked ? await liveRunId(town, outcome.bead) : undefined);
  const cancelled = runId === undefined ? "not-running" : await cancelRun(town.github, { owner: town.owner, repo: town.repo, runId });
  const stopped = cancelled === "cancelling" ? ` Its run ${runId} is being cancelled.` : "";
  const headline = outcome.burned
    ? `Unslung by @${request.sender}, and its molecule \`${outcome.burned}\` burned: a later sling starts over.${stopped}`
    : `Unslung by @${request.sender}. Steps already done stay done: a later sling resumes from the first one not done.${stopped}`;
  await showStatus(town, issue, { state: outcome.burned ? "abandoned" : "unslung", headline, bead: outcome.bead, ledger: written.state.ledger, sandbox: town.config.polecat, now }, {
    remove: [HOOKED_LABEL, WAITING_LABEL, ...slingLabelsOn(issue.labels, town.config.sling.label)],
  });
  if (promoted !== undefined && written.changed) await dispatchPromoted(town, promoted, written.state);
}

async function liveRunId(town: TownEvent, bead: Bead): Promise<number | undefined> {
  const run = await findBeadRun(town, bead, attemptOf(bead));
  return run !== undefined && isLiveRun(run) ? run.id : undefined;
}
