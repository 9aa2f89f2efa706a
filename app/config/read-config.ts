// Reading `.github/gastown.yml` from its text, so every problem carries the line and column
// it is at (the merged object Probot's config loader hands back has none). An empty file is
// the built-in defaults.
import type { z } from "zod";
import {
  fieldName, formatLocatedProblem, parseLocatedYaml, type LocatedProblem, type YamlPath,
} from "../yaml/located-yaml.js";
import { configSchema, type GastownConfig } from "./config-schema.js";

export const CONFIG_FILE = ".github/gastown.yml";

export type ConfigProblem = LocatedProblem;
export const formatConfigProblem = formatLocatedProblem;

export class ConfigError extends Error {
  constructor(readonly problems: readonly ConfigProblem[]) {
    super(problems.map(formatConfigProblem).join("\n"));
    this.name = "ConfigError";
  }
}

/** The settings `text` gives, defaults filled in; a ConfigError listing every problem. */
export function parseConfig(text: string, file = CONFIG_FILE): GastownConfig {
  const yaml = parseLocatedYaml(text);
  const at = (path: YamlPath, message: string, key = false): ConfigProblem =>
    ({ file, ...yaml.locate(path, key), field: fieldName(path), message });
  if (yaml.errors.length > 0) {
    throw new ConfigError(yaml.errors.map((e) => ({ file, line: e.line, column: e.column, field: "", message: e.message })));
  }
  const value = yaml.value ?? {};
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new ConfigError([at([], "the file must be a mapping of settings (sling, polecat, limits, …)")]);
  }
  const parsed = configSchema.safeParse(value, { reportInput: true });
  if (parsed.success) return parsed.data;
  throw new ConfigError(parsed.error.issues.flatMap((issue) => problemsOf(issue, at))
    .sort((a, b) => a.line - b.line || a.column - b.column));
}

function problemsOf(
  issue: z.core.$ZodIssue, at: (path: YamlPath, message: string, key?: boolean) => ConfigProblem,
): ConfigProblem[] {
  const path = issue.path.filter((part): part is string | number => typeof part !== "symbol");
  if (issue.code === "unrecognized_keys") {
    return issue.keys.map((key) => at([...path, key], `unknown setting (known here: ${knownKeys(path).join(", ")})`, true));
  }
  return [at(path, issue.message)];
}

/** The settings a section allows, for the message about one it does not. */
function knownKeys(path: YamlPath): string[] {
  let schema: z.ZodType = configSchema;
  for (const part of path) {
    const inner = unwrap(schema);
    const shape = (inner as unknown as { shape?: Record<string, z.ZodType> }).shape;
    const next = shape?.[String(part)];
    if (!next) return [];
    schema = next;
  }
  const shape = (unwrap(schema) as unknown as { shape?: Record<string, unknown> }).shape;
  return Object.keys(shape ?? {});
}

/** Through `.prefault`, `.default`, `.optional` and `.nullable` to the object inside. */
function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema as unknown as { def: { innerType?: z.ZodType } };
  while (current.def.innerType) current = current.def.innerType as unknown as { def: { innerType?: z.ZodType } };
  return current as unknown as z.ZodType;
}
