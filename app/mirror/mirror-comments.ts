// A bead's comments as comments on its issue, each posted once. A ledger comment that is on
// GitHub carries `github_id`, the issue comment's id, recorded in a CAS commit after posting;
// the posted body ends with `<!-- gastown:comment <bead comment id> -->`, so a crash between
// posting and recording finds the comment on the issue instead of posting it again. Comments
// are written by agents and people alike, so every `@` mention is neutralised on the way out.
import type { Bead, Comment } from "../ledger/bead-schema.js";
import { withoutMentions } from "../town/fenced-text.js";

const MARKER = /<!-- gastown:comment ([^\s>]+) -->\s*$/;

export function commentMarker(commentId: string): string {
  return `<!-- gastown:comment ${commentId} -->`;
}

/** The bead comment an issue comment's body names in its last line, if any. */
export function markerCommentId(body: string | null | undefined): string | undefined {
  return MARKER.exec(body ?? "")?.[1];
}

/** The comment's id as its marker names it; undefined for one with no id (older ledgers). */
export function commentKey(comment: Comment): string | undefined {
  return comment.id === undefined ? undefined : String(comment.id);
}

function githubIdOf(comment: Comment): number | undefined {
  const id = (comment as { github_id?: unknown }).github_id;
  return typeof id === "number" ? id : undefined;
}

/**
 * The bead's comments not yet on GitHub, oldest first: those with an id and no `github_id`. A
 * comment with no id (written before Beads gave comments ids) has no marker to be found by
 * after a crash, so it is never posted.
 */
export function commentsToPost(bead: Bead): Comment[] {
  return (bead.comments ?? []).filter((comment) => githubIdOf(comment) === undefined && commentKey(comment) !== undefined);
}

/** The issue comment that mirrors a ledger comment: its text, who wrote it, the marker. */
export function mirroredCommentBody(comment: Comment): string {
  const author = withoutMentions(comment.author.trim() === "" ? "someone" : comment.author);
  return `${withoutMentions(comment.text)}\n\n<sub>${author}, in the ledger</sub>\n\n${commentMarker(commentKey(comment) ?? "")}`;
}

/** The bead with `github_id` recorded on the comments `ids` names (by comment id); the same bead when none is new. */
export function withCommentGitHubIds(bead: Bead, ids: ReadonlyMap<string, number>): Bead {
  let changed = false;
  const comments = (bead.comments ?? []).map((comment) => {
    const key = commentKey(comment);
    const githubId = key === undefined ? undefined : ids.get(key);
    if (githubId === undefined || githubIdOf(comment) !== undefined) return comment;
    changed = true;
    return { ...comment, github_id: githubId };
  });
  return changed ? { ...bead, comments } : bead;
}
