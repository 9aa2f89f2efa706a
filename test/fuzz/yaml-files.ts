// The YAML files a repository holds (its settings, its formulas), as fuzzing makes them: a good
// file's value mutated and written again, or its text edited with YAML's punctuation, which
// reaches the anchors, aliases, tags and syntax errors a value cannot.
import fc from "fast-check";
import { expect } from "vitest";
import { stringify } from "yaml";
import { formatLocatedProblem, type LocatedProblem } from "../../app/yaml/located-yaml.js";
import { editText, jsonMutation, mutateJson, yamlEdit } from "./fuzz-arbitraries.js";

export interface YamlCase {
  readonly text: string;
  /** Whether the text is a YAML mapping as written (then every problem names its field). */
  readonly mapping: boolean;
}

/** Mutations of `value` written as YAML, and edits of `text` (which is `value` as a file). */
export function yamlCases(value: unknown, text: string): fc.Arbitrary<YamlCase> {
  return fc.oneof(
    fc.array(jsonMutation, { minLength: 1, maxLength: 4 }).map((mutations) => {
      const mutated = mutateJson(value, mutations);
      return { text: stringify(mutated), mapping: typeof mutated === "object" && mutated !== null && !Array.isArray(mutated) };
    }),
    fc.array(yamlEdit, { minLength: 1, maxLength: 4 }).map((edits) => ({ text: editText(text, edits), mapping: false })),
  );
}

/** What every problem in a YAML file must say: the file, a line and column in it, and what is wrong. */
export function expectLocated(problems: readonly LocatedProblem[], file: string, text: string, mapping: boolean): void {
  expect(problems.length).toBeGreaterThan(0);
  const lines = text.split("\n").length;
  for (const problem of problems) {
    expect(problem.file).toBe(file);
    expect(problem.line).toBeGreaterThanOrEqual(1);
    expect(problem.line).toBeLessThanOrEqual(lines);
    expect(problem.column).toBeGreaterThanOrEqual(1);
    expect(problem.message.trim()).not.toBe("");
    expect(problem.message).not.toMatch(/\[object \w+\]/);
    // One line, as an annotation or a log shows it.
    expect(formatLocatedProblem(problem)).not.toMatch(/[\n\r]/);
    // A file that reads as a mapping has its problems in fields, each named (a missing one in the message).
    if (mapping && problem.field === "") expect(problem.message).toMatch(/^\S+ is required$/);
  }
}
