// An `issue_comment` webhook as a change to the bead comments of the issue's bead (the mirror's
// contract): a comment made is taken in once, as `{id, issue_id, author, text, created_at,
// github_id}` with a fresh id; an edit changes the text of the comment with that `github_id`;
// a deletion removes it. Text taken in is stored as written.
//
// Never taken in: comments on pull requests (no work bead), the App's own comments (its status
// comments and replies, and the ledger's comments it posted, which the ledger has already), a
// bot's comment that carries one of Gas Town's markers, and comments that hold one of Gas Town's
// slash commands. A command is a request to the App, which answers it on the issue; it says
// nothing about the work itself, and agents reading the bead's comments would otherwise see
// `/sling` and `/nudge` lines as discussion of their task (a nudge's text already reaches them
// as a message bead).
//
// A town may speak under two logins: its App's, and `github-actions[bot]` where a workflow of it
// (the patrol, gastown-app.yml) runs with its GITHUB_TOKEN; each pass knows only the login it acts
// as. What the town writes carries a `<!-- gastown:… -->` marker (the status comment, a convoy's,
// an exit, a ledger comment posted to the issue), so a bot's comment with one is the town's
// whichever login wrote it. A person's comment that quotes a marker is still taken in.
import { createHash } from "node:crypto";
import { parseCommands } from "../commands/parse-commands.js";
import type { Bead, Comment } from "../ledger/bead-schema.js";
import { beadByExternalRef } from "../ledger/external-ref.js";
import type { Ledger } from "../ledger/ledger.js";
import { timestamp } from "../molecules/pour.js";
import { isMirrored } from "./issue-shape.js";
import { isTime, loginOf, recordAt, type MirrorContext } from "./mirror-context.js";

/** The key of a bead comment holding the GitHub comment's id. */
export const GITHUB_ID_KEY = "github_id";

export interface CommentChange {
  readonly kind: "comment";
  readonly action: "created" | "edited" | "deleted";
  /** The issue's `html_url`: its bead's `external_ref`. */
  readonly issueUrl: string;
  readonly comment: {
    readonly id: number;
    readonly html_url: string;
    readonly body: string;
    readonly author: string;
    /** Whether a bot account wrote it: an App's (`<slug>[bot]`), `github-actions[bot]`. */
    readonly byBot: boolean;
    readonly created_at: string;
  };
}

/** How every marker Gas Town writes into a comment begins (status-comment.ts, mirror-comments.ts, …). */
const TOWN_MARKER = "<!-- gastown:";

const ACTIONS: ReadonlySet<string> = new Set(["created", "edited", "deleted"]);

/** The change an `issue_comment` webhook makes, or undefined when it makes none (or is not one). */
export function commentChangeOf(action: string, payload: unknown): CommentChange | undefined {
  const issue = recordAt(payload, "issue");
  const comment = recordAt(payload, "comment");
  if (!ACTIONS.has(action) || typeof issue?.html_url !== "string" || issue.pull_request !== undefined) return undefined;
  const user = recordAt(comment, "user");
  const author = loginOf(user);
  if (typeof comment?.id !== "number" || typeof comment.html_url !== "string" || !isTime(comment.created_at) || author === undefined) {
    return undefined;
  }
  return {
    kind: "comment", action: action as CommentChange["action"], issueUrl: issue.html_url,
    comment: {
      id: comment.id, html_url: comment.html_url, body: typeof comment.body === "string" ? comment.body : "", author,
      // GitHub reserves the `[bot]` suffix for Apps' accounts, so a payload without `type` still tells.
      byBot: user?.type === "Bot" || author.endsWith("[bot]"), created_at: comment.created_at,
    },
  };
}

/** Whether the comment is the work's discussion rather than the App's doing or a request to it. */
function takenIn(change: CommentChange, context: MirrorContext): boolean {
  if (change.comment.author === context.botLogin) return false;
  if (change.comment.byBot && change.comment.body.includes(TOWN_MARKER)) return false;
  const parsed = parseCommands(change.comment.body);
  return parsed.commands.length === 0 && parsed.problems.length === 0;
}

/**
 * The bead comment's id: a UUID made from the GitHub comment's URL, so the mutation stays pure
 * (a retried compare-and-swap, or a second App replica, makes the very same comment).
 */
export function commentUuid(htmlUrl: string): string {
  const hex = createHash("sha256").update(`gastown:github-comment:${htmlUrl}`, "utf8").digest("hex");
  // RFC 9562 version 8 (custom), variant 10.
  const variant = ((Number.parseInt(hex[16] as string, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function githubIdOf(comment: Comment): unknown {
  return (comment as Record<string, unknown>)[GITHUB_ID_KEY];
}

/** The bead's comments after the change; undefined when it changes nothing. */
function changedComments(bead: Bead, change: CommentChange, context: MirrorContext): readonly Comment[] | undefined {
  const comments = bead.comments ?? [];
  const index = comments.findIndex((comment) => githubIdOf(comment) === change.comment.id);
  if (change.action === "deleted") return index < 0 ? undefined : comments.filter((_, i) => i !== index);
  if (!takenIn(change, context)) return undefined;
  if (index >= 0) {
    const known = comments[index] as Comment;
    // A comment seen made is not made again (a redelivery); an edit changes only its text.
    if (change.action === "created" || known.text === change.comment.body) return undefined;
    return comments.map((comment, i) => (i === index ? { ...comment, text: change.comment.body } : comment));
  }
  // An edit of a comment the ledger does not hold (made before the issue was linked) takes it in.
  const taken = {
    id: commentUuid(change.comment.html_url), issue_id: bead.id, author: change.comment.author, text: change.comment.body,
    created_at: timestamp(new Date(change.comment.created_at)), [GITHUB_ID_KEY]: change.comment.id,
  } as Comment;
  return [...comments, taken];
}

/** The ledger with the comment change applied to the issue's bead; the same ledger when nothing changes. */
export function applyCommentChange(ledger: Ledger, change: CommentChange, context: MirrorContext): Ledger {
  const bead = beadByExternalRef(ledger, change.issueUrl);
  if (bead === undefined || !isMirrored(bead, context.mirror)) return ledger;
  const comments = changedComments(bead, change, context);
  if (comments === undefined) return ledger;
  const next: Record<string, unknown> = { ...bead, comments, updated_at: timestamp(context.now) };
  if (comments.length === 0) delete next.comments;
  return ledger.withBead(next as Bead);
}
