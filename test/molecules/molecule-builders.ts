// Formulas held in memory for tests, read exactly as files are.
import { parseFormula } from "../../app/molecules/read-formula.js";
import type { FormulaLibrary } from "../../app/molecules/resolve-formula.js";

/** A library of formula texts by name, each read as `formulas/<name>.formula.yaml`. */
export function memoryLibrary(files: Readonly<Record<string, string>>): FormulaLibrary {
  return {
    searched: "formulas/",
    find: (name) => (Object.hasOwn(files, name) ? parseFormula(files[name] as string, `formulas/${name}.formula.yaml`) : undefined),
  };
}

export const NOW = new Date("2026-11-24T12:00:00Z");

export const SHINY = `formula: shiny
description: Design, implement, review, test, submit.
type: workflow
version: 1
vars:
  feature:
    description: The feature being implemented
    required: true
  assignee: ""
steps:
  - id: design
    title: Design {{feature}}
    acceptance: Design doc committed
  - id: implement
    title: Implement {{feature}}
    description: Write the code for {{feature}}.
    needs: [design]
  - id: review
    title: Review implementation
    needs: [implement]
  - id: test
    title: Test {{feature}}
    needs: [review]
  - id: submit
    title: Submit for merge
    needs: [test]
`;

export const RULE_OF_FIVE = `formula: rule-of-five
type: expansion
version: 1
template:
  - id: "{target}.draft"
    title: "Draft: {target.title}"
    description: "{target.description}"
  - id: "{target}.refine-1"
    title: Refine 1
    needs: ["{target}.draft"]
  - id: "{target}.refine-2"
    title: Refine 2
    needs: ["{target}.refine-1"]
`;

export const SHINY_ENTERPRISE = `formula: shiny-enterprise
type: workflow
version: 1
extends: [shiny]
compose:
  expand:
    - target: implement
      with: rule-of-five
`;
