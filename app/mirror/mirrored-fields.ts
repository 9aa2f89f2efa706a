// The fields a bead and its GitHub issue share, in one shape for both sides, so the mirror can
// compare them. Each side's mapping (`bd github sync`'s, beads-format.md §6) fills it: `state`
// is the bead's status (GitHub's closed state, else its `status::` label, else open), `priority`
// the number `priority::` names, `type` the `type::` label's, `labels` the plain labels.

export const MIRRORED_FIELDS = ["title", "body", "state", "priority", "type", "labels", "assignees"] as const;

export type MirroredField = (typeof MIRRORED_FIELDS)[number];

export interface MirroredFields {
  readonly title: string;
  readonly body: string;
  readonly state: string;
  readonly priority: number;
  readonly type: string;
  /** A set: order and repeats mean nothing. */
  readonly labels: readonly string[];
  /** A set of GitHub logins. */
  readonly assignees: readonly string[];
}

export type TextField = "title" | "body";
export type SetField = "labels" | "assignees";

export function isSetField(field: MirroredField): field is SetField {
  return field === "labels" || field === "assignees";
}

export function isTextField(field: MirroredField): field is TextField {
  return field === "title" || field === "body";
}

/** A set as one canonical list: sorted, each element once. */
export function canonicalSet(values: readonly string[]): string[] {
  return [...new Set(values)].sort();
}

/** The value as it is compared and hashed: a set canonical, anything else as it is. */
export function canonicalValue<F extends MirroredField>(field: F, value: MirroredFields[F]): MirroredFields[F] {
  return (isSetField(field) ? canonicalSet(value as readonly string[]) : value) as MirroredFields[F];
}

/** Whether two values of a field are the same: sets as sets. */
export function sameValue<F extends MirroredField>(field: F, a: MirroredFields[F], b: MirroredFields[F]): boolean {
  if (!isSetField(field)) return a === b;
  const left = canonicalSet(a as readonly string[]);
  const right = canonicalSet(b as readonly string[]);
  return left.length === right.length && left.every((value, i) => value === right[i]);
}

/** Whether `value` has the type the field's values have (data read back from the ledger). */
export function isFieldValue<F extends MirroredField>(field: F, value: unknown): value is MirroredFields[F] {
  if (isSetField(field)) return Array.isArray(value) && value.every((element) => typeof element === "string");
  if (field === "priority") return typeof value === "number" && Number.isInteger(value);
  return typeof value === "string";
}
