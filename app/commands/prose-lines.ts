// The lines of a Markdown comment a reader sees as prose starting at the left margin: the only
// lines that can hold a slash command (DESIGN §7). Text in code blocks, block quotes and HTML
// comments is left out, so quoting or showing a command never runs it. This follows CommonMark
// where it matters for that and no further; it is not a Markdown parser.

export interface ProseLine {
  /** 1-based, counted in the comment body. */
  readonly line: number;
  /** The line without its indentation (at most 3 spaces). */
  readonly text: string;
}

interface Fence {
  readonly char: "`" | "~";
  readonly length: number;
  /** Where a list item's content starts when the fence opened in one, else 0. A line indented
   * less ends the item and so the fence; a closing fence may be indented 3 spaces past it. */
  readonly contentIndent: number;
}

// GitHub's web editor sends `\r\n`; CommonMark also counts a lone `\r` as a line ending.
const LINE_ENDING = /\r\n?|\n/;
// A fence may follow a list marker on the same line (`- ```` or `1. ````).
const FENCE_OPEN = /^((?:[-*+]|\d{1,9}[.)]) +)?(`{3,}|~{3,})(.*)$/s;

export function proseLines(body: string): ProseLine[] {
  const lines: ProseLine[] = [];
  let fence: Fence | undefined;
  let inComment = false;
  body.split(LINE_ENDING).forEach((raw, index) => {
    if (fence && !endsListItem(raw, fence)) {
      if (closesFence(raw, fence)) fence = undefined;
      return;
    }
    fence = undefined;
    if (inComment) {
      // The line a comment ends on belongs to it, whatever follows `-->` (a CommonMark HTML block).
      const end = raw.indexOf("-->");
      if (end >= 0) inComment = opensComment(raw.slice(end + 3));
      return;
    }
    // At most 3 spaces of indentation; 4 or more, or a tab, make an indented code block.
    const indent = /^[ \t]*/.exec(raw)?.[0] ?? "";
    if (indent.length > 3 || indent.includes("\t")) return;
    const text = raw.slice(indent.length);
    // A quote's fences and comments end with the quote, so its lines change no state here.
    if (text.startsWith(">")) return;
    const open = FENCE_OPEN.exec(text);
    const [, marker = "", run = "", info = ""] = open ?? [];
    // A backtick in a backtick fence's info string makes the line inline code instead (```a```).
    if (open && !(run.startsWith("`") && info.includes("`"))) {
      fence = { char: run.startsWith("`") ? "`" : "~", length: run.length, contentIndent: marker ? indent.length + marker.length : 0 };
      return;
    }
    lines.push({ line: index + 1, text });
    inComment = opensComment(text);
  });
  return lines;
}

function endsListItem(raw: string, fence: Fence): boolean {
  return raw.trim() !== "" && (/^ */.exec(raw)?.[0].length ?? 0) < fence.contentIndent;
}

function closesFence(raw: string, fence: Fence): boolean {
  const indent = /^ */.exec(raw)?.[0].length ?? 0;
  if (indent > fence.contentIndent + 3) return false;
  const rest = raw.slice(indent);
  let run = 0;
  while (rest[run] === fence.char) run++;
  return run >= fence.length && rest.slice(run).trim() === "";
}

/** Whether `text` leaves an HTML comment open at its end. */
function opensComment(text: string): boolean {
  if (!text.includes("<!--")) return false;
  const prose = withoutCodeSpans(text);
  let from = 0;
  for (;;) {
    const start = prose.indexOf("<!--", from);
    if (start < 0) return false;
    // From start + 2, so `<!-->` and `<!--->` count as whole (empty) comments, as CommonMark says.
    const end = prose.indexOf("-->", start + 2);
    if (end < 0) return true;
    from = end + 3;
  }
}

/** `text` with its inline code spans blanked, so a `` `<!--` `` shown as code opens no comment. */
function withoutCodeSpans(text: string): string {
  let out = "";
  let at = 0;
  while (at < text.length) {
    const open = text.indexOf("`", at);
    if (open < 0) return out + text.slice(at);
    const length = runLength(text, open);
    const close = closingRun(text, open + length, length);
    if (close < 0) {
      // No run of the same length closes it: the backticks are literal.
      out += text.slice(at, open + length);
      at = open + length;
    } else {
      out += text.slice(at, open);
      at = close + length;
    }
  }
  return out;
}

function runLength(text: string, at: number): number {
  let end = at;
  while (text[end] === "`") end++;
  return end - at;
}

/** Where the next run of exactly `length` backticks from `from` starts, or -1. */
function closingRun(text: string, from: number, length: number): number {
  let at = text.indexOf("`", from);
  while (at >= 0) {
    const run = runLength(text, at);
    if (run === length) return at;
    at = text.indexOf("`", at + run);
  }
  return -1;
}
