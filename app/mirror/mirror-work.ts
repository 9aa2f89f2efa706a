// What a ledger→GitHub pass does with the beads a change touched, decided from the ledger
// alone: which beads get an issue opened (within the secondary-limit budget, mirror-budget.ts),
// which were being opened when a pass crashed (`mirror_opening` with no `external_ref`), and
// which already mirror an issue of this repository and are synced with it. Opening is recorded
// twice: the intent (`metadata.gastown.mirror_opening`, an ISO time) in one CAS commit before the
// issues are created, then `external_ref`, `issue_id` and what was synced in one CAS commit after,
// so a crash in between finds the issue by its marker rather than opening a second.
import type { MirrorSettings } from "../config/config-schema.js";
import { beadStatus, type Bead } from "../ledger/bead-schema.js";
import type { Ledger } from "../ledger/ledger.js";
import { gastownMetadata, gastownString, withGastownMetadata } from "../molecules/gastown-metadata.js";
import { timestamp } from "../molecules/pour.js";
import { syncedAtCreation } from "./bead-issue-sync.js";
import { isMirrored } from "./issue-shape.js";
import { allowance, budgetOf, spend, withMirrorBudget, type SlotWrite } from "./mirror-budget.js";
import { commentsToPost } from "./mirror-comments.js";
import { ledgerLinks } from "./mirror-links.js";
import { readSynced, withSynced } from "./synced-state.js";

export const MIRROR_OPENING_KEY = "mirror_opening";
export const ISSUE_ID_KEY = "issue_id";

/**
 * How long an intent is another pass's work in flight: a pass that finds a younger one leaves it
 * (it may be creating the issue right now), an older one is a crash to recover.
 */
export const OPENING_GRACE_MS = 2 * 60_000;

export interface RepoName {
  readonly owner: string;
  readonly repo: string;
}

/** The issue number of `ref` when it is an issue of `repo` (`https://<host>/<owner>/<repo>/issues/<n>`). */
export function issueNumberOf(ref: string | undefined, repo: RepoName): number | undefined {
  const match = /\/([^/]+)\/([^/]+)\/issues\/(\d+)$/.exec(ref ?? "");
  if (!match || match[1]?.toLowerCase() !== repo.owner.toLowerCase() || match[2]?.toLowerCase() !== repo.repo.toLowerCase()) return undefined;
  return Number(match[3]);
}

/** The issue's database id, as the mirror recorded it. */
export function issueIdOf(bead: Bead): number | undefined {
  const id = gastownMetadata(bead)[ISSUE_ID_KEY];
  return typeof id === "number" && Number.isInteger(id) ? id : undefined;
}

export interface MirrorWork {
  /** Mirrored beads with no issue and no intent: to open, as the budget allows. */
  readonly open: readonly Bead[];
  /** Beads whose opening crashed: their issue is looked for before one is opened. */
  readonly recover: readonly Bead[];
  /** Beads that mirror an issue of this repository. */
  readonly sync: readonly Bead[];
}

function openingAt(bead: Bead): string | undefined {
  return gastownString(bead, MIRROR_OPENING_KEY);
}

/** What to do with each of `ids` (in `ledger`) that is mirrored; the rest are none of the mirror's business. */
export function mirrorWork(ledger: Ledger, ids: Iterable<string>, mirror: MirrorSettings, repo: RepoName, now: Date): MirrorWork {
  const open: Bead[] = [];
  const recover: Bead[] = [];
  const sync: Bead[] = [];
  for (const id of new Set(ids)) {
    const bead = ledger.get(id);
    if (bead === undefined || !isMirrored(bead, mirror)) continue;
    if (bead.external_ref !== undefined && bead.external_ref !== "") {
      // A bead linked elsewhere (another repository's issue, a Jira key) is not this mirror's.
      if (issueNumberOf(bead.external_ref, repo) !== undefined) sync.push(bead);
      continue;
    }
    const opening = openingAt(bead);
    if (opening === undefined) open.push(bead);
    else if (!(now.getTime() - Date.parse(opening) < OPENING_GRACE_MS)) recover.push(bead);
  }
  return { open, recover, sync };
}

/** The mirrored beads with no issue yet, and how many beads are mirrored at all. */
export interface Backlog {
  readonly pending: number;
  readonly total: number;
  /** The pending beads' ids, in id order. */
  readonly ids: readonly string[];
}

export function mirrorBacklog(ledger: Ledger, mirror: MirrorSettings): Backlog {
  const ids: string[] = [];
  let total = 0;
  for (const bead of ledger.beads()) {
    if (!isMirrored(bead, mirror)) continue;
    total++;
    if (bead.external_ref === undefined || bead.external_ref === "") ids.push(bead.id);
  }
  return { pending: ids.length, total, ids };
}

/** The backlog as people read it, in the patrol's report and `/peek all`. */
export function backlogLine(backlog: Pick<Backlog, "pending" | "total">): string {
  return `${backlog.pending} of ${backlog.total} bead${backlog.total === 1 ? "" : "s"} still to open on GitHub`;
}

/**
 * The content-creating requests opening `bead`'s issue costs: the issue, closing it when the bead
 * is closed (an issue is always created open), each of its links, each comment to post.
 */
export function openingCost(ledger: Ledger, bead: Bead, mirror: MirrorSettings): number {
  const links = ledgerLinks(ledger, bead, (other) => isMirrored(other, mirror));
  return 1 + (beadStatus(bead) === "closed" ? 1 : 0) + (links.parent !== undefined ? 1 : 0) + links.blocked_by.length + commentsToPost(bead).length;
}

export interface Intents {
  readonly ledger: Ledger;
  /** The beads this write claims to open, as they are in `ledger`. */
  readonly claimed: readonly Bead[];
  /** Those that wait for the budget. */
  readonly deferred: number;
}

export interface IntentInput extends RepoName {
  readonly candidates: readonly string[];
  readonly mirror: MirrorSettings;
  readonly slot: SlotWrite;
}

/**
 * The ledger with the intent recorded on as many of `candidates` as the budget allows (in the
 * order given) and the budget spent on the slot. Pure, and applied again on a newer ledger after
 * a lost race: a bead another pass claimed or opened meanwhile is no longer a candidate.
 */
export function withOpeningIntents(ledger: Ledger, input: IntentInput): Intents {
  const now = input.slot.now;
  let budget = budgetOf(ledger, input.owner, input.repo);
  let left = allowance(budget, now);
  const claimed: Bead[] = [];
  let deferred = 0;
  let spent = 0;
  for (const id of input.candidates) {
    const bead = ledger.get(id);
    if (bead === undefined || !isMirrored(bead, input.mirror) || (bead.external_ref ?? "") !== "" || openingAt(bead) !== undefined) continue;
    // Once one bead waits, every later one does too, so the backlog is opened in order.
    const cost = deferred > 0 ? Infinity : openingCost(ledger, bead, input.mirror);
    if (cost > left) {
      deferred++;
      continue;
    }
    left -= cost;
    spent += cost;
    claimed.push(withGastownMetadata(bead, { [MIRROR_OPENING_KEY]: timestamp(now) }));
  }
  if (claimed.length === 0) return { ledger, claimed, deferred };
  budget = spend(budget, now, spent);
  const next = withMirrorBudget(ledger.withBeads(claimed), input.owner, input.repo, budget, input.slot);
  return { ledger: next, claimed, deferred };
}

export interface OpenedIssue {
  readonly html_url: string;
  readonly number: number;
  /** The issue's database id. */
  readonly id: number;
}

/**
 * The bead, in a newer ledger, recording the issue opened from `sent` (the bead as the issue was
 * made from it): `external_ref`, `issue_id`, the fields as sent as last synced, and no intent.
 * A bead that records an issue already keeps it.
 */
export function withOpenedIssue(current: Bead, sent: Bead, issue: OpenedIssue): Bead {
  if ((current.external_ref ?? "") !== "") return current;
  const linked = withGastownMetadata({ ...current, external_ref: issue.html_url }, { [ISSUE_ID_KEY]: issue.id, [MIRROR_OPENING_KEY]: undefined });
  return withSynced(linked, readSynced(syncedAtCreation(sent)));
}

/** The bead recording its issue's database id, the first time the mirror learns it. */
export function withIssueId(current: Bead, id: number): Bead {
  return issueIdOf(current) === id ? current : withGastownMetadata(current, { [ISSUE_ID_KEY]: id });
}
