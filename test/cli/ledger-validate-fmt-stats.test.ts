import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { bead, jsonl } from "../ledger/ledger-builders.js";
import { gt, read, tempDir } from "./run-gt.js";

const V044 = readFileSync(new URL("../fixtures/beads/beads-v0.44.0-issues.jsonl", import.meta.url), "utf8");
const LEDGER = ".beads/issues.jsonl";

describe("gt ledger validate", () => {
  it("passes a valid ledger, with Beads' tolerated problems as warnings on stderr", async () => {
    const dir = tempDir({ "issues.jsonl": V044 });
    expect(await gt(dir, ["ledger", "validate", "issues.jsonl"])).toEqual({
      code: 0,
      stdout: "issues.jsonl: valid (980 beads, 0 errors, 1 warning: 1 missing target)\n",
      stderr: "issues.jsonl:964: warning: dependencies[0].depends_on_id: bd-eph-5h2 is not in the ledger\n",
    });
  });

  it("fails with FILE:LINE: field: message for each problem", async () => {
    const dir = tempDir({ [LEDGER]: jsonl([bead("gt-1", { status: "closed" }), bead("gt-2", { priority: "high" })]) });
    expect(await gt(dir, ["ledger", "validate", LEDGER])).toEqual({
      code: 1,
      stdout: "",
      stderr:
        ".beads/issues.jsonl:1: closed_at: is required when status is closed\n" +
        '.beads/issues.jsonl:2: priority: must be a number (got "high")\n' +
        ".beads/issues.jsonl: invalid (2 beads, 2 errors, 0 warnings)\n",
    });
  });

  it("reads custom types from the config beside the ledger", async () => {
    const dir = tempDir({
      [LEDGER]: jsonl([bead("gt-1", { issue_type: "saga" })]),
      ".beads/config.yaml": "types:\n  custom: saga\n",
    });
    expect((await gt(dir, ["ledger", "validate", LEDGER])).code).toBe(0);
  });

  it("names a broken config by file and line", async () => {
    const dir = tempDir({ [LEDGER]: "", ".beads/config.yaml": "a: 1\na: 2\n" });
    expect(await gt(dir, ["ledger", "validate", LEDGER])).toEqual({
      code: 1, stdout: "", stderr: "gt: .beads/config.yaml:2: Map keys must be unique\n",
    });
  });

  it("finds the ledger through --ledger, $GASTOWN_LEDGER, then .beads/issues.jsonl", async () => {
    const dir = tempDir({ [LEDGER]: jsonl([bead("gt-1")]), "other.jsonl": jsonl([bead("gt-1"), bead("gt-2")]) });
    expect((await gt(dir, ["ledger", "validate"])).stdout).toBe(".beads/issues.jsonl: valid (1 bead, 0 errors, 0 warnings)\n");
    expect((await gt(dir, ["ledger", "validate"], { GASTOWN_LEDGER: "other.jsonl" })).stdout)
      .toBe("other.jsonl: valid (2 beads, 0 errors, 0 warnings)\n");
    expect((await gt(dir, ["ledger", "validate", "--ledger", "other.jsonl"])).stdout)
      .toBe("other.jsonl: valid (2 beads, 0 errors, 0 warnings)\n");
  });

  it("says plainly when the file is missing", async () => {
    expect(await gt(tempDir(), ["ledger", "validate", "nope.jsonl"])).toEqual({
      code: 1, stdout: "", stderr: `gt: cannot read nope.jsonl: no such file\n`,
    });
  });
});

describe("gt ledger fmt", () => {
  it("rewrites canonically in place, and then has nothing to do", async () => {
    const dir = tempDir({ [LEDGER]: jsonl([{ ...bead("gt-2"), dependency_count: 0 }, { ...bead("gt-1"), created_at: "2026-01-01T01:00:00+01:00" }]) });
    expect(await gt(dir, ["ledger", "fmt", LEDGER, "--check"])).toEqual({
      code: 1, stdout: "", stderr: ".beads/issues.jsonl: not formatted; run `gt ledger fmt .beads/issues.jsonl`\n",
    });
    expect(await gt(dir, ["ledger", "fmt", LEDGER])).toEqual({ code: 0, stdout: ".beads/issues.jsonl: formatted\n", stderr: "" });
    expect(read(dir, LEDGER)).toBe(jsonl([bead("gt-1"), bead("gt-2")]));
    expect(await gt(dir, ["ledger", "fmt", LEDGER, "--check"])).toEqual({ code: 0, stdout: "", stderr: "" });
    expect(await gt(dir, ["ledger", "fmt", LEDGER])).toEqual({ code: 0, stdout: "", stderr: "" });
  });

  it("writes nothing with --check", async () => {
    const text = jsonl([bead("gt-2"), bead("gt-1")]);
    const dir = tempDir({ [LEDGER]: text });
    expect((await gt(dir, ["ledger", "fmt", "--check", LEDGER])).code).toBe(1);
    expect(read(dir, LEDGER)).toBe(text);
  });

  it("never rewrites a ledger with errors", async () => {
    const text = jsonl([bead("gt-2"), bead("gt-1", { priority: 5 })]);
    const dir = tempDir({ [LEDGER]: text });
    expect(await gt(dir, ["ledger", "fmt", LEDGER])).toEqual({
      code: 1,
      stdout: "",
      stderr: ".beads/issues.jsonl:2: priority: must be at most 4 (got 5)\ngt: .beads/issues.jsonl has errors; nothing was done\n",
    });
    expect(read(dir, LEDGER)).toBe(text);
  });
});

describe("gt ledger stats", () => {
  it("counts by status and type", async () => {
    const dir = tempDir({ "issues.jsonl": V044 });
    const { code, stdout } = await gt(dir, ["ledger", "stats", "issues.jsonl", "--json"]);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({
      total: 980,
      by_status: { closed: 628, tombstone: 311, open: 27, hooked: 13, in_progress: 1 },
      by_type: {
        task: 518, bug: 133, "merge-request": 100, feature: 98, epic: 49, chore: 25, agent: 21,
        molecule: 19, message: 14, event: 2, role: 1,
      },
    });
  });

  it("prints a table", async () => {
    const dir = tempDir({ [LEDGER]: jsonl([bead("gt-1"), bead("gt-2", { issue_type: "bug" }), bead("gt-3", { status: "hooked" })]) });
    expect((await gt(dir, ["ledger", "stats"])).stdout).toBe(
      "3 beads\nby status:\n  open    2\n  hooked  1\nby type:\n  task  2\n  bug   1\n",
    );
  });
});

describe("gt itself", () => {
  it("prints help", async () => {
    const top = await gt(tempDir(), ["--help"]);
    expect(top.code).toBe(0);
    expect(top.stdout).toContain("gt ledger   read, check and merge the beads ledger");
    const group = await gt(tempDir(), ["ledger"]);
    expect(group.stdout).toContain("gt ledger validate [FILE] [--all] [--json] [--ledger FILE]");
    expect(group.stdout).toContain("gt ledger ready [FILE] [--json] [--all] [--sort hybrid|priority|oldest] [--now ISO] [--ledger FILE]");
    expect((await gt(tempDir(), ["ledger", "fmt", "--help"])).stdout)
      .toBe("usage: gt ledger fmt [FILE] [--check] [--ledger FILE]\n\nrewrite the ledger canonically, as bd export writes it; --check only reports\n");
  });

  it("answers a mistake with one line and exit 2", async () => {
    const dir = tempDir();
    expect(await gt(dir, ["legder"])).toEqual({ code: 2, stdout: "", stderr: 'gt: unknown command "legder"; run `gt help`\n' });
    expect(await gt(dir, ["ledger", "redy"])).toEqual({
      code: 2, stdout: "", stderr: 'gt: unknown command "gt ledger redy"; run `gt ledger --help`\n',
    });
    expect(await gt(dir, ["ledger", "fmt", "--chek"])).toEqual({
      code: 2, stdout: "", stderr: "gt: Unknown option '--chek'\nusage: gt ledger fmt [FILE] [--check] [--ledger FILE]\n",
    });
    expect(await gt(dir, ["ledger", "merge", "a", "b"])).toEqual({
      code: 2, stdout: "", stderr: "gt: missing arguments\nusage: gt ledger merge BASE OURS THEIRS [--path PATH]\n",
    });
  });
});
