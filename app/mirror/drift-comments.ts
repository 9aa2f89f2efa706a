// The drift repair of comments: comments made or edited on GitHub whose `issue_comment` webhook
// was lost (or, in Actions-only mode, never starts a workflow at all). Reading every issue's
// comments would cost a request an issue, so one listing of the whole repository's comments,
// least recently updated first, from a watermark kept on the mirror's slot bead
// (mirror-budget.ts): each comment listed is taken as the webhook it would have delivered last
// (`created`, or `edited` once its `updated_at` moved past its `created_at`), by the webhook's own
// rules (comment-changes.ts): the town's comments (by the login this pass acts as, or by Gas
// Town's marker in a bot's) and slash commands never taken in, a comment held (by `github_id`)
// never added twice, an edit changing only its text.
//
// The watermark starts at the repair's first look (at the newest comment then, by GitHub's clock),
// as the webhooks start when the mirror is switched on: comments made before are the issue's
// history, which importing an issue does not take either (the newest is judged, being `since`
// itself, and so is any other made in the same second: GitHub's times are whole seconds, and
// `since` includes its own). It moves only when the comments since it fill a page: a look then
// lists the same URL as the last, which GitHub answers 304, free, while nothing was made or
// edited; the comments webhooks brought keep being listed until a page is full, and the page
// they fill is what moving the watermark costs, one commit a page. Moving it to the newest
// comment listed is safe because every comment listed was taken in or judged by the rules that
// always will.
//
// A deletion whose webhook was lost stays in the ledger: the listing has no deleted comments, and
// an issue's `comments` count cannot tell one either, since it counts the App's comments, the
// slash commands and the comments from before the watermark, none of which the bead holds.
import type { Bead } from "../ledger/bead-schema.js";
import type { Ledger } from "../ledger/ledger.js";
import { commentChangeOf, applyCommentChange, type CommentChange } from "./comment-changes.js";
import { commentWatermarkOf, mirrorSlotRef, withCommentWatermark, type SlotWrite } from "./mirror-budget.js";
import type { MirrorContext } from "./mirror-context.js";
import { issueNumberOf, type RepoName } from "./mirror-work.js";
import { beadByExternalRef } from "../ledger/external-ref.js";

/** A comment as the repository's listing gives it: on issues and pull requests alike. */
export interface ListedComment {
  readonly id: number;
  readonly html_url: string;
  /** The API URL of its issue (a pull request's too): `…/issues/<number>`. */
  readonly issue_url: string;
  readonly body?: string | null;
  readonly user: { readonly login: string; readonly type?: string } | null;
  readonly created_at: string;
  readonly updated_at: string;
}

/** What one look listed. */
export interface CommentLook {
  /** The comments updated at `since` or later, least recently updated first. */
  readonly comments: readonly ListedComment[];
  /** Where the listing started: the recorded watermark, or, the first time, the newest comment then. */
  readonly since: string;
  /** How many comments a page holds: once those since the watermark fill one, it moves. */
  readonly pageSize: number;
  /** The login the App comments as: its comments are never taken in. */
  readonly botLogin: string;
}

export interface CommentsTaken {
  readonly ledger: Ledger;
  /** The beads written: those whose comments changed, and the slot when the watermark moved. */
  readonly beads: readonly Bead[];
  /** The beads whose comments were taken in or edited. */
  readonly commented: readonly string[];
  /** The watermark recorded, when it was recorded or moved. */
  readonly watermark?: string;
}

const ISSUE_API_URL = /\/issues\/(\d+)$/;

/** The change each listed comment makes, as its last webhook would have: for the comments on issues beads of `repository` hold. */
export function driftCommentChanges(ledger: Ledger, comments: readonly ListedComment[], repository: RepoName): CommentChange[] {
  const refs = new Map<number, string>();
  for (const bead of ledger.beads()) {
    const number = issueNumberOf(bead.external_ref, repository);
    if (number !== undefined && bead.external_ref !== undefined && !refs.has(number)) refs.set(number, bead.external_ref);
  }
  const changes: CommentChange[] = [];
  for (const comment of comments) {
    const number = ISSUE_API_URL.exec(comment.issue_url)?.[1];
    const ref = number === undefined ? undefined : refs.get(Number(number));
    if (ref === undefined) continue;
    const action = comment.updated_at === comment.created_at ? "created" : "edited";
    const change = commentChangeOf(action, { issue: { html_url: ref }, comment });
    if (change !== undefined) changes.push(change);
  }
  return changes;
}

/** The watermark to record after `look`: its start the first time, the newest comment once a page is full; else undefined. */
export function nextCommentWatermark(recorded: string | undefined, look: Pick<CommentLook, "comments" | "since" | "pageSize">): string | undefined {
  const newest = look.comments.length >= look.pageSize ? look.comments.at(-1)?.updated_at : undefined;
  if (recorded === undefined) return newest ?? look.since;
  // Never back, and never on by a look that began later than the recorded one (a second replica's first).
  return newest !== undefined && Date.parse(newest) > Date.parse(recorded) ? newest : undefined;
}

/** The ledger with the look's comments taken in and the watermark recorded, in the drift's one commit. */
export function takeInComments(
  ledger: Ledger, look: CommentLook, context: MirrorContext, where: { readonly repository: RepoName; readonly slot: SlotWrite },
): CommentsTaken {
  const commented: string[] = [];
  let next = ledger;
  for (const change of driftCommentChanges(ledger, look.comments, where.repository)) {
    const after = applyCommentChange(next, change, { ...context, botLogin: look.botLogin });
    if (after === next) continue;
    next = after;
    const bead = beadByExternalRef(next, change.issueUrl);
    if (bead !== undefined && !commented.includes(bead.id)) commented.push(bead.id);
  }
  const { owner, repo } = where.repository;
  const watermark = nextCommentWatermark(commentWatermarkOf(ledger, owner, repo), look);
  if (watermark !== undefined) next = withCommentWatermark(next, owner, repo, watermark, where.slot);
  const slot = watermark === undefined ? undefined : beadByExternalRef(next, mirrorSlotRef(owner, repo));
  const beads = [...commented.map((id) => next.get(id)), slot].filter((bead): bead is Bead => bead !== undefined);
  return { ledger: next, beads, commented, ...(watermark === undefined ? {} : { watermark }) };
}
