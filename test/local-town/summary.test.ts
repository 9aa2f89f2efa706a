// The local town's summary page: its issues, its fleet drawn as `/peek all` draws it (a picture
// that parses, and the same in words), and its digests, with text kept inside its table cells.
import { describe, expect, it } from "vitest";
import { fleetOf, summaryMarkdown, type Digest } from "../../local-town/summary.js";
import { mermaidSources, parseMermaid } from "../town/mermaid-parser.js";

const digests: Digest[] = [
  { kind: "work", bead: "town-1", agent: "furiosa", exit: "COMPLETED", summary: "Lit the lighthouse" },
  { kind: "work", bead: "town-3", agent: "nux", exit: "COMPLETED", summary: "Sounded the foghorn | badly" },
  { kind: "work", bead: "town-3", agent: "nux", exit: "COMPLETED", summary: "Fixed the foghorn" },
  { kind: "merge", bead: "town-1", agent: "furiosa", exit: "MERGED", summary: "#4 landed in #6 after 0 failed batches." },
  { kind: "merge", bead: "town-3", agent: "nux", exit: "MERGED", summary: "#5 landed in #8." },
  { kind: "work", bead: "town-2", agent: "slit", exit: "ESCALATE", summary: "Needs a person" },
];

describe("the local town's summary page", () => {
  it("counts each polecat's molecules on its bead and says whether its work landed", () => {
    expect(fleetOf(digests)).toEqual([
      { polecat: "furiosa", bead: "town-1", state: "done", detail: "1 molecule, merged" },
      { polecat: "nux", bead: "town-3", state: "done", detail: "2 molecules, merged" },
      { polecat: "slit", bead: "town-2", state: "stuck", detail: "1 molecule, ESCALATE" },
    ]);
  });

  it("draws the fleet in a picture that parses, says it in words beside it, and keeps a pipe inside its cell", async () => {
    const page = summaryMarkdown([
      { number: 1, title: "Light the lighthouse", state: "closed", bead: "town-1", beadStatus: "closed" },
      { number: 2, title: "Paint | the dock", state: "open", bead: undefined, beadStatus: undefined },
    ], digests, 42);
    const [source] = mermaidSources(page);
    const parsed = await parseMermaid(source as string);
    expect(parsed.groups.map((g) => [g.title, g.nodes.map((id) => parsed.nodes.find((n) => n.id === id)?.text)])).toEqual([
      ["Stuck", ["slit, town-2, 1 molecule, ESCALATE"]],
      ["Done", ["furiosa, town-1, 1 molecule, merged", "nux, town-3, 2 molecules, merged"]],
    ]);
    expect(page.split("\n").filter((line) => line.startsWith("|") || line.startsWith("- ") || line.startsWith("#") || line.startsWith("Done"))).toEqual([
      "# The local town",
      "Done in 42 s.",
      "## Issues",
      "| Issue | Title | State | Bead |",
      "|---|---|---|---|",
      "| #1 | Light the lighthouse | closed | `town-1` closed |",
      "| #2 | Paint \\| the dock | open |  |",
      "## The fleet",
      "- **furiosa** on `town-1`: 1 molecule, merged",
      "- **nux** on `town-3`: 2 molecules, merged",
      "- **slit** on `town-2`: 1 molecule, ESCALATE",
      "## Digests (`.beads/digests/` on `gastown/ledger`)",
      "| Kind | Bead | Polecat | Exit | Summary |",
      "|---|---|---|---|---|",
      "| work | `town-1` | furiosa | COMPLETED | Lit the lighthouse |",
      "| work | `town-3` | nux | COMPLETED | Sounded the foghorn \\| badly |",
      "| work | `town-3` | nux | COMPLETED | Fixed the foghorn |",
      "| merge | `town-1` | furiosa | MERGED | #4 landed in #6 after 0 failed batches. |",
      "| merge | `town-3` | nux | MERGED | #5 landed in #8. |",
      "| work | `town-2` | slit | ESCALATE | Needs a person |",
    ]);
  });

  it("says so when no polecat finished a molecule", () => {
    expect(summaryMarkdown([], [], 1)).toContain("## The fleet\n\nNo polecat finished a molecule.\n");
  });
});
