// Fuzzing `.github/gastown.yml`, which anyone who can push writes: reading it never throws
// anything but a ConfigError, never hangs on aliases, and every problem names the file, the line
// and column, and the setting.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { defaultConfig } from "../../app/config/config-schema.js";
import { CONFIG_FILE, ConfigError, parseConfig } from "../../app/config/read-config.js";
import { stringify } from "yaml";
import { FUZZ_TIMEOUT, ALIAS_BOMB, fuzzRuns } from "./fuzz-arbitraries.js";
import { expectLocated, yamlCases } from "./yaml-files.js";

/** Every setting, written out: what mutations start from. */
const FULL = { _extends: ".github", ...defaultConfig() };

function problemsOf(text: string): ConfigError | undefined {
  try {
    parseConfig(text);
    return undefined;
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
}

describe(".github/gastown.yml, fuzzed", { timeout: FUZZ_TIMEOUT }, () => {
  it("reads or names file, line, column and setting of every problem", () => {
    fc.assert(fc.property(yamlCases(FULL, stringify(FULL)), ({ text, mapping }) => {
      const error = problemsOf(text);
      if (error) expectLocated(error.problems, CONFIG_FILE, text, mapping);
    }), fuzzRuns(150));
  });

  it("names the alias of a billion laughs and one to no anchor (found by fuzzing: they threw a bare ReferenceError)", () => {
    expect(problemsOf(ALIAS_BOMB)?.message).toBe(`${CONFIG_FILE}:2:8: Excessive alias count indicates a resource exhaustion attack`);
    expect(problemsOf("polecat:\n  name_pool: *pool\n")?.message).toBe(
      `${CONFIG_FILE}:2:14: Unresolved alias (the anchor must be set before the alias): pool`,
    );
  });
});
