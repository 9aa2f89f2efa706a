import { describe, expect, it } from "vitest";
import { fleetDiagram, type FleetMember } from "../../app/town/fleet-diagram.js";
import { MOST_NODES } from "../../app/town/mermaid.js";
import { mermaidSources, parseMermaid } from "./mermaid-parser.js";

describe("the fleet's picture", () => {
  it("boxes the polecats by state, in the order the table shows them, and says how many it leaves out", async () => {
    const members: FleetMember[] = Array.from({ length: 40 }, (_, i) => ({
      polecat: `cat${i + 1}`, bead: `town-${i + 1}`, state: i < 2 ? "stuck" : i < 35 ? "working" : "done",
    }));
    const parsed = await parseMermaid(mermaidSources(fleetDiagram(members, 5)!)[0]!);
    expect(parsed.groups.map((g) => [g.title, g.nodes.length])).toEqual([["Stuck", 2], ["Working", 27]]);
    expect(parsed.nodes).toHaveLength(MOST_NODES);
    expect(parsed.nodes.at(-1)).toEqual({ id: "more", text: "…and 16 more polecats", classes: [] });
    expect(parsed.nodes[0]).toEqual({ id: "p1", text: "cat1, town-1", classes: ["failed"] });
  });

  it("keeps a hostile polecat name inside its box", async () => {
    const block = fleetDiagram([{ polecat: "x\"]\nclick p1 href \"javascript:alert(1)\"\n%%", bead: "town-1", state: "idle", detail: "0 of 2 steps" }], 0)!;
    const parsed = await parseMermaid(mermaidSources(block)[0]!);
    expect(parsed.nodes).toEqual([{ id: "p1", text: "x\"] click p1 href \"javascript:alert(1)\" %%, tow…", classes: ["waiting"] }]);
  });

  it("draws nothing for no polecats", () => {
    expect(fleetDiagram([], 0)).toBeUndefined();
  });
});
