// The sling label (DESIGN §7): `gt:sling` slings with the configured formula, `gt:sling/<name>`
// with the formula it names. Removing either unslings.

export interface SlingLabel {
  /** The formula it names; undefined for the plain label. */
  readonly formula: string | undefined;
}

/** What `label` says, when it is a sling label under the configured one (`sling.label`). */
export function readSlingLabel(label: string, configured: string): SlingLabel | undefined {
  if (label === configured) return { formula: undefined };
  if (label.startsWith(`${configured}/`) && label.length > configured.length + 1) return { formula: label.slice(configured.length + 1) };
  return undefined;
}

/** The sling labels among an issue's labels. */
export function slingLabelsOn(labels: readonly string[], configured: string): string[] {
  return labels.filter((label) => readSlingLabel(label, configured) !== undefined);
}
