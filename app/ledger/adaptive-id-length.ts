// How long a new hash id is: Beads grows ids with the ledger, keeping the birthday-bound
// chance that two top-level ids of a prefix collide under a threshold
// (`ComputeAdaptiveLength` in `internal/storage/domain/adaptive.go`). Short ids while a
// ledger is small (about 3 digits up to 160 beads, 4 up to 980, 5 up to 5.9k, then 6).

export interface AdaptiveIdOptions {
  /** Config `max_collision_prob`. */
  readonly maxCollisionProbability?: number;
  /** Config `min_hash_length`; `docs/ADAPTIVE_IDS.md` says 4, but the code uses 3. */
  readonly minLength?: number;
  /** Config `max_hash_length`; also the longest length tried when candidates collide. */
  readonly maxLength?: number;
}

export const DEFAULT_MAX_COLLISION_PROBABILITY = 0.25;
export const DEFAULT_MIN_ID_LENGTH = 3;
export const DEFAULT_MAX_ID_LENGTH = 8;

const ALPHABET_SIZE = 36;

/**
 * The smallest length in [minLength, maxLength] where 1 − e^(−n²/(2·36^L)) ≤ the maximum
 * probability; maxLength when none is (or when minLength > maxLength, as Beads does).
 */
export function adaptiveIdLength(topLevelCount: number, options: AdaptiveIdOptions = {}): number {
  if (!Number.isInteger(topLevelCount) || topLevelCount < 0) {
    throw new RangeError(`the number of ids must be a whole number of at least 0, got ${topLevelCount}`);
  }
  const maxProbability = options.maxCollisionProbability ?? DEFAULT_MAX_COLLISION_PROBABILITY;
  const minLength = options.minLength ?? DEFAULT_MIN_ID_LENGTH;
  const maxLength = options.maxLength ?? DEFAULT_MAX_ID_LENGTH;
  for (let length = minLength; length <= maxLength; length++) {
    const possibilities = ALPHABET_SIZE ** length;
    const probability = 1 - Math.exp(-(topLevelCount * topLevelCount) / (2 * possibilities));
    if (probability <= maxProbability) return length;
  }
  return maxLength;
}

/**
 * The n of the bound: ids `prefix-…` with no dot after the prefix, so child ids do not count
 * (Beads' `CountForPrefix`). For `bd` this includes `bd-mol-…` ids, as Beads' query does.
 */
export function countTopLevelIds(prefix: string, ids: Iterable<string>): number {
  const head = `${prefix}-`;
  let count = 0;
  for (const id of ids) {
    if (id.startsWith(head) && !id.includes(".", head.length)) count++;
  }
  return count;
}
