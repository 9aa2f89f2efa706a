// Characters a reader cannot see but a model reads: control characters, format characters
// (zero-width spaces and joiners, the word joiner, the BOM, the soft hyphen, bidirectional
// controls, the Unicode tag block), fillers that draw as blank, and variation selectors beyond
// the one an emoji may carry. Text people wrote loses them before an agent reads it, so what
// the agent reads is what a person reviewing the issue saw.

/**
 * Format (Cf) covers zero-width characters, joiners, the BOM, the soft hyphen, every
 * bidirectional control (U+200E/F, U+061C, U+202A–E, U+2066–9) and the assigned tags; the
 * tag block's unassigned code points are named too. Controls (Cc) but tab and newline.
 * U+034F and the Mongolian selectors join or vary without drawing; the Hangul fillers draw
 * as blank and are the usual "invisible letters".
 */
const HIDDEN = /[\p{Cc}\p{Cf}\p{Cs}\u180B-\u180F\u3164\uFFA0\u{E0000}-\u{E007F}]|\u034F|\u115F|\u1160/u;

const TAB = 0x09;
const NEWLINE = 0x0a;

/** Emoji and text presentation: the only selectors in everyday text, one after a character. */
const PRESENTATION_SELECTORS = new Set([0xfe0e, 0xfe0f]);

function isVariationSelector(codePoint: number): boolean {
  return (codePoint >= 0xfe00 && codePoint <= 0xfe0f) || (codePoint >= 0xe0100 && codePoint <= 0xe01ef);
}

/** Whether a reader sees nothing of this code point (a selector is judged by its place, apart). */
export function isHiddenCodePoint(codePoint: number): boolean {
  if (codePoint > 0x10ffff) return true;
  if (codePoint === TAB || codePoint === NEWLINE) return false;
  return isVariationSelector(codePoint) || HIDDEN.test(String.fromCodePoint(codePoint));
}

/** `\r\n`, a lone `\r` and the Unicode line and paragraph separators, as `\n`. */
export function normalizeNewlines(text: string): string {
  return text.replace(/\r\n?|[\u0085\u2028\u2029]/g, "\n");
}

/**
 * `text` without hidden characters. A variation selector stays only when it is U+FE0E or
 * U+FE0F right after a visible, non-space character: runs of selectors (or any of the 256
 * after one emoji) are how text is smuggled past a reader, a byte a selector.
 */
export function withoutHiddenCharacters(text: string): string {
  let out = "";
  let previous: string | undefined;
  for (const char of normalizeNewlines(text)) {
    const codePoint = char.codePointAt(0) as number;
    if (isVariationSelector(codePoint)) {
      const keep = PRESENTATION_SELECTORS.has(codePoint) && previous !== undefined && !/\s/u.test(previous) &&
        !isVariationSelector(previous.codePointAt(0) as number);
      if (keep) out += char;
      previous = char;
      continue;
    }
    if (char !== "\t" && char !== "\n" && HIDDEN.test(char)) continue;
    out += char;
    previous = char;
  }
  return out;
}

/** Named character references (HTML) that spell a hidden character. */
const HIDDEN_ENTITY_NAMES: ReadonlySet<string> = new Set([
  "shy", "zwj", "zwnj", "lrm", "rlm", "ZeroWidthSpace", "NegativeVeryThinSpace", "NegativeThinSpace",
  "NegativeMediumSpace", "NegativeThickSpace", "NoBreak", "ApplyFunction", "af", "InvisibleTimes", "it",
  "InvisibleComma", "ic",
]);

/**
 * Whether an HTML character reference (`&zwj;`, `&#8238;`, `&#x202E;`) stands for a hidden
 * character once rendered; `&#0;` and references past Unicode render as U+FFFD, which is seen.
 */
export function isHiddenEntity(entity: string): boolean {
  const body = entity.slice(1, -1);
  if (!body.startsWith("#")) return HIDDEN_ENTITY_NAMES.has(body);
  const hex = body[1] === "x" || body[1] === "X";
  const codePoint = Number.parseInt(body.slice(hex ? 2 : 1), hex ? 16 : 10);
  return Number.isFinite(codePoint) && codePoint > 0 && codePoint <= 0x10ffff && isHiddenCodePoint(codePoint);
}
