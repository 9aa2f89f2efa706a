// What is wrong with a formula, and where: `FILE:LINE:COLUMN: field: message`, so an editor
// or a GitHub annotation can point at the very spot.
import { formatLocatedProblem, type LocatedProblem, type YamlPath } from "../yaml/located-yaml.js";

export { fieldName } from "../yaml/located-yaml.js";

export type FormulaProblem = LocatedProblem;
export const formatFormulaProblem = formatLocatedProblem;

export class FormulaError extends Error {
  constructor(readonly problems: readonly FormulaProblem[]) {
    super(problems.map(formatFormulaProblem).join("\n"));
    this.name = "FormulaError";
  }
}

/** A path into a formula's YAML, as zod reports one: keys and list indexes. */
export type FieldPath = YamlPath;
