import { describe, expect, it } from "vitest";
import { Ledger } from "../../app/ledger/ledger.js";
import { closeStep } from "../../app/molecules/step-done.js";
import { sling } from "../../app/town/sling.js";
import { beadIdFromStatus, renderStatusComment } from "../../app/town/status-comment.js";
import { minutesAfter, NOW, slingInput } from "./town-builders.js";

describe("the status comment", () => {
  it("shows the bead, its polecat, run, times and the molecule's steps, the bead id in a marker", () => {
    const slung = sling(Ledger.empty(), slingInput());
    if (slung.outcome.kind !== "dispatch") throw new Error("setup");
    const { bead: id, molecule } = slung.outcome.assignment;
    const ledger = closeStep(slung.ledger, molecule, "load", NOW);
    const body = renderStatusComment({
      state: "hooked", headline: "Slung by @mayor to polecat **furiosa** (attempt 1). It is on its way.",
      bead: ledger.get(id), ledger, run: { id: 31, url: "https://github.com/octo/town/actions/runs/31", status: "queued" },
      now: minutesAfter(NOW, 1),
    });
    expect(body).toBe([
      `<!-- gastown:bead ${id} -->`,
      "### Gas Town · 🪝 Hooked",
      "",
      "Slung by @mayor to polecat **furiosa** (attempt 1). It is on its way.",
      "",
      "| | |",
      "|---|---|",
      `| Bead | \`${id}\` (hooked) |`,
      "| Polecat | **furiosa**, attempt 1 |",
      `| Formula | \`work\`, molecule \`${molecule}\` |`,
      "| Run | [#31](https://github.com/octo/town/actions/runs/31) (queued) |",
      "| Slung | by @mayor, 2026-11-24 12:00 UTC |",
      "| Dispatched | 2026-11-24 12:00 UTC |",
      "",
      "**Steps** (1 of 2 done)",
      "",
      `- [x] Load ${id} on polecat/furiosa/${id}`,
      "- [ ] Implement ← next",
      "",
      "<sub>Updated 2026-11-24 12:01 UTC · `/gt help` lists the commands.</sub>",
      "",
    ].join("\n"));
    expect(beadIdFromStatus(body)).toBe(id);
  });

  it("fences error detail as data, in a fence longer than any backticks inside", () => {
    const body = renderStatusComment({
      state: "error", headline: "Gas Town's settings have problems:", now: NOW,
      detail: ".github/gastown.yml:2:3: sling.label: ``` breaks | out",
    });
    expect(body).toBe([
      "### Gas Town · ⚠️ Not slung",
      "",
      "Gas Town's settings have problems:",
      "",
      "````text",
      ".github/gastown.yml:2:3: sling.label: ``` breaks | out",
      "````",
      "",
      "<sub>Updated 2026-11-24 12:00 UTC · `/gt help` lists the commands.</sub>",
      "",
    ].join("\n"));
    expect(beadIdFromStatus(body)).toBeUndefined();
  });
});
