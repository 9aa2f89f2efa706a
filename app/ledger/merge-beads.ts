// One bead merged from its base, ours and theirs. Deterministic: no wall clock, no tombstone
// TTL, so every machine merging the same three versions writes the same bead.
import { TOMBSTONE, beadStatus, type Bead } from "./bead-schema.js";
import { jsonEqual } from "./json-equal.js";
import { mergeFields } from "./merge-fields.js";
import { compareInstants } from "./timestamps.js";

export interface BeadMerge {
  readonly bead: Bead;
  /**
   * What a rule decided because both sides changed it differently: field names, or
   * `"tombstone"` when a deletion met another version and one whole record was kept.
   */
  readonly resolved: readonly string[];
}

export const TOMBSTONE_DECISION = "tombstone";

const CLOSE_DETAILS = ["close_reason", "closed_by_session"] as const;

function isTombstone(bead: Bead): boolean {
  return bead.status === TOMBSTONE;
}

/** When the bead was deleted; a legacy tombstone without `deleted_at` was deleted when last updated. */
function deletionTime(tombstone: Bead): string {
  return tombstone.deleted_at ?? tombstone.updated_at;
}

/**
 * Both sides changed the bead and at least one deleted it. A deletion wins unless the live side
 * was edited after it; between two deletions the later one stands. One whole record survives:
 * half a tombstone is neither deleted nor alive.
 */
function survivingRecord(ours: Bead, theirs: Bead): Bead {
  if (isTombstone(ours) && isTombstone(theirs)) {
    return compareInstants(deletionTime(theirs), deletionTime(ours)) > 0 ? theirs : ours;
  }
  const [tombstone, live] = isTombstone(ours) ? [ours, theirs] : [theirs, ours];
  return compareInstants(live.updated_at, deletionTime(tombstone)) > 0 ? live : tombstone;
}

/** The `closed_at` of whichever side closed the bead, the later close if both did. */
function closeTime(ours: Bead, theirs: Bead): string | undefined {
  const closers = [ours, theirs].filter((bead) => beadStatus(bead) === "closed");
  let latest: string | undefined;
  for (const bead of closers) {
    if (compareInstants(bead.closed_at, latest) > 0) latest = bead.closed_at;
  }
  return latest;
}

/**
 * `closed_at` present exactly when the merged status is closed, as `bd import` insists. A close
 * reason on a bead that ends up open only stays if an open side carried it itself; otherwise it
 * belonged to a close that no longer stands.
 */
function keepCloseInvariant(fields: Record<string, unknown>, ours: Bead, theirs: Bead): void {
  const status = beadStatus(fields as Bead);
  if (status === "closed") {
    fields.closed_at ??= closeTime(ours, theirs) ?? fields.updated_at;
    return;
  }
  if (status === TOMBSTONE) return;
  delete fields.closed_at;
  const openSides = [ours, theirs].filter((bead) => beadStatus(bead) !== "closed");
  for (const key of CLOSE_DETAILS) {
    if (fields[key] !== undefined && !openSides.some((bead) => jsonEqual(bead[key], fields[key]))) {
      delete fields[key];
    }
  }
}

/** OR-ing flags can raise both `ephemeral` and `no_history`, which exclude each other: ours' pair stands. */
function keepFlagInvariant(fields: Record<string, unknown>, ours: Bead): void {
  if (fields.ephemeral !== true || fields.no_history !== true) return;
  for (const key of ["ephemeral", "no_history"] as const) {
    if (ours[key] === undefined) delete fields[key];
    else fields[key] = ours[key];
  }
}

/**
 * A bead both sides hold (a side without the record has been given the base already), with
 * what the rules decided. `base` is undefined for a bead both sides added.
 */
export function mergePresentBeads(base: Bead | undefined, ours: Bead, theirs: Bead): BeadMerge {
  if (jsonEqual(ours, theirs) || (base !== undefined && jsonEqual(base, theirs))) {
    return { bead: ours, resolved: [] };
  }
  if (base !== undefined && jsonEqual(base, ours)) return { bead: theirs, resolved: [] };
  if (isTombstone(ours) || isTombstone(theirs)) {
    return { bead: survivingRecord(ours, theirs), resolved: [TOMBSTONE_DECISION] };
  }
  const { fields, resolved } = mergeFields(base, ours, theirs);
  // `fields` is a fresh record of this merge, so fixing it in place changes nothing shared.
  keepCloseInvariant(fields, ours, theirs);
  keepFlagInvariant(fields, ours);
  return { bead: fields as Bead, resolved };
}

/**
 * The merged bead, or undefined when no version exists. A missing record never means deleted
 * (only a tombstone deletes): the side without it is taken to have left the base as it was.
 */
export function mergeBeads(
  base: Bead | undefined,
  ours: Bead | undefined,
  theirs: Bead | undefined,
): Bead | undefined {
  const o = ours ?? base;
  const t = theirs ?? base;
  if (o === undefined || t === undefined) return o ?? t;
  return mergePresentBeads(base, o, t).bead;
}
