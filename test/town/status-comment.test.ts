import { describe, expect, it } from "vitest";
import { defaultConfig } from "../../app/config/config-schema.js";
import { Ledger } from "../../app/ledger/ledger.js";
import { withGastownMetadata } from "../../app/molecules/gastown-metadata.js";
import { closeStep } from "../../app/molecules/step-done.js";
import { sling } from "../../app/town/sling.js";
import { beadIdFromStatus, renderStatusComment } from "../../app/town/status-comment.js";
import { stepChainPicture } from "./expected-pictures.js";
import { parseDiagrams } from "./mermaid-parser.js";
import { minutesAfter, NOW, slingInput } from "./town-builders.js";

describe("the status comment", () => {
  it("shows the bead, its polecat, run, times and the molecule's steps, the bead id in a marker", async () => {
    const slung = sling(Ledger.empty(), slingInput());
    if (slung.outcome.kind !== "dispatch") throw new Error("setup");
    const { bead: id, molecule } = slung.outcome.assignment;
    const ledger = closeStep(slung.ledger, molecule, "load", NOW);
    const body = renderStatusComment({
      state: "hooked", headline: "Slung by @mayor to polecat **furiosa** (attempt 1). It is on its way.",
      bead: ledger.get(id), ledger, run: { id: 31, url: "https://github.com/octo/town/actions/runs/31", status: "queued" },
      sandbox: defaultConfig().polecat, now: minutesAfter(NOW, 1),
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
      ...stepChainPicture([[`Load ${id} on polecat/furiosa/${id}`, "done"], ["Implement", "current"]]),
      "",
      "<sub>Updated 2026-11-24 12:01 UTC · `/gt help` lists the commands.</sub>",
      "",
    ].join("\n"));
    expect((await parseDiagrams(body)).map((diagram) => diagram.nodes.length)).toEqual([2]);
    expect(beadIdFromStatus(body)).toBe(id);
  });

  it("shows the exit and what the attempt spent, as the run recorded them on the bead", () => {
    const slung = sling(Ledger.empty(), slingInput());
    if (slung.outcome.kind !== "dispatch") throw new Error("setup");
    const { bead: id } = slung.outcome.assignment;
    const bead = withGastownMetadata(slung.ledger.get(id)!, { exit: "ESCALATE", exit_turns: 12, exit_cost_usd: 0.4216 });
    const rows = renderStatusComment({ state: "escalated", headline: "Escalated.", bead, ledger: slung.ledger.withBead(bead), sandbox: defaultConfig().polecat, now: NOW })
      .split("\n").filter((line) => line.startsWith("| Exit") || line.startsWith("| Spent"));
    expect(rows).toEqual(["| Exit | ESCALATE |", "| Spent | 12 turns, $0.42 |"]);
  });

  it("shows what the witness last did about a stuck polecat, and when", () => {
    const slung = sling(Ledger.empty(), slingInput());
    if (slung.outcome.kind !== "dispatch") throw new Error("setup");
    const { bead: id } = slung.outcome.assignment;
    const row = (fields: Record<string, unknown>) => {
      const bead = withGastownMetadata(slung.ledger.get(id)!, fields);
      return renderStatusComment({ state: "hooked", headline: "On its way.", bead, ledger: slung.ledger.withBead(bead), sandbox: defaultConfig().polecat, now: NOW })
        .split("\n").filter((line) => line.startsWith("| Witness"));
    };
    expect(row({ witness_rung: 1, witness_at: minutesAfter(NOW, 20).toISOString() })).toEqual(["| Witness | nudged the agent (no progress), 2026-11-24 12:20 UTC |"]);
    expect(row({ witness_rung: 2, witness_at: minutesAfter(NOW, 40).toISOString() })).toEqual([
      "| Witness | cancelled and restarted it (no progress after a nudge), 2026-11-24 12:40 UTC |",
    ]);
    // A rung from before the bead was slung again is history.
    expect(row({ witness_rung: 1, witness_at: minutesAfter(NOW, -20).toISOString() })).toEqual([]);
  });

  it("fences error detail as data, in a fence longer than any backticks inside", () => {
    const body = renderStatusComment({
      state: "error", headline: "Gas Town's settings have problems:", now: NOW, sandbox: undefined,
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

  it("says under the headline, for any state, when the sandbox is off or the network open", () => {
    const slung = sling(Ledger.empty(), slingInput());
    if (slung.outcome.kind !== "dispatch") throw new Error("setup");
    const { bead: id, molecule } = slung.outcome.assignment;
    const { ledger } = slung;
    const { network } = defaultConfig().polecat;
    const body = renderStatusComment({
      state: "blocked", headline: "Polecat **furiosa** ended attempt 1 as BLOCKED: the work is blocked.", detail: "Waits on the pumps.",
      bead: ledger.get(id), ledger, sandbox: { sandbox: "off", network }, now: NOW,
    });
    expect(body).toBe([
      `<!-- gastown:bead ${id} -->`,
      "### Gas Town · ⛔ Blocked",
      "",
      "Polecat **furiosa** ended attempt 1 as BLOCKED: the work is blocked.",
      "",
      "⚠️ **Sandbox off**: the agent runs unisolated, with the model's key and the runner's network (`polecat.sandbox: off`).",
      "",
      "```text",
      "Waits on the pumps.",
      "```",
      "",
      "| | |",
      "|---|---|",
      `| Bead | \`${id}\` (hooked) |`,
      "| Polecat | **furiosa**, attempt 1 |",
      `| Formula | \`work\`, molecule \`${molecule}\` |`,
      "| Slung | by @mayor, 2026-11-24 12:00 UTC |",
      "| Dispatched | 2026-11-24 12:00 UTC |",
      "",
      "**Steps** (0 of 2 done)",
      "",
      `- [ ] Load ${id} on polecat/furiosa/${id} ← next`,
      "- [ ] Implement",
      "",
      ...stepChainPicture([[`Load ${id} on polecat/furiosa/${id}`, "current"], ["Implement", "waiting"]]),
      "",
      "<sub>Updated 2026-11-24 12:00 UTC · `/gt help` lists the commands.</sub>",
      "",
    ].join("\n"));
    const open = renderStatusComment({ state: "waiting", headline: "Waits.", bead: ledger.get(id), ledger, sandbox: { sandbox: "on", network: "open" }, now: NOW });
    expect(open.split("\n").slice(1, 6)).toEqual([
      "### Gas Town · ⏳ Waiting for a free polecat", "", "Waits.", "",
      "⚠️ **Network open**: the agent can reach any public host (`polecat.network: open`).",
    ]);
    // A status with no bead is about the settings or the issue, and no polecat ran.
    expect(renderStatusComment({ state: "error", headline: "Closed.", sandbox: { sandbox: "off", network }, now: NOW })).not.toContain("Sandbox off");
    expect(renderStatusComment({ state: "hooked", headline: "On its way.", bead: ledger.get(id), ledger, sandbox: defaultConfig().polecat, now: NOW }))
      .not.toContain("⚠️");
  });
});
