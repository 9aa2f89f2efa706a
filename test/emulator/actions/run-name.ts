// Renders a workflow's `run-name`: `${{ … }}` expressions over the `github` and `inputs`
// contexts. The emulator evaluates what run names use — property paths, string literals and
// `||` for a fallback; anything else renders empty, as an unknown property does on GitHub.
// https://docs.github.com/en/actions/writing-workflows/workflow-syntax-for-github-actions#run-name
export type ExpressionContext = Readonly<Record<string, unknown>>;

function lookup(context: ExpressionContext, path: string): unknown {
  return path.split(".").reduce<unknown>((at, key) => {
    if (typeof at !== "object" || at === null) return undefined;
    return (at as Record<string, unknown>)[key];
  }, context);
}

function evaluateTerm(term: string, context: ExpressionContext): unknown {
  const trimmed = term.trim();
  const literal = /^'((?:[^']|'')*)'$/.exec(trimmed);
  if (literal) return (literal[1] as string).replaceAll("''", "'");
  if (/^-?\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed);
  if (trimmed === "true" || trimmed === "false") return trimmed === "true";
  if (trimmed === "null") return null;
  if (/^[A-Za-z_][\w-]*(\.[A-Za-z_][\w-]*)*$/.test(trimmed)) return lookup(context, trimmed);
  return undefined;
}

function evaluate(expression: string, context: ExpressionContext): unknown {
  // `a || b` yields the first truthy operand (or the last), as in GitHub's expressions.
  const operands = expression.split("||");
  let value: unknown;
  for (const operand of operands) {
    value = evaluateTerm(operand, context);
    if (value !== undefined && value !== null && value !== "" && value !== false && value !== 0) return value;
  }
  return value;
}

function asText(value: unknown): string {
  if (value === undefined || value === null) return "";
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}

export function renderRunName(template: string, context: ExpressionContext): string {
  return template.replace(/\$\{\{(.*?)\}\}/g, (_match, expression: string) => asText(evaluate(expression, context)));
}
