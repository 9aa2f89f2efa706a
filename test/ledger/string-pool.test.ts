import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { hashText, NOT_FOUND, PoolIndex, StringPool } from "../../app/ledger/string-pool.js";

/** Starts small, so adding grows every array. */
function poolOf(texts: readonly string[]): StringPool {
  const pool = new StringPool(1);
  for (const text of texts) pool.add(text);
  return pool;
}

describe("StringPool and PoolIndex", () => {
  const ids = ["gt-a", "gt-ab", "gt-a.1", "", "gt-☃", "gt-😀", "external:web:gt-9"];
  const index = new PoolIndex(poolOf(ids));

  it("finds each string by its text, and nothing for text it lacks", () => {
    expect(ids.map((id) => index.indexOf(id))).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(["gt-", "gt-abc", "GT-A", "gt-\ud83d", "external:web:gt-"].map((id) => index.indexOf(id)))
      .toEqual([NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND]);
  });

  it("finds the strings of another pool the same way", () => {
    const targets = poolOf(["gt-😀", "gt-ab", "gt-abc", "", "gt-b"]);
    expect([0, 1, 2, 3, 4].map((j) => index.find(targets, j))).toEqual([5, 1, NOT_FOUND, 3, NOT_FOUND]);
  });

  it("hashes as it copies, to 30 bits", () => {
    const pool = poolOf(ids);
    const hashes = ids.map((_, k) => pool.hash(k));
    expect(hashes).toEqual(ids.map(hashText));
    expect(hashes.every((hash) => hash >= 0 && hash < 2 ** 30)).toBe(true);
  });

  it("tells strings of one pool apart by their whole text", () => {
    const pool = poolOf(["gt-a", "gt-ab", "gt-a", "gt-b"]);
    expect([pool.equals(0, 2), pool.equals(0, 1), pool.equals(1, 0), pool.equals(0, 3)]).toEqual([true, false, false, false]);
  });

  it("answers as a Map would, however many strings and however they collide", () => {
    // Short strings over a small alphabet: many share a slot, so probing is exercised.
    const text = fc.string({ unit: fc.constantFrom("a", "b", "é", "😀"), maxLength: 4 });
    fc.assert(fc.property(fc.uniqueArray(text, { maxLength: 300 }), fc.array(text, { maxLength: 50 }), (known, asked) => {
      const byText = new Map(known.map((t, i) => [t, i]));
      const pool = new PoolIndex(poolOf(known));
      const askedPool = poolOf(asked);
      expect(asked.map((t) => pool.indexOf(t))).toEqual(asked.map((t) => byText.get(t) ?? NOT_FOUND));
      expect(asked.map((_, j) => pool.find(askedPool, j))).toEqual(asked.map((t) => byText.get(t) ?? NOT_FOUND));
    }), { numRuns: 200 });
  });
});
