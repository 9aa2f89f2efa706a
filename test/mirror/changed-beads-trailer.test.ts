import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { Bead } from "../../app/ledger/bead-schema.js";
import { compareIds, Ledger } from "../../app/ledger/ledger.js";
import { loadLedger } from "../../app/ledger/read-ledger.js";
import { formatLedger, serializeLedger } from "../../app/ledger/write-ledger.js";
import { changedBeadIds, formatChangedBeads, parseChangedBeads } from "../../app/mirror/changed-beads-trailer.js";

const V044_TEXT = readFileSync(new URL("../fixtures/beads/beads-v0.44.0-issues.jsonl", import.meta.url), "utf8");

const bead = (id: string, fields: Partial<Bead> = {}): Bead => ({
  id, title: `Bead ${id}`, status: "open", priority: 2, issue_type: "task",
  created_at: "2026-06-01T12:00:00Z", updated_at: "2026-06-01T12:00:00Z", ...fields,
});

/** A ledger commit's message as the store writes it, with these trailer lines before its own. */
const message = (trailers: string) => `Sling #12: hook gt-a1b to nux\n\n${trailers}\nGastown-Write: 3f2c1a9e-7d44-4c5e-9a0b-1c2d3e4f5a6b\n`;

describe("the Gastown-Beads trailer", () => {
  it("names the changed beads sorted, once each, on one line when they fit", () => {
    expect(formatChangedBeads(["gt-mol-x1a.2", "gt-a1b", "gt-mol-x1a", "gt-a1b"])).toBe("Gastown-Beads: gt-a1b gt-mol-x1a gt-mol-x1a.2");
    expect(formatChangedBeads([])).toBe("Gastown-Beads: none");
  });

  it("wraps a long list over several trailer lines of at most 72 characters", () => {
    const ids = Array.from({ length: 20 }, (_, i) => `gastown-${String(i).padStart(3, "0")}`);
    expect(formatChangedBeads(ids)).toBe([
      "Gastown-Beads: gastown-000 gastown-001 gastown-002 gastown-003",
      "Gastown-Beads: gastown-004 gastown-005 gastown-006 gastown-007",
      "Gastown-Beads: gastown-008 gastown-009 gastown-010 gastown-011",
      "Gastown-Beads: gastown-012 gastown-013 gastown-014 gastown-015",
      "Gastown-Beads: gastown-016 gastown-017 gastown-018 gastown-019",
    ].join("\n"));
    // An id too long for any line gets one to itself.
    const long = `gt-${"x".repeat(70)}`;
    expect(formatChangedBeads(["gt-a", long, "gt-z"])).toBe(`Gastown-Beads: gt-a\nGastown-Beads: ${long}\nGastown-Beads: gt-z`);
  });

  it("reads back what it wrote, among the store's own trailer", () => {
    const ids = Array.from({ length: 300 }, (_, i) => `gt-${i.toString(36)}.${i % 7}`);
    const lines = formatChangedBeads(ids).split("\n");
    expect(lines.every((line) => line.length <= 72)).toBe(true);
    expect(parseChangedBeads(message(formatChangedBeads(ids)))).toEqual([...new Set(ids)].sort(compareIds));
    expect(parseChangedBeads(message(formatChangedBeads(["bd-main-idj", "bd-2vh3.3"])))).toEqual(["bd-2vh3.3", "bd-main-idj"]);
    expect(parseChangedBeads(message(formatChangedBeads([])))).toEqual([]);
    // Keys compare without case, as git compares them; a tab or a run of spaces separates too.
    expect(parseChangedBeads("x\n\ngastown-beads: gt-b\tgt-a   gt-b\n")).toEqual(["gt-a", "gt-b"]);
  });

  it("is undefined for a commit without it, or with one that is not a list of ids, so the commit is diffed", () => {
    const unread = [
      "Edit the ledger by hand\n", // a person's push
      "Edit\n\nSigned-off-by: A Person <a@example.com>\n",
      message("Gastown-Beads:"),
      message("Gastown-Beads: gt-a1b, gt-b2c"),
      message("Gastown-Beads: gt-a1b none"),
      message("Gastown-Beads: none\nGastown-Beads: gt-a1b"),
      message("Gastown-Beads: -gt-a1b"),
      message("Gastown-Beads: gt-a1b <!-- -->"),
      // Not in the last paragraph, or in one with prose: no trailer at all.
      "Subject\n\nGastown-Beads: gt-a1b\n\nThe body goes on.\n",
      "Subject\n\nGastown-Beads: gt-a1b\nand a line of prose\n",
      "Gastown-Beads: gt-a1b\n", // the subject is never a trailer
      "",
    ];
    expect(unread.map((text) => parseChangedBeads(text))).toEqual(Array(unread.length).fill(undefined));
  });
});

describe("the beads two ledgers differ in", () => {
  it("are those added, removed or changed, sorted", () => {
    const before = Ledger.of([bead("gt-a"), bead("gt-b"), bead("gt-c"), bead("gt-d", { labels: ["x", "y"] })]);
    const after = before
      .withBead({ ...(before.get("gt-b") as Bead), status: "closed", closed_at: "2026-06-02T00:00:00Z" })
      .withBead(bead("gt-e"))
      .withBead({ ...(before.get("gt-d") as Bead), labels: ["y", "x"] });
    const removed = new Ledger(new Map([...after.records].filter(([id]) => id !== "gt-a")));
    expect(changedBeadIds(before, removed)).toEqual(["gt-a", "gt-b", "gt-d", "gt-e"]);
    expect(changedBeadIds(removed, before)).toEqual(["gt-a", "gt-b", "gt-d", "gt-e"]);
    expect(changedBeadIds(before, before)).toEqual([]);
  });

  it("leave out a bead written again with the same values, in another key order", () => {
    const before = Ledger.of([bead("gt-a", { metadata: { gastown: { polecat: "nux", attempt: 1 } } })]);
    const a = before.get("gt-a") as Bead;
    const rewritten = before.withBead({ metadata: { gastown: { attempt: 1, polecat: "nux" } }, ...a });
    expect(changedBeadIds(before, rewritten)).toEqual([]);
    expect(changedBeadIds(before, before.withBead({ ...a, metadata: { gastown: { polecat: "nux", attempt: 2 } } }))).toEqual(["gt-a"]);
  });

  it("are none between a real ledger and itself read again, and the one bead a push changed", () => {
    const before = loadLedger(V044_TEXT);
    expect(changedBeadIds(before, loadLedger(V044_TEXT))).toEqual([]);
    // A push that changed one bead: every other line as it was.
    const pushed = loadLedger(serializeLedger(before.withBead({ ...(before.get("bd-34q1") as Bead), priority: 0 })));
    expect(changedBeadIds(before, pushed)).toEqual(["bd-34q1"]);
  });

  it("count a bead whose values a rewrite changed, and not one it wrote in another key order", () => {
    const before = loadLedger(V044_TEXT);
    const formatted = loadLedger(formatLedger(before));
    // `gt ledger fmt` writes local-offset timestamps in UTC: a change of value, so those beads count.
    const offsets = before.beads().filter((b) => /[+-]\d\d:\d\d"/.test(JSON.stringify(b))).map((b) => b.id);
    expect(changedBeadIds(before, formatted)).toEqual(offsets);
  });
});
