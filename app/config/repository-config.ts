// Whether a repository is switched on, and its settings (DESIGN §7): only a repository's own
// `.github/gastown.yml` switches it on. An empty file is the built-in defaults; `_extends:
// .github` takes the organisation's file (in its `.github` repository) as defaults under the
// repository's own settings. An organisation's file alone switches nothing on, though Probot's
// config loader would fall back to it: so the decision is made from the two texts, read apart.
import { parseLocatedYaml } from "../yaml/located-yaml.js";
import { configSchema, type GastownConfig } from "./config-schema.js";
import { CONFIG_FILE, ConfigError, parseConfig } from "./read-config.js";

export interface ConfigTexts {
  /** The repository's own file, or undefined when it has none. */
  readonly repository: string | undefined;
  /** The organisation's file in its `.github` repository, or undefined. */
  readonly organisation: string | undefined;
  /** How to name the organisation's file in messages: `octo/.github:.github/gastown.yml`. */
  readonly organisationFile?: string;
}

export type RepositoryConfig =
  | { readonly enabled: false; readonly reason: string }
  | { readonly enabled: true; readonly config: GastownConfig };

/** The repository's settings; a ConfigError (with positions in the file at fault) when invalid. */
export function repositoryConfig(texts: ConfigTexts): RepositoryConfig {
  if (texts.repository === undefined) {
    return { enabled: false, reason: `the repository has no ${CONFIG_FILE} of its own` };
  }
  const own = parseConfig(texts.repository);
  if (own._extends === undefined) return { enabled: true, config: own };
  if (own._extends !== ".github") {
    throw new ConfigError([{
      file: CONFIG_FILE, ...parseLocatedYaml(texts.repository).locate(["_extends"]), field: "_extends",
      message: `only ".github" (the organisation's .github repository) can be extended (got "${own._extends}")`,
    }]);
  }
  if (texts.organisation === undefined) return { enabled: true, config: own };
  const orgFile = texts.organisationFile ?? `.github:${CONFIG_FILE}`;
  // Checked on its own first, so its problems name its own file and lines.
  parseConfig(texts.organisation, orgFile);
  const merged = deepMerge(raw(texts.organisation), raw(texts.repository));
  return { enabled: true, config: configSchema.parse(merged) };
}

/**
 * Whether the repository's own file takes the organisation's as defaults, so the organisation's
 * has to be read at all: a repository without `_extends: .github` never needs it.
 */
export function extendsOrganisation(repositoryText: string): boolean {
  return raw(repositoryText)._extends === ".github";
}

/** The file's settings as written, before defaults. */
function raw(text: string): Record<string, unknown> {
  const value = parseLocatedYaml(text).value;
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** `over`'s settings over `under`'s, mappings merged key by key; a list replaces a list. */
function deepMerge(under: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...under };
  for (const [key, value] of Object.entries(over)) {
    const below = merged[key];
    merged[key] = isMapping(value) && isMapping(below) ? deepMerge(below, value) : value;
  }
  return merged;
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
