// A formula with `extends` and `compose.expand` worked out: one flat list of steps and the
// vars they may use, each remembering the file and field it came from, so a problem found
// after composing (a need that names no step, a cycle, an undeclared var) still points at the
// line that causes it.
import { FormulaError, type FieldPath, type FormulaProblem } from "./formula-problems.js";
import { isExpansion, parentsOf, type FormulaStep, type FormulaVar } from "./formula-schema.js";
import { placeholdersIn } from "./placeholders.js";
import type { LoadedFormula } from "./read-formula.js";

/** Where cook finds formulas by name: the repository's own first, then the shipped ones. */
export interface FormulaLibrary {
  /** The formula, or undefined when no file has that name; throws FormulaError for a broken file. */
  find(name: string): LoadedFormula | undefined;
  /** Where it looks, for messages: `.beads/formulas/ and formulas/`. */
  readonly searched: string;
}

/** Where a step or var came from. */
export interface Origin {
  readonly source: LoadedFormula;
  readonly path: FieldPath;
}

export interface ResolvedStep {
  readonly step: FormulaStep;
  readonly needs: readonly string[];
  readonly origin: Origin;
}

export interface ResolvedVar {
  readonly description: string;
  readonly required: boolean;
  readonly default: string | undefined;
  readonly origin: Origin;
}

export interface ResolvedFormula {
  readonly source: LoadedFormula;
  readonly vars: ReadonlyMap<string, ResolvedVar>;
  readonly steps: readonly ResolvedStep[];
}

/** `name` resolved and checked: needs name steps, no cycles, every placeholder a declared var. */
export function resolveFormula(name: string, library: FormulaLibrary): ResolvedFormula {
  const source = library.find(name);
  if (!source) throw notFound(name, library);
  const resolved = new Resolver(library).resolve(source, [name]);
  const problems = [...needProblems(resolved.steps), ...placeholderProblems(resolved)];
  if (problems.length > 0) throw new FormulaError(problems);
  return resolved;
}

function notFound(name: string, library: FormulaLibrary, at?: FormulaProblem): FormulaError {
  const message = `no formula named "${name}" (looked in ${library.searched})`;
  return new FormulaError([at ? { ...at, message } : { file: name, line: 0, column: 0, field: "", message }]);
}

class Resolver {
  constructor(private readonly library: FormulaLibrary) {}

  resolve(source: LoadedFormula, chain: readonly string[]): ResolvedFormula {
    const { formula } = source;
    const vars = new Map<string, ResolvedVar>();
    let steps: ResolvedStep[] = [];
    const extendsPath = (i: number): FieldPath => (typeof formula.extends === "string" ? ["extends"] : ["extends", i]);
    for (const [i, parentName] of parentsOf(formula).entries()) {
      const parent = this.formulaAt(parentName, chain, source.problem(extendsPath(i), ""));
      for (const [varName, v] of parent.vars) vars.set(varName, v);
      steps = withSteps(steps, parent.steps);
    }
    for (const [varName, v] of Object.entries(formula.vars ?? {})) {
      vars.set(varName, resolvedVar(v, { source, path: ["vars", varName] }));
    }
    steps = withSteps(steps, (formula.steps ?? []).map((step, i) => ({
      // A need written twice is one need: pour writes one dependency per need.
      step, needs: [...new Set(step.needs ?? [])], origin: { source, path: ["steps", i] },
    })));
    const expansions = formula.compose?.expand ?? [];
    for (let i = 0; i < expansions.length; i++) steps = this.expand(source, steps, vars, i, chain);
    return { source, vars, steps };
  }

  /** A formula named from within `chain`'s last formula, at `at`. */
  private formulaAt(name: string, chain: readonly string[], at: FormulaProblem): ResolvedFormula {
    if (chain.includes(name)) {
      throw new FormulaError([{ ...at, message: `extends form a cycle: ${[...chain, name].join(" → ")}` }]);
    }
    const found = this.library.find(name);
    if (!found) throw notFound(name, this.library, at);
    return this.resolve(found, [...chain, name]);
  }

  /** Step `compose.expand[i].target` replaced by the expansion's template steps. */
  private expand(
    source: LoadedFormula, steps: ResolvedStep[], vars: Map<string, ResolvedVar>, i: number, chain: readonly string[],
  ): ResolvedStep[] {
    const { target: targetId, with: expansionName } = (source.formula.compose?.expand ?? [])[i] as { target: string; with: string };
    const at = (field: string) => source.problem(["compose", "expand", i, field], "");
    const position = steps.findIndex((s) => s.step.id === targetId);
    if (position < 0) {
      throw new FormulaError([{ ...at("target"), message: `no step "${targetId}" to expand (steps: ${steps.map((s) => s.step.id).join(", ")})` }]);
    }
    const expansion = this.formulaAt(expansionName, chain, at("with"));
    if (!isExpansion(expansion.source.formula)) {
      throw new FormulaError([{ ...at("with"), message: `${expansionName} is not an expansion (it has no template)` }]);
    }
    const target = steps[position] as ResolvedStep;
    const template = expansion.source.formula.template ?? [];
    const expanded = template.map((t, k): ResolvedStep => {
      const fill = (text: string | undefined) => (text === undefined ? undefined : expandTarget(text, target.step));
      const step: FormulaStep = {
        ...t,
        id: fill(t.id) as string,
        title: fill(t.title) as string,
        ...(t.description !== undefined ? { description: fill(t.description) } : {}),
        ...(t.acceptance !== undefined ? { acceptance: fill(t.acceptance) } : {}),
      };
      // A template step with no needs of its own starts where the target started.
      const needs = t.needs ? t.needs.map((n) => expandTarget(n, target.step)) : target.needs;
      return { step, needs, origin: { source: expansion.source, path: ["template", k] } };
    });
    const ids = new Set(expanded.map((s) => s.step.id));
    const clash = steps.find((s, k) => k !== position && ids.has(s.step.id));
    if (clash) {
      throw new FormulaError([{ ...at("with"), message: `expanding "${targetId}" makes a second step "${clash.step.id}"` }]);
    }
    // Whatever waited for the target now waits for the expansion's last steps.
    const needed = new Set(expanded.flatMap((s) => s.needs));
    const last = expanded.filter((s) => !needed.has(s.step.id)).map((s) => s.step.id);
    const rewired = steps.map((s) => (s.needs.includes(targetId)
      ? { ...s, needs: [...new Set(s.needs.flatMap((n) => (n === targetId ? last : [n])))] }
      : s));
    for (const [varName, v] of expansion.vars) if (!vars.has(varName)) vars.set(varName, v);
    return [...rewired.slice(0, position), ...expanded, ...rewired.slice(position + 1)];
  }
}

/** `{target}`, `{target.title}` and `{target.description}` in an expansion's template. */
function expandTarget(text: string, target: FormulaStep): string {
  return text.replace(/\{target(?:\.(title|description))?\}/g, (_, part: string | undefined) =>
    part === "title" ? target.title : part === "description" ? (target.description ?? "") : target.id);
}

/** Steps added after `steps`; one with an id already there replaces it where it stands. */
function withSteps(steps: readonly ResolvedStep[], added: readonly ResolvedStep[]): ResolvedStep[] {
  const result = [...steps];
  for (const step of added) {
    const at = result.findIndex((s) => s.step.id === step.step.id);
    if (at >= 0) result[at] = step;
    else result.push(step);
  }
  return result;
}

function resolvedVar(v: FormulaVar, origin: Origin): ResolvedVar {
  if (typeof v === "string") return { description: "", required: false, default: v, origin };
  return { description: v.description ?? "", required: v.required === true, default: v.default, origin };
}

function* needProblems(steps: readonly ResolvedStep[]): Generator<FormulaProblem> {
  const ids = new Map(steps.map((s, i) => [s.step.id, i]));
  for (const s of steps) {
    for (const [k, need] of s.needs.entries()) {
      if (ids.has(need)) continue;
      // Needs rewritten by an expansion no longer match the text: point at the step then.
      const written = s.step.needs?.[k] === need;
      yield s.origin.source.problem(written ? [...s.origin.path, "needs", k] : s.origin.path, `no step "${need}" to need`);
    }
  }
  const cycle = needsCycle(steps, ids);
  if (cycle) {
    const first = steps[cycle[0] as number] as ResolvedStep;
    const names = cycle.map((i) => steps[i]?.step.id);
    yield first.origin.source.problem([...first.origin.path, "needs"], `needs form a cycle: ${[...names, names[0]].join(" → ")}`);
  }
}

/** One cycle of needs, as step indexes, or undefined; depth-first, iterative. */
function needsCycle(steps: readonly ResolvedStep[], ids: ReadonlyMap<string, number>): number[] | undefined {
  const state = new Uint8Array(steps.length); // 0 unseen, 1 on the path, 2 done
  for (let start = 0; start < steps.length; start++) {
    if (state[start] !== 0) continue;
    const path: number[] = [start];
    const next: number[] = [0];
    state[start] = 1;
    while (path.length > 0) {
      const at = path[path.length - 1] as number;
      const needs = (steps[at] as ResolvedStep).needs;
      const k = next[next.length - 1] as number;
      if (k >= needs.length) {
        state[at] = 2;
        path.pop();
        next.pop();
        continue;
      }
      next[next.length - 1] = k + 1;
      const need = ids.get(needs[k] as string);
      if (need === undefined || state[need] === 2) continue;
      if (state[need] === 1) return path.slice(path.indexOf(need));
      state[need] = 1;
      path.push(need);
      next.push(0);
    }
  }
  return undefined;
}

const TEXT_FIELDS = ["title", "description", "acceptance"] as const;

function* placeholderProblems(resolved: ResolvedFormula): Generator<FormulaProblem> {
  for (const s of resolved.steps) {
    for (const field of TEXT_FIELDS) {
      for (const name of placeholdersIn(s.step[field] ?? "")) {
        if (resolved.vars.has(name)) continue;
        yield s.origin.source.problem([...s.origin.path, field], `{{${name}}} is not a declared var (declare it under vars)`);
      }
    }
  }
}
