// Which beads a push to the ledger branch changed, read from the push alone where it can be:
// each commit the App (or a polecat's action) writes names the beads it changed in its
// `Gastown-Beads` trailer, so only a commit without one (a person's `git push`), a forced push,
// or a push GitHub lists only in part (at most 20 commits) needs the ledger before and after
// diffed. The mirror's own commits are skipped: what they record is what it already sent.
import { parseChangedBeads } from "./changed-beads-trailer.js";

/** GitHub lists at most this many commits in a push's payload. */
export const MAX_LISTED_COMMITS = 20;

/** The subject every commit of the mirror starts with. */
export const MIRROR_COMMIT_PREFIX = "Mirror: ";

export const ZERO_SHA = "0000000000000000000000000000000000000000";

export interface PushedCommit {
  readonly message: string;
  readonly added?: readonly string[];
  readonly removed?: readonly string[];
  readonly modified?: readonly string[];
}

/** The fields of a `push` webhook the mirror reads. */
export interface LedgerPush {
  readonly ref: string;
  readonly before: string;
  readonly after: string;
  readonly forced?: boolean;
  readonly deleted?: boolean;
  readonly commits?: readonly PushedCommit[];
}

export type PushReading =
  | { readonly kind: "none"; readonly why: string }
  | { readonly kind: "named"; readonly ids: readonly string[] }
  | { readonly kind: "diff"; readonly why: string };

/** Whether the commit message is one the mirror wrote (its intents, or what it recorded after sending). */
export function isMirrorCommit(message: string): boolean {
  return message.startsWith(MIRROR_COMMIT_PREFIX) && /^Gastown-Write: /m.test(message);
}

function touches(commit: PushedCommit, path: string): boolean {
  // A commit listed without its files (not as GitHub lists them) may touch anything.
  if (commit.added === undefined && commit.removed === undefined && commit.modified === undefined) return true;
  return [commit.added, commit.removed, commit.modified].some((files) => files?.includes(path) === true);
}

/** What the push says of the beads it changed in the ledger file at `path`. */
export function readLedgerPush(push: LedgerPush, path: string): PushReading {
  if (push.deleted === true || push.after === ZERO_SHA) return { kind: "none", why: "the branch was deleted" };
  const commits = push.commits ?? [];
  if (push.forced === true) return { kind: "diff", why: "a forced push" };
  if (commits.length >= MAX_LISTED_COMMITS) return { kind: "diff", why: `GitHub lists at most ${MAX_LISTED_COMMITS} of a push's commits` };
  const relevant = commits.filter((commit) => touches(commit, path) && !isMirrorCommit(commit.message));
  if (relevant.length === 0) return { kind: "none", why: "no commit but the mirror's own changed the ledger" };
  const ids = new Set<string>();
  for (const commit of relevant) {
    const named = parseChangedBeads(commit.message);
    if (named === undefined) return { kind: "diff", why: "a commit names no beads it changed (a person's push)" };
    for (const id of named) ids.add(id);
  }
  return { kind: "named", ids: [...ids] };
}
