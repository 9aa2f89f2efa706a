// protected_paths globs: minimatch's reading with `dot: true`, and a pattern naming a directory
// protecting what is in it.
import { describe, expect, it } from "vitest";
import { globMatches, protectingPattern } from "../../app/polecat/path-glob.js";

describe("globMatches", () => {
  it("reads * within a segment, ? as one character, ** as any number of segments", () => {
    expect(globMatches(".github/**", ".github/workflows/ci.yml")).toBe(true);
    expect(globMatches(".github/**", ".github")).toBe(true);
    expect(globMatches(".github/**", ".githubx/a")).toBe(false);
    expect(globMatches("**/CODEOWNERS", "CODEOWNERS")).toBe(true);
    expect(globMatches("**/CODEOWNERS", "a/b/CODEOWNERS")).toBe(true);
    expect(globMatches("**/CODEOWNERS", "a/CODEOWNERS.md")).toBe(false);
    expect(globMatches("src/*.ts", "src/a.ts")).toBe(true);
    expect(globMatches("src/*.ts", "src/a/b.ts")).toBe(false);
    expect(globMatches("src/?.ts", "src/a.ts")).toBe(true);
    expect(globMatches("src/?.ts", "src/ab.ts")).toBe(false);
    expect(globMatches("a/**/b", "a/b")).toBe(true);
    expect(globMatches("a/**/**/b", "a/x/y/b")).toBe(true);
  });

  it("matches dotfiles with * as minimatch does with dot: true", () => {
    expect(globMatches("*", ".env")).toBe(true);
    expect(globMatches("**", ".github/CODEOWNERS")).toBe(true);
    expect(globMatches("config/*", "config/.secret")).toBe(true);
  });

  it("reads character classes and takes everything else literally", () => {
    expect(globMatches("v[0-9].txt", "v7.txt")).toBe(true);
    expect(globMatches("v[!0-9].txt", "v7.txt")).toBe(false);
    expect(globMatches("v[!0-9].txt", "vx.txt")).toBe(true);
    expect(globMatches("a+b(c)|d$.txt", "a+b(c)|d$.txt")).toBe(true);
    expect(globMatches("a.txt", "abtxt")).toBe(false);
    expect(globMatches("[unclosed", "[unclosed")).toBe(true);
    expect(globMatches("/.beads/formulas/**", ".beads/formulas/x.formula.yaml")).toBe(true);
    expect(globMatches("./docs/", "docs")).toBe(true);
  });
});

describe("protectingPattern", () => {
  it("names the first pattern that matches the path or a directory above it", () => {
    const patterns = [".github/**", ".beads/formulas/**", "**/CODEOWNERS", "secrets"];
    expect(protectingPattern(patterns, ".github/workflows/x.yml")).toBe(".github/**");
    expect(protectingPattern(patterns, "docs/CODEOWNERS")).toBe("**/CODEOWNERS");
    expect(protectingPattern(patterns, ".github/CODEOWNERS")).toBe(".github/**");
    expect(protectingPattern(patterns, "secrets/prod/key.pem")).toBe("secrets");
    expect(protectingPattern(patterns, "src/secrets.ts")).toBeUndefined();
    expect(protectingPattern(patterns, ".beads/issues.jsonl")).toBeUndefined();
    expect(protectingPattern([], "CODEOWNERS")).toBeUndefined();
  });
});
