// `.beads/config.yaml`: the id prefix and the custom types and statuses a ledger allows.
// Beads reads it with viper, so `types.custom` may be written as a dotted key or nested, and
// its value as a comma-separated string or a list.
import { LineCounter, parseDocument } from "yaml";
import { GASTOWN_TYPES } from "./bead-schema.js";

export interface LedgerConfig {
  readonly prefix: string | undefined;
  readonly customTypes: readonly string[];
  /** Names only; a category (`in_review:active`) is dropped. */
  readonly customStatuses: readonly string[];
}

export const EMPTY_LEDGER_CONFIG: LedgerConfig = {
  prefix: undefined,
  customTypes: [],
  customStatuses: [],
};

export class LedgerConfigError extends Error {}

function lookup(root: Record<string, unknown>, dotted: string): unknown {
  if (dotted in root) return root[dotted];
  let node: unknown = root;
  for (const part of dotted.split(".")) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

function nameList(value: unknown, file: string, key: string): string[] {
  if (value === undefined || value === null) return [];
  const items = typeof value === "string" ? value.split(",") : value;
  if (!Array.isArray(items) || items.some((item) => typeof item !== "string")) {
    throw new LedgerConfigError(
      `${file}: ${key}: must be a comma-separated string or a list of names`,
    );
  }
  return items.map((item: string) => item.trim().split(":")[0] ?? "").filter(Boolean);
}

export function parseLedgerConfig(text: string, file = ".beads/config.yaml"): LedgerConfig {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { prettyErrors: false, lineCounter });
  const error = doc.errors[0];
  if (error) {
    const { line } = lineCounter.linePos(error.pos[0]);
    throw new LedgerConfigError(`${file}:${line}: ${error.message.split("\n")[0]}`);
  }
  const root: unknown = doc.toJS() ?? {};
  if (typeof root !== "object" || root === null || Array.isArray(root)) {
    throw new LedgerConfigError(`${file}:1: the file must be a mapping of keys to values`);
  }
  const values = root as Record<string, unknown>;
  const prefix = lookup(values, "issue-prefix");
  if (prefix !== undefined && prefix !== null && typeof prefix !== "string") {
    throw new LedgerConfigError(`${file}: issue-prefix: must be a string`);
  }
  return {
    prefix: prefix || undefined,
    customTypes: nameList(lookup(values, "types.custom"), file, "types.custom"),
    customStatuses: nameList(lookup(values, "status.custom"), file, "status.custom"),
  };
}

/** The config a new Gas Town ledger starts with, so `bd import` accepts Gas Town's types. */
export function renderLedgerConfig(prefix: string): string {
  return [
    "# Beads configuration for the Gas Town ledger.",
    `issue-prefix: ${JSON.stringify(prefix)}`,
    "types:",
    `  custom: ${JSON.stringify(GASTOWN_TYPES.join(","))}`,
    "",
  ].join("\n");
}
