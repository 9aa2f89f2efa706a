// Text from outside the town's control (an issue's title and body, people's nudges, what agents
// wrote) made safe to put before an agent: everything a reader of the issue cannot see is
// removed, so nothing reaches the agent that the people who vet the issue did not see, and the
// rest is fenced as data.
//
// What is removed, wherever it appears:
// - hidden characters (see hidden-characters.ts);
// - HTML comments, an unclosed one to the end of the text (GitHub hides the rest of the
//   document behind it), and processing instructions, declarations and CDATA the same way;
// - HTML tags with their attributes (`alt`, `title`, `data-*` are never shown): tags as
//   CommonMark reads them in running text, and as a browser reads them in HTML blocks, where
//   Markdown hands the text to the browser as it is (`<div ; title="x">`); and the whole
//   content of elements no reader sees: `<script>`, `<style>`, `<template>` and their kind, and
//   any element marked `hidden` or styled out of sight;
// - character references that spell a hidden character (`&zwj;`, `&#x202E;`);
// - Markdown link reference definitions (`[x]: /url "title"`), which render as nothing, and the
//   alt text and title of images, which a reader sees only when the image fails to load.
//
// Code is not spared. Which part of a text is code is the renderer's call, and the text itself
// can steer it (an HTML block swallows a fence, a list item ends and takes its fence with it),
// so telling code from prose here would let a crafted issue hide markup from this and not from
// GitHub, or the other way round. A code example loses its tags (`Array<string>` reads
// `Array`); nothing hidden gets through.
import { fenced } from "./fenced-text.js";
import { isHiddenEntity, withoutHiddenCharacters } from "./hidden-characters.js";

/**
 * Removing markup can join what is left into new markup (`<<b>!-- x -->`). A few passes undo
 * the nesting people write by accident; text still changing after them is built to outlast a
 * sanitiser, and loses every `<` and `&` instead.
 */
export const SANITIZE_PASSES = 4;

/** `text` with everything a reader cannot see removed. */
export function sanitizeUntrusted(text: string): string {
  let current = text;
  for (let pass = 0; pass < SANITIZE_PASSES; pass++) {
    const next = sanitizeOnce(current);
    if (next === current) return current;
    current = next;
  }
  // Without `<` and `&` nothing is markup any more; defining lines and image text, which the
  // last pass may have joined, go in one more.
  return sanitizeOnce(current.replace(/[<&]/g, ""));
}

/** `text` sanitised and fenced as data, its leading and trailing blank lines dropped. */
export function fencedUntrusted(text: string): string {
  return fenced(sanitizeUntrusted(text).replace(/^(?:[ \t]*\n)+/, "").trimEnd());
}

function sanitizeOnce(text: string): string {
  return withoutImageText(withoutReferenceDefinitions(withoutMarkup(withoutHiddenCharacters(text))));
}

// ---------------------------------------------------------------------------------------------
// HTML

/** Elements whose content no reader sees (the sanitiser's usual list, and a few more). */
const CONTENT_HIDDEN = new Set([
  "script", "style", "template", "noscript", "noembed", "noframes", "iframe", "object", "svg", "math",
  "title", "textarea", "xmp", "plaintext",
]);
/** Of those, the ones whose content is raw text: the first closing tag ends them. */
const RAW_TEXT = new Set(["script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "noscript"]);
/** Elements that have no content, hidden or not. */
const VOID = new Set([
  "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr",
]);
const HIDING_STYLE = /display\s*:\s*none|visibility\s*:\s*hidden|font-size\s*:\s*0(?![.\d])|opacity\s*:\s*0(?![.\d])/i;

// CommonMark's raw HTML (spec §6.6), with any whitespace between attributes.
const ATTRIBUTE = String.raw`\s+[A-Za-z_:][A-Za-z0-9_.:-]*(?:\s*=\s*(?:[^\s"'=<>\x60]+|'[^']*'|"[^"]*"))?`;
const OPEN_TAG = new RegExp(String.raw`<([A-Za-z][A-Za-z0-9-]*)((?:${ATTRIBUTE})*)\s*(/?)>`, "y");
const CLOSE_TAG = /<\/([A-Za-z][A-Za-z0-9-]*)\s*>/y;
const TAG_NAME = /<(\/?)([A-Za-z][^\s/>]*)/y;
const QUOTED_VALUE = /\s*(?:"[^"]*"|'[^']*')/y;
const BLANK_LINE = /[ \t]*(?:\n|$)/y;
const ENTITY = /&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});/y;
/** Each construct that begins `<!`, `<?`: its opener and what ends it. */
const ENCLOSED: readonly { readonly open: RegExp; readonly close: string; readonly from: number }[] = [
  // `<!-->` and `<!--->` are whole comments, so the end is looked for from the second dash.
  { open: /<!--/y, close: "-->", from: 2 },
  { open: /<\?/y, close: "?>", from: 2 },
  { open: /<!\[CDATA\[/y, close: "]]>", from: 9 },
  { open: /<![A-Za-z]/y, close: ">", from: 2 },
];

function matchAt(pattern: RegExp, text: string, at: number): RegExpExecArray | null {
  pattern.lastIndex = at;
  return pattern.exec(text);
}

/**
 * Where the markup starting at `at` ends (what to skip), or -1 when it is text. `lenient`:
 * the tag is read as a browser reads it rather than as CommonMark's grammar allows.
 */
function markupEnd(text: string, at: number, lenient: boolean): number {
  if (text[at] === "&") {
    const entity = matchAt(ENTITY, text, at);
    return entity && isHiddenEntity(entity[0]) ? at + entity[0].length : -1;
  }
  for (const { open, close, from } of ENCLOSED) {
    if (!matchAt(open, text, at)) continue;
    const end = text.indexOf(close, at + from);
    return end < 0 ? text.length : end + close.length;
  }
  const tag = lenient ? browserTag(text, at) : commonMarkTag(text, at);
  if (!tag) return -1;
  const selfClosing = tag.closing || tag.selfClosing || VOID.has(tag.name);
  return !selfClosing && hidesContent(tag.name, tag.attributes) ? elementEnd(text, tag.name, tag.end) : tag.end;
}

interface Tag {
  /** Lower case. */
  readonly name: string;
  readonly attributes: string;
  readonly closing: boolean;
  readonly selfClosing: boolean;
  /** Just after its `>`. */
  readonly end: number;
}

function commonMarkTag(text: string, at: number): Tag | undefined {
  const closing = matchAt(CLOSE_TAG, text, at);
  if (closing) {
    return { name: (closing[1] as string).toLowerCase(), attributes: "", closing: true, selfClosing: false, end: at + closing[0].length };
  }
  const open = matchAt(OPEN_TAG, text, at);
  if (!open) return undefined;
  return {
    name: (open[1] as string).toLowerCase(), attributes: open[2] as string, closing: false,
    selfClosing: open[3] === "/", end: at + open[0].length,
  };
}

/**
 * A tag as an HTML parser reads one: a name, then anything up to a `>` outside a quoted
 * value, so `<div ; title="x">` is a tag. One the block leaves unclosed runs to its end: the
 * browser reads on into the markup rendered after it.
 */
function browserTag(text: string, at: number): Tag | undefined {
  const head = matchAt(TAG_NAME, text, at);
  if (!head) return undefined;
  const tag = (end: number, selfClosing: boolean): Tag => ({
    name: (head[2] as string).toLowerCase(), attributes: text.slice(at + head[0].length, end - 1),
    closing: head[1] === "/", selfClosing, end,
  });
  for (let i = at + head[0].length; i < text.length; i++) {
    const c = text[i];
    if (c === ">") return tag(i + 1, text[i - 1] === "/");
    if (c === "\n" && matchAt(BLANK_LINE, text, i + 1)) return tag(i, true);
    if (c !== "=") continue;
    const quote = matchAt(QUOTED_VALUE, text, i + 1);
    if (quote) i += quote[0].length;
  }
  return tag(text.length, true);
}

function hidesContent(name: string, attributes: string): boolean {
  if (CONTENT_HIDDEN.has(name)) return true;
  if (/(?:^|\s)hidden(?:\s*=|\s|$)/i.test(attributes)) return true;
  const style = /\sstyle\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))/i.exec(attributes);
  return style !== null && HIDING_STYLE.test(style[1] ?? style[2] ?? style[3] ?? "");
}

/** After the closing tag that ends the element opened before `from`; the end when there is none. */
function elementEnd(text: string, name: string, from: number): number {
  // A name read as a browser reads it may hold any character but space, `/` and `>`.
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const tags = new RegExp(String.raw`<(/?)${escaped}(?=[\s/>])[^>]*>`, "gi");
  tags.lastIndex = from;
  let depth = 1;
  for (let match = tags.exec(text); match; match = tags.exec(text)) {
    if (match[1] === "/") depth--;
    else if (!RAW_TEXT.has(name) && !match[0].endsWith("/>")) depth++;
    if (depth === 0) return tags.lastIndex;
  }
  return text.length;
}

function withoutMarkup(text: string): string {
  const blocks = htmlBlocks(text);
  let block = 0;
  let out = "";
  let from = 0;
  const starts = /[<&]/g;
  for (let match = starts.exec(text); match; match = starts.exec(text)) {
    const at = match.index;
    while (block < blocks.length && (blocks[block] as HtmlBlock).end <= at) block++;
    const inBlock = block < blocks.length && (blocks[block] as HtmlBlock).start <= at;
    const end = markupEnd(text, at, inBlock);
    if (end < 0) continue;
    out += text.slice(from, at);
    from = end;
    starts.lastIndex = end;
  }
  return out + text.slice(from);
}

interface HtmlBlock {
  readonly start: number;
  readonly end: number;
}

/** `<pre>`, `<textarea>` and their kind run to their closing tag, blank lines and all. */
const RAW_BLOCK = /^ {0,3}<(pre|textarea|script|style)(?=[\s>]|$)/i;
const BLOCK_START = /^ {0,3}<\/?[A-Za-z]/;

/**
 * Where Markdown passes text to the browser as it is: from a line that starts with a tag to
 * the next blank line (CommonMark's HTML blocks 6 and 7, taken broadly), and from `<pre>`,
 * `<textarea>`, `<script>` or `<style>` to the line that closes it.
 */
function htmlBlocks(text: string): HtmlBlock[] {
  const blocks: HtmlBlock[] = [];
  let lineStart = 0;
  let open: { start: number; close: RegExp | undefined } | undefined;
  while (lineStart <= text.length) {
    const newline = text.indexOf("\n", lineStart);
    const lineEnd = newline < 0 ? text.length : newline;
    const line = text.slice(lineStart, lineEnd);
    if (open === undefined) {
      const raw = RAW_BLOCK.exec(line);
      if (raw) open = { start: lineStart, close: new RegExp(`</${raw[1]}>`, "i") };
      else if (BLOCK_START.test(line)) open = { start: lineStart, close: undefined };
    }
    if (open !== undefined) {
      const ends = open.close === undefined ? line.trim() === "" : open.close.test(line);
      if (ends || newline < 0) {
        blocks.push({ start: open.start, end: lineEnd + 1 });
        open = undefined;
      }
    }
    if (newline < 0) break;
    lineStart = newline + 1;
  }
  return blocks;
}

// ---------------------------------------------------------------------------------------------
// Markdown

/** `[label]:` opening a line; a footnote (`[^1]:`) is shown, so it stays. */
const DEFINITION_START = /^ {0,3}\[(?!\^)(?:[^\\\]\n]|\\.)+\]:/;
const TITLE_CLOSE: Readonly<Record<string, string>> = { '"': '"', "'": "'", "(": ")" };

/**
 * The lines that are link reference definitions, dropped. A definition may put its
 * destination on the next line and its title across the lines after; a blank line ends it.
 */
function withoutReferenceDefinitions(text: string): string {
  const lines = text.split("\n");
  const kept: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const start = DEFINITION_START.exec(lines[i] as string);
    if (!start) {
      kept.push(lines[i] as string);
      continue;
    }
    let rest = (lines[i] as string).slice(start[0].length).trim();
    const nextIsText = () => i + 1 < lines.length && (lines[i + 1] as string).trim() !== "";
    if (rest === "" && nextIsText()) rest = (lines[++i] as string).trim();
    // The destination, then what may open a title.
    rest = rest.replace(/^(?:<[^>\n]*>|\S+)\s*/, "");
    if (rest === "" && nextIsText() && /^\s*["'(]/.test(lines[i + 1] as string)) rest = (lines[++i] as string).trim();
    const opener = rest[0];
    if (opener === undefined || !(opener in TITLE_CLOSE)) continue;
    const close = TITLE_CLOSE[opener] as string;
    let title = rest.slice(1);
    while (!title.includes(close) && nextIsText()) title = lines[++i] as string;
  }
  return kept.join("\n");
}

/** For each `[`, the index of its `]` (-1 when it has none), escapes and nesting respected. */
function matchingBrackets(text: string): Int32Array {
  const match = new Int32Array(text.length).fill(-1);
  const open: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "\\") i++;
    else if (c === "[") open.push(i);
    else if (c === "]" && open.length > 0) match[open.pop() as number] = i;
  }
  return match;
}

const IMAGE_SOURCE = /\(\s*(<[^>\n]*>|[^\s()]+)?\s*(?:"[^"]*"|'[^']*'|\([^)]*\))?\s*\)/y;

/** Images without their alt text and title: `![alt](src "title")` → `![](src)`, `![alt][ref]` → `![][ref]`. */
function withoutImageText(text: string): string {
  if (!text.includes("![")) return text;
  const brackets = matchingBrackets(text);
  let out = "";
  let from = 0;
  for (let at = text.indexOf("![", from); at >= 0; at = text.indexOf("![", Math.max(at + 1, from))) {
    const close = brackets[at + 1] as number;
    const after = text[close + 1];
    if (close < 0 || (after !== "(" && after !== "[")) continue;
    out += text.slice(from, at + 2);
    from = close;
    if (after === "(") {
      // `(src "title")`: the source stays, the title goes.
      const destination = matchAt(IMAGE_SOURCE, text, close + 1);
      if (destination) {
        out += `](${destination[1] ?? ""})`;
        from = close + 1 + destination[0].length;
      }
    }
  }
  return out + text.slice(from);
}
