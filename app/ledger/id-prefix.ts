// The prefix of a bead id, as Beads reads it (`ExtractIssuePrefix` in
// `internal/utils/issue_id.go`). Prefixes may hold hyphens (`hacker-news-ko4`), and ids may
// hold words (`vc-baseline-test`), so the split is a guess: the last hyphen when what follows
// looks like a number or a hash, else the first.

const MIN_HASH = 3;
const MAX_HASH = 8;

function isNumeric(text: string): boolean {
  return /^[0-9]+$/.test(text);
}

/**
 * Base 36 of 3..8 characters (either case). From 4 characters on it must hold a digit, so
 * that words such as `test` or `gate` are not taken for hashes; a 3-character word may be.
 */
function isLikelyHash(text: string): boolean {
  if (text.length < MIN_HASH || text.length > MAX_HASH || !/^[0-9a-zA-Z]+$/.test(text)) return false;
  return text.length === MIN_HASH || /[0-9]/.test(text);
}

function guessPrefix(id: string): string {
  const lastHyphen = id.lastIndexOf("-");
  if (lastHyphen <= 0) return "";
  const suffix = id.slice(lastHyphen + 1);
  if (suffix === "") return id.slice(0, lastHyphen);
  // A child id's suffix is judged by its top-level part: `123.1.2` by `123`.
  const dot = suffix.indexOf(".");
  const base = dot > 0 ? suffix.slice(0, dot) : suffix;
  if (isNumeric(base) || isLikelyHash(base)) return id.slice(0, lastHyphen);
  return id.slice(0, id.indexOf("-"));
}

/** Trimmed, without a trailing hyphen (`bd-` is `bd`), as Beads stores a configured prefix. */
function normalizePrefix(prefix: string): string {
  const trimmed = prefix.trim();
  return trimmed.endsWith("-") ? trimmed.slice(0, -1) : trimmed;
}

/**
 * The id's prefix, "" when it has none. Known prefixes (the configured one and any allowed
 * others) are tried first, longest first, since the guess can split `me-py-toolkit-abcd`
 * wrongly (`ExtractIssuePrefixKnown`).
 */
export function issuePrefix(id: string, knownPrefixes: Iterable<string> = []): string {
  const known = [...knownPrefixes].map(normalizePrefix).filter(Boolean);
  known.sort((a, b) => b.length - a.length);
  return known.find((prefix) => id.startsWith(`${prefix}-`)) ?? guessPrefix(id);
}

/**
 * The prefix new ids in a ledger take: the configured `issue-prefix`, else the prefix of the
 * first id in file order, as `bd import` picks one for an empty database. Undefined when
 * neither gives one.
 */
export function ledgerPrefix(configPrefix: string | undefined, ids: Iterable<string>): string | undefined {
  const configured = normalizePrefix(configPrefix ?? "");
  if (configured) return configured;
  for (const id of ids) {
    // A molecule's or wisp's id is `<prefix>-mol-<hash>` (DESIGN §7): the guess would take
    // `<prefix>-mol` for the prefix, and a ledger whose first id sorts as a molecule's would
    // then give new work beads molecule-shaped ids.
    const molecule = MOLECULE_ID.exec(id);
    return (molecule ? molecule[1] : guessPrefix(id)) || undefined;
  }
  return undefined;
}

/** A molecule root or wisp and its steps: `<prefix>-mol-<hash>`, `<prefix>-wisp-<hash>.2`. */
const MOLECULE_ID = /^(.+)-(?:mol|wisp)-[0-9a-zA-Z]+(?:\.\d+)*$/;
