// A work bead's description as an issue body, and back. The body ends with a marker naming the
// bead, `<!-- gastown:bead <id> -->` (an HTML comment, so GitHub shows nothing), so that after a
// crash between creating the issue and recording it in the ledger the App finds the issue again
// among its own. Agents write descriptions, so every `@` mention is neutralised on the way out
// and restored on the way in: the bead holds the text as written, and a mirrored body read back
// is the description it came from (unless the description itself already held `@` and a
// zero-width space before a handle, which read back as a plain `@`).
import { withoutMentions } from "../town/fenced-text.js";

/** GitHub's limit on an issue body, in characters. */
export const MAX_BODY_CHARACTERS = 65_536;

const MARKER = /^<!-- gastown:bead ([A-Za-z0-9][A-Za-z0-9._-]*) -->$/;
/** The `@` of a handle, as withoutMentions leaves it. */
const NEUTRALISED_MENTION = /(?<![A-Za-z0-9_])@\u200b(?=[A-Za-z0-9])/g;

export function markerLine(beadId: string): string {
  return `<!-- gastown:bead ${beadId} -->`;
}

/** Why the description stops short, said where it stops. */
export function cutNotice(beadId: string): string {
  return `*(Cut at GitHub's limit of ${MAX_BODY_CHARACTERS.toLocaleString("en")} characters: the whole text is bead ${beadId}'s description in the ledger.)*`;
}

/**
 * The body of the issue that mirrors bead `beadId`: its description with mentions neutralised,
 * then the marker. A description too long for GitHub is cut, and says so, to fit.
 */
export function issueBody(beadId: string, description: string | undefined): string {
  const marker = markerLine(beadId);
  const text = withoutMentions(description ?? "");
  if (text === "") return marker;
  const whole = `${text}\n\n${marker}`;
  if (whole.length <= MAX_BODY_CHARACTERS) return whole;
  const tail = `\n\n${cutNotice(beadId)}\n\n${marker}`;
  let cut = text.slice(0, MAX_BODY_CHARACTERS - tail.length);
  // Never split a surrogate pair, which would leave half a character GitHub then replaces.
  if (/[\ud800-\udbff]$/.test(cut)) cut = cut.slice(0, -1);
  return `${cut}${tail}`;
}

/** The bead a body's last line names, when that line is Gas Town's marker. */
export function markerBeadId(body: string | null | undefined): string | undefined {
  const lastLine = (body ?? "").replace(/\s+$/, "").split("\n").at(-1) ?? "";
  return MARKER.exec(lastLine.replace(/\r$/, ""))?.[1];
}

export interface BodyDescription {
  /** The description the body holds: without the marker, with its mentions as written. */
  readonly description: string;
  /** The body holds only the start of the bead's description (issueBody cut it): do not take it as the whole. */
  readonly cut: boolean;
}

/** What an issue body says of its bead's description. */
export function descriptionFromBody(body: string | null | undefined): BodyDescription {
  let text = body ?? "";
  const id = markerBeadId(text);
  if (id !== undefined) {
    text = text.replace(/\s+$/, "").slice(0, -markerLine(id).length);
    // issueBody's own blank line before the marker; a person's edit may have left any other.
    text = text.endsWith("\n\n") ? text.slice(0, -2) : text.replace(/[\r\n]+$/, "");
  }
  const notice = id === undefined ? undefined : `\n\n${cutNotice(id)}`;
  const cut = notice !== undefined && text.endsWith(notice);
  if (cut) text = text.slice(0, -(notice as string).length);
  return { description: text.replace(NEUTRALISED_MENTION, "@"), cut };
}
