// Hash ids as Beads mints them (`internal/idgen/hash.go`): `prefix-` and the first bytes of
// sha256("title|description|creator|createdAtUnixNano|nonce") written in base 36. Two ids
// are the same only when every input is, so the time must be Go's UnixNano to the nanosecond.
import { createHash } from "node:crypto";
import { instant } from "./timestamps.js";

const BASE36 = "0123456789abcdefghijklmnopqrstuvwxyz";
const NANOS_PER_MILLI = 1_000_000n;

/**
 * How many hash bytes feed an id of each length: enough bits for the digits, and no more, so
 * a longer id is not merely a shorter one with digits added.
 */
const HASH_BYTES: Readonly<Record<number, number>> = { 3: 2, 4: 3, 5: 4, 6: 4, 7: 5, 8: 5 };
/** Beads falls back to three bytes for a length outside 3..8. */
const DEFAULT_HASH_BYTES = 3;

/**
 * `bytes` as a big-endian number in base 36, left-padded with zeros to `length` or cut to its
 * last `length` digits (Beads keeps the least significant ones), as `EncodeBase36` does.
 */
export function encodeBase36(bytes: Uint8Array, length: number): string {
  let value = 0n;
  for (const byte of bytes) value = (value << 8n) | BigInt(byte);
  let digits = "";
  while (value > 0n) {
    digits = BASE36[Number(value % 36n)] + digits;
    value /= 36n;
  }
  return digits.length < length ? digits.padStart(length, "0") : digits.slice(digits.length - length);
}

/**
 * Go's `time.UnixNano()` for a creation time: nanoseconds since the epoch, negative before
 * 1970. An RFC 3339 string keeps its whole fraction (up to 9 digits) and may carry any
 * offset; a Date holds milliseconds, and `subMillisecondNanos` (0–999999) adds the rest.
 */
export function unixNano(time: string | Date, subMillisecondNanos = 0): bigint {
  if (!Number.isInteger(subMillisecondNanos) || subMillisecondNanos < 0 || subMillisecondNanos > 999_999) {
    throw new RangeError(
      `createdAtNanos must be a whole number of nanoseconds from 0 to 999999, got ${subMillisecondNanos}`,
    );
  }
  if (time instanceof Date) {
    const ms = time.getTime();
    if (Number.isNaN(ms)) throw new RangeError("createdAt is an invalid Date");
    return BigInt(ms) * NANOS_PER_MILLI + BigInt(subMillisecondNanos);
  }
  if (subMillisecondNanos !== 0) {
    // The string already says its fraction; adding more would make two spellings of one id.
    throw new RangeError("createdAtNanos applies to a Date only; write the fraction in the timestamp");
  }
  const at = instant(time);
  if (at === undefined) {
    throw new RangeError(
      `createdAt ${JSON.stringify(time)} is not an RFC 3339 timestamp; write it like 2026-04-18T16:19:12.123456789Z`,
    );
  }
  return BigInt(at.ms) * NANOS_PER_MILLI + BigInt(at.nanos);
}

export interface HashIdInput {
  /** The whole prefix the hash follows, e.g. `bd` or `bd-mol`. */
  readonly prefix: string;
  readonly title: string;
  readonly description?: string;
  /** The actor creating the bead: `bd` hashes `--actor`, `BEADS_ACTOR`, git's user.name, $USER. */
  readonly creator: string;
  readonly createdAt: string | Date;
  /** Nanoseconds past a Date's millisecond; see `unixNano`. */
  readonly createdAtNanos?: number;
  readonly nonce?: number;
  /** Digits after the prefix; Beads uses 3..8. */
  readonly length: number;
}

/** One candidate id, as `GenerateHashID`: no check that it is free. */
export function hashId(input: HashIdInput): string {
  const { length, nonce = 0 } = input;
  if (!Number.isInteger(length) || length < 1) {
    throw new RangeError(`an id's hash length must be a whole number of at least 1, got ${length}`);
  }
  if (!Number.isInteger(nonce) || nonce < 0) {
    throw new RangeError(`a nonce must be a whole number of at least 0, got ${nonce}`);
  }
  const nanos = unixNano(input.createdAt, input.createdAtNanos);
  const content = `${input.title}|${input.description ?? ""}|${input.creator}|${nanos}|${nonce}`;
  const hash = createHash("sha256").update(content, "utf8").digest();
  const bytes = hash.subarray(0, HASH_BYTES[length] ?? DEFAULT_HASH_BYTES);
  return `${input.prefix}-${encodeBase36(bytes, length)}`;
}
