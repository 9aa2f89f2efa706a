// The mail a polecat run rings (`repository_dispatch`, `gastown.mail`) and the publisher it wakes.
// Mail is a doorbell: any workflow of the repository can send one and run ids are public, so it
// only names the bead to look at. What is published is what the claimed run recorded on the bead
// and the work ref it pushed, so a forged mail changes nothing the next look would not, and a
// lost one is made good by the next look. The story of a look:
//   1. read the ledger: the bead's recorded exit for its current attempt, unless published
//   2. COMPLETED: move the PR branch to the work ref's tip, open or update the pull request, queue it
//      (where GitHub refuses either, say so on the issue and escalate to a person)
//      BLOCKED, REFACTOR: say so on the issue; ESCALATE: open the escalation issue
//   3. the status comment and the labels (the sling label off after any exit but COMPLETED)
//   4. record on the bead which attempt was published (and the pull request), and in the same
//      write queue the pull request (town/merge-queue.ts) and hook the waiting sling that goes
//      next in the slot the exit freed (town/waiting.ts)
//   5. the pull request's place in the queue on its `gastown/queue` check run
//   6. dispatch that bead's polecat, as a sling does
// Each effect is found on GitHub before it is made again, so a look whose record (4) was lost
// does nothing twice. HELP and ESCALATION mail asks for people instead: the claimed run's
// messages to the overseer become escalations, as `/escalate` makes them (town/mail-escalation.ts).
import { randomUUID } from "node:crypto";
import { branchTip, moveBranch } from "../github/branch-refs.js";
import { createIssue, findMarkedIssue, listedSince } from "../github/create-issue.js";
import { hasMarkedComment, replyToIssue } from "../github/issue-comments.js";
import { addLabels, changeLabels, labelsOn } from "../github/issue-labels.js";
import { refusalOf, statusOf } from "../github/github-client.js";
import { openOrUpdatePullRequest } from "../github/pull-requests.js";
import type { LedgerState } from "../github/ledger-store.js";
import type { Ledger } from "../ledger/ledger.js";
import { gastownString } from "../molecules/gastown-metadata.js";
import { withoutMentions } from "../town/fenced-text.js";
import { MAIL_EVENT_TYPE } from "../town/polecat-mail.js";
import { escalationIssue, exitComment, exitHeadline, exitMarker, pullRequestText, unpublishedComment } from "../town/exit-texts.js";
import { slingLabelsOn } from "../town/sling-label.js";
import {
  claimPublishing, exitLabels, exitToPublish, holdsClaim, issueNumberOf, QUEUED_LABELS, recordPublished, type ExitToPublish, type LabelChanges,
} from "../town/publish-exit.js";
import { ESCALATED_LABEL } from "../town/state-labels.js";
import { claimEscalation, ESCALATING_MAIL, escalationClaimOf, mailText, mailToEscalate, recordMailEscalated, type MailClaim } from "../town/mail-escalation.js";
import { escalationIssueText, escalationMarker } from "../town/message-beads.js";
import { attemptOf } from "../town/sling.js";
import { promoteWaiting, type Promoted } from "../town/waiting.js";
import { queuePull } from "../town/merge-queue.js";
import { queuedDisplay } from "../town/queue-display.js";
import { showQueueState } from "../github/queue-check-run.js";
import { ledgerPrefix } from "../ledger/id-prefix.js";
import type { StatusState } from "../town/status-comment.js";
import type { AppDependencies } from "./app-dependencies.js";
import type { GitHubEvent } from "./issue-events.js";
import { showStatus } from "./issue-status.js";
import { dispatchPromoted } from "./sling-issue.js";
import { refineSoon } from "./refinery-wake.js";
import { openTown, type Town, type TownEvent } from "./repository-town.js";

interface MailPayload {
  readonly action?: string;
  readonly client_payload?: { readonly bead?: unknown; readonly type?: unknown; readonly attempt?: unknown; readonly run_id?: unknown } | null;
  readonly repository: { readonly name: string; readonly owner: { readonly login: string }; readonly default_branch: string };
}

// A bead id as the ledger writes them: a prefix, a dash, a hash (and `.n` for children).
const BEAD_ID = /^[A-Za-z0-9][A-Za-z0-9_-]*-[A-Za-z0-9][A-Za-z0-9.]*$/;

/**
 * A `repository_dispatch`: a `gastown.mail` makes the App look at the bead it names: at the claimed
 * run's mail to the overseer (all a HELP or ESCALATION asks for), then at its exit to publish. Mail is
 * never the App's own event to ignore: the polecat's run sends it, and in Actions-only mode with
 * `GITHUB_TOKEN` that run's login is the App's own. The App's login is asked for only when a
 * mail is one, since it costs a request the first time.
 */
export async function handleMail(
  event: GitHubEvent, deps: AppDependencies, botLogin: () => Promise<string>,
): Promise<PublishOutcome | EscalateOutcome | undefined> {
  const payload = event.payload as MailPayload;
  const bead = payload.client_payload?.bead;
  if (payload.action !== MAIL_EVENT_TYPE || typeof bead !== "string" || !BEAD_ID.test(bead)) return undefined;
  const ref = {
    github: event.github, owner: payload.repository.owner.login, repo: payload.repository.name,
    defaultBranch: payload.repository.default_branch,
  };
  const opened = await openTown(ref, deps);
  // A repository switched off, or whose settings do not read: the next look, once they do.
  if (opened.kind !== "on") return { kind: "nothing", why: opened.kind === "off" ? opened.reason : opened.error.message };
  const mail = payload.client_payload ?? {};
  const claim = { bead, attempt: mail.attempt, runId: mail.run_id };
  const read = await opened.town.store.read();
  const escalated = await escalateMail(opened.town, botLogin, claim, read);
  if (ESCALATING_MAIL.has(String(mail.type))) return escalated.outcome;
  // The run's last mail: what its agent wrote to the overseer that no HELP rang for is escalated
  // above, from the same read, and then its exit is published.
  return publishExit({ ...opened.town, botLogin: await botLogin() }, bead, escalated.state);
}

export type EscalateOutcome =
  | { readonly kind: "nothing"; readonly why: string }
  | { readonly kind: "escalated"; readonly bead: string; readonly issues: readonly number[] };

/**
 * HELP or ESCALATION: the claimed run's messages to the overseer, each escalated once as
 * `/escalate` escalates a comment (an issue that mentions whoever slung the work, `gt:escalated`
 * on the work's issue, and a reply there). The messages are claimed in one write and recorded
 * with their issues in another, so a mail delivered twice opens nothing twice.
 */
export async function escalateMail(
  town: Town, botLogin: () => Promise<string>, mail: MailClaim, read: LedgerState,
): Promise<{ outcome: EscalateOutcome; state: LedgerState }> {
  const decision = mailToEscalate(read.ledger, mail);
  if (decision.kind === "nothing") return { outcome: decision, state: read };
  const { bead, polecat } = decision;
  const claim = { id: randomUUID(), now: town.deps.clock() };
  const claimed = await town.store.update(
    `Claim escalating ${decision.messages.map((m) => m.id).join(", ")}: mail from polecat ${polecat} to the overseer`,
    (ledger) => decision.messages.reduce((next, message) => claimEscalation(next, message.id, claim), ledger),
    { from: read },
  );
  const held = decision.messages
    .map((message) => ({ message, ...escalationClaimOf(claimed.state.ledger.get(message.id), claim.id) }))
    .filter(({ held }) => held);
  if (held.length === 0) return { outcome: { kind: "nothing", why: `another look is escalating ${bead.id}'s mail` }, state: claimed.state };

  const repo = { owner: town.owner, repo: town.repo };
  const issue = issueNumberOf(bead);
  const slungBy = gastownString(bead, "slung_by") ?? "";
  const opened: { message: string; issue: number }[] = [];
  for (const { message, takenOver } of held) {
    const marker = escalationMarker(message.id);
    // A look that died after opening the issue left its claim, not its record: find what it opened.
    const found = takenOver
      ? await findMarkedIssue(town.github, repo, { label: ESCALATED_LABEL, since: listedSince(message.created_at), marker, creator: await botLogin() })
      : undefined;
    const escalation = found ?? (await createIssue(town.github, repo, escalationIssueText({
      slungBy, issue: issue ?? 0, text: withoutMentions(mailText(message)), message: message.id,
      heading: `polecat **${polecat}** escalated #${issue ?? "?"} (bead \`${bead.id}\`, attempt ${attemptOf(bead)})`,
    })));
    opened.push({ message: message.id, issue: escalation.number });
  }
  const recorded = await town.store.update(
    `Record escalation issue${opened.length === 1 ? "" : "s"} ${opened.map((o) => `#${o.issue} on ${o.message}`).join(", ")}`,
    (ledger) => opened.reduce((next, o) => recordMailEscalated(next, o.message, o.issue), ledger),
    { from: claimed.state },
  );
  if (issue !== undefined) {
    const issueRef = { ...repo, issue_number: issue };
    // Adding a label the issue has already changes nothing, so its labels are not read first.
    await addLabels(town.github, issueRef, [ESCALATED_LABEL]);
    await replyToIssue(town.github, issueRef,
      `Polecat **${polecat}** escalated as ${opened.map((o) => `#${o.issue}`).join(", ")}, mentioning @${slungBy}.`);
  }
  return { outcome: { kind: "escalated", bead: bead.id, issues: opened.map((o) => o.issue) }, state: recorded.state };
}

export type PublishOutcome =
  | { readonly kind: "nothing"; readonly why: string }
  | {
      readonly kind: "published"; readonly exit: ExitToPublish; readonly pr?: number; readonly escalation?: number;
      /** The waiting bead this look hooked in the slot the exit freed. */
      readonly promoted?: string;
    };

/** One look at a bead: publishes its recorded exit, if it has one not yet published; `known`: the ledger just read. */
export async function publishExit(town: TownEvent, beadId: string, known?: LedgerState): Promise<PublishOutcome> {
  const read = known ?? (await town.store.read());
  const decision = exitToPublish(read.ledger.get(beadId));
  if (decision.kind === "nothing") return decision;
  const claim = { id: randomUUID(), now: town.deps.clock() };
  const claimed = await town.store.update(
    `Claim publishing ${beadId}'s attempt ${decision.exit.attempt} (${decision.exit.exit})`,
    (current) => claimPublishing(current, beadId, decision.exit.attempt, claim),
    { from: read },
  );
  const ledger = claimed.state.ledger;
  if (!holdsClaim(ledger.get(beadId), claim.id)) {
    const again = exitToPublish(ledger.get(beadId));
    return again.kind === "nothing" ? again : { kind: "nothing", why: `another look is publishing attempt ${decision.exit.attempt} of ${beadId}` };
  }
  const exit = decision.exit;
  const repo = { owner: town.owner, repo: town.repo };
  const issueRef = { ...repo, issue_number: exit.issue };

  let pr: number | undefined;
  let escalation: number | undefined;
  /** Why GitHub would not take COMPLETED work, when it would not. */
  let unpublished: string | undefined;
  switch (exit.exit) {
    case "COMPLETED": {
      const published = await publishPullRequest(town, ledger, exit);
      if (published.kind === "nothing") return published;
      if (published.kind === "refused") {
        unpublished = published.why;
        if (!(await hasMarkedComment(town.github, issueRef, exitMarker(exit), town.botLogin))) {
          await replyToIssue(town.github, issueRef, unpublishedComment(exit, published.why, town.config.polecat));
        }
        break;
      }
      pr = published.pr;
      break;
    }
    case "BLOCKED":
    case "REFACTOR": {
      const body = exitComment(ledger, exit, town.config.polecat);
      if (body !== undefined && !(await hasMarkedComment(town.github, issueRef, exitMarker(exit), town.botLogin))) {
        await replyToIssue(town.github, issueRef, body);
      }
      break;
    }
    case "ESCALATE": {
      const wanted = escalationIssue(exit, town.config.polecat);
      const found = await findMarkedIssue(town.github, repo, {
        label: ESCALATED_LABEL, since: listedSince(exit.at), marker: exitMarker(exit), creator: town.botLogin,
      });
      escalation = (found ?? (await createIssue(town.github, repo, wanted))).number;
      break;
    }
  }

  const labels = await labelsOn(town.github, issueRef);
  if (labels !== undefined) {
    const changes = exitLabels(exit.exit, labels, town.config.sling.label);
    await showStatus(town, { number: exit.issue, labels }, {
      state: unpublished === undefined ? STATUS_STATES[exit.exit] : "escalated",
      headline: exitHeadline(exit, {
        ...(pr === undefined ? {} : { pr }), ...(escalation === undefined ? {} : { escalation }), ...(unpublished === undefined ? {} : { unpublished }),
      }),
      detail: withoutMentions(unpublished ?? exit.reason), bead: exit.bead, ledger, sandbox: town.config.polecat, now: town.deps.clock(),
    }, unpublished === undefined ? changes : withEscalated(changes, labels, town.config.sling.label));
  }
  // The exit let the bead go, so its slot is free: the sling that waits longest goes now, hooked
  // in the same write, and only this look, its writer, dispatches it.
  let promoted: Promoted["hooked"];
  let queuedNow = false;
  const recorded = await town.store.update(
    () => `Record that ${exit.bead.id}'s attempt ${exit.attempt} (${exit.exit}) is published${pr === undefined ? "" : ` as pull request #${pr}`}` +
      (promoted === undefined ? "" : `; hook ${promoted.bead.id} to polecat ${promoted.assignment.polecat}, attempt ${promoted.assignment.attempt}`),
    (current) => {
      const published = recordPublished(current, exit.bead.id, exit.attempt, pr);
      // A polecat's pull request is queued by itself, as `/queue` would; it changes no workflow
      // (its run could not have pushed one).
      const queued = pr === undefined ? undefined : queuePull(published, {
        repo: `${town.owner}/${town.repo}`, number: pr, title: exit.bead.title, head: exit.branch, headSha: exit.workTip as string,
        base: town.defaultBranch, bead: exit.bead.id, polecat: exit.polecat, priority: exit.bead.priority ?? 2,
        // A convoy's work goes first (convoy.ts marks the beads it slings).
        convoyAt: gastownString(exit.bead, "convoy_at"),
      }, { by: town.botLogin, now: town.deps.clock(), prefix: ledgerPrefix(town.config.ledger.prefix ?? undefined, published.records.keys()) ?? town.fallbackPrefix });
      queuedNow = queued !== undefined && queued.outcome.kind !== "already";
      const next = promoteWaiting(queued?.ledger ?? published, town.config, town.deps.clock());
      promoted = next.hooked;
      return next.ledger;
    },
    { from: claimed.state },
  );
  if (pr !== undefined) await showQueued(town, recorded.state.ledger, pr, queuedNow);
  if (promoted !== undefined) await dispatchPromoted(town, promoted, recorded.state);
  return {
    kind: "published", exit, ...(pr === undefined ? {} : { pr }), ...(escalation === undefined ? {} : { escalation }),
    ...(promoted === undefined ? {} : { promoted: promoted.bead.id }),
  };
}

/** The polecat's pull request's place in the queue, on its `gastown/queue` check run. */
async function showQueued(town: TownEvent, ledger: Ledger, pr: number, queuedNow: boolean): Promise<void> {
  const queued = queuedDisplay(ledger, `${town.owner}/${town.repo}`, pr);
  if (queued === undefined) return;
  await showQueueState(town.github, {
    owner: town.owner, repo: town.repo, number: pr, headSha: queued.headSha, botLogin: town.botLogin, display: queued.display, queuedNow,
  });
  // Queued anew: the refinery need not wait for its clock to start a batch.
  if (queuedNow) await refineSoon(town, queued.display.base);
}

/** COMPLETED's labels, and `gt:escalated` with the sling label off: a person has to act, then sling again. */
function withEscalated(changes: LabelChanges, labels: readonly string[], slingLabel: string): LabelChanges {
  return {
    add: labels.includes(ESCALATED_LABEL) ? changes.add : [...changes.add, ESCALATED_LABEL],
    remove: [...new Set([...changes.remove, ...slingLabelsOn(labels, slingLabel)])],
  };
}

const STATUS_STATES: Readonly<Record<ExitToPublish["exit"], StatusState>> = {
  COMPLETED: "completed", BLOCKED: "blocked", REFACTOR: "deferred", ESCALATE: "escalated",
};

/**
 * COMPLETED: the PR branch moved to the tip the run recorded (the work ref must still be there),
 * the pull request opened or updated, and queued.
 */
async function publishPullRequest(
  town: TownEvent, ledger: Ledger, exit: ExitToPublish,
): Promise<{ kind: "published"; pr: number } | { kind: "nothing"; why: string } | { kind: "refused"; why: string }> {
  const repo = { owner: town.owner, repo: town.repo };
  const tip = exit.workTip as string;
  const pushed = await branchTip(town.github, repo, exit.workRef);
  if (pushed !== tip) {
    return { kind: "nothing", why: `${exit.workRef} is ${pushed === undefined ? "not there" : `at ${pushed}`}, not at the recorded tip ${tip}` };
  }
  // GitHub's 422s here are answers, not failures: looking again would get the same one.
  try {
    await moveBranch(town.github, repo, exit.branch, tip, await branchTip(town.github, repo, exit.branch));
  } catch (error) {
    if (statusOf(error) !== 422) throw error;
    return { kind: "refused", why: `${exit.branch} has commits the work does not, and no polecat's work moves a branch by force (GitHub: ${refusalOf(error)})` };
  }
  const runUrl = gastownString(exit.bead, "run_url") ?? `run ${exit.runId}`;
  const text = pullRequestText(ledger, exit, runUrl, town.config.polecat);
  let pull: Awaited<ReturnType<typeof openOrUpdatePullRequest>>;
  try {
    pull = await openOrUpdatePullRequest(town.github, repo, { head: exit.branch, base: town.defaultBranch, ...text });
  } catch (error) {
    if (statusOf(error) !== 422) throw error;
    return { kind: "refused", why: `GitHub would not open a pull request from ${exit.branch} to ${town.defaultBranch} (${refusalOf(error)})` };
  }
  await changeLabels(town.github, { ...repo, issue_number: pull.number }, pull.labels, QUEUED_LABELS);
  return { kind: "published", pr: pull.number };
}
