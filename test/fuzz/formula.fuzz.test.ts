// Fuzzing formulas, which a repository's `.beads/formulas/` holds and anyone who can push
// writes: reading, cooking and pouring one never throws anything but a FormulaError or a
// MoleculeError, every problem names the file, line, column and field, and a molecule poured
// from a formula that cooks is a ledger that reads back clean.
import fc from "fast-check";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { Ledger } from "../../app/ledger/ledger.js";
import { readLedger } from "../../app/ledger/read-ledger.js";
import { formatLedger } from "../../app/ledger/write-ledger.js";
import { cook } from "../../app/molecules/cook.js";
import { FormulaError } from "../../app/molecules/formula-problems.js";
import { MoleculeError } from "../../app/molecules/molecule.js";
import { pour } from "../../app/molecules/pour.js";
import { parseFormula } from "../../app/molecules/read-formula.js";
import { bead } from "../ledger/ledger-builders.js";
import { memoryLibrary, NOW, RULE_OF_FIVE, SHINY, SHINY_ENTERPRISE } from "../molecules/molecule-builders.js";
import { FUZZ_TIMEOUT, ALIAS_BOMB, fuzzRuns, hostileText } from "./fuzz-arbitraries.js";
import { expectLocated, yamlCases } from "./yaml-files.js";

const FILE = "formulas/shiny.formula.yaml";
const formulaCase = fc.oneof(
  yamlCases(parse(SHINY), SHINY).map((c) => ({ ...c, name: "shiny", others: { "rule-of-five": RULE_OF_FIVE } })),
  yamlCases(parse(RULE_OF_FIVE), RULE_OF_FIVE).map((c) => ({ ...c, name: "rule-of-five", others: { shiny: SHINY, "shiny-enterprise": SHINY_ENTERPRISE } })),
  // extends and compose: what cooking follows from one formula to others, cycles included.
  yamlCases(parse(SHINY_ENTERPRISE), SHINY_ENTERPRISE).map((c) => ({ ...c, name: "shiny-enterprise", others: { shiny: SHINY, "rule-of-five": RULE_OF_FIVE } })),
);

function located(error: unknown): FormulaError | MoleculeError {
  if (error instanceof FormulaError || error instanceof MoleculeError) return error;
  throw error;
}

describe("formulas, fuzzed", { timeout: FUZZ_TIMEOUT }, () => {
  it("read, or name file, line, column and field of every problem", () => {
    fc.assert(fc.property(yamlCases(parse(SHINY), SHINY), ({ text, mapping }) => {
      try {
        parseFormula(text, FILE);
      } catch (error) {
        if (!(error instanceof FormulaError)) throw error;
        expectLocated(error.problems, FILE, text, mapping);
      }
    }), fuzzRuns(150));
  });

  it("cook and pour into a ledger that reads back clean, or say why", () => {
    fc.assert(fc.property(formulaCase, fc.dictionary(fc.constantFrom("feature", "assignee", "x"), hostileText, { maxKeys: 2 }), (c, vars) => {
      const library = memoryLibrary({ ...c.others, [c.name]: c.text });
      const target = c.name === "rule-of-five" ? "shiny-enterprise" : c.name;
      let ledger: Ledger;
      try {
        const proto = cook(target, library, vars);
        ledger = pour(Ledger.of([bead("gt-w1")]), proto, "gt-w1", { now: NOW, actor: "gastown", prefix: "gt" }).ledger;
      } catch (error) {
        expect(located(error).message.trim()).not.toBe("");
        return;
      }
      const read = readLedger(formatLedger(ledger));
      expect(read.problems.filter((p) => p.severity === "error")).toEqual([]);
    }), fuzzRuns(100));
  });

  it("name the alias of a billion laughs (found by fuzzing: it threw a bare ReferenceError)", () => {
    expect(() => parseFormula(ALIAS_BOMB, FILE)).toThrow(`${FILE}:2:8: Excessive alias count indicates a resource exhaustion attack`);
  });
});
