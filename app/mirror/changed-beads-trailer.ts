// Which beads a ledger commit changed, so the mirror applies only those without downloading the
// ledger before and after every push. A writer names them in its commit message's trailers,
// `Gastown-Beads: <id> <id> …`, wrapped over as many such lines as it takes (bead ids are not
// secret); `none` when it changed no bead. A commit without the trailer, a person's `git push`,
// is diffed instead (changedBeadIds), and so is one whose trailer does not read as ids: a wrong
// list would hide changes, a diff never does.
import { compareIds, type Ledger } from "../ledger/ledger.js";
import { jsonEqual } from "../ledger/json-equal.js";
import { trailersOf, trailerValues } from "../polecat/commit-object.js";

export const CHANGED_BEADS_TRAILER = "Gastown-Beads";
/** The value that says the commit changed no bead (a digest, the ledger's config). */
const NO_BEADS = "none";
/** Longest trailer line: git's convention for a message line, so `git log` shows it unwrapped. */
const MAX_LINE = 72;
const BEAD_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** The trailer lines naming `ids` (sorted, once each), to join a commit message's trailer block. */
export function formatChangedBeads(ids: Iterable<string>): string {
  const sorted = [...new Set(ids)].sort(compareIds);
  const head = `${CHANGED_BEADS_TRAILER}: `;
  if (sorted.length === 0) return `${head}${NO_BEADS}`;
  const lines: string[] = [];
  let line = "";
  for (const id of sorted) {
    if (line !== "" && head.length + line.length + 1 + id.length > MAX_LINE) {
      lines.push(head + line);
      line = "";
    }
    line = line === "" ? id : `${line} ${id}`;
  }
  lines.push(head + line);
  return lines.join("\n");
}

/**
 * The bead ids a commit message's trailers name, sorted; undefined when it has no
 * `Gastown-Beads` trailer, or one that is not a list of bead ids (or `none`), so it gets diffed.
 */
export function parseChangedBeads(commitMessage: string): string[] | undefined {
  const values = trailerValues(trailersOf(commitMessage), CHANGED_BEADS_TRAILER);
  if (values.length === 0) return undefined;
  const tokens = values.flatMap((value) => value.split(/[ \t]+/).filter(Boolean));
  if (tokens.length === 1 && tokens[0] === NO_BEADS) return [];
  if (tokens.length === 0 || tokens.some((token) => !BEAD_ID.test(token) || token === NO_BEADS)) return undefined;
  return [...new Set(tokens)].sort(compareIds);
}

/** The ids of beads added, removed or changed between two ledgers, sorted. */
export function changedBeadIds(before: Ledger, after: Ledger): string[] {
  const changed: string[] = [];
  for (const [id, record] of after.records) {
    const old = before.records.get(id);
    if (!old) changed.push(id);
    else if (old !== record && !(old.raw !== undefined && old.raw === record.raw) && !jsonEqual(old.bead, record.bead)) changed.push(id);
  }
  for (const id of before.records.keys()) if (!after.has(id)) changed.push(id);
  return changed.sort(compareIds);
}
