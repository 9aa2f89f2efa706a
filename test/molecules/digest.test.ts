import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatProblem } from "../../app/ledger/ledger-problems.js";
import {
  buildDigest, DIGEST_FIELDS, DigestError, digestId, digestLine, digestProblems, DigestSchema,
  type Digest, type DigestInput, type DigestKind,
} from "../../app/molecules/digest.js";
import { appendDigest, digestFileFor, readDigests } from "../../app/molecules/digest-file.js";

function work(over: Partial<DigestInput> = {}): DigestInput {
  return {
    kind: "work",
    molecule: "gt-mol-a1b",
    formula: "mol-polecat-work@1",
    bead: "gt-x7q",
    agent: "nux",
    rig: "octo-org/widgets",
    started_at: "2026-04-30T10:00:00Z",
    finished_at: "2026-04-30T11:30:00Z",
    exit: "COMPLETED",
    steps_total: 5,
    steps_done: 5,
    attempts: 1,
    commits: 4,
    files_changed: 3,
    lines_added: 120,
    lines_removed: 8,
    pr: 42,
    merged_at: null,
    cost_usd: 1.25,
    turns: 37,
    summary: "Added retry to the webhook handler.",
    ...over,
  };
}

const patrol = (over: Partial<DigestInput> = {}) => work({
  kind: "patrol", molecule: "gt-mol-p9", formula: "mol-witness-patrol@2", bead: null, agent: "witness",
  exit: "OK", steps_total: 3, steps_done: 3, commits: null, files_changed: null, lines_added: null,
  lines_removed: null, pr: null, cost_usd: null, turns: null, summary: "All polecats healthy.", ...over,
});

const merge = (over: Partial<DigestInput> = {}) => work({
  kind: "merge", molecule: null, formula: null, agent: "refinery", exit: "MERGED", steps_total: 0,
  steps_done: 0, merged_at: "2026-04-30T12:00:00Z", cost_usd: null, turns: null,
  summary: "Landed #42 after a rebase.", ...over,
});

/** A digest as a line of the file, with some fields changed or added, unchecked. */
const json = (digest: Digest, over: Record<string, unknown> = {}) => JSON.stringify({ ...digest, ...over });

function thrown(act: () => unknown): string {
  try {
    act();
  } catch (error) {
    expect(error).toBeInstanceOf(DigestError);
    return (error as Error).message;
  }
  throw new Error("expected a DigestError");
}

const problemsOf = (text: string, file = "d.jsonl") => readDigests(text, file).problems.map(formatProblem);

describe("digestId", () => {
  it("is made from what the digest is about", () => {
    expect(digestId("work", "gt-mol-a1b")).toBe("work:gt-mol-a1b");
    expect(digestId("patrol", "gt-mol-p9")).toBe("patrol:gt-mol-p9");
    expect(digestId("merge", { repo: "octo-org/widgets", pr: 42 })).toBe("merge:octo-org/widgets#42");
  });

  it("refuses what it cannot make an id from", () => {
    expect(() => digestId("work", "")).toThrow("a work digest's id is made from its molecule id");
    const kind: DigestKind = "merge";
    expect(() => digestId(kind, "gt-mol-a1b")).toThrow("a merge digest's id is made from {repo, pr}, not a molecule id");
    expect(() => digestId("patrol" as DigestKind, { repo: "o/r", pr: 1 })).toThrow(
      "a patrol digest's id is made from its molecule id",
    );
  });
});

describe("buildDigest", () => {
  it("makes the id and writes every timestamp in UTC", () => {
    const digest = buildDigest(merge({
      started_at: "2026-04-30T05:00:00-05:00",
      finished_at: "2026-04-30T11:30:00.500000+00:00",
      merged_at: "2026-04-30T13:30:00.123456789+02:00",
    }));
    expect(digest).toMatchObject({
      id: "merge:octo-org/widgets#42",
      started_at: "2026-04-30T10:00:00Z",
      finished_at: "2026-04-30T11:30:00.5Z",
      merged_at: "2026-04-30T11:30:00.123456789Z",
    });
    expect(buildDigest(work()).id).toBe("work:gt-mol-a1b");
    expect(buildDigest(patrol()).id).toBe("patrol:gt-mol-p9");
  });

  it("puts the fields in the schema's order, whatever order they came in", () => {
    const input = work();
    const shuffled = Object.fromEntries(Object.entries(input).reverse()) as DigestInput;
    expect(Object.keys(buildDigest(shuffled))).toEqual(DIGEST_FIELDS);
    expect(DIGEST_FIELDS).toEqual([
      "id", "kind", "molecule", "formula", "bead", "agent", "rig", "started_at", "finished_at", "exit",
      "steps_total", "steps_done", "attempts", "commits", "files_changed", "lines_added",
      "lines_removed", "pr", "merged_at", "cost_usd", "turns", "summary",
    ]);
  });

  it("says what is missing rather than that the id could not be made", () => {
    expect(thrown(() => buildDigest(work({ molecule: null })))).toBe("molecule: is required for a work digest");
    expect(thrown(() => buildDigest(merge({ pr: null, merged_at: null })))).toBe(
      "pr: is required for a merge digest\nmerged_at: is required for a merge digest",
    );
  });

  it("compares the two ends as instants, not as text", () => {
    // 06:00 at -03:00 is 09:00 UTC: before the start, though the text sorts after it.
    expect(thrown(() => buildDigest(work({ finished_at: "2026-04-30T06:00:00-03:00" })))).toBe(
      'finished_at: must not be before started_at, 2026-04-30T10:00:00Z (got "2026-04-30T09:00:00Z")',
    );
    // 08:00 at -03:00 is 11:00 UTC: after the start, though the text sorts before it.
    expect(buildDigest(work({ finished_at: "2026-04-30T08:00:00-03:00" })).finished_at).toBe("2026-04-30T11:00:00Z");
    expect(buildDigest(work({ finished_at: "2026-04-30T10:00:00Z" })).finished_at).toBe("2026-04-30T10:00:00Z");
  });

  it("reports every bad field at once", () => {
    expect(thrown(() => buildDigest(work({
      steps_done: 6, attempts: -1, pr: 0, started_at: "yesterday", rig: "widgets", agent: "",
    })))).toBe([
      "agent: must not be empty",
      'rig: must be owner/repo, such as octo-org/widgets (got "widgets")',
      'started_at: must be an RFC 3339 timestamp such as 2026-04-18T16:19:12Z (got "yesterday")',
      "attempts: must be at least 0 (got -1)",
      "pr: must be at least 1 (got 0)",
      "steps_done: must be at most steps_total, 5 (got 6)",
    ].join("\n"));
    // A value of the wrong type is reported first; the checks across fields wait for it.
    expect(thrown(() => buildDigest(work({ steps_done: 6, cost_usd: Number.NaN, turns: 2.5, lines_added: 2 ** 60 })))).toBe([
      "lines_added: must be at most 9007199254740991 (got 1152921504606847000)",
      "cost_usd: must be a number or null (got NaN)",
      "turns: must be an integer or null (got 2.5)",
    ].join("\n"));
  });
});

describe("digestLine", () => {
  it("writes one line of JSON in the schema's field order", () => {
    expect(digestLine(buildDigest(work()))).toBe(
      '{"id":"work:gt-mol-a1b","kind":"work","molecule":"gt-mol-a1b","formula":"mol-polecat-work@1",' +
        '"bead":"gt-x7q","agent":"nux","rig":"octo-org/widgets","started_at":"2026-04-30T10:00:00Z",' +
        '"finished_at":"2026-04-30T11:30:00Z","exit":"COMPLETED","steps_total":5,"steps_done":5,' +
        '"attempts":1,"commits":4,"files_changed":3,"lines_added":120,"lines_removed":8,"pr":42,' +
        '"merged_at":null,"cost_usd":1.25,"turns":37,"summary":"Added retry to the webhook handler."}\n',
    );
  });

  it("keeps a summary of several lines on one line", () => {
    const line = digestLine(buildDigest(patrol({ summary: "Two stuck:\r\n- nux\n- slit \u2028 ✓" })));
    expect(line.endsWith('"summary":"Two stuck:\\r\\n- nux\\n- slit \u2028 ✓"}\n')).toBe(true);
    expect(line.indexOf("\n")).toBe(line.length - 1);
  });

  it("refuses a digest it could not read back", () => {
    const digest = { ...buildDigest(work()), extra: true } as Digest;
    expect(thrown(() => digestLine(digest))).toBe("extra: unknown field (a digest's fields are listed in docs/digests.md)");
  });
});

describe("digestFileFor", () => {
  it("names the file for the instant's month in UTC", () => {
    expect(digestFileFor("2026-04-30T23:59:59Z")).toBe(".beads/digests/2026-04.jsonl");
    expect(digestFileFor("2026-05-01T00:00:00Z")).toBe(".beads/digests/2026-05.jsonl");
    // Still the 30th where it was written, already May in UTC; and the other way round.
    expect(digestFileFor("2026-04-30T20:00:00-05:00")).toBe(".beads/digests/2026-05.jsonl");
    expect(digestFileFor("2026-05-01T00:30:00+01:00")).toBe(".beads/digests/2026-04.jsonl");
    expect(digestFileFor("2026-12-31T23:30:00-01:00")).toBe(".beads/digests/2027-01.jsonl");
    expect(digestFileFor("2027-01-01T00:00:59.999999999+00:01")).toBe(".beads/digests/2026-12.jsonl");
    expect(digestFileFor("2028-02-29T23:00:00-02:00")).toBe(".beads/digests/2028-03.jsonl");
  });

  it("refuses what is not a timestamp", () => {
    expect(thrown(() => digestFileFor("yesterday"))).toBe(
      'finished_at: must be an RFC 3339 timestamp such as 2026-04-18T16:19:12Z (got "yesterday")',
    );
    expect(thrown(() => digestFileFor("2026-04-31T10:00:00Z"))).toMatch(/^finished_at: must be an RFC 3339/);
    expect(thrown(() => digestFileFor("garbage Z"))).toMatch(/^finished_at: must be an RFC 3339/);
    // Before the year 0000 in UTC: no YYYY-MM to name a file with.
    expect(thrown(() => digestFileFor("0000-01-01T00:30:00+01:00"))).toMatch(/^finished_at: must be an RFC 3339/);
  });
});

describe("appendDigest", () => {
  const a = buildDigest(work());
  const b = buildDigest(patrol());
  const lineA = digestLine(a);
  const lineB = digestLine(b);

  it("appends one line", () => {
    expect(appendDigest("", a)).toBe(lineA);
    expect(appendDigest(lineA, b)).toBe(lineA + lineB);
  });

  it("leaves the file as it was when the id is already in it", () => {
    const text = lineA + lineB;
    expect(appendDigest(text, a)).toBe(text);
    // The first digest stands, even when the retry's differs.
    expect(appendDigest(text, { ...a, summary: "A retry's summary." })).toBe(text);
    // However the earlier line was written, and whatever else is wrong with it.
    const handWritten = ` { "summary": 5, "id" : "work:gt-mol-a1b" }\r\n`;
    expect(appendDigest(handWritten, a)).toBe(handWritten);
  });

  it("is not fooled by the id written inside another field", () => {
    const mentions = digestLine(buildDigest(patrol({ summary: 'Saw "id":"work:gt-mol-a1b" stall.' })));
    expect(appendDigest(mentions, a)).toBe(mentions + lineA);
  });

  it("adds a missing final newline first and keeps every line as it was", () => {
    expect(appendDigest(lineB.trimEnd(), a)).toBe(lineB + lineA);
    const crlf = lineB.replace("\n", "\r\n");
    expect(appendDigest(crlf, a)).toBe(crlf + lineA);
    expect(appendDigest("not json\n\n", a)).toBe(`not json\n\n${lineA}`);
  });

  it("refuses an invalid digest and leaves the file alone", () => {
    expect(thrown(() => appendDigest(lineB, { ...a, steps_done: 9 }))).toBe("steps_done: must be at most steps_total, 5 (got 9)");
  });
});

describe("readDigests", () => {
  const a = buildDigest(work());
  const p = buildDigest(patrol());
  const m = buildDigest(merge());

  it("reads every digest, skipping blank lines, whatever the line endings", () => {
    const text = `\uFEFF${json(a)}\r\n\r\n   \n${json(p)}\n${json(m)}`;
    expect(readDigests(text, ".beads/digests/2026-04.jsonl")).toEqual({ digests: [a, p, m], problems: [] });
    expect(readDigests("", "d.jsonl")).toEqual({ digests: [], problems: [] });
  });

  it("reports every problem as FILE:LINE: field: message and keeps the good lines", () => {
    const b = buildDigest(work({ molecule: "gt-mol-b2c" }));
    const text = [
      json(a),
      "",
      '{"id":',
      "[1,2]",
      "null",
      json(b, { cost: 3, steps_done: 6 }),
      json(a, { summary: "Written again by a retry." }),
      json(p, { molecule: null }),
      json(buildDigest(work({ molecule: "gt-mol-c3d" })), { steps_total: "5", pr: 0, cost_usd: -0.5, merged_at: "2026-04-31T00:00:00Z" }),
      `${json(p, { id: "patrol:gt-mol-q1" })}\r`,
      JSON.stringify({ ...buildDigest(work({ molecule: "gt-mol-d4e" })), summary: undefined }),
      json(buildDigest(work({ molecule: "gt-mol-e5f" })), { id: "work:gt-mol-other", kind: "build" }),
      json(buildDigest(work({ molecule: "gt-mol-f6a" })), { id: "work:gt-mol-other" }),
      json(m, { kind: "merge", pr: 43 }),
      json(p, { id: "patrol:gt-mol-p9x" }),
      json(p),
    ].join("\n");
    const { digests, problems } = readDigests(text, ".beads/digests/2026-04.jsonl");
    const lines = problems.map(formatProblem);
    expect(lines[0]).toMatch(/^\.beads\/digests\/2026-04\.jsonl:3: not valid JSON \(.+\)$/);
    expect(lines.slice(1)).toEqual([
      ".beads/digests/2026-04.jsonl:4: each line must be one JSON object",
      ".beads/digests/2026-04.jsonl:5: each line must be one JSON object",
      ".beads/digests/2026-04.jsonl:6: cost: unknown field (a digest's fields are listed in docs/digests.md)",
      ".beads/digests/2026-04.jsonl:6: steps_done: must be at most steps_total, 5 (got 6)",
      ".beads/digests/2026-04.jsonl:7: id: work:gt-mol-a1b is already on line 1",
      ".beads/digests/2026-04.jsonl:8: molecule: is required for a patrol digest",
      ".beads/digests/2026-04.jsonl:9: steps_total: must be an integer (got \"5\")",
      ".beads/digests/2026-04.jsonl:9: pr: must be at least 1 (got 0)",
      ".beads/digests/2026-04.jsonl:9: merged_at: must be an RFC 3339 timestamp such as 2026-04-18T16:19:12Z (got \"2026-04-31T00:00:00Z\")",
      ".beads/digests/2026-04.jsonl:9: cost_usd: must be at least 0 (got -0.5)",
      ".beads/digests/2026-04.jsonl:10: id: must be \"patrol:gt-mol-p9\", made from its kind and molecule (got \"patrol:gt-mol-q1\")",
      ".beads/digests/2026-04.jsonl:11: summary: is required",
      ".beads/digests/2026-04.jsonl:12: kind: must be one of \"work\", \"patrol\", \"merge\" (got \"build\")",
      ".beads/digests/2026-04.jsonl:13: id: must be \"work:gt-mol-f6a\", made from its kind and molecule (got \"work:gt-mol-other\")",
      ".beads/digests/2026-04.jsonl:13: id: work:gt-mol-other is already on line 12",
      ".beads/digests/2026-04.jsonl:14: id: must be \"merge:octo-org/widgets#43\", made from its kind, rig and pr (got \"merge:octo-org/widgets#42\")",
      ".beads/digests/2026-04.jsonl:15: id: must be \"patrol:gt-mol-p9\", made from its kind and molecule (got \"patrol:gt-mol-p9x\")",
      // Line 8 was not a good digest, but it holds the id: as appendDigest sees it too.
      ".beads/digests/2026-04.jsonl:16: id: patrol:gt-mol-p9 is already on line 8",
    ]);
    expect(digests).toEqual([a]);
  });

  it("names the earlier line of a repeated id, and keeps the first", () => {
    const retry = json(a, { summary: "Written again by a retry." });
    expect(problemsOf(`${json(a)}\n${json(p)}\n${retry}\n`)).toEqual(["d.jsonl:3: id: work:gt-mol-a1b is already on line 1"]);
    expect(readDigests(`${json(a)}\n${json(p)}\n${retry}\n`, "d.jsonl").digests).toEqual([a, p]);
  });

  it("reports a digest filed in another month than its finished_at in UTC", () => {
    const lateApril = buildDigest(work({ molecule: "gt-mol-late", started_at: "2026-04-30T19:00:00-05:00", finished_at: "2026-04-30T20:00:00-05:00" }));
    const text = [
      json(lateApril),
      // Written by hand with its offset: 23:30 UTC on the 30th, so April's.
      json(a, { finished_at: "2026-05-01T00:30:00+01:00" }),
    ].join("\n");
    expect(problemsOf(text, ".beads/digests/2026-04.jsonl")).toEqual([
      ".beads/digests/2026-04.jsonl:1: finished_at: is in 2026-05 (UTC), so this digest belongs in 2026-05.jsonl, not 2026-04.jsonl",
    ]);
    expect(problemsOf(text, "/tmp/ledger/.beads/digests/2026-05.jsonl")).toEqual([
      "/tmp/ledger/.beads/digests/2026-05.jsonl:2: finished_at: is in 2026-04 (UTC), so this digest belongs in 2026-04.jsonl, not 2026-05.jsonl",
    ]);
    // A file not named for a month is not checked.
    expect(problemsOf(text, "digests.jsonl")).toEqual([]);
  });

  it("checks a merge digest has its PR, rig and merge time", () => {
    expect(digestProblems(JSON.parse(json(m, { rig: null, pr: null, merged_at: null })))).toEqual([
      { field: "rig", message: "is required for a merge digest" },
      { field: "pr", message: "is required for a merge digest" },
      { field: "merged_at", message: "is required for a merge digest" },
    ]);
    expect(digestProblems([a])).toEqual([{ field: "", message: "a digest must be a JSON object" }]);
    expect(DigestSchema.safeParse(m).success).toBe(true);
  });
});

describe("properties", () => {
  /** An instant written with one of several offsets, as a hand or another tool might. */
  const written = (seconds: number, offsetMinutes: number): string => {
    const local = new Date((seconds + offsetMinutes * 60) * 1000).toISOString().slice(0, 19);
    if (offsetMinutes === 0) return `${local}Z`;
    const abs = Math.abs(offsetMinutes);
    const hhmm = `${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`;
    return `${local}${offsetMinutes < 0 ? "-" : "+"}${hhmm}`;
  };
  const offset = fc.constantFrom(0, 60, -300, 330, -720, 840);
  const input: fc.Arbitrary<DigestInput> = fc.record({
    kind: fc.constantFrom<DigestKind>("work", "patrol", "merge"),
    // Few molecules and PRs, so ids repeat.
    molecule: fc.constantFrom("gt-mol-a", "gt-mol-b", "gt-mol-c"),
    pr: fc.integer({ min: 1, max: 3 }),
    start: fc.integer({ min: Date.UTC(2025, 0, 1) / 1000, max: Date.UTC(2028, 0, 1) / 1000 }),
    duration: fc.integer({ min: 0, max: 3 * 86_400 }),
    startOffset: offset,
    finishOffset: offset,
    steps: fc.tuple(fc.nat(20), fc.nat(20)).map(([x, y]) => [Math.min(x, y), Math.max(x, y)] as const),
    cost: fc.option(fc.double({ min: 0, max: 100, noNaN: true })),
    summary: fc.string({ unit: "grapheme" }),
  }).map((g) => work({
    kind: g.kind,
    molecule: g.kind === "merge" ? null : g.molecule,
    pr: g.pr,
    started_at: written(g.start, g.startOffset),
    finished_at: written(g.start + g.duration, g.finishOffset),
    merged_at: g.kind === "merge" ? written(g.start + g.duration, 0) : null,
    steps_done: g.steps[0],
    steps_total: g.steps[1],
    cost_usd: g.cost,
    summary: g.summary,
  }));
  const start = fc.constantFrom("", digestLine(buildDigest(work({ molecule: "gt-mol-z" }))).replace("\n", "\r\n"),
    digestLine(buildDigest(work({ molecule: "gt-mol-z" }))).trimEnd());

  it("appending is idempotent, never rewrites a line, and reads back", () => {
    fc.assert(fc.property(start, fc.array(input, { maxLength: 12 }), (initial, inputs) => {
      let text = initial;
      const firstById = new Map<string, Digest>(initial ? [["work:gt-mol-z", buildDigest(work({ molecule: "gt-mol-z" }))]] : []);
      for (const digest of inputs.map(buildDigest)) {
        const once = appendDigest(text, digest);
        expect(appendDigest(once, digest)).toBe(once);
        expect(once.startsWith(text)).toBe(true);
        text = once;
        if (!firstById.has(digest.id)) firstById.set(digest.id, digest);
      }
      expect(readDigests(text, "d.jsonl")).toEqual({ digests: [...firstById.values()], problems: [] });
    }));
  });

  it("every digest lands in the month file its reader accepts", () => {
    fc.assert(fc.property(input, (digestInput) => {
      const digest = buildDigest(digestInput);
      const file = digestFileFor(digestInput.finished_at);
      expect(digestFileFor(digest.finished_at)).toBe(file);
      expect(readDigests(appendDigest("", digest), file).problems).toEqual([]);
    }));
  });
});
