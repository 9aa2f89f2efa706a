// A polecat's output, untrusted text: cleaned of escapes, controls and invisible characters,
// cut to the asked-for tail and to what fits in a comment, and fenced so nothing in it renders.
import { describe, expect, it } from "vitest";
import { fenced } from "../../app/town/fenced-text.js";
import { cleanLine, jobLogTail, MAX_LINE_CHARS, MAX_OUTPUT_CHARS, outputTail } from "../../app/town/output-tail.js";
import { parsePolecatBranch } from "../../app/town/polecat-names.js";

describe("cleaning a line", () => {
  it("removes terminal escapes, controls but tab, and trailing space", () => {
    expect(cleanLine("\u001b[1;31mFAIL\u001b[0m test/a.ts  ")).toBe("FAIL test/a.ts");
    expect(cleanLine("\u001b]0;title\u0007after \u001b]8;;https://x\u001b\\link\u001b]8;;\u001b\\")).toBe("after link");
    expect(cleanLine("bell\u0007 back\bspace nul\u0000 del\u007f c1\u009b\ttab")).toBe("bell backspace nul del c1\ttab");
    expect(cleanLine("lone escape \u001b")).toBe("lone escape");
  });

  it("removes invisible and direction-changing characters (Trojan Source)", () => {
    const sneaky = "a\u200bb\u200dc\u202ed\u2066e\u2069f\u061cg\ufeffh\u00adi\u2060j\u{e0041}k\ufe0fl";
    expect(cleanLine(sneaky)).toBe("abcdefghijkl");
    // Ordinary non-ASCII text is kept.
    expect(cleanLine("ünïcödé — 日本語 ✅")).toBe("ünïcödé — 日本語 ✅");
  });

  it("cuts a long line at MAX_LINE_CHARS, counting characters, not UTF-16 units", () => {
    expect(cleanLine("x".repeat(MAX_LINE_CHARS))).toBe("x".repeat(MAX_LINE_CHARS));
    expect(cleanLine("x".repeat(MAX_LINE_CHARS + 1))).toBe(`${"x".repeat(MAX_LINE_CHARS - 1)}…`);
    expect(Array.from(cleanLine("😀".repeat(MAX_LINE_CHARS + 5)))).toHaveLength(MAX_LINE_CHARS);
  });
});

describe("the tail of the output", () => {
  it("takes the last n lines, whatever the line endings, without trailing blank lines", () => {
    expect(outputTail("one\r\ntwo\rthree\nfour\n\n  \n", 3)).toEqual(["two", "three", "four"]);
    expect(outputTail("one\n\ntwo\n", 5)).toEqual(["one", "", "two"]);
    expect(outputTail("one\ntwo", 1)).toEqual(["two"]);
  });

  it("is empty for no lines or no text", () => {
    expect(outputTail("one\ntwo", 0)).toEqual([]);
    expect(outputTail("one\ntwo", Number.NaN)).toEqual([]);
    expect(outputTail("", 20)).toEqual([]);
    expect(outputTail("\n\n\u001b[0m\n", 20)).toEqual([]);
  });

  it("drops the earliest lines to stay within MAX_OUTPUT_CHARS", () => {
    const line = "y".repeat(MAX_LINE_CHARS);
    const tail = outputTail(Array.from({ length: 1000 }, (_, i) => `${i} ${line}`).join("\n"), 1000);
    expect(tail.reduce((sum, l) => sum + l.length + 1, 0)).toBeLessThanOrEqual(MAX_OUTPUT_CHARS);
    expect(tail).toHaveLength(Math.floor(MAX_OUTPUT_CHARS / (MAX_LINE_CHARS + 1)));
    expect(tail.at(-1)?.startsWith("999 ")).toBe(true);
  });

  it("reads a job log without GitHub's timestamps", () => {
    const log = "\ufeff2026-11-24T11:58:01.1234567Z ##[group]Run gt step done\n2026-11-24T11:58:02.0000000Z ok\n2026-11-24T11:58:03Z done\n";
    expect(jobLogTail(log, 2)).toEqual(["ok", "done"]);
    expect(jobLogTail(log, 5)).toEqual(["##[group]Run gt step done", "ok", "done"]);
  });
});

describe("fencing the output", () => {
  it("uses a fence longer than any run of backticks inside, so the text cannot close it", () => {
    expect(fenced("plain")).toBe("```text\nplain\n```");
    expect(fenced("```\n# not a heading\n````")).toBe("`````text\n```\n# not a heading\n````\n`````");
  });
});

describe("a polecat's branch", () => {
  it("names its polecat and bead", () => {
    expect(parsePolecatBranch("polecat/furiosa/town-a1b")).toEqual({ polecat: "furiosa", bead: "town-a1b" });
    expect(parsePolecatBranch("refs/heads/polecat/nux-2/town-mol-x.1")).toEqual({ polecat: "nux-2", bead: "town-mol-x.1" });
  });

  it("is no polecat's in any other shape", () => {
    for (const ref of ["main", "polecat/furiosa", "polecat//town-a1b", "polecat/furiosa/", "polecat/a/b/c", "x/polecat/a/b", "Polecat/a/b", "polecat/a b/c"]) {
      expect(parsePolecatBranch(ref), ref).toBeUndefined();
    }
  });
});
