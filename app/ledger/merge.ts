// A 3-way merge of two ledgers against their base, keyed by bead id: what `gt ledger merge
// BASE OURS THEIRS` (a git merge driver) writes. Never conflict markers: every bead merges by
// the rules of merge-beads.ts, and the result always reads back without errors.
//
// Records: a bead any version holds is kept, since only a tombstone deletes; a record missing
// from one side means that side left it alone. Lines that are not beads (memories) merge as a
// set of lines. The output is sorted by id; a merged bead equal to ours' or theirs' record is
// written as that side's line, so git shows no change where there is none.
import type { Bead } from "./bead-schema.js";
import { EMPTY_LEDGER_CONFIG, type LedgerConfig } from "./ledger-config.js";
import { Ledger, compareIds, type LedgerRecord } from "./ledger.js";
import { jsonEqual } from "./json-equal.js";
import { mergePresentBeads } from "./merge-beads.js";
import { baseLines, readLedgerAgainstBase } from "./read-ledger-against-base.js";
import { LedgerReadError, readLedger } from "./read-ledger.js";
import { beadRules, validateBead } from "./validate-bead.js";
import { serializeLedger } from "./write-ledger.js";

export { mergeBeads, mergePresentBeads, TOMBSTONE_DECISION, type BeadMerge } from "./merge-beads.js";

export interface MergeOptions {
  readonly config?: LedgerConfig;
  /** Named in every problem reported; git's temporary names are meaningless to a user. */
  readonly files?: { base: string; ours: string; theirs: string };
}

/** A bead both sides changed differently, and what the rules decided for it. */
export interface ResolvedBead {
  readonly id: string;
  /** Field names, or `"tombstone"` when a deletion met another version. */
  readonly fields: readonly string[];
}

export interface MergeResult {
  readonly text: string;
  readonly ledger: Ledger;
  /** Beads whose lines differ from the base and from each other on both sides. */
  readonly mergedBeads: number;
  /** Beads where a rule decided between the sides, in id order. */
  readonly resolved: readonly ResolvedBead[];
}

const DEFAULT_FILES = { base: "base", ours: "ours", theirs: "theirs" };

interface RecordMerge {
  readonly record: LedgerRecord;
  /** Set when both sides changed the bead, so its fields had to be merged. */
  readonly resolved?: readonly string[];
}

/** `bead` as ours' or theirs' line when it equals that side's record, else to be written anew. */
function recordFor(bead: Bead, ours: LedgerRecord, theirs: LedgerRecord): LedgerRecord {
  if (bead === ours.bead || jsonEqual(bead, ours.bead)) return ours;
  if (bead === theirs.bead || jsonEqual(bead, theirs.bead)) return theirs;
  return { bead, raw: undefined, line: 0 };
}

/**
 * One id's record. Whole lines are compared first: most beads are untouched or changed on one
 * side only, and equal text settles them without looking inside.
 */
function mergeRecord(
  base: LedgerRecord | undefined,
  ours: LedgerRecord | undefined,
  theirs: LedgerRecord | undefined,
): RecordMerge {
  const o = ours ?? base;
  const t = theirs ?? base;
  if (o === undefined || t === undefined) return { record: (o ?? t) as LedgerRecord };
  const baseRaw = base?.raw;
  if (o.raw === t.raw || (baseRaw !== undefined && t.raw === baseRaw)) return { record: o };
  if (baseRaw !== undefined && o.raw === baseRaw) return { record: t };
  const { bead, resolved } = mergePresentBeads(base?.bead, o.bead, t.bead);
  return { record: recordFor(bead, o, t), resolved };
}

/**
 * Lines that are not beads, as a set: ours in order, then theirs' additions in order; a base
 * line either side removed is gone. Ours' repeats stay, so an untouched file merges to itself.
 */
export function mergeOtherLines(
  base: readonly string[],
  ours: readonly string[],
  theirs: readonly string[],
): string[] {
  const inBase = new Set(base);
  const inOurs = new Set(ours);
  const inTheirs = new Set(theirs);
  const merged = ours.filter((line) => !inBase.has(line) || inTheirs.has(line));
  const added = new Set<string>();
  for (const line of theirs) {
    if (inOurs.has(line) || inBase.has(line) || added.has(line)) continue;
    added.add(line);
    merged.push(line);
  }
  return merged;
}

/** Every id in any version, each once. */
function allIds(...ledgers: Ledger[]): Set<string> {
  const ids = new Set<string>();
  for (const ledger of ledgers) for (const id of ledger.records.keys()) ids.add(id);
  return ids;
}

/** A merged bead written anew must read back; failing here means a bug in the merge rules. */
function assertValid(records: Iterable<LedgerRecord>, config: LedgerConfig): void {
  const rules = beadRules(config);
  for (const { bead, raw } of records) {
    if (raw !== undefined) continue;
    const problems = validateBead(bead, rules);
    if (problems.length > 0) {
      const details = problems.map((p) => `${p.field}: ${p.message}`).join("; ");
      throw new Error(`merging ${bead.id} gave an invalid bead (${details}); this is a bug in the merge`);
    }
  }
}

/** All three inputs read; both sides only re-parse the lines they changed from the base. */
function readInputs(
  texts: { base: string; ours: string; theirs: string },
  files: { base: string; ours: string; theirs: string },
  config: LedgerConfig,
): [Ledger, Ledger, Ledger] {
  const base = readLedger(texts.base, { file: files.base, config });
  // Lines of a base with errors are not known valid, so then both sides are read in full.
  const known = base.ok ? baseLines(texts.base, base.ledger) : { lines: [], records: [] };
  const ours = readLedgerAgainstBase(texts.ours, known, { file: files.ours, config });
  const theirs = readLedgerAgainstBase(texts.theirs, known, { file: files.theirs, config });
  const reads = [base, ours, theirs];
  if (reads.some((read) => !read.ok)) throw new LedgerReadError(reads.flatMap((r) => r.problems));
  return [base.ledger, ours.ledger, theirs.ledger];
}

interface MergedRecords {
  readonly records: Map<string, LedgerRecord>;
  readonly mergedBeads: number;
  readonly resolved: ResolvedBead[];
}

function mergeAllRecords(base: Ledger, ours: Ledger, theirs: Ledger): MergedRecords {
  const records = new Map<string, LedgerRecord>();
  const resolved: ResolvedBead[] = [];
  let mergedBeads = 0;
  for (const id of allIds(base, ours, theirs)) {
    const merge = mergeRecord(base.records.get(id), ours.records.get(id), theirs.records.get(id));
    records.set(id, merge.record);
    if (merge.resolved === undefined) continue;
    mergedBeads++;
    if (merge.resolved.length > 0) resolved.push({ id, fields: merge.resolved });
  }
  resolved.sort((x, y) => compareIds(x.id, y.id));
  return { records, mergedBeads, resolved };
}

/**
 * The merge of `ours` and `theirs` against `base`, all three ledger texts. Throws
 * LedgerReadError, naming the file and line, when any of them does not read cleanly: a merge
 * of a broken ledger would only hide the damage.
 */
export function mergeLedgerTexts(
  base: string,
  ours: string,
  theirs: string,
  options: MergeOptions = {},
): MergeResult {
  const config = options.config ?? EMPTY_LEDGER_CONFIG;
  const [b, o, t] = readInputs({ base, ours, theirs }, options.files ?? DEFAULT_FILES, config);
  const { records, mergedBeads, resolved } = mergeAllRecords(b, o, t);
  assertValid(records.values(), config);
  const ledger = new Ledger(records, mergeOtherLines(b.otherLines, o.otherLines, t.otherLines));
  return { text: serializeLedger(ledger), ledger, mergedBeads, resolved };
}
