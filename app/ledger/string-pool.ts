// Bead ids and dependency targets as the dependency graph resolves them: copied, while each
// bead is fresh from the parser, into one contiguous buffer of UTF-16 code units and hashed on
// the way, then looked up in an open-addressing table over the ids.
//
// Why not the strings themselves: resolving a target means comparing it with an id, and the
// two strings sit wherever the parser left them in a heap of a hundred megabytes. Comparing
// ~300k such pairs cost ~50 ms in cache misses on test/bench's synthetic ledger; the same
// comparisons over two buffers of a megabyte or two cost a few.

/**
 * Strings, each at an index in the order added, their code units back to back. Everything is
 * in typed arrays that grow by doubling: few, compact allocations, since on a large ledger
 * fresh memory (page faults) costs as much as the work.
 */
export class StringPool {
  private units: Uint16Array;
  private used = 0;
  /** String k is units[starts[k]] .. units[starts[k + 1] - 1]. */
  private starts: Int32Array;
  /** 30-bit FNV-1a of each string. */
  private hashArray: Int32Array;
  private count = 0;

  /** `expected`: roughly how many strings will be added; only the first allocation uses it. */
  constructor(expected = 64) {
    this.starts = new Int32Array(expected + 1);
    this.hashArray = new Int32Array(expected);
    this.units = new Uint16Array(expected * 12);
  }

  get size(): number {
    return this.count;
  }

  hash(k: number): number {
    return this.hashArray[k] as number;
  }

  add(text: string): void {
    if (this.count === this.hashArray.length) {
      this.hashArray = grown(this.hashArray, this.count + 1);
      this.starts = grown(this.starts, this.count + 2);
    }
    if (this.used + text.length > this.units.length) this.units = grown(this.units, this.used + text.length);
    const units = this.units;
    let at = this.used;
    let hash = FNV_OFFSET;
    for (let i = 0; i < text.length; i++) {
      const unit = text.charCodeAt(i);
      units[at++] = unit;
      hash = Math.imul(hash ^ unit, FNV_PRIME);
    }
    this.used = at;
    this.hashArray[this.count] = hash & HASH_MASK;
    this.starts[++this.count] = at;
  }

  /** Whether strings k and j of this pool are the same text. */
  equals(k: number, j: number): boolean {
    return this.equalsOther(k, this, j);
  }

  /** Whether string k of this pool and string j of `other` are the same text. */
  equalsOther(k: number, other: StringPool, j: number): boolean {
    const start = this.starts[k] as number;
    const length = (this.starts[k + 1] as number) - start;
    const otherStart = other.starts[j] as number;
    if ((other.starts[j + 1] as number) - otherStart !== length) return false;
    for (let i = 0; i < length; i++) {
      if (this.units[start + i] !== other.units[otherStart + i]) return false;
    }
    return true;
  }

  equalsText(k: number, text: string): boolean {
    const start = this.starts[k] as number;
    if ((this.starts[k + 1] as number) - start !== text.length) return false;
    for (let i = 0; i < text.length; i++) if (this.units[start + i] !== text.charCodeAt(i)) return false;
    return true;
  }

}

/** A copy of `array` at least `needed` long: twice as long, or more if that is not enough. */
export function grown<T extends Uint8Array | Uint16Array | Int32Array | Float64Array>(array: T, needed: number): T {
  let size = Math.max(array.length * 2, 16);
  while (size < needed) size *= 2;
  const copy = new (array.constructor as new (size: number) => T)(size);
  copy.set(array as never);
  return copy;
}

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const HASH_MASK = 0x3fffffff;

export function hashText(text: string): number {
  let hash = FNV_OFFSET;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), FNV_PRIME);
  return hash & HASH_MASK;
}

export const NOT_FOUND = -1;

/**
 * The index of each string of a pool of unique strings (bead ids: a Ledger holds them as the
 * keys of a Map): an open-addressing table in one Int32Array, at most half full so probes stay
 * short, whose slots hold indexes into the pool. A Map<string, number> would answer the same,
 * but for 100k ids takes ~40 ms to build, as it grows by rehashing.
 */
export class PoolIndex {
  private readonly slots: Int32Array;
  private readonly mask: number;

  constructor(private readonly pool: StringPool) {
    let size = 16;
    while (size < pool.size * 2) size *= 2;
    this.mask = size - 1;
    this.slots = new Int32Array(size).fill(NOT_FOUND);
    for (let at = 0; at < pool.size; at++) {
      let slot = pool.hash(at) & this.mask;
      while (this.slots[slot] !== NOT_FOUND) slot = (slot + 1) & this.mask;
      this.slots[slot] = at;
    }
  }

  /** The index of string j of `other` in the pool, or NOT_FOUND. */
  find(other: StringPool, j: number): number {
    const hash = other.hash(j);
    const { pool, slots, mask } = this;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const at = slots[slot] as number;
      if (at === NOT_FOUND) return NOT_FOUND;
      if (pool.hash(at) === hash && pool.equalsOther(at, other, j)) return at;
    }
  }

  indexOf(text: string): number {
    const hash = hashText(text);
    const { pool, slots, mask } = this;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const at = slots[slot] as number;
      if (at === NOT_FOUND) return NOT_FOUND;
      if (pool.hash(at) === hash && pool.equalsText(at, text)) return at;
    }
  }
}
