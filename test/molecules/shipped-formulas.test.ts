import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Ledger } from "../../app/ledger/ledger.js";
import { cook } from "../../app/molecules/cook.js";
import { diskFormulaLibrary, shippedFormulaDir } from "../../app/molecules/formula-files.js";
import { isExpansion } from "../../app/molecules/formula-schema.js";
import { readMolecule } from "../../app/molecules/molecule.js";
import { progress } from "../../app/molecules/next-steps.js";
import { pour } from "../../app/molecules/pour.js";
import { resolveFormula } from "../../app/molecules/resolve-formula.js";
import { closeStep } from "../../app/molecules/step-done.js";
import { bead } from "../ledger/ledger-builders.js";
import { NOW } from "./molecule-builders.js";

const library = diskFormulaLibrary([{ path: shippedFormulaDir(), label: "formulas/" }]);
const names = library.list().map((f) => f.name);
const workflows = names.filter((name) => !isExpansion(library.find(name)?.formula ?? { formula: name }));

/** Every required var given a value, so each formula cooks as the App would cook it. */
function valuesFor(name: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [varName, v] of resolveFormula(name, library).vars) if (v.required) values[varName] = `<${varName}>`;
  return values;
}

describe("the shipped formulas", () => {
  it("include every formula the product runs", () => {
    expect(names).toEqual(expect.arrayContaining([
      "mol-polecat-work", "mol-polecat-fix", "mol-polecat-conflict-resolve", "mol-witness-patrol",
      "mol-refinery-patrol", "mol-deacon-patrol", "shiny", "shiny-enterprise", "rule-of-five",
    ]));
  });

  it.each(workflows)("%s cooks, with no step left empty", (name) => {
    const proto = cook(name, library, valuesFor(name));
    expect(proto.steps.length).toBeGreaterThan(0);
    for (const step of proto.steps) expect(step.title.trim()).not.toBe("");
  });

  it.each(workflows)("%s offers exactly the right next steps however far it has got", (name) => {
    const proto = cook(name, library, valuesFor(name));
    const { ledger, root } = pour(Ledger.of([bead("gt-w1")]), proto, "gt-w1", { now: NOW, actor: "test", prefix: "gt" });
    fc.assert(fc.property(fc.array(fc.nat(), { maxLength: proto.steps.length }), (picks) => {
      let current = ledger;
      const closed = new Set<string>();
      for (const pick of picks) {
        // What should be next, worked out from the proto alone.
        const expected = proto.steps.filter((s) => !closed.has(s.id) && s.needs.every((n) => closed.has(n))).map((s) => s.id);
        const state = progress(current, readMolecule(current, root));
        expect(state.next.map((s) => s.step)).toEqual(expected);
        if (expected.length === 0) break;
        const step = expected[pick % expected.length] as string;
        current = closeStep(current, root, step, NOW);
        closed.add(step);
      }
    }), { numRuns: 50 });
  });
});
