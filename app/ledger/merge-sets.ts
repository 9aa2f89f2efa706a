// A 3-way merge of a set: what the ledger merge does to a bead's dependencies, and the mirror
// to an issue's labels and assignees. An element in the base that either side removed is gone:
// a removal is a decision, while keeping an element is only the absence of one. An element
// either side added is kept.

/**
 * Elements by key; the first of any repeats. A Map, so a key such as `constructor` is data.
 */
function byKey<T>(list: readonly T[] | undefined, keyOf: (element: T) => string): Map<string, T> {
  const map = new Map<string, T>();
  for (const element of list ?? []) {
    const key = keyOf(element);
    if (!map.has(key)) map.set(key, element);
  }
  return map;
}

/**
 * The merged set, ours' elements first in ours' order, then theirs' additions in theirs'.
 * `mergeKept` decides an element both sides kept whose two versions may differ beyond the key;
 * by default ours' stands.
 */
export function mergeSets<T>(
  base: readonly T[] | undefined,
  ours: readonly T[] | undefined,
  theirs: readonly T[] | undefined,
  keyOf: (element: T) => string,
  mergeKept: (base: T | undefined, ours: T, theirs: T) => T = (_base, o) => o,
): T[] {
  const b = byKey(base, keyOf);
  const o = byKey(ours, keyOf);
  const t = byKey(theirs, keyOf);
  const merged: T[] = [];
  for (const [key, element] of o) {
    const kept = t.get(key);
    if (kept !== undefined) merged.push(mergeKept(b.get(key), element, kept));
    else if (!b.has(key)) merged.push(element);
  }
  for (const [key, element] of t) {
    if (!o.has(key) && !b.has(key)) merged.push(element);
  }
  return merged;
}
