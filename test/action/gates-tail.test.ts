import { describe, expect, it } from "vitest";
import { OutputTail, TAIL_CHARS, TAIL_LINES, tailOf } from "../../action/gates/output-tail.js";

describe("the tail of a gate's output", () => {
  it("keeps the last lines, without colours, trailing blank lines or progress redraws", () => {
    const output = "\u001b[32mok\u001b[0m 1\r\n\u001b]8;;https://example.com\u0007link\u001b]8;;\u0007\nprogress 10%\rprogress 100%\n\n\n";
    expect(tailOf(output)).toBe("ok 1\nlink\nprogress 100%");
  });

  it("is at most TAIL_LINES lines and TAIL_CHARS characters", () => {
    const lines = Array.from({ length: 200 }, (_, i) => `line ${i}`);
    expect(tailOf(lines.join("\n")).split("\n")).toEqual(lines.slice(-TAIL_LINES));
    const long = `start\n${"x".repeat(3 * TAIL_CHARS)}end`;
    expect(tailOf(long)).toBe(`${"x".repeat(TAIL_CHARS - 3)}end`);
  });

  it("is the same however the output streams in", () => {
    const output = Array.from({ length: 5000 }, (_, i) => `line ${i} \u001b[31mred\u001b[0m`).join("\n");
    const tail = new OutputTail();
    for (let at = 0; at < output.length; at += 7) tail.push(output.slice(at, at + 7));
    expect(tail.text()).toBe(tailOf(output));
    expect(tail.text().split("\n")).toHaveLength(TAIL_LINES);
  });
});
