// The field rules of a 3-way merge of one bead that both sides changed. The ordinary 3-way
// rule comes first: a field only one side changed takes that side's value, and a field both
// changed to the same value takes it. Only a field both changed to different values goes to a
// rule below (Beads' legacy merge driver, `v0.49.6:internal/merge/merge.go`, with P0 as a real
// priority). Values compare as JSON values; timestamps as text, so a rewrite of the same
// instant with another offset counts as a change: simple, and the same on every machine.
import type { Bead, Dependency } from "./bead-schema.js";
import { jsonEqual } from "./json-equal.js";
import { mergeSets } from "./merge-sets.js";
import { compareInstants } from "./timestamps.js";

type Fields = Readonly<Record<string, unknown>>;

/** One bead in its three versions; `base` is empty for a bead both sides added. */
interface Versions {
  readonly base: Fields;
  readonly ours: Fields;
  readonly theirs: Fields;
}

/** Decides a field both sides changed to different values. */
type Rule = (key: string, versions: Versions) => unknown;

export interface FieldMerge {
  /** The merged record; a field whose merged value is absent is left out. */
  readonly fields: Record<string, unknown>;
  /** The fields both sides changed to different values, in record order, which a rule decided. */
  readonly resolved: readonly string[];
}

const EMPTY: Fields = {};

/** Appended by Beads' driver between both sides' notes, kept so the two tools agree. */
export const NOTES_SEPARATOR = "\n\n---\n\n";

/** `record[key]` if the record itself holds it: a key such as `constructor` is data here. */
function own(record: Fields, key: string): unknown {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

/** The version whose `key` timestamp is later; ours on a tie or when neither has one. */
function laterBy(key: string, { ours, theirs }: Versions): Fields {
  return compareInstants(text(own(theirs, key)), text(own(ours, key))) > 0 ? theirs : ours;
}

const fromOurs: Rule = (key, { ours }) => own(ours, key);

/** Text edited on both sides: the later edit is the one its author saw last. */
const fromLaterUpdate: Rule = (key, versions) => own(laterBy("updated_at", versions), key);

/** Close metadata travels together: reason and session belong to the close they describe. */
const fromLaterClose: Rule = (key, versions) => own(laterBy("closed_at", versions), key);

const fromNewerCompaction: Rule = (key, versions) => own(laterBy("compacted_at", versions), key);

/** The later of two instants; a side that removed the timestamp loses to one that set it. */
const laterInstant: Rule = (key, { ours, theirs }) => {
  const o = text(own(ours, key));
  const t = text(own(theirs, key));
  if (o === undefined) return t;
  if (t === undefined) return o;
  return compareInstants(t, o) > 0 ? t : o;
};

/** Notes are a log: keep both, ours first. A side that emptied them loses to one that wrote. */
const concatenateNotes: Rule = (key, { ours, theirs }) => {
  const o = text(own(ours, key));
  const t = text(own(theirs, key));
  if (!o) return t;
  if (!t) return o;
  return o + NOTES_SEPARATOR + t;
};

/**
 * A status both sides changed. A close is deliberate: it beats any other status change, so
 * finished work stays finished; otherwise ours' stands.
 */
export function closedWins<T>(ours: T, theirs: T): T | "closed" {
  return theirs === "closed" ? "closed" : ours;
}

/** A priority both sides changed: the more urgent wins. A missing one is P0, as `bd import` reads it. */
export function moreUrgent<T>(ours: T, theirs: T): T {
  const rank = (value: unknown) => (typeof value === "number" ? value : 0);
  return rank(theirs) < rank(ours) ? theirs : ours;
}

const closedWinsRule: Rule = (key, { ours, theirs }) => closedWins(own(ours, key), own(theirs, key));

const moreUrgentRule: Rule = (key, { ours, theirs }) => moreUrgent(own(ours, key), own(theirs, key));

/** A flag either side raised stays raised. */
const eitherFlag: Rule = (key, { ours, theirs }) =>
  own(ours, key) === true || own(theirs, key) === true ? true : own(ours, key);

const mergeDependencyField: Rule = (key, { base, ours, theirs }) =>
  mergeDependencies(
    own(base, key) as readonly Dependency[] | undefined,
    own(ours, key) as readonly Dependency[] | undefined,
    own(theirs, key) as readonly Dependency[] | undefined,
  );

// A Map, not an object literal: a bead's unknown field named `constructor` must not find one.
const RULES = new Map<string, Rule>([
  ["title", fromLaterUpdate],
  ["description", fromLaterUpdate],
  ["metadata", fromLaterUpdate],
  ["notes", concatenateNotes],
  ["status", closedWinsRule],
  ["priority", moreUrgentRule],
  ["updated_at", laterInstant],
  ["due_at", laterInstant],
  ["defer_until", laterInstant],
  ["closed_at", fromLaterClose],
  ["close_reason", fromLaterClose],
  ["closed_by_session", fromLaterClose],
  ["compaction_level", fromNewerCompaction],
  ["compacted_at", fromNewerCompaction],
  ["compacted_at_commit", fromNewerCompaction],
  ["original_size", fromNewerCompaction],
  ["dependencies", mergeDependencyField],
  // Whole lists: an element-wise merge of labels or comments could revive what one side removed.
  ["labels", fromOurs],
  ["comments", fromOurs],
]);

function isFlag(value: unknown): boolean {
  return value === undefined || typeof value === "boolean";
}

/** Known fields by name; any other boolean field (`pinned`, legacy `crystallizes`) is a flag. */
function ruleFor(key: string, ours: unknown, theirs: unknown): Rule {
  return RULES.get(key) ?? (isFlag(ours) && isFlag(theirs) ? eitherFlag : fromOurs);
}

/**
 * Every field of a bead both sides hold, merged against `base` (undefined for a bead both sides
 * added, which merges against an empty record).
 */
export function mergeFields(base: Bead | undefined, ours: Bead, theirs: Bead): FieldMerge {
  const versions: Versions = { base: base ?? EMPTY, ours, theirs };
  const keys = new Set([
    ...Object.keys(ours), ...Object.keys(theirs), ...Object.keys(versions.base),
  ]);
  const entries: [string, unknown][] = [];
  const resolved: string[] = [];
  for (const key of keys) {
    const b = own(versions.base, key);
    const o = own(ours, key);
    const t = own(theirs, key);
    let value: unknown;
    if (jsonEqual(o, t) || jsonEqual(b, t)) value = o;
    else if (jsonEqual(b, o)) value = t;
    else {
      value = ruleFor(key, o, t)(key, versions);
      resolved.push(key);
    }
    if (value !== undefined) entries.push([key, value]);
  }
  // fromEntries rather than assignment, so that a `__proto__` field stays a field.
  return { fields: Object.fromEntries(entries), resolved };
}

function dependencyKey(dep: Dependency): string {
  return `${dep.issue_id}\u0000${dep.depends_on_id}\u0000${dep.type}`;
}

/** One edge both sides kept: its own fields (type aside) merge 3-way, ours on a conflict. */
function mergeEdge(base: Dependency | undefined, ours: Dependency, theirs: Dependency): Dependency {
  if (jsonEqual(ours, theirs)) return ours;
  return base !== undefined && jsonEqual(base, ours) ? theirs : ours;
}

/** Dependencies as a set of edges (merge-sets.ts), keyed by (issue_id, depends_on_id, type). */
export function mergeDependencies(
  base: readonly Dependency[] | undefined,
  ours: readonly Dependency[] | undefined,
  theirs: readonly Dependency[] | undefined,
): Dependency[] | undefined {
  const merged = mergeSets(base, ours, theirs, dependencyKey, mergeEdge);
  return merged.length > 0 ? merged : undefined;
}
