// distill: molecule (liquid) → formula (solid source). Experience crystallizes: a molecule that
// worked is turned back into a reusable formula, read from its beads alone (the step beads'
// text, metadata and `blocks` between them, and the vars recorded on the root), never from a
// stored copy of the formula, so a molecule edited by hand distills as it now stands.
//
// The concrete var values are turned back into `{{var}}` placeholders, and the result is held
// to one promise: cooked with the same values, it gives the very steps the molecule was poured
// from. Cooking is one left-to-right pass that replaces `{{name}}` for every declared name, so
// a placeholder is put only where the value stands, and literal text that reads like a
// placeholder is kept by a generated var whose default is that very text.
import { isDeepStrictEqual } from "node:util";
import { parse, stringify } from "yaml";
import type { Ledger } from "../ledger/ledger.js";
import {
  gateSchema, VAR_NAME, type Formula, type FormulaStep, type FormulaVar,
} from "./formula-schema.js";
import { gastownMetadata } from "./gastown-metadata.js";
import { MoleculeError, moleculeVars, readMolecule, type Molecule } from "./molecule.js";
import { placeholder, placeholdersIn, substitute } from "./placeholders.js";

export interface DistillOptions {
  /** The new formula's name; `<formula>-distilled` when not given. */
  readonly name?: string;
}

/** What a formula's name may be (formula-schema's rule). */
const FORMULA_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;
/** Generated vars that keep literal text are `literal_1`, `literal_2`, …. */
const LITERAL_VAR = "literal";

/** The formula that molecule `rootId` could have been poured from. */
export function distill(ledger: Ledger, rootId: string, options: DistillOptions = {}): Formula {
  const molecule = readMolecule(ledger, rootId);
  const name = options.name ?? defaultName(molecule, rootId);
  if (!FORMULA_NAME.test(name)) {
    throw new MoleculeError(`"${name}" cannot name a formula: use letters, digits, '.', '-' or '_'`);
  }
  // A recorded name that is not a var name could never have been a placeholder: nothing to
  // turn back into one, and a formula cannot declare it.
  const recorded = Object.entries(moleculeVars(molecule)).filter(([varName]) => VAR_NAME.test(varName));
  const texts = molecule.steps.flatMap(({ bead }) => [bead.title, bead.description ?? "", bead.acceptance_criteria ?? ""]);
  const literals = new Literals(new Set([
    ...recorded.map(([varName]) => varName),
    ...texts.flatMap((text) => placeholdersIn(text)),
  ]));
  const template = templater(recorded, literals);

  const steps = molecule.steps.map(({ bead, step, needs }): FormulaStep => {
    const metadata = gastownMetadata(bead);
    const gate = metadata.gate === undefined ? undefined : gateSchema.safeParse(metadata.gate);
    if (gate !== undefined && !gate.success) {
      throw new MoleculeError(`step ${bead.id} has a gate that is not {type, condition}: ${JSON.stringify(metadata.gate)}`);
    }
    const description = bead.description ?? "";
    const acceptance = bead.acceptance_criteria ?? "";
    return {
      id: step,
      // A formula's title cannot be empty, but a cooked one can be: a var holding "" keeps it.
      title: bead.title === "" ? placeholder(literals.nameFor("")) : template(bead.title),
      ...(description !== "" ? { description: template(description) } : {}),
      ...(acceptance !== "" ? { acceptance: template(acceptance) } : {}),
      ...(needs.length > 0 ? { needs: [...needs] } : {}),
      ...(metadata.parallel === true ? { parallel: true } : {}),
      ...(gate?.success === true ? { gate: gate.data } : {}),
    };
  });

  // Every recorded var is to be filled in again, so none keeps the value it had; one that was
  // empty left no trace in the text, so it stays optional, empty by default.
  const vars: Record<string, FormulaVar> = {};
  for (const [varName, value] of recorded) vars[varName] = value === "" ? { default: "" } : { required: true };
  for (const [text, varName] of literals.used) {
    vars[varName] = { description: "Literal text of the distilled molecule that reads like a placeholder", default: text };
  }
  const source = molecule.formulaRef ?? molecule.formula;
  return {
    formula: name,
    description: `Distilled from molecule ${rootId}${source === undefined ? "" : ` (poured from ${source})`}.`,
    type: "workflow",
    version: 1,
    ...(Object.keys(vars).length > 0 ? { vars } : {}),
    steps,
  };
}

/** The formula as `*.formula.yaml` text; multi-line text is written as block scalars. */
export function formulaYaml(formula: Formula): string {
  // No folding: a long line stays one line, as it was written.
  const text = stringify(formula, { blockQuote: "literal", lineWidth: 0 });
  // The yaml library writes a block scalar whose first line is only spaces without the
  // indentation indicator it needs, and the spaces are lost on reading; quoted text is exact.
  return isDeepStrictEqual(parse(text), formula) ? text : stringify(formula, { blockQuote: false, lineWidth: 0 });
}

function defaultName(molecule: Molecule, rootId: string): string {
  // A compound formula's name (`a+b`) is not a file name; keep it readable as one.
  return `${(molecule.formula ?? rootId).replace(/[^A-Za-z0-9_.-]/g, "-")}-distilled`;
}

/** The generated vars that keep literal text, by that text, named as first needed. */
class Literals {
  readonly used = new Map<string, string>();
  private next = 1;

  /** `avoid`: names a generated var must not take (recorded vars, and any name the text uses). */
  constructor(private readonly avoid: ReadonlySet<string>) {}

  nameFor(text: string): string {
    const known = this.used.get(text);
    if (known !== undefined) return known;
    let name = `${LITERAL_VAR}_${this.next++}`;
    while (this.avoid.has(name)) name = `${LITERAL_VAR}_${this.next++}`;
    this.used.set(text, name);
    return name;
  }
}

/**
 * Turns cooked text back into formula text: each value's occurrences become its placeholder,
 * longer values first (so a value inside another is not split out of it), never overlapping,
 * and never for an empty value. Whatever is left is literal; a `{{name}}` in it would be
 * replaced when cooked, so it is kept by a literal var instead. A placeholder's braces cannot
 * join with the literal text around it into another placeholder (a name holds no brace), so
 * cooking gives back exactly the text.
 */
function templater(recorded: readonly (readonly [string, string])[], literals: Literals): (text: string) => string {
  const byLength = recorded.filter(([, value]) => value !== "").sort(([, a], [, b]) => b.length - a.length);
  const keepLiteral = (text: string) => {
    const kept = new Map(placeholdersIn(text).map((name) => [name, placeholder(literals.nameFor(placeholder(name)))]));
    return substitute(text, kept);
  };
  return (text) => {
    const claimed = new Uint8Array(text.length);
    const starts = new Map<number, { name: string; end: number }>();
    for (const [name, value] of byLength) {
      for (let from = 0, at = text.indexOf(value); at >= 0; at = text.indexOf(value, from)) {
        const end = at + value.length;
        if (claimed.subarray(at, end).every((taken) => taken === 0)) {
          claimed.fill(1, at, end);
          starts.set(at, { name, end });
          from = end;
        } else {
          from = at + 1;
        }
      }
    }
    let out = "";
    let literalStart = 0;
    for (let at = 0; at < text.length;) {
      const claim = starts.get(at);
      if (claim === undefined) {
        at++;
        continue;
      }
      out += keepLiteral(text.slice(literalStart, at)) + placeholder(claim.name);
      at = claim.end;
      literalStart = at;
    }
    return out + keepLiteral(text.slice(literalStart));
  };
}
