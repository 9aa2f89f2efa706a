// `{{name}}` placeholders in a formula's text. Substitution is one pass over the formula's
// text: a value that itself contains `{{…}}` is written as it is, never expanded again, so
// whatever a var holds (an issue title, say) cannot reach into other vars.

const PLACEHOLDER = /\{\{([A-Za-z_][A-Za-z0-9_-]*)\}\}/g;

/** The var names `text` refers to, in order of first use. */
export function placeholdersIn(text: string): string[] {
  const names = new Set<string>();
  for (const match of text.matchAll(PLACEHOLDER)) names.add(match[1] as string);
  return [...names];
}

/** `text` with each `{{name}}` that `values` has replaced by its value; others left as written. */
export function substitute(text: string, values: ReadonlyMap<string, string>): string {
  return text.replace(PLACEHOLDER, (whole, name: string) => values.get(name) ?? whole);
}

/** How a var is written in a formula's text. */
export function placeholder(name: string): string {
  return `{{${name}}}`;
}
