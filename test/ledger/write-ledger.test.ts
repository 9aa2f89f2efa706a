import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { EXPORT_ONLY_FIELDS, TIMESTAMP_FIELDS, type Bead } from "../../app/ledger/bead-schema.js";
import { Ledger } from "../../app/ledger/ledger.js";
import { loadLedger } from "../../app/ledger/read-ledger.js";
import { compareInstants } from "../../app/ledger/timestamps.js";
import { canonicalLine, formatLedger, goJson, serializeLedger } from "../../app/ledger/write-ledger.js";
import { bead, jsonl } from "./ledger-builders.js";

const FIXTURES = ["beads-v0.44.0-issues.jsonl", "beads-v1.0.5-export.jsonl"];
const fixture = (name: string) =>
  readFileSync(new URL(`../fixtures/beads/${name}`, import.meta.url), "utf8");

function changedLines(before: string, after: string): number {
  const a = before.split("\n");
  const b = after.split("\n");
  expect(b.length).toBe(a.length);
  return a.filter((line, i) => line !== b[i]).length;
}

/** `formatted` holds every field and value of `original`, up to timestamp offsets and label order. */
function expectSameContent(original: Bead, formatted: Bead): void {
  const dropped = new Set(EXPORT_ONLY_FIELDS);
  const timestamps = new Set(TIMESTAMP_FIELDS);
  const expectedKeys = Object.keys(original).filter((key) => !dropped.has(key));
  if (!("priority" in original)) expectedKeys.push("priority");
  expect(Object.keys(formatted).sort()).toEqual(expectedKeys.sort());
  for (const [key, value] of Object.entries(original)) {
    if (dropped.has(key)) continue;
    const got = (formatted as Record<string, unknown>)[key];
    if (timestamps.has(key)) expect(compareInstants(got as string, value as string), key).toBe(0);
    else if (key === "labels") expect(got).toEqual([...(value as string[])].sort());
    else if (key === "dependencies" || key === "comments") {
      const list = value as Record<string, unknown>[];
      expect((got as unknown[]).length).toBe(list.length);
      list.forEach((item, i) => {
        const other = (got as Record<string, unknown>[])[i] as Record<string, unknown>;
        expect(Object.keys(other).sort()).toEqual(Object.keys(item).sort());
        for (const [k, v] of Object.entries(item)) {
          if (k === "created_at") expect(compareInstants(other[k] as string, v as string)).toBe(0);
          else expect(other[k]).toEqual(v);
        }
      });
    } else expect(got, key).toEqual(value);
  }
}

describe.each(FIXTURES)("writing %s", (name) => {
  const text = fixture(name);
  const ledger = loadLedger(text);

  it("writes back what it read byte for byte", () => {
    expect(serializeLedger(ledger)).toBe(text);
  });

  it("changes exactly one line when one bead changes", () => {
    const target = ledger.beads()[Math.floor(ledger.size / 2)] as Bead;
    const changed = ledger.update(target.id, (b) => ({ ...b, notes: "touched" }));
    expect(changedLines(text, serializeLedger(changed))).toBe(1);
  });

  it("formats losslessly: every field and value kept, counts dropped", () => {
    const formatted = loadLedger(formatLedger(ledger));
    expect(formatted.size).toBe(ledger.size);
    for (const original of ledger.beads()) expectSameContent(original, formatted.get(original.id) as Bead);
  });

  it("formats idempotently", () => {
    const once = formatLedger(ledger);
    expect(formatLedger(loadLedger(once))).toBe(once);
  });
});

describe("the canonical form", () => {
  it("orders fields as bd export, writes UTC, always writes priority, drops counts", () => {
    const line = canonicalLine({
      comment_count: 0,
      updated_at: "2025-12-25T13:32:09.696723-08:00",
      labels: ["z", "a"],
      created_at: "2025-12-25T13:32:09-08:00",
      zz_unknown: true,
      title: "T",
      id: "gt-1",
      dependencies: [{ type: "blocks", depends_on_id: "gt-2", created_at: "2025-12-25T13:32:09-08:00", issue_id: "gt-1" }],
      comments: [{ text: "hi", author: "a", created_at: "2025-12-25T13:32:09-08:00", id: 3 }],
    } as unknown as Bead);
    expect(line).toBe(
      '{"id":"gt-1","title":"T","priority":0,"created_at":"2025-12-25T21:32:09Z",' +
      '"updated_at":"2025-12-25T21:32:09.696723Z","labels":["a","z"],' +
      '"dependencies":[{"issue_id":"gt-1","depends_on_id":"gt-2","type":"blocks","created_at":"2025-12-25T21:32:09Z"}],' +
      '"comments":[{"id":3,"author":"a","text":"hi","created_at":"2025-12-25T21:32:09Z"}],"zz_unknown":true}',
    );
  });

  it("escapes as Go's encoding/json does", () => {
    expect(goJson({ t: "a<b> & \u2028c\u2029" })).toBe('{"t":"a\\u003cb\\u003e \\u0026 \\u2028c\\u2029"}');
  });

  it("sorts by id in byte order, memory lines last, no header", () => {
    const ledger = loadLedger(jsonl([
      { _type: "memory", key: "k", value: "v" },
      bead("gt-b"), bead("gt-a.10"), bead("gt-a.2"), bead("gt-A"),
    ]));
    const ids = formatLedger(ledger).trimEnd().split("\n").map((line) => JSON.parse(line).id ?? JSON.parse(line)._type);
    expect(ids).toEqual(["gt-A", "gt-a.10", "gt-a.2", "gt-b", "memory"]);
  });

  it("writes a changed bead canonically and leaves the others as read", () => {
    const read = jsonl([{ ...bead("gt-1"), created_at: "2026-01-01T01:00:00+01:00" }, bead("gt-2")]);
    const ledger = loadLedger(read).update("gt-1", (b) => ({ ...b, status: "closed", closed_at: "2026-01-02T00:00:00Z" }));
    const [first, second] = serializeLedger(ledger).trimEnd().split("\n");
    expect(first).toBe(
      '{"id":"gt-1","title":"Bead gt-1","status":"closed","priority":2,"issue_type":"task",' +
      '"created_at":"2026-01-01T00:00:00Z","updated_at":"2026-01-01T00:00:00Z","closed_at":"2026-01-02T00:00:00Z"}',
    );
    expect(second).toBe(JSON.stringify(bead("gt-2")));
  });

  it("writes an empty ledger as an empty file", () => {
    expect(serializeLedger(Ledger.empty())).toBe("");
  });
});
