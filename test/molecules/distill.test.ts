import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Ledger } from "../../app/ledger/ledger.js";
import { bondProtos } from "../../app/molecules/bond.js";
import { cook } from "../../app/molecules/cook.js";
import { distill, formulaYaml } from "../../app/molecules/distill.js";
import type { Formula } from "../../app/molecules/formula-schema.js";
import { MoleculeError } from "../../app/molecules/molecule.js";
import { pour, wisp, type PourOptions } from "../../app/molecules/pour.js";
import { parseFormula } from "../../app/molecules/read-formula.js";
import { bead } from "../ledger/ledger-builders.js";
import { memoryLibrary, NOW, SHINY } from "./molecule-builders.js";

const OPTIONS: PourOptions = { now: NOW, actor: "mayor", prefix: "gt" };
const WORK = bead("gt-work", { title: "Add login" });

// Small formulas in the shipped style: placeholders next to braces that are not placeholders,
// multi-line prose, parallel steps, a gate, and one built by extends and an expansion.
const FILES: Record<string, string> = {
  "review-pr": `formula: review-pr
description: Review one pull request.
version: 2
vars:
  pr:
    description: The pull request
    required: true
  repo: gastown
  reviewer: ""
steps:
  - id: fetch
    title: Fetch PR {{pr}} from {{repo}}
    description: |
      Check out {{pr}}.
      Run \`git fetch origin pull/{{pr}}/head\`.
      Braces stay: {{ not a var }}, {x} and {{{repo}}}.
    acceptance: Branch for {{pr}} checked out
  - id: lint
    title: Lint {{repo}}
    description: "{{{pr}}}"
    needs: [fetch]
    parallel: true
  - id: test
    title: Test
    needs: [fetch]
    parallel: true
  - id: decide
    title: Decide on {{pr}} with {{reviewer}}
    acceptance: "{{reviewer}}{{pr}}{{repo}}"
    needs: [lint, test]
    gate: { type: conditional, condition: lint failed }
  - id: notify
    title: "{{reviewer}}"
    needs: [decide]
`,
  "base-work": `formula: base-work
vars:
  feature:
    required: true
  issue: gt-1
steps:
  - id: design
    title: Design {{feature}}
    description: For {{issue}}
  - id: implement
    title: Implement {{feature}}
    description: |-
      Write {{feature}}.
      Then commit.
    needs: [design]
  - id: submit
    title: Submit {{issue}}
    needs: [implement]
`,
  polish: `formula: polish
type: expansion
vars:
  reviewer: nobody
template:
  - id: "{target}.draft"
    title: "Draft: {target.title}"
    description: |-
      {target.description}
      Keep it short.
  - id: "{target}.refine"
    title: Refine {target.title} for {{feature}}
    acceptance: Reviewed by {{reviewer}}
    needs: ["{target}.draft"]
`,
  "big-work": `formula: big-work
extends: [base-work]
vars:
  extra: x
steps:
  - id: docs
    title: Document {{feature}} ({{extra}})
    needs: [submit]
compose:
  expand:
    - target: implement
      with: polish
`,
  shiny: SHINY,
};
const library = memoryLibrary(FILES);

/** The vars each formula declares, once composed. */
const DECLARED: Readonly<Record<string, readonly string[]>> = {
  "review-pr": ["pr", "repo", "reviewer"],
  "base-work": ["feature", "issue"],
  "big-work": ["feature", "issue", "extra", "reviewer"],
  shiny: ["feature", "assignee"],
};

/** The distilled formula's text, read back as a file is, and cooked with `vars`. */
function cookDistilled(formula: Formula, vars: Readonly<Record<string, string>>) {
  const text = formulaYaml(formula);
  expect(parseFormula(text, `formulas/${formula.formula}.formula.yaml`).formula).toEqual(formula);
  return cook(formula.formula, memoryLibrary({ ...FILES, [formula.formula]: text }), vars);
}

function poured(name: string, vars: Readonly<Record<string, string>>, phase: "mol" | "wisp" = "mol") {
  const proto = cook(name, library, vars);
  const ledger = Ledger.of([WORK]);
  const result = phase === "mol"
    ? pour(ledger, proto, WORK.id, OPTIONS)
    : wisp(Ledger.empty(), ledger, proto, { ...OPTIONS, on: WORK.id });
  return { proto, ledger: result.ledger, root: result.root };
}

// Pieces that make var values hard to tell from each other and from the formula's own text:
// empty, equal, nested and overlapping values, braces, placeholders, the formula's words.
const TOKENS = [
  "", "a", "ab", "b", "ba", "{", "}", "{{", "}}", "{{pr}}", "{{repo}}", "{{feature}}", "{{reviewer}}",
  "{{literal_1}}", "{{nope}}", "Design", "Implement", "Fetch PR", "Draft: ", "for", "gt-1", "x", "gastown",
  " ", "\n", "Test", "Check out ", "{x}", "-", "|", "#", ": ",
];
const value: fc.Arbitrary<string> = fc.oneof(
  { weight: 5, arbitrary: fc.array(fc.constantFrom(...TOKENS), { maxLength: 4 }).map((parts) => parts.join("")) },
  { weight: 1, arbitrary: fc.string({ maxLength: 8 }) },
);
/** Every var of formula `name` given one of the values. */
const varsOf = (name: string) =>
  fc.tuple(...(DECLARED[name] as string[]).map(() => value)).map((values) =>
    Object.fromEntries((DECLARED[name] as string[]).map((varName, i) => [varName, values[i] as string])));

/** The texts a formula cooks to with these vars. */
const cookedTexts = (name: string, vars: Readonly<Record<string, string>>) =>
  cook(name, library, vars).steps.flatMap((step) => [step.title, step.description, step.acceptance]);

/**
 * Vars where some values are cut from the cooked text itself, so they straddle the formula's
 * own words and other values: the hardest case for telling which text came from which var.
 */
const straddlingVarsOf = (name: string) => varsOf(name).chain((first) => {
  const texts = cookedTexts(name, first).filter((text) => text !== "");
  const cut = fc.tuple(fc.nat(), fc.nat(), fc.nat()).map(([t, i, n]) => {
    const text = texts[t % texts.length] as string;
    const start = i % (text.length + 1);
    return text.slice(start, start + (n % 24));
  });
  return fc.tuple(...(DECLARED[name] as string[]).map((varName) =>
    fc.oneof(fc.constant(first[varName] as string), cut))).map((values) =>
    Object.fromEntries((DECLARED[name] as string[]).map((varName, i) => [varName, values[i] as string])));
});

const case_ = fc.constantFrom(...Object.keys(DECLARED)).chain((name) =>
  fc.record({
    name: fc.constant(name),
    vars: fc.oneof(varsOf(name), straddlingVarsOf(name)),
    phase: fc.constantFrom("mol" as const, "wisp" as const),
  }));

describe("distill", () => {
  it("cooks back to the steps it was poured from, whatever the var values", () => {
    fc.assert(fc.property(case_, ({ name, vars, phase }) => {
      const { proto, ledger, root } = poured(name, vars, phase);
      expect(cookDistilled(distill(ledger, root), vars).steps).toEqual(proto.steps);
    }), { numRuns: 1500 });
  });

  it("cooks back when every value is the same text, or a placeholder of another var", () => {
    const sameAll = { pr: "gastown", repo: "gastown", reviewer: "gastown" };
    const crossed = { pr: "{{repo}}", repo: "{{pr}}", reviewer: "{{reviewer}}" };
    const braces = { pr: "}}", repo: "{{", reviewer: "" };
    // `! from gastown` is longer than `{{repo}}!` and overlaps it, so `{{repo}}` is left as text.
    const overlapping = { pr: "{{repo}}!", repo: "gastown", reviewer: "! from gastown" };
    for (const vars of [sameAll, crossed, braces, overlapping]) {
      const { proto, ledger, root } = poured("review-pr", vars);
      expect(cookDistilled(distill(ledger, root), vars).steps).toEqual(proto.steps);
    }
  });

  it("writes text that reads back as it was, whatever its characters", () => {
    const tricky = fc.string({
      unit: fc.oneof(
        fc.constantFrom(" ", "  ", "\n", "\n\n", "\t", "\r", "\r\n", "#", ": ", "- ", "|", ">", "'", '"', "\\", "{{", "}}",
          "%", "@", "`", "&", "*", "!", "?", "---", "...", "\u0085", "\u2028", "\u00a0", "\ufeff", "\u0000", "\u001b", "é", "🦫"),
        fc.string({ unit: "grapheme", minLength: 1, maxLength: 1 }),
      ),
      maxLength: 12,
    });
    const formula = fc.record({
      title: tricky.filter((text) => text !== ""),
      description: tricky,
      acceptance: tricky,
      value: tricky,
    }).map(({ title, description, acceptance, value }): Formula => ({
      formula: "tricky",
      description,
      type: "workflow",
      version: 1,
      vars: { v: { required: true }, literal_1: { description: acceptance, default: value } },
      steps: [{ id: "one", title, description, acceptance }, { id: "two", title: description || "x", needs: ["one"] }],
    }));
    fc.assert(fc.property(formula, (f) => {
      expect(parseFormula(formulaYaml(f), "formulas/tricky.formula.yaml").formula).toEqual(f);
    }), { numRuns: 1000 });
  });

  it("turns values back into placeholders and keeps the molecule's shape", () => {
    const { ledger, root } = poured("shiny", { feature: "login" });
    expect(distill(ledger, root)).toEqual({
      formula: "shiny-distilled",
      description: `Distilled from molecule ${root} (poured from shiny@1).`,
      type: "workflow",
      version: 1,
      // assignee was empty: it left no trace, so it stays optional.
      vars: { feature: { required: true }, assignee: { default: "" } },
      steps: [
        { id: "design", title: "Design {{feature}}", acceptance: "Design doc committed" },
        { id: "implement", title: "Implement {{feature}}", description: "Write the code for {{feature}}.", needs: ["design"] },
        { id: "review", title: "Review implementation", needs: ["implement"] },
        { id: "test", title: "Test {{feature}}", needs: ["review"] },
        { id: "submit", title: "Submit for merge", needs: ["test"] },
      ],
    });
  });

  it("keeps parallel steps, gates and multi-line text, written as block scalars", () => {
    const { ledger, root } = poured("review-pr", { pr: "#42", repo: "gastown", reviewer: "" });
    const distilled = distill(ledger, root, { name: "review" });
    expect(formulaYaml(distilled)).toBe(`formula: review
description: Distilled from molecule ${root} (poured from review-pr@2).
type: workflow
version: 1
vars:
  pr:
    required: true
  repo:
    required: true
  reviewer:
    default: ""
  literal_1:
    description: Literal text of the distilled molecule that reads like a placeholder
    default: ""
steps:
  - id: fetch
    title: Fetch PR {{pr}} from {{repo}}
    description: |
      Check out {{pr}}.
      Run \`git fetch origin pull/{{pr}}/head\`.
      Braces stay: {{ not a var }}, {x} and {{{repo}}}.
    acceptance: Branch for {{pr}} checked out
  - id: lint
    title: Lint {{repo}}
    description: "{{{pr}}}"
    needs:
      - fetch
    parallel: true
  - id: test
    title: Test
    needs:
      - fetch
    parallel: true
  - id: decide
    title: "Decide on {{pr}} with "
    acceptance: "{{pr}}{{repo}}"
    needs:
      - lint
      - test
    gate:
      type: conditional
      condition: lint failed
  - id: notify
    title: "{{literal_1}}"
    needs:
      - decide
`);
  });

  it("keeps literal text that reads like a placeholder through a var whose default is that text", () => {
    const vars = { feature: "{{assignee}} and {{feature}}", assignee: "" };
    const { ledger, root } = poured("shiny", vars);
    const distilled = distill(ledger, root);
    expect(distilled.vars).toEqual({
      feature: { required: true },
      assignee: { default: "" },
    });
    expect(distilled.steps?.[0]).toEqual({ id: "design", title: "Design {{feature}}", acceptance: "Design doc committed" });

    // The same text with a value that is only part of it: the rest stays literal.
    const partial = poured("shiny", { feature: "and", assignee: "" });
    const edited = partial.ledger.update(`${partial.root}.1`, (b) => ({ ...b, title: "Design {{assignee}} and {{literal_1}}" }));
    const kept = distill(edited, partial.root);
    expect(kept.vars).toEqual({
      feature: { required: true },
      assignee: { default: "" },
      literal_2: { description: "Literal text of the distilled molecule that reads like a placeholder", default: "{{assignee}}" },
      literal_3: { description: "Literal text of the distilled molecule that reads like a placeholder", default: "{{literal_1}}" },
    });
    expect(kept.steps?.[0]?.title).toBe("Design {{literal_2}} {{feature}} {{literal_3}}");
    expect(cookDistilled(kept, { feature: "and", assignee: "" }).steps[0]?.title).toBe("Design {{assignee}} and {{literal_1}}");
  });

  it("gives an empty title a var that holds the empty text", () => {
    const { proto, ledger, root } = poured("shiny", { feature: "login" });
    const edited = ledger.update(`${root}.5`, (b) => ({ ...b, title: "" }));
    const distilled = distill(edited, root);
    expect(distilled.steps?.[4]).toEqual({ id: "submit", title: "{{literal_1}}", needs: ["test"] });
    expect(distilled.vars?.literal_1).toEqual({
      description: "Literal text of the distilled molecule that reads like a placeholder", default: "",
    });
    expect(cookDistilled(distilled, proto.vars).steps[4]?.title).toBe("");
  });

  it("reads the beads as they stand, not the formula they came from", () => {
    const { ledger, root } = poured("base-work", { feature: "login", issue: "gt-7" });
    const edited = ledger
      .update(`${root}.2`, (b) => ({ ...b, title: "Implement login twice", acceptance_criteria: "login works for gt-7" }))
      .update(`${root}.3`, (b) => ({ ...b, dependencies: b.dependencies?.filter((d) => d.type !== "blocks") ?? [] }));
    expect(distill(edited, root).steps).toEqual([
      { id: "design", title: "Design {{feature}}", description: "For {{issue}}" },
      {
        id: "implement", title: "Implement {{feature}} twice", description: "Write {{feature}}.\nThen commit.",
        acceptance: "{{feature}} works for {{issue}}", needs: ["design"],
      },
      { id: "submit", title: "Submit {{issue}}" },
    ]);
  });

  it("names a compound molecule's formula so it can be a file", () => {
    const proto = bondProtos(cook("shiny", library, { feature: "login" }), cook("base-work", library, { feature: "login" }), "sequential");
    const { ledger, root } = pour(Ledger.of([WORK]), proto, WORK.id, OPTIONS);
    const distilled = distill(ledger, root);
    expect(distilled.formula).toBe("shiny-base-work-distilled");
    expect(cookDistilled(distilled, proto.vars).steps).toEqual(proto.steps);
  });

  it("refuses a name that cannot be a formula's, and a bead that is not a molecule", () => {
    const { ledger, root } = poured("shiny", { feature: "login" });
    expect(() => distill(ledger, root, { name: "my formula" })).toThrow(
      new MoleculeError(`"my formula" cannot name a formula: use letters, digits, '.', '-' or '_'`));
    expect(() => distill(ledger, WORK.id)).toThrow(new MoleculeError(`${WORK.id} is not a molecule (its type is task)`));
  });
});
