import { describe, expect, it } from "vitest";
import { cook } from "../../app/molecules/cook.js";
import { FormulaError, formatFormulaProblem } from "../../app/molecules/formula-problems.js";
import { parseFormula } from "../../app/molecules/read-formula.js";
import { memoryLibrary, RULE_OF_FIVE, SHINY, SHINY_ENTERPRISE } from "./molecule-builders.js";

/** The messages a formula problem produces, as the user reads them. */
function problems(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof FormulaError) return error.problems.map(formatFormulaProblem);
    throw error;
  }
  throw new Error("expected a FormulaError");
}

const library = memoryLibrary({ shiny: SHINY, "rule-of-five": RULE_OF_FIVE, "shiny-enterprise": SHINY_ENTERPRISE });

describe("parseFormula", () => {
  it("names file, line and column of every unknown field, and lists the fields allowed", () => {
    expect(problems(() => parseFormula(
      "formula: shiny\nversoin: 1\nvars:\n  feature: {description: x, requird: true}\nsteps:\n  - id: a\n    title: A\n    nedds: [b]\n",
      "formulas/shiny.formula.yaml",
    ))).toEqual([
      "formulas/shiny.formula.yaml:2:1: versoin: unknown field (a formula's fields are formula, description, type, version, vars, steps, extends, compose, template, pour, agent, review_only, interactive, squash, advice, pointcuts, legs, inputs, prompts, output, synthesis, presets)",
      "formulas/shiny.formula.yaml:4:29: vars.feature.requird: unknown field (a var's fields are description, required, default)",
      "formulas/shiny.formula.yaml:8:5: steps[0].nedds: unknown field (a step's fields are id, title, description, acceptance, needs, parallel, gate, interactive, type, children)",
    ]);
  });

  it("keeps upstream's fields it does not act on", () => {
    const { formula } = parseFormula("formula: x\npour: true\nsquash: {trigger: on_complete}\nlegs: [{id: a}]\n", "x.formula.yaml");
    expect(formula).toEqual({ formula: "x", pour: true, squash: { trigger: "on_complete" }, legs: [{ id: "a" }] });
  });

  it("reports missing fields, wrong types, duplicate step ids and YAML errors where they are", () => {
    expect(problems(() => parseFormula(
      "formula: x\nversion: one\nsteps:\n  - id: a\n    title: A\n  - id: a\n    title: Again\n  - title: No id\n",
      "x.formula.yaml",
    ))).toEqual([
      "x.formula.yaml:2:10: version: Invalid input: expected number, received string",
      "x.formula.yaml:8:5: steps[2]: id is required",
    ]);
    expect(problems(() => parseFormula("formula: x\nsteps:\n  - id: a\n    title: A\n  - id: a\n    title: B\n", "x.formula.yaml")))
      .toEqual(['x.formula.yaml:5:9: steps[1].id: duplicate step id "a" (also steps[0])']);
    expect(problems(() => parseFormula("formula: x\nsteps: [\n", "x.formula.yaml")))
      .toEqual(["x.formula.yaml:3:1: Flow sequence in block collection must be sufficiently indented and end with a ]"]);
  });

  it("wants the formula named as its file", () => {
    expect(problems(() => parseFormula("formula: other\n", "formulas/shiny.formula.yaml"))).toEqual([
      'formulas/shiny.formula.yaml:1:10: formula: is "other" but the file is shiny.formula.yaml: name the file other.formula.yaml',
    ]);
  });
});

describe("cook", () => {
  it("binds vars, substitutes them and keeps the formula's order and needs", () => {
    const proto = cook("shiny", library, { feature: "dark mode" });
    expect(proto).toMatchObject({
      formula: "shiny", version: 1, file: "formulas/shiny.formula.yaml", type: "workflow",
      vars: { feature: "dark mode", assignee: "" },
    });
    expect(proto.steps[0]).toEqual({
      id: "design", title: "Design dark mode", description: "", acceptance: "Design doc committed", needs: [], parallel: false,
    });
    expect(proto.steps.map((s) => [s.id, s.needs])).toEqual([
      ["design", []], ["implement", ["design"]], ["review", ["implement"]], ["test", ["review"]], ["submit", ["test"]],
    ]);
  });

  it("expands a step in place and rewires what needed it to the expansion's last step", () => {
    const proto = cook("shiny-enterprise", library, { feature: "x" });
    expect(proto.steps.map((s) => [s.id, s.title, s.needs])).toEqual([
      ["design", "Design x", []],
      ["implement.draft", "Draft: Implement x", ["design"]],
      ["implement.refine-1", "Refine 1", ["implement.draft"]],
      ["implement.refine-2", "Refine 2", ["implement.refine-1"]],
      ["review", "Review implementation", ["implement.refine-2"]],
      ["test", "Test x", ["review"]],
      ["submit", "Submit for merge", ["test"]],
    ]);
    expect(proto.steps[1]?.description).toBe("Write the code for x.");
  });

  it("substitutes in one pass: a value holding {{…}} is written as it is", () => {
    const steps = cook("shiny", library, { feature: "{{assignee}} }}{{", assignee: "ann" }).steps;
    expect(steps[0]?.title).toBe("Design {{assignee}} }}{{");
  });

  it("says which required var has no value, at its declaration", () => {
    expect(problems(() => cook("shiny", library))).toEqual([
      'formulas/shiny.formula.yaml:6:3: vars.feature: required var "feature" has no value (pass --var feature=…)',
    ]);
  });

  it("finds unknown needs, cycles of needs and undeclared vars, in the file that has them", () => {
    const broken = memoryLibrary({
      a: "formula: a\nsteps:\n  - id: one\n    title: '{{who}} starts'\n    needs: [three]\n  - id: two\n    title: Two\n    needs: [one]\n  - id: three\n    title: Three\n    needs: [two]\n  - id: four\n    title: Four\n    needs: [nine]\n",
    });
    expect(problems(() => cook("a", broken))).toEqual([
      'formulas/a.formula.yaml:14:13: steps[3].needs[0]: no step "nine" to need',
      "formulas/a.formula.yaml:5:12: steps[0].needs: needs form a cycle: one → three → two → one",
      "formulas/a.formula.yaml:4:12: steps[0].title: {{who}} is not a declared var (declare it under vars)",
    ]);
  });

  it("finds cycles of extends and formulas that do not exist", () => {
    const looped = memoryLibrary({ a: "formula: a\nextends: [b]\n", b: "formula: b\nextends: a\n" });
    expect(problems(() => cook("a", looped))).toEqual(["formulas/b.formula.yaml:2:10: extends: extends form a cycle: a → b → a"]);
    expect(problems(() => cook("a", memoryLibrary({ a: "formula: a\nextends: [ghost]\n" })))).toEqual([
      'formulas/a.formula.yaml:2:11: extends[0]: no formula named "ghost" (looked in formulas/)',
    ]);
    expect(problems(() => cook("ghost", library))).toEqual(['ghost: no formula named "ghost" (looked in formulas/)']);
  });

  it("refuses to expand a step that does not exist, or with a formula that is no expansion", () => {
    const lib = memoryLibrary({
      shiny: SHINY, "rule-of-five": RULE_OF_FIVE,
      a: "formula: a\nextends: shiny\ncompose:\n  expand:\n    - target: build\n      with: rule-of-five\n",
      b: "formula: b\nextends: shiny\ncompose:\n  expand:\n    - target: implement\n      with: shiny\n",
    });
    expect(problems(() => cook("a", lib, { feature: "f" }))).toEqual([
      'formulas/a.formula.yaml:5:15: compose.expand[0].target: no step "build" to expand (steps: design, implement, review, test, submit)',
    ]);
    expect(problems(() => cook("b", lib, { feature: "f" }))).toEqual([
      "formulas/b.formula.yaml:6:13: compose.expand[0].with: shiny is not an expansion (it has no template)",
    ]);
  });

  it("will not cook an expansion on its own", () => {
    expect(problems(() => cook("rule-of-five", library))).toEqual([
      "formulas/rule-of-five.formula.yaml:2:7: type: rule-of-five is an expansion: it has no steps of its own; name it in another formula's compose.expand",
    ]);
  });
});
