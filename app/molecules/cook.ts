// cook: formula (solid source) → proto. Resolves extends and expansions, binds the vars and
// substitutes them into every step. Pure: formulas come from the library it is given.
import { FormulaError, type FormulaProblem } from "./formula-problems.js";
import { isExpansion } from "./formula-schema.js";
import { substitute } from "./placeholders.js";
import type { Proto, ProtoStep } from "./proto.js";
import { resolveFormula, type FormulaLibrary, type ResolvedFormula } from "./resolve-formula.js";

/**
 * The proto of formula `name` with these var values. Values for vars the formula does not
 * declare are ignored (the App offers every formula the same few, such as `issue`); a
 * required var with no value is an error at its declaration.
 */
export function cook(name: string, library: FormulaLibrary, values: Readonly<Record<string, string>> = {}): Proto {
  const resolved = resolveFormula(name, library);
  const { formula, file } = resolved.source;
  if (isExpansion(formula)) {
    throw new FormulaError([resolved.source.problem(["type"],
      `${name} is an expansion: it has no steps of its own; name it in another formula's compose.expand`)]);
  }
  const vars = bindVars(resolved, values);
  const lookup = new Map(Object.entries(vars));
  const steps = resolved.steps.map(({ step, needs }): ProtoStep => ({
    id: step.id,
    title: substitute(step.title, lookup),
    description: substitute(step.description ?? "", lookup),
    acceptance: substitute(step.acceptance ?? "", lookup),
    needs,
    parallel: step.parallel === true,
    ...(step.gate !== undefined ? { gate: step.gate } : {}),
  }));
  return {
    formula: formula.formula,
    version: formula.version ?? 1,
    file,
    description: formula.description ?? "",
    type: formula.type ?? "workflow",
    vars,
    steps,
  };
}

function bindVars(resolved: ResolvedFormula, values: Readonly<Record<string, string>>): Record<string, string> {
  const bound: Record<string, string> = {};
  const missing: FormulaProblem[] = [];
  for (const [name, v] of resolved.vars) {
    const value = Object.hasOwn(values, name) ? values[name] : v.default;
    if (value === undefined && v.required) {
      missing.push(v.origin.source.problem(v.origin.path, `required var "${name}" has no value (pass --var ${name}=…)`, { key: true }));
    }
    bound[name] = value ?? "";
  }
  if (missing.length > 0) throw new FormulaError(missing);
  return bound;
}
