// Dependency warnings a person can read: one per finding, a few of each kind, `--all` for the
// rest, JSON lines on stderr under `--json`, on `gt ledger validate` and `gt ledger ready` alike.
import { describe, expect, it } from "vitest";
import type { Bead } from "../../app/ledger/bead-schema.js";
import { blockingComponents } from "../../app/ledger/check-dependencies.js";
import { loadLedger } from "../../app/ledger/read-ledger.js";
import { cycleLedgerText } from "../bench/synthetic-ledger.js";
import { bead as someBead, jsonl } from "../ledger/ledger-builders.js";
import { gt, tempDir } from "./run-gt.js";

const LEDGER = ".beads/issues.jsonl";

function bead(id: string, ...targets: string[]): Bead {
  const dependencies = targets.map((target) => ({ issue_id: id, depends_on_id: target, type: "blocks" }));
  return someBead(id, dependencies.length > 0 ? { dependencies } : {});
}

const jsonLines = (text: string) => text.split("\n").filter(Boolean).map((line) => JSON.parse(line) as unknown);

describe("a ledger of 20,000 beads, most of them blocking one another around one large cycle", () => {
  const text = cycleLedgerText(20_000);
  const dir = tempDir({ [LEDGER]: text });
  const warning = ".beads/issues.jsonl:1: warning: dependencies: blocking dependencies form cycles through " +
    "gt-0000, gt-0001, gt-0002, gt-0003, gt-0004, … (16,002 beads in all)\n";

  it("is one warning, under 20 KB of output from each command", async () => {
    const runs = {
      validate: await gt(dir, ["ledger", "validate"]),
      ready: await gt(dir, ["ledger", "ready"]),
      json: await gt(dir, ["ledger", "ready", "--json"]),
    };
    expect(runs.validate).toEqual({
      code: 0, stdout: ".beads/issues.jsonl: valid (20,000 beads, 0 errors, 1 warning: 1 blocking cycle)\n", stderr: warning,
    });
    expect(runs.ready).toEqual({ code: 0, stdout: "No ready beads.\n", stderr: warning });
    expect(runs.json.stdout).toBe("[]\n");
    expect(jsonLines(runs.json.stderr)).toEqual([{
      file: LEDGER, line: 1, severity: "warning", kind: "cycle", field: "dependencies",
      message: "blocking dependencies form cycles through gt-0000, gt-0001, gt-0002, gt-0003, gt-0004, … (16,002 beads in all)",
    }]);
    for (const { stdout, stderr } of Object.values(runs)) expect(stdout.length + stderr.length).toBeLessThan(20_000);
  });

  it("names every bead of the cycle with --all", async () => {
    const [members] = blockingComponents(loadLedger(text));
    const { code, stderr } = await gt(dir, ["ledger", "validate", "--all"]);
    expect(code).toBe(0);
    expect(members).toHaveLength(16_002);
    expect(stderr).toBe(
      `.beads/issues.jsonl:1: warning: dependencies: blocking dependencies form cycles through ${members?.join(", ")} (16,002 beads in all)\n`,
    );
  });
});

describe("each finding once", () => {
  const dir = tempDir({
    [LEDGER]: jsonl([
      bead("gt-a", "gt-a"),
      bead("gt-b1", "gt-b2"), bead("gt-b2", "gt-b1"),
      bead("gt-c1", "gt-c2", "gt-c3"), bead("gt-c2", "gt-c1"), bead("gt-c3", "gt-c2", "gt-d1"),
      bead("gt-d1", "gt-d2"), bead("gt-d2", "gt-d3"), bead("gt-d3", "gt-d1", "gt-d2"),
      bead("gt-e", "gt-b1"),
    ]),
  });

  it("names a self-loop, a 2-cycle and two separate components once each", async () => {
    expect(await gt(dir, ["ledger", "validate"])).toEqual({
      code: 0,
      stdout: ".beads/issues.jsonl: valid (10 beads, 0 errors, 4 warnings: 4 blocking cycles)\n",
      stderr:
        ".beads/issues.jsonl:1: warning: dependencies: blocking dependencies form a cycle: gt-a → gt-a\n" +
        ".beads/issues.jsonl:2: warning: dependencies: blocking dependencies form a cycle: gt-b1 → gt-b2 → gt-b1\n" +
        ".beads/issues.jsonl:4: warning: dependencies: blocking dependencies form cycles through gt-c1, gt-c2, gt-c3\n" +
        ".beads/issues.jsonl:7: warning: dependencies: blocking dependencies form cycles through gt-d1, gt-d2, gt-d3\n",
    });
  });
});

describe("many warnings of one kind", () => {
  // 30 beads each depending on a bead the ledger lacks, and 23 beads that block themselves.
  const beads = [
    ...Array.from({ length: 30 }, (_, i) => bead(`gt-m${String(i).padStart(2, "0")}`, `gt-gone${i}`)),
    ...Array.from({ length: 23 }, (_, i) => bead(`gt-s${String(i).padStart(2, "0")}`, `gt-s${String(i).padStart(2, "0")}`)),
  ];
  const dir = tempDir({ [LEDGER]: jsonl(beads) });
  const missing = (i: number) => `.beads/issues.jsonl:${i + 1}: warning: dependencies[0].depends_on_id: gt-gone${i} is not in the ledger\n`;
  const loop = (i: number) => {
    const id = `gt-s${String(i).padStart(2, "0")}`;
    return `.beads/issues.jsonl:${i + 31}: warning: dependencies: blocking dependencies form a cycle: ${id} → ${id}\n`;
  };
  const range = (n: number, line: (i: number) => string) => Array.from({ length: n }, (_, i) => line(i)).join("");

  it("shows 20 of each kind and counts the rest", async () => {
    const expected = range(20, missing) + range(20, loop) +
      "… and 10 more missing targets (--all lists them)\n" +
      "… and 3 more blocking cycles (--all lists them)\n";
    expect(await gt(dir, ["ledger", "validate"])).toEqual({
      code: 0, stdout: ".beads/issues.jsonl: valid (53 beads, 0 errors, 53 warnings: 30 missing targets, 23 blocking cycles)\n", stderr: expected,
    });
    expect((await gt(dir, ["ledger", "ready"])).stderr).toBe(expected);
  });

  it("shows every one with --all", async () => {
    const expected = range(30, missing) + range(23, loop);
    expect((await gt(dir, ["ledger", "validate", "--all"])).stderr).toBe(expected);
    expect((await gt(dir, ["ledger", "ready", "--all"])).stderr).toBe(expected);
  });

  it("counts the rest in a JSON line of its own under --json", async () => {
    const lines = jsonLines((await gt(dir, ["ledger", "ready", "--json"])).stderr);
    expect(lines).toHaveLength(42);
    expect(lines[0]).toEqual({
      file: LEDGER, line: 1, severity: "warning", kind: "missing-target",
      field: "dependencies[0].depends_on_id", message: "gt-gone0 is not in the ledger",
    });
    expect(lines.slice(40)).toEqual([
      { file: LEDGER, severity: "warning", kind: "missing-target", more: 10, message: "… and 10 more missing targets (--all lists them)" },
      { file: LEDGER, severity: "warning", kind: "cycle", more: 3, message: "… and 3 more blocking cycles (--all lists them)" },
    ]);
  });
});

describe("gt ledger validate --json", () => {
  it("prints the verdict as JSON on stdout and each problem as a JSON line on stderr", async () => {
    const dir = tempDir({ [LEDGER]: jsonl([bead("gt-1", "gt-gone"), bead("gt-2", "gt-2")]) });
    const { code, stdout, stderr } = await gt(dir, ["ledger", "validate", "--json"]);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({
      file: LEDGER, valid: true, beads: 2, errors: 0, warnings: 2, warnings_by_kind: { "missing-target": 1, cycle: 1 },
    });
    expect(jsonLines(stderr)).toEqual([
      { file: LEDGER, line: 1, severity: "warning", kind: "missing-target", field: "dependencies[0].depends_on_id", message: "gt-gone is not in the ledger" },
      { file: LEDGER, line: 2, severity: "warning", kind: "cycle", field: "dependencies", message: "blocking dependencies form a cycle: gt-2 → gt-2" },
    ]);
  });

  it("fails with every error as a JSON line, and the verdict says invalid", async () => {
    const dir = tempDir({ [LEDGER]: jsonl([someBead("gt-1", { priority: 9 }), someBead("gt-2", { status: "closed" })]) });
    const { code, stdout, stderr } = await gt(dir, ["ledger", "validate", "--json"]);
    expect(code).toBe(1);
    expect(JSON.parse(stdout)).toEqual({ file: LEDGER, valid: false, beads: 2, errors: 2, warnings: 0, warnings_by_kind: {} });
    expect(jsonLines(stderr)).toEqual([
      { file: LEDGER, line: 1, severity: "error", field: "priority", message: "must be at most 4 (got 9)" },
      { file: LEDGER, line: 2, severity: "error", field: "closed_at", message: "is required when status is closed" },
    ]);
  });
});
