// What every fuzz test shares: the run settings, seeded so a failure replays, and generators of
// the hostile text and mutated JSON that stand for what a commenter, a repository's files or the
// agent's process may write. `FUZZ_RUNS` multiplies the runs (`FUZZ_RUNS=20 npx vitest run
// test/fuzz`); `FUZZ_SEED` (with `FUZZ_PATH`, both printed by a failure) replays one case.
import fc from "fast-check";

/** The seed CI runs with: fixed, so `npm test` checks the same cases every time. */
const CI_SEED = 20261203;

function envNumber(name: string): number | undefined {
  const text = process.env[name];
  if (text === undefined || text === "") return undefined;
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new Error(`${name} must be an integer (got ${JSON.stringify(text)})`);
  return value;
}

/**
 * fast-check's settings for a property that runs `numRuns` times in CI: a modest count, so the
 * whole fuzz suite stays well under a minute on two cores; `FUZZ_RUNS` times as many when asked.
 */
export function fuzzRuns(numRuns: number): fc.Parameters<unknown> {
  const path = process.env.FUZZ_PATH;
  return {
    seed: envNumber("FUZZ_SEED") ?? CI_SEED,
    numRuns: numRuns * (envNumber("FUZZ_RUNS") ?? 1),
    ...(path ? { path } : {}),
  };
}

/** A fuzz test's time limit: twice vitest's default (a busy machine), times `FUZZ_RUNS`, as its cases are. */
export const FUZZ_TIMEOUT = 60_000 * (envNumber("FUZZ_RUNS") ?? 1);

/** Characters that break parsers and readers: quotes, escapes, controls, separators, surrogates. */
const NASTY_CHARS = [
  '"', "'", "\\", "\n", "\r", "\t", "\0", "\u0007", "\u001b", "\u2028", "\u2029", "\u200b", "\u202e", "\ufeff",
  "\ud800", "\udfff", "😀", "{", "}", "[", "]", ":", ",", "#", "&", "*", "!", "|", ">", "-", "?", "%", "@", "`",
  "<", "/", "=", " ", "\u00a0",
];

/** Text as anyone might write it: mostly printable, with the characters that break things. */
export const hostileText: fc.Arbitrary<string> = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: "grapheme", maxLength: 20 }),
  fc.string({ unit: fc.constantFrom(...NASTY_CHARS), maxLength: 20 }),
  fc.string({ unit: "binary", maxLength: 20 }),
);

/** Keys an object should keep like any other, and the ones that trip up `in` and assignment. */
export const hostileKey: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom("__proto__", "constructor", "prototype", "toString", "hasOwnProperty", "valueOf", "", " ", "0", "-1"),
  hostileText,
);

/** Any JSON value, with hostile keys and strings. */
export const hostileJson: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.constantFrom(null, true, false, 0, -1, 1.5, 1e21, -0, Number.MAX_SAFE_INTEGER + 2),
    fc.integer(),
    hostileText,
    fc.array(tie("value"), { maxLength: 4 }),
    fc.dictionary(hostileKey, tie("value"), { maxKeys: 4, noNullPrototype: true }),
  ),
})).value;

type Json = unknown;

/** One change to a JSON value: a field dropped, retyped, added, or a leaf replaced, somewhere in it. */
export interface JsonMutation {
  /** Which node, as an index into the nodes in walk order (taken modulo their count). */
  readonly at: number;
  readonly kind: "drop" | "replace" | "add" | "wrap";
  readonly key: string;
  readonly value: Json;
}

export const jsonMutation: fc.Arbitrary<JsonMutation> = fc.record({
  at: fc.nat(),
  kind: fc.constantFrom("drop", "replace", "add", "wrap"),
  key: hostileKey,
  value: hostileJson,
});

/** Every node of `value` with a way to change it, parents before children. */
function nodesOf(value: Json, set: (next: Json) => void, out: { value: Json; set: (next: Json) => void; drop?: () => void }[], drop?: () => void): void {
  out.push({ value, set, ...(drop ? { drop } : {}) });
  if (Array.isArray(value)) {
    value.forEach((item, i) => nodesOf(item, (next) => { value[i] = next; }, out, () => { value.splice(i, 1); }));
  } else if (typeof value === "object" && value !== null) {
    const record = value as Record<string, Json>;
    for (const key of Object.keys(record)) {
      nodesOf(record[key], (next) => { define(record, key, next); }, out, () => { delete record[key]; });
    }
  }
}

/** `record[key] = value` as JSON.parse makes it: an own field, `__proto__` included. */
function define(record: Record<string, Json>, key: string, value: Json): void {
  Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
}

/** `value` (deep-copied) with each mutation made in turn. */
export function mutateJson(value: Json, mutations: readonly JsonMutation[]): Json {
  const root = { value: structuredClone(value) as Json };
  for (const mutation of mutations) {
    const nodes: { value: Json; set: (next: Json) => void; drop?: () => void }[] = [];
    nodesOf(root.value, (next) => { root.value = next; }, nodes);
    const node = nodes[mutation.at % nodes.length];
    if (node === undefined) continue;
    // fast-check reuses what it generated while shrinking: what goes into the tree is a copy.
    const value = structuredClone(mutation.value);
    if (mutation.kind === "drop" && node.drop) node.drop();
    else if (mutation.kind === "add" && typeof node.value === "object" && node.value !== null && !Array.isArray(node.value)) {
      define(node.value as Record<string, Json>, mutation.key, value);
    } else if (mutation.kind === "wrap") node.set([node.value]);
    else node.set(value);
  }
  return root.value;
}

/** One edit of a text: characters inserted, deleted or replaced at a place. */
export interface TextEdit {
  readonly at: number;
  readonly remove: number;
  readonly insert: string;
}

export const textEdit: fc.Arbitrary<TextEdit> = fc.record({
  at: fc.nat(),
  remove: fc.nat({ max: 8 }),
  insert: hostileText,
});

/** `text` with each edit made in turn, each place taken modulo the length so far. */
export function editText(text: string, edits: readonly TextEdit[]): string {
  let out = text;
  for (const edit of edits) {
    const at = edit.at % (out.length + 1);
    out = out.slice(0, at) + edit.insert + out.slice(at + edit.remove);
  }
  return out;
}

/** What YAML gives meaning to: anchors, aliases, merges, tags, documents, blocks and flows. */
const YAML_PIECES = [
  "&a ", "*a", "*b", "<<: *a\n", "!!binary ", "!!set ", "!!omap ", "!!int ", "!local ", "---\n", "...\n", "%YAML 1.1\n",
  "? ", "- ", ": ", "{", "}", "[", "]", "'", '"', "# ", "|\n", ">-\n", "\n  ", "\n", "\t", ", ", "~", "null", "1e400",
  "0x1F", ".inf", "-.nan", "2026-11-24", "yes", "\u00a0",
];

/** One edit of a YAML text, with YAML's own punctuation among what it inserts. */
export const yamlEdit: fc.Arbitrary<TextEdit> = fc.record({
  at: fc.nat(),
  remove: fc.nat({ max: 6 }),
  insert: fc.oneof(fc.constantFrom(...YAML_PIECES), hostileText),
});

/** Aliases that expand to millions of nodes from a few lines ("a billion laughs"). */
export const ALIAS_BOMB = [
  "a: &a [x, x, x, x, x, x, x, x, x]",
  "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]",
  "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]",
  "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]",
  "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]",
].join("\n") + "\n";

/** Logins a text mentions so that GitHub notifies them: `@` not after a word character, then a name. */
export function liveMentions(text: string): string[] {
  return [...text.matchAll(/(?<![A-Za-z0-9_`])@([A-Za-z0-9][A-Za-z0-9-]*)/g)].map((m) => m[1] as string);
}
