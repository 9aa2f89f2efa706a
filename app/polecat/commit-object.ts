// A commit object as git stores it (`git cat-file commit`), read without git's help: headers,
// then a blank line, then the message. The commits read here may be an agent's, so nothing is
// assumed of them beyond what `git fsck --strict` has already checked.
import type { GitPerson } from "./action-identity.js";

export interface CommitObject {
  readonly sha: string;
  readonly tree: string;
  readonly parents: readonly string[];
  readonly author: GitPerson;
  readonly committer: GitPerson;
  readonly message: string;
}

export function parseCommitObject(sha: string, raw: string): CommitObject {
  const split = raw.indexOf("\n\n");
  const head = split < 0 ? raw : raw.slice(0, split);
  const message = split < 0 ? "" : raw.slice(split + 2);
  let tree: string | undefined;
  const parents: string[] = [];
  let author: GitPerson | undefined;
  let committer: GitPerson | undefined;
  for (const line of head.split("\n")) {
    // Continuation lines (a signature's) start with a space and belong to the header above.
    if (line.startsWith(" ")) continue;
    const space = line.indexOf(" ");
    const key = space < 0 ? line : line.slice(0, space);
    const value = space < 0 ? "" : line.slice(space + 1);
    if (key === "tree") tree = value;
    else if (key === "parent") parents.push(value);
    else if (key === "author") author ??= parsePerson(value);
    else if (key === "committer") committer ??= parsePerson(value);
  }
  if (tree === undefined || author === undefined || committer === undefined) throw new Error(`commit ${sha} has no tree, author or committer`);
  return { sha, tree, parents, author, committer, message };
}

/** `Name <email> 1717243200 +0000` → name and email. */
function parsePerson(value: string): GitPerson {
  const open = value.indexOf("<");
  const close = value.indexOf(">", open);
  if (open < 0 || close < 0) return { name: value.trim(), email: "" };
  return { name: value.slice(0, open).trim(), email: value.slice(open + 1, close) };
}

/** The message's first line. */
export function subjectOf(message: string): string {
  return message.split("\n", 1)[0] ?? "";
}

export interface Trailer {
  readonly key: string;
  readonly value: string;
}

const TRAILER_LINE = /^([A-Za-z0-9][A-Za-z0-9-]*):[ \t]*(.*)$/;

/**
 * The trailers of a message: its last paragraph, when every line of it is `Key: value` and it is
 * not the subject. Stricter than `git interpret-trailers` (no continuation lines, no other lines
 * mixed in), which is enough for the trailers Gas Town writes and reads.
 */
export function trailersOf(message: string): Trailer[] {
  const paragraphs = message.replace(/\s+$/, "").split(/\n[ \t]*\n/);
  if (paragraphs.length < 2) return [];
  const lines = (paragraphs.at(-1) as string).split("\n");
  const trailers: Trailer[] = [];
  for (const line of lines) {
    const match = TRAILER_LINE.exec(line);
    if (!match) return [];
    trailers.push({ key: match[1] as string, value: (match[2] as string).trim() });
  }
  return trailers;
}

/** The values of a trailer, its key compared without case as git does. */
export function trailerValues(trailers: readonly Trailer[], key: string): string[] {
  return trailers.filter((trailer) => trailer.key.toLowerCase() === key.toLowerCase()).map((trailer) => trailer.value);
}
