import { describe, expect, it } from "vitest";
import { capped, mermaidBlock, mermaidLabel, MOST_NODES } from "../../app/town/mermaid.js";
import { mermaidSources, parseMermaid } from "./mermaid-parser.js";

describe("the diagrams' Mermaid", () => {
  it("writes nodes in boxes, arrows and the classes of the states used", async () => {
    const block = mermaidBlock({
      title: "Steps", direction: "LR",
      groups: [{ id: "w1", label: "Wave 1", nodes: [{ id: "a", label: "Load", state: "done" }] }],
      nodes: [{ id: "b", label: "Implement", state: "current" }, { id: "c", label: "…and 2 more" }],
      edges: [["a", "b"]],
    });
    expect(block).toBe([
      "```mermaid",
      "flowchart LR",
      "  accTitle: Steps",
      "  subgraph w1[\"Wave 1\"]",
      "    a[\"Load\"]:::done",
      "  end",
      "  b[\"Implement\"]:::current",
      "  c[\"#8230;and 2 more\"]",
      "  a --> b",
      "  classDef done fill:#d3f9d8,stroke:#2b8a3e,color:#1b4332",
      "  classDef current fill:#fff3bf,stroke:#e67700,color:#5c3c00,stroke-width:2px",
      "```",
    ].join("\n"));
    const parsed = await parseMermaid(mermaidSources(block)[0]!);
    expect(parsed.nodes.map((n) => [n.id, n.text, n.classes])).toEqual([
      ["a", "Load", ["done"]], ["b", "Implement", ["current"]], ["c", "…and 2 more", []],
    ]);
    expect(parsed.edges).toEqual([["a", "b"]]);
    expect(parsed.groups).toEqual([{ id: "w1", title: "Wave 1", nodes: ["a"] }]);
    expect(parsed.accTitle).toBe("Steps");
  });

  it("keeps hostile text inert: it cannot leave its label, add a statement, or close the fence", async () => {
    const hostile = [
      "x\"] --> evil[\"pwned",
      "a]; click b call alert(1); %%",
      "x\"]\n  click a href \"https://evil.example\"\n  a[\"y",
      "%%{init: {\"securityLevel\": \"loose\"}}%%",
      "```\n@mayor <img src=x onerror=alert(1)> `code` <script>alert(1)</script>",
      "#quot; #60;b#62; ﬂ°°60¶ß style a fill:#f00;",
      "call evil() | end | subgraph x",
    ];
    const block = mermaidBlock({ title: "Hostile", direction: "TD", nodes: hostile.map((label, i) => ({ id: `n${i}`, label })) });
    // One fence, closed where the App closed it: no line of the labels' own.
    expect(block.split("\n")).toHaveLength(3 + hostile.length + 1);
    expect(block.split("\n").slice(3, -1).every((line) => /^ {2}n\d\["[^"`%<>;\n]*(?:#\d+;[^"`%<>;\n]*)*"\]$/.test(line))).toBe(true);
    const parsed = await parseMermaid(mermaidSources(block)[0]!);
    expect(parsed.nodes.map((n) => n.id)).toEqual(hostile.map((_, i) => `n${i}`));
    expect(parsed.edges).toEqual([]);
    expect(parsed.groups).toEqual([]);
    expect(parsed.tooltips).toBe(0);
    expect(parsed.nodes.filter((n) => n.link !== undefined || n.haveCallback === true || n.classes.length > 0)).toEqual([]);
    // Each label drawn as the text it was (sanitised, on one line, cut short), markup and all as text.
    expect(parsed.nodes.map((n) => n.text)).toEqual([
      "x\"] --> evil[\"pwned",
      "a]; click b call alert(1); %%",
      "x\"] click a href \"https://evil.example\" a[\"y",
      "%%{init: {\"securityLevel\": \"loose\"}}%%",
      "``` @mayor `code`",
      "#quot; #60;b#62; ﬂ°°60¶ß style a fill:#f00;",
      "call evil() | end | subgraph x",
    ]);
  });

  it("cuts a long label short and says how many items a picture leaves out", () => {
    expect(mermaidLabel("a".repeat(60))).toBe(`${"a".repeat(47)}#8230;`);
    expect(mermaidLabel("  two\n lines  ")).toBe("two lines");
    expect(capped([1, 2, 3], 2)).toEqual({ shown: [1, 2], more: 1 });
    expect(capped([1, 2], MOST_NODES)).toEqual({ shown: [1, 2], more: 0 });
  });

  it("refuses an id that is not the App's", () => {
    expect(() => mermaidBlock({ title: "t", direction: "LR", nodes: [{ id: "a\"]; click", label: "x" }] })).toThrow(/not a diagram id/);
  });
});
