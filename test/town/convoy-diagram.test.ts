import { describe, expect, it } from "vitest";
import { Ledger } from "../../app/ledger/ledger.js";
import { convoyOf, convoyRef, planWave, startedConvoy, type Convoy, type SubIssueFacts } from "../../app/town/convoy.js";
import { convoyDiagram } from "../../app/town/convoy-diagram.js";
import { MOST_NODES } from "../../app/town/mermaid.js";
import { mermaidSources, parseMermaid } from "./mermaid-parser.js";
import { minutesAfter, NOW } from "./town-builders.js";

function started(): Convoy {
  const ledger = startedConvoy(Ledger.empty(), { repo: "octo/town", number: 1, slungBy: "mayor", now: NOW, prefix: "town" });
  return convoyOf(ledger, convoyRef("octo/town", 1)) as Convoy;
}

function sub(repo: string, number: number, fields: Partial<SubIssueFacts> = {}): SubIssueFacts {
  return { repo, number, id: number * 100, state: "open", work: { kind: "none" }, blockers: [], ...fields };
}

describe("the convoy's picture", () => {
  it("boxes each sub-issue in the wave that slung it, kept as its work lands, the blocked ones after", async () => {
    const blocked = { blockers: [{ repo: "octo/town", number: 2, state: "open" as const }] };
    const first = planWave(started(), [sub("octo/town", 2), sub("octo/town", 3, blocked), sub("octo/pumps", 1), sub("octo/town", 4, blocked)], NOW).convoy;
    // #2 landed: #3 and #4 go in wave 2; the pumps' work is on its way, #4's was escalated at once.
    const second = planWave(first, [
      sub("octo/town", 2, { work: { kind: "landed" } }), sub("octo/town", 3), sub("octo/pumps", 1, { work: { kind: "working", status: "hooked" } }), sub("octo/town", 4),
    ], minutesAfter(NOW, 30)).convoy;
    const third = planWave(second, [
      sub("octo/town", 2, { work: { kind: "landed" } }), sub("octo/town", 3, { work: { kind: "working", status: "hooked" } }),
      sub("octo/pumps", 1, { work: { kind: "working", status: "hooked" } }), sub("octo/town", 4, { work: { kind: "escalated" } }),
    ], minutesAfter(NOW, 40)).convoy;
    expect(third.tracked.map((t) => [t.number, t.state, t.wave])).toEqual([[2, "landed", 1], [3, "slung", 2], [1, "slung", 1], [4, "escalated", 2]]);
    const titles = new Map([["octo/town#2", "Fix the pumps"], ["octo/town#3", "Oil"], ["octo/pumps#1", "Seal"]]);
    const block = convoyDiagram(third, titles) as string;
    expect(block).toBe([
      "```mermaid",
      "flowchart LR",
      "  accTitle: The convoy's waves",
      "  subgraph wave1[\"Wave 1\"]",
      "    i1[\"#2 Fix the pumps\"]:::done",
      "    i3[\"octo/pumps#1 Seal\"]:::current",
      "  end",
      "  subgraph wave2[\"Wave 2\"]",
      "    i2[\"#3 Oil\"]:::current",
      "    i4[\"#4\"]:::failed",
      "  end",
      "  classDef done fill:#d3f9d8,stroke:#2b8a3e,color:#1b4332",
      "  classDef current fill:#fff3bf,stroke:#e67700,color:#5c3c00,stroke-width:2px",
      "  classDef failed fill:#ffe3e3,stroke:#c92a2a,color:#5c0011",
      "```",
    ].join("\n"));
    const parsed = await parseMermaid(mermaidSources(block)[0]!);
    expect(parsed.groups.map((g) => [g.title, g.nodes])).toEqual([["Wave 1", ["i1", "i3"]], ["Wave 2", ["i2", "i4"]]]);
  });

  it("draws at most its share of a big convoy and says how many more", async () => {
    const convoy = planWave(started(), Array.from({ length: 45 }, (_, i) => sub("octo/town", i + 2)), NOW).convoy;
    const parsed = await parseMermaid(mermaidSources(convoyDiagram(convoy, new Map()) as string)[0]!);
    expect(parsed.nodes).toHaveLength(MOST_NODES);
    expect(parsed.nodes.at(-1)).toEqual({ id: "more", text: "…and 16 more sub-issues", classes: [] });
  });

  it("keeps a hostile title inside its box, and draws nothing while the convoy tracks nothing", async () => {
    const convoy = planWave(started(), [sub("octo/town", 2)], NOW).convoy;
    const block = convoyDiagram(convoy, new Map([["octo/town#2", "end\nsubgraph x\n\"]:::done\nclick i1 call alert()"]])) as string;
    const parsed = await parseMermaid(mermaidSources(block)[0]!);
    expect(parsed.nodes).toEqual([{ id: "i1", text: "#2 end subgraph x \"]:::done click i1 call alert…", classes: ["current"] }]);
    expect(parsed.groups).toEqual([{ id: "wave1", title: "Wave 1", nodes: ["i1"] }]);
    expect(convoyDiagram(started(), new Map())).toBeUndefined();
  });
});
