import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  adaptiveIdLength, BeadIdError, ChildIdError, childNumber, countTopLevelIds, encodeBase36,
  hashId, hierarchyDepth, idPrefixFor, issuePrefix, ledgerPrefix, mintHashId, newBeadId,
  nextChildId, parentOf, unixNano,
} from "../../app/ledger/ids.js";

/**
 * The id worked out a second way, from the spec rather than the code: hex digest → BigInt →
 * `toString(36)`, then pad or keep the last digits.
 */
function referenceId(prefix: string, content: string, hashBytes: number, length: number): string {
  const hex = createHash("sha256").update(content).digest("hex").slice(0, hashBytes * 2);
  const digits = BigInt(`0x${hex}`).toString(36);
  const fitted = digits.length >= length ? digits.slice(digits.length - length) : digits.padStart(length, "0");
  return `${prefix}-${fitted}`;
}

// Upstream's vector (`TestGenerateHashIDMatchesJiraVector` in internal/idgen/hash_test.go):
// time.Date(2024, 1, 2, 3, 4, 5, 6ms, UTC), creator "jira-import", nonce 0.
const JIRA = { prefix: "bd", title: "Fix login", description: "Details", creator: "jira-import" };
const JIRA_TIME = "2024-01-02T03:04:05.006Z";
const JIRA_NANOS = 1_704_164_645_006_000_000n;
const JIRA_IDS: Record<number, string> = {
  3: "bd-vju", 4: "bd-8d8e", 5: "bd-bi3tk", 6: "bd-8bi3tk", 7: "bd-r5sr6bm", 8: "bd-8r5sr6bm",
};

describe("hashId", () => {
  it.each(Object.entries(JIRA_IDS))("matches Beads' vector at length %s", (length, id) => {
    expect(hashId({ ...JIRA, createdAt: JIRA_TIME, length: Number(length) })).toBe(id);
  });

  it("matches the reference computation for every length and several nonces", () => {
    const bytesFor = [0, 0, 0, 2, 3, 4, 4, 5, 5];
    for (let length = 3; length <= 8; length++) {
      for (const nonce of [0, 1, 9]) {
        const content = `Fix login|Details|jira-import|${JIRA_NANOS}|${nonce}`;
        expect(hashId({ ...JIRA, createdAt: JIRA_TIME, length, nonce }))
          .toBe(referenceId("bd", content, bytesFor[length] ?? 0, length));
      }
    }
  });

  it("hashes the same instant the same way, whatever the offset or spelling", () => {
    for (const createdAt of [
      "2024-01-02T05:04:05.006+02:00",
      "2024-01-01T21:34:05.006000000-05:30",
      new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 6)),
    ]) {
      expect(hashId({ ...JIRA, createdAt, length: 8 })).toBe("bd-8r5sr6bm");
    }
  });

  it("hashes nanoseconds, from the text or added to a Date", () => {
    const content = `Fix login|Details|jira-import|${JIRA_NANOS + 789n}|0`;
    const expected = referenceId("bd", content, 5, 8);
    expect(hashId({ ...JIRA, createdAt: "2024-01-02T03:04:05.006000789Z", length: 8 })).toBe(expected);
    expect(hashId({ ...JIRA, createdAt: "2024-01-02T12:04:05.006000789+09:00", length: 8 })).toBe(expected);
    expect(hashId({ ...JIRA, createdAt: new Date(JIRA_TIME), createdAtNanos: 789, length: 8 }))
      .toBe(expected);
    expect(expected).not.toBe("bd-8r5sr6bm");
  });

  it("hashes an empty description as an empty field and the prefix not at all", () => {
    const content = `Title||alice|${JIRA_NANOS}|0`;
    expect(hashId({ prefix: "my-app", title: "Title", creator: "alice", createdAt: JIRA_TIME, length: 6 }))
      .toBe(referenceId("my-app", content, 4, 6));
  });

  it("uses three hash bytes for a length outside 3..8, as Beads does", () => {
    const content = `Fix login|Details|jira-import|${JIRA_NANOS}|0`;
    expect(hashId({ ...JIRA, createdAt: JIRA_TIME, length: 2 })).toBe(referenceId("bd", content, 3, 2));
    expect(hashId({ ...JIRA, createdAt: JIRA_TIME, length: 10 })).toBe(referenceId("bd", content, 3, 10));
  });

  it("rejects lengths, nonces and times it cannot hash", () => {
    expect(() => hashId({ ...JIRA, createdAt: JIRA_TIME, length: 0 })).toThrow(
      "an id's hash length must be a whole number of at least 1, got 0",
    );
    expect(() => hashId({ ...JIRA, createdAt: JIRA_TIME, length: 4, nonce: -1 })).toThrow(
      "a nonce must be a whole number of at least 0, got -1",
    );
    expect(() => hashId({ ...JIRA, createdAt: "2024-01-02 03:04:05", length: 4 })).toThrow(
      'createdAt "2024-01-02 03:04:05" is not an RFC 3339 timestamp; write it like 2026-04-18T16:19:12.123456789Z',
    );
  });
});

describe("unixNano", () => {
  it.each([
    ["2024-01-02T03:04:05Z", 1_704_164_645_000_000_000n],
    ["2024-01-02T03:04:05.006Z", JIRA_NANOS],
    ["2024-01-02T03:04:05.1Z", 1_704_164_645_100_000_000n],
    ["2024-01-02T03:04:05.123456789Z", 1_704_164_645_123_456_789n],
    ["2025-12-25T13:32:09.696723-08:00", 1_766_698_329_696_723_000n],
    ["2024-01-02T08:49:05.000000001+05:45", 1_704_164_645_000_000_001n],
    ["1970-01-01T00:00:00Z", 0n],
    // Before the epoch Go counts down whole seconds and then adds the fraction.
    ["1969-12-31T23:59:59.5Z", -500_000_000n],
    ["1969-12-31T23:59:59.999999999Z", -1n],
  ])("%s is %s", (text, nanos) => {
    expect(unixNano(text)).toBe(nanos);
  });

  it("takes a Date's milliseconds and the nanoseconds past them", () => {
    expect(unixNano(new Date(JIRA_TIME))).toBe(JIRA_NANOS);
    expect(unixNano(new Date(JIRA_TIME), 999_999)).toBe(JIRA_NANOS + 999_999n);
    expect(unixNano(new Date(-1))).toBe(-1_000_000n);
  });

  it("refuses extra nanoseconds it cannot place", () => {
    expect(() => unixNano(new Date(JIRA_TIME), 1_000_000)).toThrow(
      "createdAtNanos must be a whole number of nanoseconds from 0 to 999999, got 1000000",
    );
    expect(() => unixNano(JIRA_TIME, 5)).toThrow(
      "createdAtNanos applies to a Date only; write the fraction in the timestamp",
    );
    expect(() => unixNano(new Date(Number.NaN))).toThrow("createdAt is an invalid Date");
  });
});

describe("encodeBase36", () => {
  it("pads with leading zeros", () => {
    expect(encodeBase36(new Uint8Array([0, 0]), 3)).toBe("000");
    expect(encodeBase36(new Uint8Array([0, 35]), 3)).toBe("00z");
    expect(encodeBase36(new Uint8Array([1, 0]), 4)).toBe("0074");
  });

  it("keeps the least significant digits when there are too many", () => {
    // 0xffffffff is 1z141z3 in base 36.
    const max = new Uint8Array([255, 255, 255, 255]);
    expect(encodeBase36(max, 8)).toBe("01z141z3");
    expect(encodeBase36(max, 7)).toBe("1z141z3");
    expect(encodeBase36(max, 5)).toBe("141z3");
  });
});

describe("adaptiveIdLength", () => {
  it.each([
    [0, 3], [1, 3], [163, 3], [164, 4], [983, 4], [984, 5], [5_898, 5], [5_899, 6],
    [35_389, 6], [35_390, 7], [212_339, 7], [212_340, 8], [10_000_000, 8],
  ])("%i top-level ids give length %i", (count, length) => {
    expect(adaptiveIdLength(count)).toBe(length);
  });

  it("agrees with the birthday bound at each threshold", () => {
    const probability = (n: number, length: number) => 1 - Math.exp(-(n * n) / (2 * 36 ** length));
    for (const [last, length] of [[163, 3], [983, 4], [5_898, 5]] as const) {
      expect(probability(last, length)).toBeLessThanOrEqual(0.25);
      expect(probability(last + 1, length)).toBeGreaterThan(0.25);
    }
  });

  it("follows max_collision_prob, min_hash_length and max_hash_length", () => {
    expect(adaptiveIdLength(100, { maxCollisionProbability: 0.01 })).toBe(4);
    expect(adaptiveIdLength(0, { minLength: 4 })).toBe(4);
    expect(adaptiveIdLength(1_000_000, { maxLength: 6 })).toBe(6);
    // Beads returns the maximum when the range is empty.
    expect(adaptiveIdLength(0, { minLength: 7, maxLength: 5 })).toBe(5);
  });

  it("rejects a count that is not one", () => {
    expect(() => adaptiveIdLength(-1)).toThrow("the number of ids must be a whole number of at least 0, got -1");
  });
});

describe("countTopLevelIds", () => {
  it("counts ids with the prefix and no dot after it", () => {
    const ids = ["bd-a1b", "bd-a1b.1", "bd-a1b.1.2", "bd-mol-x9z", "bdx-123", "gt-abc", "bd-c3d"];
    expect(countTopLevelIds("bd", ids)).toBe(3);
    expect(countTopLevelIds("bd-mol", ids)).toBe(1);
    // A dot in the prefix itself does not make an id a child.
    expect(countTopLevelIds("my.app", ["my.app-abc", "my.app-abc.1"])).toBe(1);
  });
});

const WORK = { prefix: "bd", title: "Fix login", description: "Details", creator: "jira-import", createdAt: JIRA_TIME };

describe("newBeadId", () => {
  it("mints the adaptive length's first candidate in an empty ledger", () => {
    expect(newBeadId(WORK, new Set())).toBe("bd-vju");
    expect(newBeadId({ ...WORK, prefix: "bd-" }, new Set())).toBe("bd-vju");
  });

  it("grows with the number of top-level ids of the prefix", () => {
    const ids = new Set(Array.from({ length: 164 }, (_, i) => `bd-${i.toString(36).padStart(3, "0")}`));
    expect(newBeadId(WORK, ids)).toBe("bd-8d8e");
    // Children do not count towards the length.
    const children = new Set(Array.from({ length: 500 }, (_, i) => `bd-abc.${i + 1}`));
    expect(newBeadId(WORK, children)).toBe("bd-vju");
  });

  it("accepts the ledger's records map", () => {
    const records = new Map<string, unknown>([["bd-vju", {}]]);
    expect(newBeadId(WORK, records)).toBe(hashId({ ...WORK, length: 3, nonce: 1 }));
  });

  it("puts -mol- and -wisp- between the prefix and the hash", () => {
    expect(newBeadId({ ...WORK, kind: "mol" }, new Set())).toBe(hashId({ ...WORK, prefix: "bd-mol", length: 3 }));
    expect(newBeadId({ ...WORK, kind: "wisp" }, new Set())).toBe(hashId({ ...WORK, prefix: "bd-wisp", length: 3 }));
    expect(newBeadId({ ...WORK, prefix: "hacker-news-", kind: "mol" }, new Set()))
      .toMatch(/^hacker-news-mol-[0-9a-z]{3}$/);
  });

  it("sizes molecule ids by molecule ids, while work ids count molecules too, as Beads' query does", () => {
    const mols = new Set(Array.from({ length: 164 }, (_, i) => `bd-mol-${i.toString(36).padStart(3, "0")}`));
    expect(newBeadId({ ...WORK, kind: "mol" }, mols)).toBe(hashId({ ...WORK, prefix: "bd-mol", length: 4 }));
    expect(newBeadId(WORK, mols)).toBe("bd-8d8e");
    expect(newBeadId({ ...WORK, kind: "wisp" }, mols)).toBe(hashId({ ...WORK, prefix: "bd-wisp", length: 3 }));
  });

  it("needs a prefix", () => {
    expect(() => newBeadId({ ...WORK, prefix: "-" }, new Set())).toThrow(
      "a bead id needs a prefix: set issue-prefix in .beads/config.yaml (or ledger.prefix in .github/gastown.yml)",
    );
  });
});

describe("idPrefixFor", () => {
  it.each([
    ["bd", "work", "bd"], ["bd-", "work", "bd"], ["bd", "mol", "bd-mol"], ["gt-", "wisp", "gt-wisp"],
  ] as const)("%s for %s is %s", (prefix, kind, expected) => {
    expect(idPrefixFor(prefix, kind)).toBe(expected);
  });
});

describe("mintHashId", () => {
  const base = { ...WORK };

  it("tries nonces 0..9 at a length before a longer one", () => {
    const taken = new Set<string>();
    for (let nonce = 0; nonce < 10; nonce++) taken.add(hashId({ ...base, length: 3, nonce }));
    expect(mintHashId(base, (id) => taken.has(id), { baseLength: 3 })).toBe("bd-8d8e");
    taken.add("bd-8d8e");
    expect(mintHashId(base, (id) => taken.has(id), { baseLength: 3 }))
      .toBe(hashId({ ...base, length: 4, nonce: 1 }));
  });

  it("never hands out a taken id, and says so when every candidate is taken", () => {
    const asked: string[] = [];
    const isTaken = (id: string) => {
      asked.push(id);
      return true;
    };
    expect(() => mintHashId(base, isTaken, { baseLength: 3 })).toThrow(BeadIdError);
    expect(asked).toHaveLength(60);
    expect(new Set(asked.map((id) => id.length))).toEqual(new Set([6, 7, 8, 9, 10, 11]));
    expect(() => mintHashId(base, () => true, { baseLength: 7 })).toThrow(
      'could not mint an id for "Fix login" with prefix bd: every candidate of lengths 7-8 with ' +
        "nonces 0-9 is taken; change the title or the creation time and try again",
    );
  });

  it("starts no longer than the maximum length", () => {
    expect(mintHashId(base, () => false, { baseLength: 9, maxLength: 8 })).toBe("bd-8r5sr6bm");
  });
});

describe("child ids", () => {
  const ids = [
    "bd-a1b2", "bd-a1b2.1", "bd-a1b2.3", "bd-a1b2.3.7", "bd-a1b2.3.8", "bd-a1b2x.9", "bd-a1b2.x",
  ];

  it("numbers one past the highest direct child", () => {
    expect(nextChildId("bd-a1b2", ids)).toBe("bd-a1b2.4");
    expect(nextChildId("bd-a1b2.3", ids)).toBe("bd-a1b2.3.9");
    expect(nextChildId("bd-a1b2.1", ids)).toBe("bd-a1b2.1.1");
    expect(nextChildId("bd-new", [])).toBe("bd-new.1");
  });

  it("numbers past the recorded counter, so a deleted child's number is not reused", () => {
    expect(nextChildId("bd-a1b2", ids, { lastChild: 6 })).toBe("bd-a1b2.7");
    expect(nextChildId("bd-a1b2", ids, { lastChild: 2 })).toBe("bd-a1b2.4");
  });

  it("reads a child number as Beads does: leading digits", () => {
    expect(nextChildId("bd-a1b2", ["bd-a1b2.10b"])).toBe("bd-a1b2.11");
  });

  it("stops at the maximum depth, 3 unless configured", () => {
    expect(nextChildId("bd-abc123.1.2", [])).toBe("bd-abc123.1.2.1");
    expect(() => nextChildId("bd-abc123.1.2.3", [])).toThrow(ChildIdError);
    expect(() => nextChildId("bd-abc123.1.2.3", [])).toThrow(
      "maximum hierarchy depth (3) exceeded for parent bd-abc123.1.2.3: add the bead under a " +
        "shallower parent, or raise hierarchy.max-depth",
    );
    expect(() => nextChildId("bd-abc123.1", [], { maxDepth: 1 })).toThrow("maximum hierarchy depth (1)");
    expect(nextChildId("bd-abc123.1.2.3.4", [], { maxDepth: 5 })).toBe("bd-abc123.1.2.3.4.1");
    expect(() => nextChildId("bd-abc123", [], { maxDepth: 0 })).toThrow(
      "hierarchy.max-depth must be a whole number of at least 1, got 0",
    );
  });

  it("finds parents and numbers", () => {
    expect(parentOf("bd-af78e9a2")).toBeUndefined();
    expect(parentOf("bd-af78e9a2.1")).toBe("bd-af78e9a2");
    expect(parentOf("bd-af78e9a2.1.2")).toBe("bd-af78e9a2.1");
    expect(parentOf("bd-af78e9a2.x")).toBeUndefined();
    expect(childNumber("bd-af78e9a2")).toBeUndefined();
    expect(childNumber("bd-af78e9a2.347")).toBe(347);
    expect(childNumber("bd-af78e9a2.1.2")).toBe(2);
    expect(hierarchyDepth("bd-af78e9a2")).toBe(0);
    expect(hierarchyDepth("bd-af78e9a2.1.2.3")).toBe(3);
  });
});

describe("issuePrefix", () => {
  // Upstream's cases: internal/utils/id_parser_test.go and issue_446_test.go.
  it.each([
    ["bd-a3f8e9", "bd"], ["ticket-123", "ticket"], ["bd-a3f8e9.1.2", "bd"], ["invalid", ""],
    ["", ""], ["bd-", "bd"], ["alpha-beta-1", "alpha-beta"], ["vc-baseline-test", "vc"],
    ["beads-vscode-1", "beads-vscode"], ["web-app-123", "web-app"], ["my-cool-app-a3f8e9", "my-cool-app"],
    ["super-long-project-name-1a2b", "super-long-project-name"], ["my-app-1a2b3", "my-app"],
    ["web-app-a1b2c3", "web-app"], ["my-app-A3F8E9", "my-app"], ["proj-AbCd12", "proj"],
    ["document-intelligence-0sa", "document-intelligence"], ["my-cool-app-1x7", "my-cool-app"],
    ["test-proj-abc", "test-proj"], ["hacker-news-ko4", "hacker-news"], ["hacker-news-42", "hacker-news"],
    ["hacker-news-", "hacker-news"], ["me-py-toolkit-a1b", "me-py-toolkit"],
    ["me-py-toolkit-xyz", "me-py-toolkit"], ["me-py-toolkit-1a2b", "me-py-toolkit"],
    ["me-py-toolkit-7", "me-py-toolkit"], ["my-cool-web-app-bat", "my-cool-web-app"],
    ["a-b-c-d-1", "a-b-c-d"], ["one-two-three-four-a9z", "one-two-three-four"],
    ["xa-adt-bat", "xa-adt"], ["xa-adt-0lj", "xa-adt"], ["vc-baseline-hello", "vc"],
    ["vc-some-feature", "vc"], ["bd-mol-x9z", "bd-mol"], ["bd-abcdefghi1", "bd"],
    ["-abc", ""],
  ])("%s has prefix %j", (id, prefix) => {
    expect(issuePrefix(id)).toBe(prefix);
  });

  it.each([
    ["me-py-toolkit-abcd", ["me-py-toolkit"], "me-py-toolkit"],
    ["hq-cv-test", ["hq", "hq-cv"], "hq-cv"],
    ["hq-cv-test", ["hq-cv", "hq"], "hq-cv"],
    ["vc-baseline-test", ["bd"], "vc"],
    ["hacker-news-ko4", ["hacker-news-"], "hacker-news"],
    ["hacker-news-ko4", [" hacker-news "], "hacker-news"],
    ["bd-a3f8e9", [], "bd"],
    ["hacker-news-ko4", ["bd", "gt", "hacker-news"], "hacker-news"],
  ])("%s with known prefixes %j has prefix %j", (id, known, prefix) => {
    expect(issuePrefix(id, known)).toBe(prefix);
  });
});

describe("ledgerPrefix", () => {
  it("takes the configured prefix, without a trailing hyphen", () => {
    expect(ledgerPrefix("gt-", ["bd-a1b"])).toBe("gt");
    expect(ledgerPrefix(" my-app ", [])).toBe("my-app");
  });

  it("else takes the first id's, as bd import does", () => {
    expect(ledgerPrefix(undefined, ["hacker-news-ko4", "bd-a1b"])).toBe("hacker-news");
    expect(ledgerPrefix("", ["bd-a1b.1"])).toBe("bd");
    expect(ledgerPrefix(undefined, ["nohyphen", "bd-a1b"])).toBeUndefined();
    expect(ledgerPrefix(undefined, [])).toBeUndefined();
  });

  it("reads a molecule's or wisp's id as its prefix's, never `<prefix>-mol`", () => {
    expect(ledgerPrefix(undefined, ["town-mol-cnj", "town-s2i"])).toBe("town");
    expect(ledgerPrefix(undefined, ["town-mol-cnj.3"])).toBe("town");
    expect(ledgerPrefix(undefined, ["hacker-news-wisp-a1b2"])).toBe("hacker-news");
  });
});
