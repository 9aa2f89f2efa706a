// `/queue` and `/dequeue` on a pull request (issue 17), as a story:
//   1. acknowledge (👀)
//   2. read the pull request and the paths it changes; refuse what the App could never merge
//      (a change to `.github/workflows/`) or what is closed, saying why
//   3. queue it, or take it out, in one compare-and-swap commit (app/town/merge-queue.ts)
//   4. the `gt:queue` label on or off, the `gastown/queue` check run on its head showing its
//      place (or that it left), and an answer with its place in the queue
// Who may: the command needs `trust.permission`, checked before it runs. A fork's pull request
// is queued only this way, by a person, never by itself.
import { replyToIssue } from "../github/issue-comments.js";
import { changeLabels, removeLabel } from "../github/issue-labels.js";
import { changedPaths, readPullRequest } from "../github/pull-request-facts.js";
import { react, type ReactionTarget } from "../github/reactions.js";
import { ledgerPrefix } from "../ledger/id-prefix.js";
import { gastownString } from "../molecules/gastown-metadata.js";
import type { IssueSnapshot } from "../town/import-issue.js";
import { showQueueState } from "../github/queue-check-run.js";
import { leaveQueue, mergeRequestFor, queuePull, type Queued } from "../town/merge-queue.js";
import { queuedDisplay } from "../town/queue-display.js";
import { polecatOfPull } from "../town/polecat-names.js";
import { QUEUE_LABEL, QUEUED_LABELS } from "../town/publish-exit.js";
import { queueRefusal, queueRefusalText } from "../town/queue-guard.js";
import { refineSoon } from "./refinery-wake.js";
import type { TownEvent } from "./repository-town.js";

export interface QueueRequest {
  readonly issue: IssueSnapshot;
  readonly sender: string;
  readonly acknowledge: ReactionTarget;
}

export async function queuePullRequest(town: TownEvent, request: QueueRequest): Promise<void> {
  const { issue, sender } = request;
  const repo = { owner: town.owner, repo: town.repo };
  const say = (body: string) => replyToIssue(town.github, { ...repo, issue_number: issue.number }, `@${sender}: ${body}`);
  await react(town.github, request.acknowledge, "eyes");
  const pull = await readPullRequest(town.github, { ...repo, pullNumber: issue.number });
  if (pull === undefined) {
    await say(`#${issue.number} is not a pull request GitHub knows, so nothing was queued.`);
    return;
  }
  const refusal = queueRefusal(pull, await changedPaths(town.github, { ...repo, base: pull.base.sha, head: pull.head.sha }));
  if (refusal !== undefined) {
    await say(queueRefusalText(refusal, pull.number));
    return;
  }
  const rig = `${town.owner}/${town.repo}`;
  // A polecat's branch in this repository leads back to its bead, whose priority it takes.
  const polecat = polecatOfPull(pull.head, rig);
  let outcome: Queued | undefined;
  const written = await town.store.update(
    () => `Queue #${pull.number} (${pull.head.ref} at ${pull.head.sha.slice(0, 12)}) into ${pull.base.ref}`,
    (ledger) => {
      const work = polecat === undefined ? undefined : ledger.get(polecat.bead);
      const queued = queuePull(ledger, {
        repo: rig, number: pull.number, title: pull.title, head: pull.head.ref, headSha: pull.head.sha, base: pull.base.ref,
        ...(work && polecat ? { bead: work.id, polecat: polecat.polecat, priority: work.priority ?? 2, convoyAt: gastownString(work, "convoy_at") } : {}),
      }, { by: sender, now: town.deps.clock(), prefix: ledgerPrefix(town.config.ledger.prefix ?? undefined, ledger.records.keys()) ?? town.fallbackPrefix });
      outcome = queued.outcome;
      return queued.ledger;
    },
  );
  await changeLabels(town.github, { ...repo, issue_number: pull.number }, issue.labels, QUEUED_LABELS);
  const queued = queuedDisplay(written.state.ledger, rig, pull.number);
  if (queued !== undefined) {
    await showQueueState(town.github, {
      ...repo, number: pull.number, headSha: queued.headSha, botLogin: town.botLogin, display: queued.display, queuedNow: outcome?.kind !== "already",
    });
  }
  const place = queued?.display;
  const where = place === undefined ? "" : ` It is number ${place.position} of ${place.of} in the queue into \`${pull.base.ref}\`.`;
  const what = outcome?.kind === "already" ? `#${pull.number} was queued already, at this head.`
    : outcome?.kind === "moved" ? `#${pull.number} stays queued, now at its new head \`${pull.head.sha.slice(0, 12)}\`.`
    : `#${pull.number} is queued.`;
  await say(`${what}${where}`);
  // Queued anew: the refinery need not wait for its clock to start a batch.
  if (outcome?.kind !== "already") await refineSoon(town, pull.base.ref);
}

export async function dequeuePullRequest(town: TownEvent, request: QueueRequest): Promise<void> {
  const { issue, sender } = request;
  const repo = { owner: town.owner, repo: town.repo };
  await react(town.github, request.acknowledge, "eyes");
  const written = await town.store.update(
    `Dequeue #${issue.number}, by ${sender}`,
    (ledger) => leaveQueue(ledger, `${town.owner}/${town.repo}`, issue.number, { reason: "dequeued", why: `taken out by @${sender}`, now: town.deps.clock() }),
  );
  if (issue.labels.includes(QUEUE_LABEL)) await removeLabel(town.github, { ...repo, issue_number: issue.number }, QUEUE_LABEL);
  // The check run sits on the head it was queued at, which the bead keeps.
  const left = written.changed ? mergeRequestFor(written.state.ledger, `${town.owner}/${town.repo}`, issue.number) : undefined;
  if (left !== undefined) {
    await showQueueState(town.github, { ...repo, number: issue.number, headSha: left.headSha, botLogin: town.botLogin, display: { kind: "dequeued", by: sender } });
  }
  await replyToIssue(town.github, { ...repo, issue_number: issue.number }, written.changed
    ? `@${sender}: #${issue.number} is out of the merge queue. \`/queue\` puts it back.`
    : `@${sender}: #${issue.number} was not in the merge queue, so there was nothing to take out.`);
}
