// Reading one `*.formula.yaml`: YAML syntax, the schema, and what can be checked within the
// file alone (names, duplicate step ids). Every problem carries its line and column: the YAML
// is kept as a document so a path can be traced back to the text it came from. Checks that
// need other formulas (extends, expansions, needs across them) are cook's.
import type { z } from "zod";
import { parseLocatedYaml } from "../yaml/located-yaml.js";
import {
  fieldName, FormulaError, type FieldPath, type FormulaProblem,
} from "./formula-problems.js";
import {
  FORMULA_FILE_SUFFIX, formulaSchema, STEP_ID, VAR_NAME, type Formula, type FormulaStep,
} from "./formula-schema.js";

export interface LoadedFormula {
  readonly formula: Formula;
  /** The file as named to the user: `formulas/shiny.formula.yaml`. */
  readonly file: string;
  /** A problem at the value `path` leads to (at its key with `key`), or the nearest enclosing one. */
  problem(path: FieldPath, message: string, options?: { readonly key?: boolean }): FormulaProblem;
}

/** The formula in `text`, or a FormulaError listing every problem found in it. */
export function parseFormula(text: string, file: string): LoadedFormula {
  const yaml = parseLocatedYaml(text);
  const problemAt = (path: FieldPath, message: string, key = false): FormulaProblem =>
    ({ file, ...yaml.locate(path, key), field: fieldName(path), message });
  if (yaml.errors.length > 0) {
    throw new FormulaError(yaml.errors.map((error) => ({ file, line: error.line, column: error.column, field: "", message: error.message })));
  }
  const value = yaml.value;
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new FormulaError([problemAt([], "a formula is a mapping of fields (formula, steps, vars, …)")]);
  }
  const parsed = formulaSchema.safeParse(value, { reportInput: true });
  if (!parsed.success) {
    const problems = parsed.error.issues.flatMap((issue) => schemaProblems(issue, problemAt));
    throw new FormulaError(problems.sort((a, b) => a.line - b.line || a.column - b.column));
  }
  const formula = parsed.data;
  const problems = [...namingProblems(formula, file, problemAt)];
  if (problems.length > 0) throw new FormulaError(problems);
  return { formula, file, problem: (path, message, options) => problemAt(path, message, options?.key ?? false) };
}

type ProblemAt = (path: FieldPath, message: string, key?: boolean) => FormulaProblem;

const fieldsOf = (shape: object) => Object.keys(shape).join(", ");
/** The fields allowed where an unknown one was found, for the message. */
const KNOWN_FIELDS: Readonly<Record<string, string>> = {
  formula: `a formula's fields are ${fieldsOf(formulaSchema.shape)}`,
  step: `a step's fields are ${fieldsOf(formulaSchema.shape.steps.unwrap().element.shape)}`,
  var: "a var's fields are description, required, default",
  compose: "compose's fields are expand, aspects",
  expand: "an expansion's fields are target, with",
};

function knownFieldsAt(path: FieldPath): string {
  const [first] = path;
  if (path.length === 0) return KNOWN_FIELDS.formula as string;
  if (first === "steps" || first === "template") return KNOWN_FIELDS.step as string;
  if (first === "vars") return KNOWN_FIELDS.var as string;
  return (path.length === 1 ? KNOWN_FIELDS.compose : KNOWN_FIELDS.expand) as string;
}

function schemaProblems(issue: z.core.$ZodIssue, problemAt: ProblemAt): FormulaProblem[] {
  const path = issue.path.filter((part): part is string | number => typeof part !== "symbol");
  if (issue.code === "unrecognized_keys") {
    return issue.keys.map((key) => problemAt([...path, key], `unknown field (${knownFieldsAt(path)})`, true));
  }
  if (issue.code === "invalid_union" && path[0] === "vars" && path.length === 2) {
    return [problemAt(path, "a var is a default value (a string) or {description, required, default}")];
  }
  if (issue.code === "invalid_type" && issue.input === undefined) {
    return [problemAt(path.slice(0, -1), `${String(path[path.length - 1])} is required`)];
  }
  return [problemAt(path, issue.message)];
}

function* namingProblems(formula: Formula, file: string, problemAt: ProblemAt): Generator<FormulaProblem> {
  const base = file.split(/[\\/]/).pop() ?? file;
  if (base.endsWith(FORMULA_FILE_SUFFIX) && base !== `${formula.formula}${FORMULA_FILE_SUFFIX}`) {
    yield problemAt(["formula"], `is "${formula.formula}" but the file is ${base}: name the file ${formula.formula}${FORMULA_FILE_SUFFIX}`);
  }
  for (const name of Object.keys(formula.vars ?? {})) {
    if (!VAR_NAME.test(name)) {
      yield problemAt(["vars", name], "a var's name is letters, digits, '_' or '-', starting with a letter or '_'", true);
    }
  }
  yield* stepIdProblems(formula.steps, "steps", problemAt, false);
  // Template ids are written with `{target}` and become plain once expanded.
  yield* stepIdProblems(formula.template, "template", problemAt, true);
}

function* stepIdProblems(
  steps: readonly FormulaStep[] | undefined, field: string, problemAt: ProblemAt, template: boolean,
): Generator<FormulaProblem> {
  const seen = new Map<string, number>();
  for (const [index, step] of (steps ?? []).entries()) {
    const plain = template ? step.id.replaceAll("{target}", "target") : step.id;
    if (!STEP_ID.test(plain)) {
      yield problemAt([field, index, "id"], "a step id is letters, digits, '.', '-' or '_'");
    }
    const earlier = seen.get(step.id);
    if (earlier !== undefined) {
      yield problemAt([field, index, "id"], `duplicate step id "${step.id}" (also ${field}[${earlier}])`);
    }
    seen.set(step.id, index);
  }
}
