import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { dependencyWarnings } from "../../app/ledger/check-dependencies.js";
import { parseLedgerConfig } from "../../app/ledger/ledger-config.js";
import { formatProblem } from "../../app/ledger/ledger-problems.js";
import { loadLedger, LedgerReadError, readLedger } from "../../app/ledger/read-ledger.js";
import { bead, jsonl } from "./ledger-builders.js";

const fixture = (name: string) =>
  readFileSync(new URL(`../fixtures/beads/${name}`, import.meta.url), "utf8");

function problems(text: string, config = ""): string[] {
  return readLedger(text, { file: "l.jsonl", config: parseLedgerConfig(config) }).problems.map(formatProblem);
}

describe("reading real Beads ledgers", () => {
  it("loads every record of a SQLite-era ledger", () => {
    const text = fixture("beads-v0.44.0-issues.jsonl");
    const { ledger, problems, ok } = readLedger(text);
    expect(ok).toBe(true);
    expect(problems).toEqual([]);
    expect(ledger.size).toBe(980);
    // Tombstones, numeric comment ids and local offsets come through as written.
    expect(ledger.get("bd-iutu")).toMatchObject({
      status: "tombstone",
      deleted_by: "beads/crew/dave",
      comments: [{ id: 5, author: "beads/crew/dave" }],
    });
    expect(ledger.get("bd-4bsb")?.created_at).toBe("2025-12-21T13:57:14.154316-08:00");
  });

  it("reports what Beads tolerates as a warning, not an error", () => {
    const { ledger } = readLedger(fixture("beads-v0.44.0-issues.jsonl"), { file: "issues.jsonl" });
    expect(dependencyWarnings(ledger, "issues.jsonl").map(formatProblem)).toEqual([
      "issues.jsonl:964: warning: dependencies[0].depends_on_id: bd-eph-5h2 is not in the ledger",
    ]);
  });

  it("loads a v1 export with its count fields and keeps them", () => {
    const { ledger, ok } = readLedger(fixture("beads-v1.0.5-export.jsonl"));
    expect(ok).toBe(true);
    expect(ledger.get("bd-main-idj")).toMatchObject({ status: "in_progress", dependency_count: 0, comment_count: 0 });
  });

  it("keeps unknown fields and lines that are not beads", () => {
    const text = jsonl([
      { _type: "issue", ...bead("gt-1"), hook_bead: "gt-2", future_field: { a: [1] } },
      { _type: "memory", key: "style", value: "terse" },
    ]);
    const { ledger } = readLedger(text);
    expect(ledger.get("gt-1")).toMatchObject({ hook_bead: "gt-2", future_field: { a: [1] } });
    expect(ledger.otherLines).toEqual(['{"_type":"memory","key":"style","value":"terse"}']);
  });

  it("reads legacy wisp: true and skips blank lines", () => {
    const { ledger, ok } = readLedger(`\n${jsonl([bead("gt-1", { wisp: true })])}\n\n`);
    expect(ok).toBe(true);
    expect(ledger.get("gt-1")?.wisp).toBe(true);
  });
});

describe("errors name the file, line and field", () => {
  it("checks every field's type and range", () => {
    const text = jsonl([
      bead("gt-1", { priority: 7 }),
      bead("gt-2", { priority: 1.5 }),
      bead("gt-3", { title: 5 }),
      bead("gt-4", { created_at: "yesterday" }),
      bead("gt-5", { dependencies: [{ issue_id: "gt-5", type: "blocks" }] }),
      bead("gt-6", { wisp_type: "nope" }),
      bead("gt-7", { estimated_minutes: -1 }),
      bead("gt-8", { labels: "x" }),
      bead("gt-9", { bonded_from: [{ source_id: "x", bond_type: "weird" }] }),
      { title: "no id" },
    ]);
    expect(problems(text)).toEqual([
      "l.jsonl:1: priority: must be at most 4 (got 7)",
      "l.jsonl:2: priority: must be an integer (got 1.5)",
      "l.jsonl:3: title: must be a string (got 5)",
      'l.jsonl:4: created_at: must be an RFC 3339 timestamp such as 2026-04-18T16:19:12Z (got "yesterday")',
      "l.jsonl:5: dependencies[0].depends_on_id: is required",
      'l.jsonl:6: wisp_type: must be one of "heartbeat", "ping", "patrol", "gc_report", "recovery", "error", "escalation" (got "nope")',
      "l.jsonl:7: estimated_minutes: must be at least 0 (got -1)",
      'l.jsonl:8: labels: must be a list (got "x")',
      'l.jsonl:9: bonded_from[0].bond_type: must be one of "sequential", "parallel", "conditional", "root" (got "weird")',
      "l.jsonl:10: id: is required",
      "l.jsonl:10: created_at: is required",
      "l.jsonl:10: updated_at: is required",
    ]);
  });

  it("checks the rules bd import enforces", () => {
    const text = jsonl([
      bead("gt-1", { title: "" }),
      bead("gt-2", { title: "é".repeat(251) }),
      bead("gt-3", { status: "closed" }),
      bead("gt-4", { closed_at: "2026-01-02T00:00:00Z" }),
      bead("gt-5", { status: "in_review" }),
      bead("gt-6", { issue_type: "saga" }),
      bead("gt-7", { ephemeral: true, no_history: true }),
      bead("gt-7"),
    ]);
    expect(problems(text)).toEqual([
      "l.jsonl:1: title: is required",
      "l.jsonl:2: title: must be at most 500 bytes",
      "l.jsonl:3: closed_at: is required when status is closed",
      "l.jsonl:4: closed_at: must be absent when status is open",
      'l.jsonl:5: status: unknown status "in_review" (add it to status.custom in .beads/config.yaml)',
      'l.jsonl:6: issue_type: unknown type "saga" (add it to types.custom in .beads/config.yaml)',
      "l.jsonl:7: no_history: cannot be true together with ephemeral",
      "l.jsonl:8: id: gt-7 is already on line 7",
    ]);
  });

  it("measures a title in bytes, as Go does", () => {
    const text = jsonl([
      bead("gt-1", { title: "a".repeat(500) }),
      bead("gt-2", { title: "€".repeat(166) }),
      bead("gt-3", { title: "a".repeat(501) }),
      bead("gt-4", { title: "€".repeat(167) }),
    ]);
    expect(problems(text)).toEqual([
      "l.jsonl:3: title: must be at most 500 bytes",
      "l.jsonl:4: title: must be at most 500 bytes",
    ]);
  });

  it("accepts custom statuses and types from the config, and Gas Town's own types", () => {
    const text = jsonl([
      bead("gt-1", { status: "in_review", issue_type: "saga" }),
      bead("gt-2", { issue_type: "convoy", status: "hooked" }),
      bead("gt-3", { issue_type: "enhancement" }),
    ]);
    expect(problems(text, "status.custom: in_review:active\ntypes.custom: saga\n")).toEqual([]);
  });

  it("reports lines that are not JSON objects and keeps going", () => {
    const found = problems(`{bad json\n[1]\n${jsonl([bead("gt-1", { priority: 9 })])}`);
    expect(found).toHaveLength(3);
    expect(found[0]).toMatch(/^l\.jsonl:1: not valid JSON \(.+\)$/);
    expect(found.slice(1)).toEqual([
      "l.jsonl:2: each line must be one JSON object",
      "l.jsonl:3: priority: must be at most 4 (got 9)",
    ]);
  });

  it("never hands out a ledger that did not fully parse", () => {
    const text = jsonl([bead("gt-1"), bead("gt-2", { priority: -1 })]);
    expect(() => loadLedger(text, { file: "l.jsonl" })).toThrow(LedgerReadError);
    expect(() => loadLedger(text, { file: "l.jsonl" })).toThrow("l.jsonl:2: priority: must be at least 0 (got -1)");
  });
});

describe("dependency warnings", () => {
  it("warns of missing targets but not of external ones", () => {
    const ledger = loadLedger(jsonl([
      bead("gt-1", { dependencies: [
        { issue_id: "gt-1", depends_on_id: "gt-404", type: "blocks" },
        { issue_id: "gt-1", depends_on_id: "external:web:gt-9", type: "blocks" },
      ] }),
    ]));
    expect(dependencyWarnings(ledger, "l.jsonl").map(formatProblem)).toEqual([
      "l.jsonl:1: warning: dependencies[0].depends_on_id: gt-404 is not in the ledger",
    ]);
  });

  it("warns once of each cycle of blocking dependencies, and not of related links", () => {
    const dep = (from: string, to: string, type = "blocks") => ({ issue_id: from, depends_on_id: to, type });
    const ledger = loadLedger(jsonl([
      bead("gt-a", { dependencies: [dep("gt-a", "gt-b")] }),
      bead("gt-b", { dependencies: [dep("gt-b", "gt-c", "parent-child")] }),
      bead("gt-c", { dependencies: [dep("gt-c", "gt-a")] }),
      bead("gt-d", { dependencies: [dep("gt-d", "gt-e", "relates-to")] }),
      bead("gt-e", { dependencies: [dep("gt-e", "gt-d", "relates-to")] }),
      bead("gt-f", { dependencies: [dep("gt-f", "gt-f")] }),
    ]));
    expect(dependencyWarnings(ledger, "l.jsonl").map(formatProblem)).toEqual([
      "l.jsonl:1: warning: dependencies: blocking dependencies form a cycle: gt-a → gt-b → gt-c → gt-a",
      "l.jsonl:6: warning: dependencies: blocking dependencies form a cycle: gt-f → gt-f",
    ]);
  });
});
