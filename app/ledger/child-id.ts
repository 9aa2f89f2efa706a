// Hierarchical ids `<parent>.<n>` (`bd-a1b2.1`, `bd-a1b2.1.2`), numbered as Beads numbers
// them (`GetNextChildIDTx`): one past both the parent's recorded counter and its highest
// existing child, so a deleted last child's number is not handed out again.

/** Beads' `hierarchy.max-depth` default (`types.MaxHierarchyDepth`): keeps plans shallow. */
export const DEFAULT_MAX_DEPTH = 3;

/** Beads counts child numbers in a Go int; past this JavaScript cannot count exactly. */
const MAX_CHILD_NUMBER = Number.MAX_SAFE_INTEGER;

export class ChildIdError extends Error {}

/**
 * The number after the last dot, read as Beads reads it (`fmt.Sscanf("%d")`): leading
 * digits, any rest ignored (`bd-a.3` and `bd-a.3b` are both 3). Undefined for a top-level id.
 */
export function childNumber(id: string): number | undefined {
  const lastDot = id.lastIndexOf(".");
  if (lastDot < 0) return undefined;
  const digits = /^[+-]?\d+/.exec(id.slice(lastDot + 1))?.[0];
  if (digits === undefined) return undefined;
  const value = Number(digits);
  return Math.abs(value) <= MAX_CHILD_NUMBER ? value : undefined;
}

/** `bd-a1b2` for `bd-a1b2.3`; undefined for a top-level id. */
export function parentOf(id: string): string | undefined {
  return childNumber(id) === undefined ? undefined : id.slice(0, id.lastIndexOf("."));
}

/** Levels below the top: 0 for `bd-a1b2`, 2 for `bd-a1b2.1.2` (Beads counts every dot). */
export function hierarchyDepth(id: string): number {
  let depth = 0;
  for (const char of id) if (char === ".") depth++;
  return depth;
}

export interface ChildIdOptions {
  /** Config `hierarchy.max-depth`: how many levels of children a top-level bead may have. */
  readonly maxDepth?: number;
  /** The parent's counter as last recorded (Beads' `child_counters.last_child`); 0 when none. */
  readonly lastChild?: number;
}

/** The next child id of `parentId`, given every id in the ledger (only direct children count). */
export function nextChildId(
  parentId: string,
  existingIds: Iterable<string>,
  options: ChildIdOptions = {},
): string {
  const { maxDepth = DEFAULT_MAX_DEPTH, lastChild = 0 } = options;
  if (!Number.isInteger(maxDepth) || maxDepth < 1) {
    throw new ChildIdError(`hierarchy.max-depth must be a whole number of at least 1, got ${maxDepth}`);
  }
  if (!Number.isInteger(lastChild) || lastChild < 0) {
    throw new ChildIdError(`the last child counter must be a whole number of at least 0, got ${lastChild}`);
  }
  if (hierarchyDepth(parentId) >= maxDepth) {
    throw new ChildIdError(
      `maximum hierarchy depth (${maxDepth}) exceeded for parent ${parentId}: add the bead ` +
        "under a shallower parent, or raise hierarchy.max-depth",
    );
  }
  const head = `${parentId}.`;
  let highest = lastChild;
  for (const id of existingIds) {
    if (!id.startsWith(head) || id.includes(".", head.length)) continue;
    const number = childNumber(id);
    if (number !== undefined && number > highest) highest = number;
  }
  if (highest >= MAX_CHILD_NUMBER) {
    throw new ChildIdError(`${parentId} has too many children to number another`);
  }
  return `${parentId}.${highest + 1}`;
}
