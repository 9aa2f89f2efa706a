// A formula file (`*.formula.yaml`): Gas Town's TOML formula fields, written as YAML. The
// fields this product acts on are typed; upstream's other fields are accepted and kept as
// they are, so a formula ported from Gas Town loads; anything else is an error, since a
// misspelt field would otherwise be silently ignored.
import { z } from "zod";

export const FORMULA_TYPES = ["workflow", "expansion", "aspect", "convoy"] as const;
export type FormulaType = (typeof FORMULA_TYPES)[number];

/** Names a `{{name}}` placeholder can use: also the rule for var names. */
export const VAR_NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;
/** Step ids are written into bead metadata and branch-free text; keep them plain. */
export const STEP_ID = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

const text = z.string();

export const formulaVarSchema = z.union([
  // A bare string is the default, as in Gas Town.
  text,
  z.strictObject({
    description: text.optional(),
    required: z.boolean().optional(),
    default: text.optional(),
  }),
]);
export type FormulaVar = z.infer<typeof formulaVarSchema>;

export const gateSchema = z.looseObject({
  type: text,
  condition: text.optional(),
});

export const formulaStepSchema = z.strictObject({
  id: text.min(1),
  title: text.min(1),
  description: text.optional(),
  acceptance: text.optional(),
  needs: z.array(text.min(1)).optional(),
  parallel: z.boolean().optional(),
  gate: gateSchema.optional(),
  // Upstream's, kept: an interactive step waits for a person; `type`/`children` group steps.
  interactive: z.boolean().optional(),
  type: text.optional(),
  children: z.array(z.unknown()).optional(),
});
export type FormulaStep = z.infer<typeof formulaStepSchema>;

export const expandSchema = z.strictObject({
  target: text.min(1),
  with: text.min(1),
});

export const formulaSchema = z.strictObject({
  formula: text.regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/, "must be letters, digits, '.', '-' or '_'"),
  description: text.optional(),
  type: z.enum(FORMULA_TYPES).optional(),
  version: z.number().int().min(1).optional(),
  vars: z.record(text, formulaVarSchema).optional(),
  steps: z.array(formulaStepSchema).optional(),
  extends: z.union([text.min(1), z.array(text.min(1))]).optional(),
  compose: z.strictObject({
    expand: z.array(expandSchema).optional(),
    aspects: z.array(text).optional(),
  }).optional(),
  template: z.array(formulaStepSchema).optional(),
  // Upstream's fields this product does not act on yet: accepted and kept.
  pour: z.boolean().optional(),
  agent: text.optional(),
  review_only: z.boolean().optional(),
  interactive: z.boolean().optional(),
  squash: z.unknown().optional(),
  advice: z.unknown().optional(),
  pointcuts: z.unknown().optional(),
  legs: z.unknown().optional(),
  inputs: z.unknown().optional(),
  prompts: z.unknown().optional(),
  output: z.unknown().optional(),
  synthesis: z.unknown().optional(),
  presets: z.unknown().optional(),
});
export type Formula = z.infer<typeof formulaSchema>;

/** The file a formula named `name` lives in. */
export function formulaFileName(name: string): string {
  return `${name}.formula.yaml`;
}

export const FORMULA_FILE_SUFFIX = ".formula.yaml";

/** `extends` as a list, however written. */
export function parentsOf(formula: Formula): readonly string[] {
  if (formula.extends === undefined) return [];
  return typeof formula.extends === "string" ? [formula.extends] : formula.extends;
}

/** An expansion is a formula with a template; `type` says so, or the template alone does. */
export function isExpansion(formula: Formula): boolean {
  return formula.type === "expansion" || (formula.type === undefined && formula.template !== undefined);
}
