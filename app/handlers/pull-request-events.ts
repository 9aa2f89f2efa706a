// Pull request events for the merge queue (issue 17). Only two kinds of pull request are Gas
// Town's, and the payload tells both apart without a request, so any other costs nothing:
//   - a refinery pull request (from a staging branch): whatever a person does to it (closes,
//     merges, pushes, reopens) wakes the refinery for its base, which carries on from there
//   - a queued one (labelled `gt:queue`):
//       closed, or merged outside the refinery: it leaves the queue (its bead closed with why),
//         its `gastown/queue` check run says so, and a comment says so on the pull request; the
//         label is left as GitHub leaves it
//       synchronize: its merge-request bead moves to the head it has now (a polecat's keeps its
//         bead), whose check run shows its place
//       reopened: nothing; `/queue` queues it again
// What the App did itself is its own: it lands pull requests (a merge shows as `closed` by it,
// and the refinery records the landing) and moves polecats' branches (the publisher queues the
// new head), so those events are left alone. A bead already closed (landed, dequeued, ejected)
// is not closed again, so a late or repeated delivery says nothing twice.
import { replyToIssue } from "../github/issue-comments.js";
import { readPullRequest } from "../github/pull-request-facts.js";
import { showQueueState } from "../github/queue-check-run.js";
import { leaveQueue, mergeRequestFor, queuePosition, queuePull, type Queued } from "../town/merge-queue.js";
import { QUEUE_LABEL } from "../town/publish-exit.js";
import { queuedDisplay } from "../town/queue-display.js";
import { parseStagingBranch } from "../town/staging-branch.js";
import type { AppDependencies } from "./app-dependencies.js";
import type { GitHubEvent } from "./issue-events.js";
import { refineBase, repositoryRef, type RepositoryPayload } from "./refinery-wake.js";
import { openTown, type TownEvent } from "./repository-town.js";

interface PullRequestPayload extends RepositoryPayload {
  readonly action?: string;
  readonly pull_request: {
    readonly number: number;
    readonly title: string;
    readonly merged?: boolean | null;
    readonly merged_by?: { readonly login: string } | null;
    readonly labels?: readonly { readonly name?: string }[];
    readonly head: { readonly ref: string; readonly sha: string };
    readonly base: { readonly ref: string };
  };
  readonly sender: { readonly login: string };
}

export type PullRequestOutcome =
  | { readonly kind: "ignored"; readonly why: string }
  | { readonly kind: "refinery"; readonly base: string }
  | { readonly kind: "left"; readonly number: number }
  | { readonly kind: "moved"; readonly number: number; readonly headSha: string };

export async function handlePullRequestEvent(event: GitHubEvent, deps: AppDependencies, botLogin: () => Promise<string>): Promise<PullRequestOutcome> {
  const payload = event.payload as PullRequestPayload;
  const pull = payload.pull_request;
  const staging = parseStagingBranch(pull.head.ref);
  const queued = (pull.labels ?? []).some((label) => label.name === QUEUE_LABEL);
  if (staging === undefined && !queued) return { kind: "ignored", why: `#${pull.number} is neither queued nor a refinery pull request` };
  if (payload.action !== "closed" && payload.action !== "synchronize" && staging === undefined) {
    return { kind: "ignored", why: `a queued pull request ${payload.action ?? "event"} changes nothing in the queue` };
  }
  const login = await botLogin();
  if (payload.sender.login === login) return { kind: "ignored", why: "the App's own act" };
  const ref = repositoryRef(event, payload);
  if (staging !== undefined) {
    await refineBase(ref, deps, login, staging.base);
    return { kind: "refinery", base: staging.base };
  }
  const opened = await openTown(ref, deps);
  if (opened.kind !== "on") return { kind: "ignored", why: opened.kind === "off" ? opened.reason : opened.error.message };
  const town: TownEvent = { ...opened.town, botLogin: login };
  return payload.action === "closed" ? closed(town, payload) : moved(town, payload);
}

/** Closed or merged by a person: out of the queue, said on the pull request. */
async function closed(town: TownEvent, payload: PullRequestPayload): Promise<PullRequestOutcome> {
  const pull = payload.pull_request;
  const rig = `${town.owner}/${town.repo}`;
  const merged = pull.merged === true;
  const by = (merged ? pull.merged_by?.login : undefined) ?? payload.sender.login;
  const written = await town.store.update(
    `#${pull.number} leaves the merge queue: ${merged ? "merged" : "closed"} by ${by}`,
    (ledger) => leaveQueue(ledger, rig, pull.number, {
      reason: "closed", why: merged ? `merged by @${by} outside the refinery` : `closed by @${by}`, now: town.deps.clock(),
    }),
  );
  const left = written.changed ? mergeRequestFor(written.state.ledger, rig, pull.number) : undefined;
  if (left === undefined) return { kind: "ignored", why: `#${pull.number} was not in the merge queue` };
  const repo = { owner: town.owner, repo: town.repo };
  await showQueueState(town.github, { ...repo, number: pull.number, headSha: left.headSha, botLogin: town.botLogin, display: { kind: "closed", merged, by } });
  await replyToIssue(town.github, { ...repo, issue_number: pull.number }, merged
    ? `#${pull.number} left the merge queue: \`${by}\` merged it outside the refinery, so there is nothing left for the queue to land.`
    : `#${pull.number} left the merge queue: \`${by}\` closed it, so the refinery will not test or land it. Reopen it and comment \`/queue\` to queue it again.`);
  return { kind: "left", number: pull.number };
}

/**
 * A new head pushed: the queue's bead follows the head the pull request has now (read again, so
 * two pushes' deliveries handled out of order never move it back), and its check run shows the
 * place there.
 */
async function moved(town: TownEvent, payload: PullRequestPayload): Promise<PullRequestOutcome> {
  const rig = `${town.owner}/${town.repo}`;
  const pull = await readPullRequest(town.github, { owner: town.owner, repo: town.repo, pullNumber: payload.pull_request.number });
  if (pull === undefined || pull.state !== "open") return { kind: "ignored", why: `#${payload.pull_request.number} is not open` };
  let outcome: Queued["kind"] | undefined;
  const written = await town.store.update(
    `#${pull.number} stays queued at its new head ${pull.head.sha.slice(0, 12)}`,
    (ledger) => {
      outcome = undefined;
      // Only a pull request still queued moves: the label may outlive its place in the queue.
      if (queuePosition(ledger, rig, pull.number) === undefined) return ledger;
      const queued = queuePull(ledger, { repo: rig, number: pull.number, title: pull.title, head: pull.head.ref, headSha: pull.head.sha, base: pull.base.ref }, {
        by: payload.sender.login, now: town.deps.clock(), prefix: town.fallbackPrefix,
      });
      outcome = queued.outcome.kind;
      return queued.ledger;
    },
  );
  const queued = queuedDisplay(written.state.ledger, rig, pull.number);
  if (outcome === undefined || queued === undefined) return { kind: "ignored", why: `#${pull.number} is not in the merge queue` };
  await showQueueState(town.github, {
    owner: town.owner, repo: town.repo, number: pull.number, headSha: queued.headSha, botLogin: town.botLogin, display: queued.display, queuedNow: outcome === "moved",
  });
  return { kind: "moved", number: pull.number, headSha: pull.head.sha };
}
