// A fresh top-level bead id, minted as `bd create` mints one (`GenerateIssueIDInTable`):
// start at the adaptive length, try ten nonces at each length up to the longest, and take
// the first candidate not already in the ledger. An id is never reused, even a deleted one's,
// so links and branches that name it keep meaning one bead.
import {
  adaptiveIdLength, countTopLevelIds, DEFAULT_MAX_ID_LENGTH, type AdaptiveIdOptions,
} from "./adaptive-id-length.js";
import { hashId, type HashIdInput } from "./hash-id.js";

/** Nonces tried at each length before a longer id: Beads' fixed ten. */
export const NONCES_PER_LENGTH = 10;

/** Beads' `types.IDPrefixMol` and `IDPrefixWisp`, set between the prefix and the hash. */
export const ID_INFIXES = { mol: "mol", wisp: "wisp" } as const;

/** Work beads are `<prefix>-<hash>`; molecule roots `<prefix>-mol-<hash>`; wisps `<prefix>-wisp-<hash>`. */
export type BeadIdKind = "work" | keyof typeof ID_INFIXES;

export class BeadIdError extends Error {}

export type HashIdBase = Omit<HashIdInput, "nonce" | "length">;

/**
 * The first free candidate from `baseLength` up to `maxLength`, nonces 0..9 at each. Throws
 * when all are taken, which at the adaptive length means something is wrong with the inputs
 * (the same title, creator and time minted again and again), not bad luck.
 */
export function mintHashId(
  base: HashIdBase,
  isTaken: (id: string) => boolean,
  lengths: { readonly baseLength: number; readonly maxLength?: number },
): string {
  const maxLength = lengths.maxLength ?? DEFAULT_MAX_ID_LENGTH;
  const baseLength = Math.min(lengths.baseLength, maxLength);
  for (let length = baseLength; length <= maxLength; length++) {
    for (let nonce = 0; nonce < NONCES_PER_LENGTH; nonce++) {
      const candidate = hashId({ ...base, length, nonce });
      if (!isTaken(candidate)) return candidate;
    }
  }
  throw new BeadIdError(
    `could not mint an id for ${JSON.stringify(base.title)} with prefix ${base.prefix}: every ` +
      `candidate of lengths ${baseLength}-${maxLength} with nonces 0-${NONCES_PER_LENGTH - 1} ` +
      "is taken; change the title or the creation time and try again",
  );
}

export interface NewBeadIdInput extends Omit<HashIdBase, "prefix"> {
  /** The ledger's prefix (`issue-prefix`); a trailing hyphen is dropped, as Beads does. */
  readonly prefix: string;
  readonly kind?: BeadIdKind;
}

/** The whole prefix a kind's hash follows: `bd`, `bd-mol` or `bd-wisp`. */
export function idPrefixFor(prefix: string, kind: BeadIdKind = "work"): string {
  const base = prefix.endsWith("-") ? prefix.slice(0, -1) : prefix;
  if (!base) {
    throw new BeadIdError(
      "a bead id needs a prefix: set issue-prefix in .beads/config.yaml (or ledger.prefix in .github/gastown.yml)",
    );
  }
  return kind === "work" ? base : `${base}-${ID_INFIXES[kind]}`;
}

/**
 * A new top-level id that no id in `existingIds` has. Pass the ledger's `records` map or a
 * set that also holds ids minted but not yet written, so a batch never mints one twice.
 */
export function newBeadId(
  input: NewBeadIdInput,
  existingIds: ReadonlySet<string> | ReadonlyMap<string, unknown>,
  options: AdaptiveIdOptions = {},
): string {
  const { kind, ...hashInput } = input;
  const prefix = idPrefixFor(input.prefix, kind);
  const baseLength = adaptiveIdLength(countTopLevelIds(prefix, existingIds.keys()), options);
  return mintHashId({ ...hashInput, prefix }, (id) => existingIds.has(id), {
    baseLength,
    maxLength: options.maxLength ?? DEFAULT_MAX_ID_LENGTH,
  });
}
