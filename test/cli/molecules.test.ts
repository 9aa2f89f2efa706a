import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadLedger } from "../../app/ledger/read-ledger.js";
import { bead, jsonl } from "../ledger/ledger-builders.js";
import { RULE_OF_FIVE, SHINY } from "../molecules/molecule-builders.js";
import { gt, read, tempDir } from "./run-gt.js";

const CONFIG = "issue-prefix: gt\n";
const repo = () => tempDir({
  ".beads/issues.jsonl": jsonl([bead("gt-w1", { title: "Dark mode" })]),
  ".beads/config.yaml": CONFIG,
  ".beads/formulas/shiny.formula.yaml": SHINY,
  ".beads/formulas/rule-of-five.formula.yaml": RULE_OF_FIVE,
});

/** The molecule root id a `gt mol pour` or `wisp` printed. */
const rootOf = (stdout: string) => stdout.split(":")[0] as string;

describe("gt formula", () => {
  it("lists the repository's formulas before the shipped ones", async () => {
    const { code, stdout } = await gt(repo(), ["formula", "list"]);
    expect(code).toBe(0);
    const lines = stdout.split("\n");
    expect(lines.find((l) => l.startsWith("rule-of-five "))).toMatch(/^rule-of-five +expansion +\.beads\/formulas\/rule-of-five\.formula\.yaml$/);
    expect(lines.find((l) => l.startsWith("shiny "))).toMatch(/^shiny +workflow +\.beads\/formulas\/shiny\.formula\.yaml +Design, implement, review, test, submit\.$/);
  });

  it("shows a formula's vars and steps", async () => {
    expect((await gt(repo(), ["formula", "show", "shiny"])).stdout).toBe(
      "shiny (workflow, version 1): .beads/formulas/shiny.formula.yaml\n" +
      "Design, implement, review, test, submit.\n\n" +
      "vars:\n" +
      "  feature   required    The feature being implemented\n" +
      '  assignee  default ""\n\n' +
      "steps:\n" +
      "  1.  design     Design {{feature}}\n" +
      "  2.  implement  Implement {{feature}}  needs design\n" +
      "  3.  review     Review implementation  needs implement\n" +
      "  4.  test       Test {{feature}}       needs review\n" +
      "  5.  submit     Submit for merge       needs test\n",
    );
  });

  it("cooks with --var, as text or JSON with a steps array", async () => {
    const dir = repo();
    expect((await gt(dir, ["formula", "cook", "shiny", "--var", "feature=a=b"])).stdout).toBe(
      "shiny@1: 5 steps\n" +
      "  1.  design     Design a=b\n" +
      "  2.  implement  Implement a=b          needs design\n" +
      "  3.  review     Review implementation  needs implement\n" +
      "  4.  test       Test a=b               needs review\n" +
      "  5.  submit     Submit for merge       needs test\n",
    );
    const json = JSON.parse((await gt(dir, ["formula", "cook", "shiny", "--var", "feature=x", "--json"])).stdout) as { steps: { id: string }[] };
    expect(json.steps.map((s) => s.id)).toEqual(["design", "implement", "review", "test", "submit"]);
  });

  it("says where a formula is wrong, and exits 1", async () => {
    const dir = tempDir({ ".beads/formulas/bad.formula.yaml": "formula: bad\nsteps:\n  - id: a\n    titel: A\n" });
    expect(await gt(dir, ["formula", "cook", "bad"])).toEqual({
      code: 1, stdout: "",
      stderr: "gt: .beads/formulas/bad.formula.yaml:3:5: steps[0]: title is required\n" +
        ".beads/formulas/bad.formula.yaml:4:5: steps[0].titel: unknown field (a step's fields are id, title, description, acceptance, needs, parallel, gate, interactive, type, children)\n",
    });
    expect((await gt(repo(), ["formula", "cook", "shiny"])).stderr).toBe(
      'gt: .beads/formulas/shiny.formula.yaml:6:3: vars.feature: required var "feature" has no value (pass --var feature=…)\n',
    );
    expect((await gt(repo(), ["formula", "cook", "shiny", "--var", "novalue"])).stderr).toBe('gt: --var: expected name=value (got "novalue")\n');
  });
});

describe("gt mol", () => {
  it("pours onto a work bead, follows the steps, and squashes into a digest", async () => {
    const dir = repo();
    const poured = await gt(dir, ["mol", "pour", "shiny", "--on", "gt-w1", "--var", "feature=dark mode"]);
    expect(poured.code).toBe(0);
    const root = rootOf(poured.stdout);
    expect(poured.stdout).toBe(`${root}: poured on gt-w1\n`);
    expect(loadLedger(read(dir, ".beads/issues.jsonl")).size).toBe(7);
    expect(await gt(dir, ["mol", "pour", "shiny", "--on", "gt-w1", "--var", "feature=dark mode"])).toEqual({
      code: 0, stderr: "", stdout: `${root}: already open on gt-w1; carry on with \`gt mol next ${root}\`\n`,
    });
    expect((await gt(dir, ["mol", "next", root])).stdout).toBe(`design  ${root}.1  Design dark mode\n`);
    expect((await gt(dir, ["mol", "status", root])).stdout).toBe(
      `${root} (shiny@1, on gt-w1): running, 0/5 steps done\n` +
      `  [>]  design     ${root}.1  Design dark mode\n` +
      `  [ ]  implement  ${root}.2  Implement dark mode\n` +
      `  [ ]  review     ${root}.3  Review implementation\n` +
      `  [ ]  test       ${root}.4  Test dark mode\n` +
      `  [ ]  submit     ${root}.5  Submit for merge\n`,
    );
    expect(await gt(dir, ["mol", "squash", root])).toEqual({
      code: 1, stdout: "",
      stderr: `gt: ${root} has steps still open (design, implement, review, test, submit): finish them, or squash with --abandon to close them as squashed\n`,
    });
    const squashed = await gt(dir, ["mol", "squash", root, "--abandon", "--summary", "dropped"]);
    expect(squashed.stdout).toBe(`${root}: squashed; digest work:${root} in .beads/digests/2026-11.jsonl\n`);
    // Squashing again (say, after a failed digest write) writes the same digest, once.
    expect((await gt(dir, ["mol", "squash", root, "--abandon", "--summary", "dropped"])).stdout).toBe(squashed.stdout);
    expect(read(dir, ".beads/digests/2026-11.jsonl").split("\n")).toHaveLength(2);
    const digest = JSON.parse(read(dir, ".beads/digests/2026-11.jsonl")) as Record<string, unknown>;
    expect(digest).toMatchObject({ id: `work:${root}`, steps_total: 5, steps_done: 0, exit: "ABANDONED", summary: "dropped" });
    const status = JSON.parse((await gt(dir, ["mol", "status", root, "--json"])).stdout) as Record<string, unknown>;
    expect(status).toMatchObject({ state: "closed", done: 0, total: 5, next: [] });
  });

  it("keeps wisps in their own file and evaporates them", async () => {
    const dir = repo();
    const made = await gt(dir, ["mol", "wisp", "shiny", "--var", "feature=x"]);
    const root = rootOf(made.stdout);
    expect(made.stdout).toBe(`${root}: wisp in .beads/wisps.jsonl\n`);
    expect(root).toMatch(/^gt-wisp-/);
    expect(loadLedger(read(dir, ".beads/issues.jsonl")).size).toBe(1);
    expect((await gt(dir, ["mol", "next", root])).stdout).toBe(`design  ${root}.1  Design x\n`);
    expect(await gt(dir, ["mol", "burn", root])).toEqual({ code: 0, stderr: "", stdout: `${root}: evaporated\n` });
    expect(read(dir, ".beads/wisps.jsonl")).toBe("");
  });

  it("burns a poured molecule with no digest", async () => {
    const dir = repo();
    const root = rootOf((await gt(dir, ["mol", "pour", "shiny", "--on", "gt-w1", "--var", "feature=x"])).stdout);
    expect((await gt(dir, ["mol", "burn", root])).stdout).toBe(`${root}: burned\n`);
    expect(existsSync(join(dir, ".beads/digests"))).toBe(false);
    expect(await gt(dir, ["mol", "burn", root])).toEqual({
      code: 1, stdout: "", stderr: `gt: ${root} is already closed (burned): nothing to burn\n`,
    });
  });

  it("refuses what it cannot do, saying why", async () => {
    const dir = repo();
    expect((await gt(dir, ["mol", "pour", "shiny", "--var", "feature=x"])).stderr)
      .toBe("gt: --on BEAD is required: the work bead the molecule is for\n");
    expect((await gt(dir, ["mol", "status", "gt-w1"])).stderr).toBe("gt: gt-w1 is not a molecule (its type is task)\n");
    expect((await gt(dir, ["mol", "next", "gt-zzz"])).stderr).toBe("gt: no bead gt-zzz in the ledger\n");
  });

  it("distills a molecule into a formula that cooks to the same steps", async () => {
    const dir = repo();
    const root = rootOf((await gt(dir, ["mol", "pour", "shiny", "--on", "gt-w1", "--var", "feature=dark mode"])).stdout);
    const distilled = await gt(dir, ["mol", "distill", root, "--name", "again"]);
    expect(distilled.code).toBe(0);
    writeFileSync(join(dir, ".beads/formulas/again.formula.yaml"), distilled.stdout);
    const cooked = async (name: string) =>
      (JSON.parse((await gt(dir, ["formula", "cook", name, "--var", "feature=dark mode", "--json"])).stdout) as { steps: unknown }).steps;
    expect(await cooked("again")).toEqual(await cooked("shiny"));
  });

  it("bonds formulas into one, a formula onto a molecule, and molecules together", async () => {
    const dir = repo();
    const compound = await gt(dir, ["mol", "bond", "shiny", "shiny", "--var", "feature=x"]);
    expect(compound.stdout.split("\n")[0]).toBe("shiny+shiny@1: 10 steps");
    const a = rootOf((await gt(dir, ["mol", "pour", "shiny", "--on", "gt-w1", "--var", "feature=x"])).stdout);
    const attached = await gt(dir, ["mol", "bond", "shiny", a, "--var", "feature=y"]);
    const b = rootOf(attached.stdout);
    expect(attached.stdout).toBe(`${b}: shiny poured and bonded to ${a} (sequential)\n`);
    expect((await gt(dir, ["mol", "next", b])).stdout).toBe(`${b}: no step to work on (waiting on ${a})\n`);
    expect((await gt(dir, ["mol", "bond", a, b, "--type", "sideways"])).stderr)
      .toBe('gt: --type: must be one of sequential, parallel, conditional (got "sideways")\n');
  });
});
