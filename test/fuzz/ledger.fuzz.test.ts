// Fuzzing the ledger's readers and writers: `.beads/issues.jsonl` as people, Beads and a bad
// merge leave it, every line of it possibly broken. Reading never throws, every problem names the
// file and a line that holds something, a clean ledger written back keeps every field of every
// bead (unknown ones too), and the merge driver either names a bad line or writes a ledger that
// reads back clean with every bead of all three versions.
import fc from "fast-check";
import { beforeEach, describe, expect, it } from "vitest";
import { LEDGER_PATH } from "../../app/github/ledger-store.js";
import { jsonEqual } from "../../app/ledger/json-equal.js";
import { mergeLedgerTexts } from "../../app/ledger/merge.js";
import { baseLines, readLedgerAgainstBase } from "../../app/ledger/read-ledger-against-base.js";
import { LedgerReadError, readLedger, splitLedgerLines } from "../../app/ledger/read-ledger.js";
import { formatLedger, serializeLedger } from "../../app/ledger/write-ledger.js";
import { REPO, type Town } from "../app/app-harness.js";
import { bead } from "../ledger/ledger-builders.js";
import { slungTown } from "./fuzz-town.js";
import { FUZZ_TIMEOUT, editText, fuzzRuns, hostileJson, hostileKey, hostileText, jsonMutation, mutateJson, textEdit } from "./fuzz-arbitraries.js";

const FILE = ".beads/issues.jsonl";

/** Fields a bead may carry that the schema does not know: kept as they are. */
const unknownFields = fc.dictionary(
  hostileKey.filter((key) => !KNOWN_FIELDS.has(key)), hostileJson, { maxKeys: 3, noNullPrototype: true },
);

/** Times as Beads has written them, and the edges an offset can carry past. */
const time = fc.constantFrom(
  "2026-01-01T00:00:00Z", "2025-12-25T13:32:09.696723-08:00", "2026-01-01T00:00:00.000000000Z",
  "0000-01-01T00:00:00+01:00", "9999-12-31T23:59:59.5-01:00", "0000-01-01T00:00:00Z",
);

const beadArb = fc.record({
  hash: fc.stringMatching(/^[0-9a-z]{3,6}$/),
  created: time,
  updated: time,
  title: hostileText.filter((title) => title.length > 0),
  status: fc.constantFrom("open", "in_progress", "blocked", "hooked", "deferred"),
  priority: fc.integer({ min: 0, max: 4 }),
  labels: fc.option(fc.array(hostileText, { maxLength: 3 }), { nil: undefined }),
  extra: unknownFields,
}).map(({ hash, created, updated, title, status, priority, labels, extra }) => {
  const made: Record<string, unknown> = bead(`gt-${hash}`, { title, status, priority, created_at: created, updated_at: updated, ...(labels ? { labels } : {}) });
  for (const [key, value] of Object.entries(extra)) Object.defineProperty(made, key, { value, enumerable: true, writable: true, configurable: true });
  return made;
});

const KNOWN_FIELDS = new Set([
  "id", "title", "description", "design", "acceptance_criteria", "notes", "status", "priority", "issue_type", "assignee",
  "created_at", "updated_at", "closed_at", "close_reason", "labels", "dependencies", "comments", "_type", "ephemeral",
  "no_history", "pinned", "wisp", "estimated_minutes", "external_ref", "metadata", "created_by", "owner", "sender",
  "compacted_at", "compaction_level", "original_size", "deleted_at", "deleted_by", "delete_reason", "original_type",
  "close_session", "due_at", "defer_until", "source_repo", "spec_id", "mol_type", "work_type", "bond_type", "wisp_type",
  "hook_bead", "role_bead", "agent_state", "last_activity", "role_type", "rig", "event_kind", "actor", "target", "payload",
  "await_type", "await_id", "timeout", "waiters", "quality_score", "crystallizes", "is_template", "dependency_count",
  "dependent_count", "comment_count", "parent", "content_hash", "source_system", "closed_by_session",
]);

/** Beads with distinct ids, as one JSONL line each. */
const cleanLines = fc.uniqueArray(beadArb, { maxLength: 8, selector: (b) => b.id }).map((beads) => beads.map((b) => JSON.stringify(b)));

/** A line as a broken ledger may hold it: a bead, a bead with a field broken, or anything. */
const anyLine = fc.oneof(
  { weight: 3, arbitrary: beadArb.map((b) => JSON.stringify(b)) },
  { weight: 3, arbitrary: fc.tuple(beadArb, fc.array(jsonMutation, { minLength: 1, maxLength: 3 })).map(([b, m]) => JSON.stringify(mutateJson(b, m)) ?? "null") },
  { weight: 1, arbitrary: fc.tuple(beadArb, fc.array(textEdit, { minLength: 1, maxLength: 2 })).map(([b, e]) => editText(JSON.stringify(b), e)) },
  { weight: 1, arbitrary: hostileText },
  { weight: 1, arbitrary: hostileJson.map((value) => JSON.stringify(value) ?? "") },
);

const ledgerText = fc.tuple(fc.array(anyLine, { maxLength: 10 }), fc.constantFrom("\n", "\r\n"), fc.boolean())
  .map(([lines, eol, last]) => lines.join(eol) + (last && lines.length > 0 ? eol : ""));

/** The text's lines as readLedger numbers them: line n at index n - 1. */
const linesOf = (text: string) => splitLedgerLines(text);

describe("reading a ledger", { timeout: FUZZ_TIMEOUT }, () => {
  it("never throws, and names the file and a non-blank line in every problem", () => {
    fc.assert(fc.property(ledgerText, (text) => {
      const read = readLedger(text, { file: FILE });
      const lines = linesOf(text);
      for (const problem of read.problems) {
        expect(problem.file).toBe(FILE);
        expect(problem.line).toBeGreaterThanOrEqual(1);
        expect(lines[problem.line - 1]?.trim()).not.toBe("");
        expect(problem.message).not.toBe("");
      }
      expect(read.ok).toBe(!read.problems.some((p) => p.severity === "error"));
    }), fuzzRuns(300));
  });

  it("reads a side against its base exactly as it reads it alone, as the merge driver relies on", () => {
    fc.assert(fc.property(cleanLines, fc.array(fc.tuple(fc.nat(), anyLine), { maxLength: 4 }), (base, changes) => {
      const baseText = base.join("\n") + "\n";
      const side = [...base];
      for (const [at, line] of changes) side.splice(at % (side.length + 1), at % 2, line);
      const sideText = side.join("\n") + "\n";
      const baseRead = readLedger(baseText, { file: "base" });
      expect(baseRead.ok).toBe(true);
      const alone = readLedger(sideText, { file: "ours" });
      const against = readLedgerAgainstBase(sideText, baseLines(baseText, baseRead.ledger), { file: "ours" });
      expect(against.ok).toBe(alone.ok);
      expect(against.problems.filter((p) => p.severity === "error")).toEqual(alone.problems.filter((p) => p.severity === "error"));
      if (alone.ok) expect([...against.ledger.records.keys()].sort()).toEqual([...alone.ledger.records.keys()].sort());
    }), fuzzRuns(200));
  });
});

describe("writing a ledger back", { timeout: FUZZ_TIMEOUT }, () => {
  it("keeps fields named __proto__, constructor and toString (found by fuzzing: they were dropped)", () => {
    const line = JSON.stringify(bead("gt-a1")).slice(0, -1) + ',"__proto__":null,"constructor":"c","toString":1}';
    expect(formatLedger(readLedger(line).ledger)).toBe(
      '{"id":"gt-a1","title":"Bead gt-a1","status":"open","priority":2,"issue_type":"task","created_at":"2026-01-01T00:00:00Z",' +
      '"updated_at":"2026-01-01T00:00:00Z","__proto__":null,"constructor":"c","toString":1}\n',
    );
  });

  it("keeps every line as read, and every field of every bead when rewritten canonically", () => {
    fc.assert(fc.property(cleanLines, (lines) => {
      const read = readLedger(lines.join("\n"), { file: FILE });
      expect(read.problems.filter((p) => p.severity === "error")).toEqual([]);
      expect(splitLedgerLines(serializeLedger(read.ledger)).sort()).toEqual([...lines].sort());
      const again = readLedger(formatLedger(read.ledger), { file: FILE });
      expect(again.ok).toBe(true);
      for (const line of lines) {
        const original = JSON.parse(line) as Record<string, unknown>;
        const written = again.ledger.get(original.id as string) as unknown as Record<string, unknown>;
        for (const key of Object.keys(original)) {
          if (key === "labels") continue; // written sorted
          if (key === "created_at" || key === "updated_at") continue; // written in UTC
          expect([key, written[key]]).toEqual([key, original[key]]);
          expect(Object.hasOwn(written, key)).toBe(true);
        }
      }
    }), fuzzRuns(200));
  });

  it("keeps a time an offset carries past year 9999 as written (found by fuzzing: it was written as an invalid time)", () => {
    const line = JSON.stringify(bead("gt-a1", { created_at: "0000-01-01T00:00:00+01:00", updated_at: "9999-12-31T23:59:59-01:00" }));
    const written = formatLedger(readLedger(line).ledger);
    expect(written).toContain('"created_at":"0000-01-01T00:00:00+01:00","updated_at":"9999-12-31T23:59:59-01:00"');
    expect(readLedger(written).ok).toBe(true);
  });
});

describe("the merge driver", { timeout: FUZZ_TIMEOUT }, () => {
  /** What one side does to a base bead, keeping its id: the fields both sides may change, or any. */
  const edit = fc.oneof(
    fc.record({
      title: hostileText.filter((t) => t.length > 0), notes: hostileText, priority: fc.integer({ min: 0, max: 4 }),
      status: fc.constantFrom("open", "in_progress", "closed", "tombstone", "deferred"), labels: fc.array(fc.constantFrom("a", "b", "c"), { maxLength: 3 }),
      updated_at: time,
    }, { requiredKeys: [] }).map((fields) => (b: Record<string, unknown>) => {
      const edited: Record<string, unknown> = { ...b, ...fields };
      if (edited.status === "closed") edited.closed_at ??= edited.updated_at;
      else delete edited.closed_at;
      return edited;
    }),
    fc.array(jsonMutation, { minLength: 1, maxLength: 2 }).map((m) => (b: Record<string, unknown>) => ({ ...(mutateJson(b, m) as object), id: b.id })),
  );
  const change = fc.oneof(
    fc.tuple(fc.nat(), fc.nat({ max: 2 }), anyLine).map(([at, remove, line]) => (lines: string[]) => { lines.splice(at % (lines.length + 1), remove, line); }),
    fc.tuple(fc.nat(), edit).map(([at, made]) => (lines: string[]) => {
      if (lines.length === 0) return;
      const i = at % lines.length;
      try {
        lines[i] = JSON.stringify(made(JSON.parse(lines[i] as string) as Record<string, unknown>));
      } catch {
        // A line that is not JSON any more stays as it is.
      }
    }),
  );
  const side = (base: readonly string[]) => fc.array(change, { maxLength: 3 }).map((changes) => {
    const lines = [...base];
    for (const made of changes) made(lines);
    return lines.join("\n") + "\n";
  });
  const threeWay = cleanLines.chain((base) => {
    const text = base.join("\n") + "\n";
    // Now and then one side leaves the base as it was.
    return fc.tuple(fc.constant(text), fc.oneof(side(base), fc.constant(text)), side(base));
  });

  it("names a bad line with LedgerReadError, or writes a clean ledger holding every bead of every version", () => {
    fc.assert(fc.property(threeWay, ([base, ours, theirs]) => {
      let merged;
      try {
        merged = mergeLedgerTexts(base, ours, theirs, { files: { base: "BASE", ours: "OURS", theirs: "THEIRS" } });
      } catch (error) {
        expect(error).toBeInstanceOf(LedgerReadError);
        const problems = (error as LedgerReadError).problems.filter((p) => p.severity === "error");
        expect(problems.length).toBeGreaterThan(0);
        const texts: Record<string, string> = { BASE: base, OURS: ours, THEIRS: theirs };
        for (const problem of problems) expect(linesOf(texts[problem.file] as string)[problem.line - 1]?.trim()).toBeTruthy();
        return;
      }
      const read = readLedger(merged.text, { file: FILE });
      expect(read.ok).toBe(true);
      for (const text of [base, ours, theirs]) {
        for (const id of readLedger(text).ledger.records.keys()) expect(read.ledger.has(id)).toBe(true);
      }
      // A bead only one side changed comes through as that side wrote it.
      for (const [changed, other] of [[ours, theirs], [theirs, ours]] as const) {
        if (other !== base) continue;
        for (const [id, record] of readLedger(changed).ledger.records) expect(jsonEqual(read.ledger.get(id), record.bead)).toBe(true);
      }
      // A bead neither side changed comes through as the base wrote it.
      const b = readLedger(base).ledger;
      const o = readLedger(ours).ledger;
      const t = readLedger(theirs).ledger;
      for (const [id, record] of b.records) {
        if (o.get(id) && t.get(id) && jsonEqual(o.get(id), record.bead) && jsonEqual(t.get(id), record.bead)) {
          expect(jsonEqual(read.ledger.get(id), record.bead)).toBe(true);
        }
      }
    }), fuzzRuns(200));
  });
});

describe("a ledger branch with a bad line, through the App", { timeout: FUZZ_TIMEOUT }, () => {
  const townOf = slungTown(["Fix the pumps", "Paint the tower"]);
  let town: Town;
  beforeEach(() => {
    town = townOf();
  });

  const ledgerFile = async () => {
    const git = town.github.git(REPO);
    const tip = await git.resolveRef("refs/heads/gastown/ledger");
    return (await git.fileAt(tip as string, LEDGER_PATH))?.content.toString("utf8");
  };

  /** The App's own ledger with one line broken somewhere in it, as a bad push or merge leaves it. */
  const broken = fc.tuple(fc.nat(), anyLine).filter(([, line]) => !readLedger(line).ok);

  it("is never written: a command says which line is bad, and every line stays as it was", async () => {
    const good = (await ledgerFile()) as string;
    await fc.assert(fc.asyncProperty(broken, async ([at, bad]) => {
      const lines = good.trimEnd().split("\n");
      lines.splice(at % (lines.length + 1), 0, bad);
      // As a file holds it: UTF-8, where a lone surrogate is U+FFFD.
      const text = Buffer.from(lines.join("\n") + "\n").toString("utf8");
      const file = await town.as("mayor", "GET", `/repos/${REPO}/contents/${LEDGER_PATH}?ref=gastown/ledger`) as { sha: string };
      await town.as("mayor", "PUT", `/repos/${REPO}/contents/${LEDGER_PATH}`, {
        message: "A bad line", content: Buffer.from(text).toString("base64"), sha: file.sha, branch: "gastown/ledger",
      });
      await town.newDeliveries();
      const comments = town.issue(2).comments.length;
      await town.as("mayor", "POST", `/repos/${REPO}/issues/2/comments`, { body: "/sling" });
      await town.deliver();
      expect(await ledgerFile()).toBe(text);
      const replies = town.issue(2).comments.slice(comments).filter((c) => c.user === "gastown[bot]").map((c) => c.body);
      const [first] = readLedger(text, { file: LEDGER_PATH }).problems.filter((p) => p.severity === "error");
      expect(replies).toHaveLength(1);
      expect(replies[0]).toMatch(/^@mayor: the ledger on `gastown\/ledger` has \d+ errors?, so `\/sling` was not done\./);
      expect(replies[0]).toContain(`gastown/ledger:${LEDGER_PATH}:${first?.line}:`);
    }), fuzzRuns(5));
  });
});
