// What is wrong with a formula, and where: `FILE:LINE:COLUMN: field: message`, so an editor
// or a GitHub annotation can point at the very spot.

export interface FormulaProblem {
  readonly file: string;
  /** 1-based; 0 when the problem has no place in a file (a formula that does not exist). */
  readonly line: number;
  readonly column: number;
  /** The field's path (`steps[2].needs[0]`); empty when the problem is the whole file. */
  readonly field: string;
  readonly message: string;
}

export function formatFormulaProblem(problem: FormulaProblem): string {
  const where = problem.line > 0 ? `${problem.file}:${problem.line}:${problem.column}:` : `${problem.file}:`;
  return `${where}${problem.field ? ` ${problem.field}:` : ""} ${problem.message}`;
}

export class FormulaError extends Error {
  constructor(readonly problems: readonly FormulaProblem[]) {
    super(problems.map(formatFormulaProblem).join("\n"));
    this.name = "FormulaError";
  }
}

/** A path into a formula's YAML, as zod reports one: keys and list indexes. */
export type FieldPath = readonly (string | number)[];

/** `steps[2].needs[0]`: how a path reads in a message. */
export function fieldName(path: FieldPath): string {
  let name = "";
  for (const part of path) {
    name += typeof part === "number" ? `[${part}]` : name ? `.${part}` : part;
  }
  return name;
}
