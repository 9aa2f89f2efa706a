// A workflow value as GitHub renders it, for the few expressions our own workflows use
// (.github/workflows/gastown-polecat.yml, examples/workflows/gastown-*.yml, action/*/action.yml):
// `inputs.X`, `secrets.X`, `github.X`, `fromJSON(inputs.X).Y` and `a || 'b'`. Any other
// expression throws, so nothing is taken on trust: the local runner and the workflow tests read
// the files with this, and a workflow that grows a new expression fails there first.

export interface Contexts {
  readonly inputs: Readonly<Record<string, string>>;
  readonly secrets: Readonly<Record<string, string>>;
  readonly github: Readonly<Record<string, string>>;
}

export function renderExpressions(value: string, contexts: Contexts): string {
  return value.replace(/\$\{\{\s*(.*?)\s*\}\}/g, (_, expression: string) => evaluate(expression, contexts));
}

function evaluate(expression: string, contexts: Contexts): string {
  const plain = /^(inputs|secrets|github)\.([A-Za-z_][\w-]*)$/.exec(expression);
  if (plain) return contexts[plain[1] as keyof Contexts][plain[2] as string] ?? "";
  const json = /^fromJSON\(inputs\.(\w+)\)\.(\w+)$/.exec(expression);
  if (json) return String((JSON.parse(contexts.inputs[json[1] as string] ?? "{}") as Record<string, unknown>)[json[2] as string]);
  const fallback = /^(.+?)\s*\|\|\s*'([^']*)'$/.exec(expression);
  if (fallback) return evaluate(fallback[1] as string, contexts) || (fallback[2] as string);
  throw new Error(`an expression the local runner does not know: ${expression}`);
}
