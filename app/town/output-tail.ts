// The last lines of a polecat's output, made safe to show: the agent's output is whatever the
// agent (or anything it read) printed, so it is untrusted text. Terminal escapes, control
// characters and invisible or direction-changing characters are removed, each line and the
// whole are capped so a reply fits in one comment, and the caller fences what is left.

/** Lines shown when `/peek` names no number. */
export const DEFAULT_PEEK_LINES = 20;
/** The longest line shown; longer ones are cut, with "…". */
export const MAX_LINE_CHARS = 500;
/**
 * The most characters of output in one reply: GitHub refuses a comment over 65,536, and the
 * rest of the reply needs room. The earliest of the asked-for lines give way first.
 */
export const MAX_OUTPUT_CHARS = 50_000;

// ANSI escapes: CSI (colours, cursor moves) and OSC (titles, hyperlinks) sequences, then any
// other escape and the character after it.
// eslint-disable-next-line no-control-regex -- control characters are what this removes
const ANSI = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|\u001b[@-_]?/g;
// C0 and C1 controls but tab; DEL.
// eslint-disable-next-line no-control-regex -- control characters are what this removes
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;
// Characters that show nothing, or change the direction of what follows (Trojan Source): soft
// hyphen, combining grapheme joiner, Arabic letter mark, Hangul fillers, Khmer vowels inherent,
// Mongolian variation selectors and vowel separator, zero-width and direction marks, bidi
// embeddings, overrides and isolates, word joiner and invisible operators, variation selectors,
// the byte-order mark, interlinear annotation marks, and tag characters. Combining marks are
// among them on purpose: each is removed on its own, not as part of what it combines with.
const INVISIBLE =
  // eslint-disable-next-line no-misleading-character-class -- see above
  /[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff9-\ufffb]|[\u{e0000}-\u{e007f}\u{e0100}-\u{e01ef}]/gu;
// The time GitHub puts before every line of a job's log (the first after a byte-order mark).
const LOG_TIMESTAMP = /^\ufeff?\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z ?/;

/** One line with escapes, controls and invisible characters removed, cut at MAX_LINE_CHARS. */
export function cleanLine(line: string): string {
  const clean = line.replace(ANSI, "").replace(CONTROL, "").replace(INVISIBLE, "").trimEnd();
  const chars = Array.from(clean);
  return chars.length > MAX_LINE_CHARS ? `${chars.slice(0, MAX_LINE_CHARS - 1).join("")}…` : clean;
}

/**
 * The last `count` lines of `text`, cleaned, without trailing blank lines, and no more than
 * MAX_OUTPUT_CHARS together.
 */
export function outputTail(text: string, count: number): string[] {
  const wanted = Math.floor(count);
  if (!(wanted >= 1)) return [];
  const lines = text.split(/\r\n|\r|\n/);
  while (lines.length > 0 && cleanLine(lines[lines.length - 1] ?? "") === "") lines.pop();
  const tail = lines.slice(Math.max(0, lines.length - wanted)).map(cleanLine);
  let total = tail.reduce((sum, line) => sum + line.length + 1, 0);
  while (tail.length > 0 && total > MAX_OUTPUT_CHARS) total -= (tail.shift() ?? "").length + 1;
  return tail;
}

/** The tail of a job's log, each line without the time GitHub stamps on it. */
export function jobLogTail(log: string, count: number): string[] {
  return outputTail(log.split(/\r\n|\r|\n/).map((line) => line.replace(LOG_TIMESTAMP, "")).join("\n"), count);
}
