// The ledger→GitHub pass over the beads a change touched (issue 18). The story:
//   1. what to do with each (app/mirror/mirror-work.ts): open, recover a crashed opening, sync
//   2. one CAS commit recording the intent on every bead to open, as the budget allows
//   3. their issues opened; crashed openings found by their marker among the App's own issues
//      (or opened, when not found)
//   4. each linked issue read, synced with its bead (bead-issue-sync.ts) and edited if it differs
//   5. links the ledger changed since the last sync sent (sub-issues, blocked-by)
//   6. ledger comments not yet on GitHub posted, with mentions neutralised
//   7. one CAS commit recording all of it: issue URLs and ids, what was synced, links, comment ids
// A pass with nothing to do sends nothing. What it opens is bounded by GitHub's secondary limits
// (mirror-budget.ts); the rest waits for the patrol (mirrorPending), which continues it.
import type { Bead } from "../ledger/bead-schema.js";
import { ledgerPrefix } from "../ledger/id-prefix.js";
import { jsonEqual } from "../ledger/json-equal.js";
import type { Ledger } from "../ledger/ledger.js";
import { listedSince } from "../github/create-issue.js";
import { addBlockedBy, addSubIssue, removeBlockedBy, removeSubIssue } from "../github/issue-links.js";
import { editIssue } from "../github/edit-issue.js";
import { findMirrorIssues, getMirrorIssue, openMirrorIssue, type MirrorIssue } from "../github/mirrored-issues.js";
import { postedLedgerComments } from "../github/mirrored-comments.js";
import { replyToIssue, type IssueRef } from "../github/issue-comments.js";
import type { LedgerState } from "../github/ledger-store.js";
import { ledgerFields, syncBeadAndIssue } from "../mirror/bead-issue-sync.js";
import { isMirrored, issueShape } from "../mirror/issue-shape.js";
import { commentsToPost, mirroredCommentBody, withCommentGitHubIds } from "../mirror/mirror-comments.js";
import {
  beadsLinkingTo, ledgerLinks, linkChanges, noLinkChanges, syncedLinks, unlinkedParent, withSyncedLinks, UNLINKED_KEY, type BeadLinks,
} from "../mirror/mirror-links.js";
import { MIRROR_COMMIT_PREFIX } from "../mirror/ledger-push.js";
import {
  backlogLine, issueIdOf, issueNumberOf, mirrorBacklog, mirrorWork, withIssueId, withOpenedIssue, withOpeningIntents, MIRROR_OPENING_KEY,
  type Backlog, type Intents,
} from "../mirror/mirror-work.js";
import { gastownString, withGastownMetadata } from "../molecules/gastown-metadata.js";
import { LedgerStatuses } from "./mirror-statuses.js";
import type { TownEvent } from "./repository-town.js";

export interface MirrorReport {
  readonly opened: readonly { readonly bead: string; readonly number: number }[];
  /** Issues a crashed pass had opened, found by their marker and recorded. */
  readonly recovered: readonly { readonly bead: string; readonly number: number }[];
  /** Beads whose issue was edited to match them. */
  readonly updated: readonly string[];
  /** Links and comments sent. */
  readonly linked: number;
  readonly commented: number;
  /** What people should know: links GitHub would not take, parents replaced. */
  readonly notes: readonly string[];
  /** Beads still to open, when the budget stopped the pass. */
  readonly backlog?: Pick<Backlog, "pending" | "total">;
}

const NOTHING: MirrorReport = { opened: [], recovered: [], updated: [], linked: 0, commented: 0, notes: [] };

/** What the pass did and left, for the patrol's report; undefined when it did and leaves nothing. */
export function describeMirror(report: MirrorReport): string | undefined {
  const did: string[] = [];
  if (report.opened.length > 0) did.push(`opened ${report.opened.map((o) => `#${o.number} (${o.bead})`).join(", ")}`);
  if (report.recovered.length > 0) did.push(`found ${report.recovered.map((o) => `#${o.number} (${o.bead})`).join(", ")}, opened before a crash`);
  if (report.updated.length > 0) did.push(`updated the issues of ${report.updated.join(", ")}`);
  const sentences = did.length === 0 ? [] : [`The mirror ${did.join("; ")}.`];
  if (report.backlog !== undefined && report.backlog.pending > 0) sentences.push(`${backlogLine(report.backlog)}, as GitHub's secondary limits allow.`);
  sentences.push(...report.notes);
  return sentences.length === 0 ? undefined : sentences.join(" ");
}

/** Per bead, what the pass learnt and sent, applied to the bead as the recording commit finds it. */
interface Outcome {
  opened?: { sent: Bead; issue: MirrorIssue };
  /** The issue as it now is, to sync the bead with (after any edit was sent). */
  synced?: MirrorIssue;
  issueId?: number;
  links?: BeadLinks;
  unlinked?: { parent: string; note: string };
  commentIds?: Map<string, number>;
}

export async function mirrorBeads(town: TownEvent, ids: Iterable<string>, seen: Ledger, depth = 0): Promise<MirrorReport> {
  const { github, config, deps } = town;
  const repo = { owner: town.owner, repo: town.repo };
  const mirror = config.mirror;
  const now = deps.clock();
  const mirrored = (bead: Bead) => isMirrored(bead, mirror);
  const wanted = [...ids];
  let work = mirrorWork(seen, wanted, mirror, repo, now);
  const opening = new Set([...work.open, ...work.recover].map((bead) => bead.id));
  // Beads whose links wait on an issue about to be opened.
  const relink = beadsLinkingTo(seen, opening).filter((id) => {
    const bead = seen.get(id);
    return bead !== undefined && mirrored(bead) && issueNumberOf(bead.external_ref, repo) !== undefined && !work.sync.some((b) => b.id === id);
  });
  if (work.open.length === 0 && work.recover.length === 0 && work.sync.length === 0 && relink.length === 0) return NOTHING;

  const outcomes = new Map<string, Outcome>();
  const outcome = (id: string): Outcome => {
    let found = outcomes.get(id);
    if (!found) outcomes.set(id, (found = {}));
    return found;
  };
  const notes: string[] = [];
  const report = { opened: [] as { bead: string; number: number }[], recovered: [] as { bead: string; number: number }[], updated: [] as string[], linked: 0, commented: 0 };
  const issues = new Map<string, MirrorIssue>();
  let state: LedgerState | undefined;
  let view = seen;
  let deferred = 0;
  const statuses = new LedgerStatuses(town.store);

  // 2. The intents, and the budget they spend, in one commit.
  let claimed: readonly Bead[] = [];
  const intentInput = (ledger: Ledger) => ({
    ...repo, candidates: work.open.map((b) => b.id), mirror,
    slot: { now, actor: town.botLogin, prefix: ledgerPrefix(config.ledger.prefix ?? undefined, ledger.records.keys()) ?? town.fallbackPrefix },
  });
  // Nothing the budget allows, judged on the ledger at hand: no commit to try, no request.
  const affordable = work.open.length > 0 && withOpeningIntents(seen, intentInput(seen)).claimed.length > 0;
  if (work.open.length > 0 && !affordable) deferred = work.open.length;
  if (affordable) {
    let intents: Intents | undefined;
    const written = await town.store.update(
      () => `${MIRROR_COMMIT_PREFIX}opening issues for ${(intents?.claimed ?? []).map((b) => b.id).join(" ")}`,
      (ledger) => {
        intents = withOpeningIntents(ledger, intentInput(ledger));
        return intents.ledger;
      },
    );
    state = written.state;
    view = written.state.ledger;
    deferred = intents?.deferred ?? 0;
    claimed = intents?.claimed ?? [];
    // The rest judged again on the newest ledger: a bead another pass opened, or half opened
    // before a crash, since the ledger this pass was given is synced or recovered, not opened.
    const again = mirrorWork(view, wanted, mirror, repo, now);
    work = { open: [], recover: again.recover, sync: again.sync };
  }

  try {
    // 3. Their issues. A failure leaves the rest with their intents: a later pass finds or opens them.
    for (const bead of claimed) {
      const issue = await openMirrorIssue(github, repo, issueShape(bead));
      issues.set(bead.id, issue);
      outcome(bead.id).opened = { sent: bead, issue };
      report.opened.push({ bead: bead.id, number: issue.number });
    }
    if (work.recover.length > 0) await recoverOpenings(town, work.recover, issues, outcome, report);

    // 4. Fields.
    for (const bead of [...work.sync, ...work.recover.filter((b) => outcomes.get(b.id)?.synced !== undefined)]) {
      const current = view.get(bead.id) ?? bead;
      const issue = issues.get(bead.id) ?? await getMirrorIssue(github, issueRef(town, current));
      const linked = current.external_ref ? current : { ...current, external_ref: issue.html_url };
      const { edit } = syncBeadAndIssue(linked, issue, { now, customStatuses: await statuses.for([issue]) });
      const after = edit === undefined ? issue : await editIssue(github, { ...repo, issue_number: issue.number }, edit, issue);
      if (edit !== undefined) report.updated.push(bead.id);
      issues.set(bead.id, after);
      outcome(bead.id).synced = after;
      if (issueIdOf(current) !== after.id) outcome(bead.id).issueId = after.id;
    }

    // 5. Links, once every issue of the pass is open.
    const linking = [...new Set([...issues.keys(), ...relink])].sort();
    for (const id of linking) await sendLinks(town, view, id, issues, outcome, notes, report, mirrored);

    // 6. Comments.
    for (const id of [...issues.keys()].sort()) await sendComments(town, view.get(id), issues.get(id) as MirrorIssue, outcomes.get(id)?.opened !== undefined, outcome, report);
  } finally {
    // 7. Everything learnt, in one commit, even when a request above failed.
    if (outcomes.size > 0) {
      const customStatuses = await statuses.for([...outcomes.values()].flatMap((o) => o.synced ?? []));
      const written = await town.store.update(() => `${MIRROR_COMMIT_PREFIX}${summary(report)}`, (ledger) => recordOutcomes(ledger, outcomes, now, customStatuses), state ? { from: state } : {});
      state = written.state;
    }
  }

  // A bead changed between its intent and its issue: send the change now (no push will, as the
  // change's own pass found it being opened).
  const changedSince = [...outcomes].filter(([id, o]) => {
    const bead = state?.ledger.get(id);
    return o.opened !== undefined && bead !== undefined && !jsonEqual(ledgerFields(bead), ledgerFields(o.opened.sent));
  }).map(([id]) => id);
  let follow: MirrorReport = NOTHING;
  if (changedSince.length > 0 && depth === 0 && state) follow = await mirrorBeads(town, changedSince, state.ledger, 1);

  const backlog = deferred > 0 ? mirrorBacklog(state?.ledger ?? seen, mirror) : undefined;
  return {
    opened: report.opened, recovered: report.recovered, updated: [...report.updated, ...follow.updated],
    linked: report.linked + follow.linked, commented: report.commented + follow.commented, notes: [...notes, ...follow.notes],
    ...(backlog ? { backlog: { pending: backlog.pending, total: backlog.total } } : {}),
  };
}

/**
 * Continues the backlog: opens issues for the mirrored beads that have none, as far as the
 * budget allows. What the patrol calls each pass; a ledger with no backlog costs no request.
 */
export async function mirrorPending(town: TownEvent, ledger: Ledger): Promise<string | undefined> {
  if (!town.config.mirror.enabled) return undefined;
  const backlog = mirrorBacklog(ledger, town.config.mirror);
  if (backlog.pending === 0) return undefined;
  const report = await mirrorBeads(town, backlog.ids, ledger);
  // A pass that could do nothing (every bead in flight, or the budget spent) still says what waits.
  const idle = report.opened.length === 0 && report.recovered.length === 0 && report.backlog === undefined;
  return describeMirror(idle ? { ...report, backlog } : report);
}

function issueRef(town: TownEvent, bead: Bead): IssueRef {
  const number = issueNumberOf(bead.external_ref, town);
  if (number === undefined) throw new Error(`${bead.id}: ${bead.external_ref ?? "no external_ref"} is no issue of ${town.owner}/${town.repo}`);
  return { owner: town.owner, repo: town.repo, issue_number: number };
}

function summary(report: { opened: readonly { bead: string; number: number }[]; recovered: readonly { bead: string; number: number }[]; updated: readonly string[] }): string {
  const parts: string[] = [];
  if (report.opened.length > 0) parts.push(`opened ${report.opened.map((o) => `#${o.number}`).join(" ")}`);
  if (report.recovered.length > 0) parts.push(`found ${report.recovered.map((o) => `#${o.number}`).join(" ")}`);
  if (report.updated.length > 0) parts.push(`updated ${report.updated.length} issue${report.updated.length === 1 ? "" : "s"}`);
  return parts.length === 0 ? "synced with GitHub" : parts.join(", ");
}

/** Crashed openings: their issues found by marker among the App's own since the oldest intent, or opened now. */
async function recoverOpenings(
  town: TownEvent, beads: readonly Bead[], issues: Map<string, MirrorIssue>, outcome: (id: string) => Outcome,
  report: { opened: { bead: string; number: number }[]; recovered: { bead: string; number: number }[] },
): Promise<void> {
  const repo = { owner: town.owner, repo: town.repo };
  const since = listedSince(beads.map((b) => gastownString(b, MIRROR_OPENING_KEY) as string).sort()[0]);
  const found = await findMirrorIssues(town.github, repo, { creator: town.botLogin, since, beadIds: new Set(beads.map((b) => b.id)) });
  for (const bead of beads) {
    const issue = found.get(bead.id);
    if (issue !== undefined) {
      // Found as GitHub has it: synced with the bead like any linked issue (step 4).
      issues.set(bead.id, issue);
      outcome(bead.id).synced = issue;
      report.recovered.push({ bead: bead.id, number: issue.number });
      continue;
    }
    const opened = await openMirrorIssue(town.github, repo, issueShape(bead));
    issues.set(bead.id, opened);
    outcome(bead.id).opened = { sent: bead, issue: opened };
    report.opened.push({ bead: bead.id, number: opened.number });
  }
}

/** The issue number and id of `id`'s bead, asking GitHub for an id the ledger does not have. */
async function issueOfBead(town: TownEvent, view: Ledger, id: string, issues: Map<string, MirrorIssue>, outcome: (id: string) => Outcome): Promise<{ number: number; id: number; issue?: MirrorIssue } | undefined> {
  const known = issues.get(id);
  if (known !== undefined) return { number: known.number, id: known.id, issue: known };
  const bead = view.get(id);
  const number = issueNumberOf(bead?.external_ref, town);
  if (bead === undefined || number === undefined) return undefined;
  const recorded = issueIdOf(bead);
  if (recorded !== undefined) return { number, id: recorded };
  const issue = await getMirrorIssue(town.github, { owner: town.owner, repo: town.repo, issue_number: number });
  issues.set(id, issue);
  outcome(id).issueId = issue.id;
  return { number, id: issue.id, issue };
}

/** The issue number a `parent_issue_url` names, when it is an issue of this repository. */
function parentNumber(town: TownEvent, issue: MirrorIssue | undefined): number | undefined | "elsewhere" {
  const url = issue?.parent_issue_url;
  if (url === undefined || url === null) return undefined;
  const match = /\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)$/.exec(url);
  if (!match || match[1]?.toLowerCase() !== town.owner.toLowerCase() || match[2]?.toLowerCase() !== town.repo.toLowerCase()) return "elsewhere";
  return Number(match[3]);
}

/** Sends the links the ledger changed since the last sync; records what both sides now agree on. */
async function sendLinks(
  town: TownEvent, view: Ledger, id: string, issues: Map<string, MirrorIssue>, outcome: (id: string) => Outcome,
  notes: string[], report: { linked: number }, mirrored: (bead: Bead) => boolean,
): Promise<void> {
  const bead = view.get(id);
  if (bead === undefined) return;
  const wanted = ledgerLinks(view, bead, mirrored);
  const synced = syncedLinks(bead);
  const changes = linkChanges(wanted, synced, unlinkedParent(bead));
  if (noLinkChanges(changes)) return;
  const own = await issueOfBead(town, view, id, issues, outcome);
  if (own === undefined) return;
  const repo = { owner: town.owner, repo: town.repo };
  let parent = synced.parent;
  if (changes.parent.add !== undefined || changes.parent.remove !== undefined) {
    const child = own.issue ?? await getMirrorIssue(town.github, { ...repo, issue_number: own.number });
    issues.set(id, child);
    const onGitHub = parentNumber(town, child);
    const previous = changes.parent.remove === undefined ? undefined : await issueOfBead(town, view, changes.parent.remove, issues, outcome);
    if (changes.parent.add !== undefined) {
      const next = await issueOfBead(town, view, changes.parent.add, issues, outcome);
      if (next !== undefined) {
        if (onGitHub === next.number) {
          parent = changes.parent.add;
        } else {
          const replace = onGitHub !== undefined;
          const outcomeOf = await addSubIssue(town.github, { ...repo, issue_number: next.number }, own.id, replace);
          if (outcomeOf.kind === "linked") {
            parent = changes.parent.add;
            report.linked++;
            // A parent someone set on GitHub that the ledger never had: say why it was replaced.
            if (replace && onGitHub !== previous?.number) {
              const from = onGitHub === "elsewhere" ? "its parent in another repository" : `#${onGitHub}`;
              await replyToIssue(town.github, { ...repo, issue_number: own.number },
                `Gas Town moved this issue from ${from} to #${next.number}: its bead's parent changed in the ledger since the mirror last synced it, and a change made in the ledger since the last sync wins. Make the change in the ledger (or move it back here) to keep another parent.`);
            }
          } else {
            const note = `GitHub would not make this issue a sub-issue of #${next.number} (${changes.parent.add}): ${outcomeOf.why}. The link is kept in the ledger only.`;
            notes.push(`${id}: ${note}`);
            outcome(id).unlinked = { parent: changes.parent.add, note };
            // Moving was refused too: the old parent stays on GitHub, so the record keeps it.
          }
        }
      }
    } else if (previous !== undefined) {
      if (onGitHub === previous.number) {
        await removeSubIssue(town.github, { ...repo, issue_number: previous.number }, own.id);
        report.linked++;
      }
      parent = undefined;
    }
  }
  const blockedBy = new Set(synced.blocked_by);
  for (const blocker of changes.blockedBy.add) {
    const other = await issueOfBead(town, view, blocker, issues, outcome);
    if (other === undefined) continue;
    const sent = await addBlockedBy(town.github, { ...repo, issue_number: own.number }, other.id);
    if (sent.kind === "linked") {
      blockedBy.add(blocker);
      report.linked++;
    } else {
      notes.push(`${id}: GitHub would not record #${own.number} as blocked by #${other.number} (${blocker}): ${sent.why}. The link is kept in the ledger only.`);
    }
  }
  for (const blocker of changes.blockedBy.remove) {
    const other = await issueOfBead(town, view, blocker, issues, outcome);
    if (other !== undefined) {
      await removeBlockedBy(town.github, { ...repo, issue_number: own.number }, other.id);
      report.linked++;
    }
    blockedBy.delete(blocker);
  }
  outcome(id).links = { ...(parent !== undefined ? { parent } : {}), blocked_by: [...blockedBy].sort() };
}

/** Posts the bead's comments not yet on GitHub; one found already posted (a crash) is only recorded. */
async function sendComments(
  town: TownEvent, bead: Bead | undefined, issue: MirrorIssue, justOpened: boolean, outcome: (id: string) => Outcome, report: { commented: number },
): Promise<void> {
  if (bead === undefined) return;
  const pending = commentsToPost(bead);
  if (pending.length === 0) return;
  const ref = { owner: town.owner, repo: town.repo, issue_number: issue.number };
  // A new issue has no comments yet; an older one may have those a crashed pass posted.
  const since = listedSince(pending.map((c) => c.created_at).sort()[0]);
  const posted = justOpened ? new Map<string, number>() : await postedLedgerComments(town.github, ref, since, town.botLogin);
  for (const comment of pending) {
    const key = String(comment.id);
    if (!posted.has(key)) {
      const { id } = await replyToIssue(town.github, ref, mirroredCommentBody(comment));
      posted.set(key, id);
      report.commented++;
    }
  }
  outcome(bead.id).commentIds = posted;
}

/** The ledger with every outcome applied to the beads as they now are: pure, so it re-applies after a lost race. */
function recordOutcomes(ledger: Ledger, outcomes: ReadonlyMap<string, Outcome>, now: Date, customStatuses: readonly string[]): Ledger {
  const changed: Bead[] = [];
  for (const [id, o] of outcomes) {
    const original = ledger.get(id);
    if (original === undefined) continue;
    let bead = original;
    if (o.opened !== undefined) bead = withOpenedIssue(bead, o.opened.sent, o.opened.issue);
    if (o.synced !== undefined) {
      // A recovered opening: linked here, and synced against the issue as found.
      if ((bead.external_ref ?? "") === "") bead = withGastownMetadata({ ...bead, external_ref: o.synced.html_url }, { [MIRROR_OPENING_KEY]: undefined });
      if (bead.external_ref === o.synced.html_url) bead = syncBeadAndIssue(bead, o.synced, { now, customStatuses }).bead;
    }
    if (o.issueId !== undefined) bead = withIssueId(bead, o.issueId);
    else if (o.synced !== undefined && bead.external_ref === o.synced.html_url) bead = withIssueId(bead, o.synced.id);
    if (o.links !== undefined) bead = withSyncedLinks(bead, o.links);
    if (o.unlinked !== undefined && unlinkedParent(bead) !== o.unlinked.parent) {
      const notes = [bead.notes ?? "", o.unlinked.note].filter((text) => text !== "").join("\n\n");
      bead = withGastownMetadata({ ...bead, notes }, { [UNLINKED_KEY]: { parent: o.unlinked.parent } });
    }
    if (o.commentIds !== undefined) bead = withCommentGitHubIds(bead, o.commentIds);
    if (bead !== original && !jsonEqual(bead, original)) changed.push(bead);
  }
  return changed.length === 0 ? ledger : ledger.withBeads(changed);
}

