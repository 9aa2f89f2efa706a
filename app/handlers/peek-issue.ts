// `/peek` on an issue or a polecat's pull request, as a story:
//   1. acknowledge (👀)
//   2. find the polecat: the issue's bead (by its URL), or the bead a pull request's branch
//      `polecat/<name>/<bead>` names
//   3. read what GitHub shows of it (observe-polecat.ts) and decide its health
//   4. answer in one reply comment (app/town/peek-reply.ts)
// `/peek all` answers, on any issue, with every polecat of the repository in one table. Peeking
// only reads, so it needs read permission only (the caller checks it).
import { replyToIssue } from "../github/issue-comments.js";
import { pullRequestHead } from "../github/pull-request-head.js";
import { react, type ReactionTarget } from "../github/reactions.js";
import type { Bead } from "../ledger/bead-schema.js";
import { beadByExternalRef } from "../ledger/external-ref.js";
import type { Ledger } from "../ledger/ledger.js";
import { backlogLine, mirrorBacklog } from "../mirror/mirror-work.js";
import { gastownString } from "../molecules/gastown-metadata.js";
import type { IssueSnapshot } from "../town/import-issue.js";
import { DEFAULT_PEEK_LINES } from "../town/output-tail.js";
import { renderNoPolecat, renderPeek, renderPeekAll, type NoPolecat, type PeekRow, type PeekSettings } from "../town/peek-reply.js";
import { queueLine } from "../town/merge-queue.js";
import { batchOf } from "../town/refinery.js";
import { polecatOfPull } from "../town/polecat-names.js";
import { polecatRoster } from "../town/polecat-roster.js";
import { observePolecat } from "./observe-polecat.js";
import type { Town } from "./repository-town.js";

export interface PeekRequest {
  /** The issue, or the pull request, the command was made on. */
  readonly issue: IssueSnapshot;
  /** The command was made on a pull request (the payload's `issue.pull_request` is set). */
  readonly pullRequest?: boolean;
  /** Lines of output to show; undefined: DEFAULT_PEEK_LINES. */
  readonly lines?: number;
  /** `/peek all`: every polecat of the repository. */
  readonly all: boolean;
  readonly sender: string;
  /** What the 👀 goes on: the command's comment. */
  readonly acknowledge: ReactionTarget;
}

/**
 * The most polecats `/peek all` reads and lists: each costs a request or two, and the table has
 * to stay readable. The hooked come first (polecat-roster.ts), so the ones at work are never cut.
 */
export const MAX_PEEK_ALL = 30;

export async function peekIssue(town: Town, request: PeekRequest): Promise<void> {
  await react(town.github, request.acknowledge, "eyes");
  const body = request.all ? await peekAll(town, request) : await peekOne(town, request);
  await replyToIssue(town.github, { owner: town.owner, repo: town.repo, issue_number: request.issue.number }, body);
}

async function peekOne(town: Town, request: PeekRequest): Promise<string> {
  const found = await findPolecatBead(town, request);
  const answer = "none" in found
    ? renderNoPolecat(request.sender, found.none)
    : renderPeek({
      ...(await observePolecat(town, found.bead, { lines: request.lines ?? DEFAULT_PEEK_LINES })),
      sender: request.sender, bead: found.bead, ledger: found.ledger, settings: settingsOf(town), now: town.deps.clock(),
    });
  if (!request.pullRequest) return answer;
  // A pull request's place in the merge queue, a person's as much as a polecat's.
  const ledger = "none" in found ? await town.store.peek() : found.ledger;
  const rig = `${town.owner}/${town.repo}`;
  const queued = queueLine(ledger, rig, request.issue.number, batchOf(ledger, rig, request.issue.number));
  return queued === undefined ? answer : `${answer.trimEnd()}\n\n${queued}\n`;
}

async function peekAll(town: Town, request: PeekRequest): Promise<string> {
  const { ledger } = await town.store.read();
  const roster = polecatRoster(ledger);
  const rows: PeekRow[] = [];
  // One after another: a polecat or two at a time, and GitHub asks integrations not to burst.
  for (const bead of roster.slice(0, MAX_PEEK_ALL)) rows.push({ ...(await observePolecat(town, bead)), bead });
  const answer = renderPeekAll({
    sender: request.sender, rows, ledger, settings: settingsOf(town), more: Math.max(0, roster.length - MAX_PEEK_ALL), now: town.deps.clock(),
  });
  // The mirror's backlog, when GitHub's secondary limits hold issues back (mirror-beads.ts).
  const backlog = town.config.mirror.enabled ? mirrorBacklog(ledger, town.config.mirror) : undefined;
  return backlog === undefined || backlog.pending === 0 ? answer : `${answer.trimEnd()}\n\nThe mirror: ${backlogLine(backlog)}.\n`;
}

/** The bead whose polecat the command asks about, with the ledger it is in; or why there is none. */
async function findPolecatBead(town: Town, request: PeekRequest): Promise<{ bead: Bead; ledger: Ledger } | { none: NoPolecat }> {
  if (!request.pullRequest) {
    const { ledger } = await town.store.read();
    const bead = beadByExternalRef(ledger, request.issue.url);
    return bead && gastownString(bead, "polecat") !== undefined ? { bead, ledger } : { none: "issue" };
  }
  const head = await pullRequestHead(town.github, { owner: town.owner, repo: town.repo, pullNumber: request.issue.number });
  // A fork's branch may be named like a polecat's; only this repository's branches are.
  const branch = head === undefined ? undefined : polecatOfPull(head, `${town.owner}/${town.repo}`);
  if (!branch) return { none: "pull-request" };
  const { ledger } = await town.store.read();
  const bead = ledger.get(branch.bead);
  return bead && gastownString(bead, "polecat") === branch.polecat ? { bead, ledger } : { none: "unknown-bead" };
}

function settingsOf(town: Town): PeekSettings {
  const { witness, polecat } = town.config;
  return { stuckMinutes: witness.stuck_minutes, maxAttempts: witness.max_attempts, sandbox: polecat.sandbox, network: polecat.network };
}
