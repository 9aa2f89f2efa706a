// The /peek reply and the /peek all table, exactly as posted.
import { describe, expect, it } from "vitest";
import { defaultConfig } from "../../app/config/config-schema.js";
import type { Bead } from "../../app/ledger/bead-schema.js";
import { Ledger } from "../../app/ledger/ledger.js";
import { withGastownMetadata } from "../../app/molecules/gastown-metadata.js";
import { closeStep } from "../../app/molecules/step-done.js";
import { duration, renderNoPolecat, renderPeek, renderPeekAll, type PeekView } from "../../app/town/peek-reply.js";
import { polecatHealth } from "../../app/town/polecat-health.js";
import { polecatRoster } from "../../app/town/polecat-roster.js";
import { sling } from "../../app/town/sling.js";
import { fleetPicture, stepChainPicture } from "./expected-pictures.js";
import { parseDiagrams } from "./mermaid-parser.js";
import { issue, minutesAfter, NOW, slingInput } from "./town-builders.js";

const { sandbox, network } = defaultConfig().polecat;
const SETTINGS = { stuckMinutes: 20, maxAttempts: 3, sandbox, network };
const LATER = minutesAfter(NOW, 5);
const RUN = { id: 31, url: "https://github.com/octo/town/actions/runs/31", status: "in_progress", conclusion: null };

/** Issue 7 slung to furiosa with its first step done. */
function slung() {
  const result = sling(Ledger.empty(), slingInput());
  if (result.outcome.kind !== "dispatch") throw new Error("setup");
  const { bead: id, molecule } = result.outcome.assignment;
  const ledger = closeStep(result.ledger, molecule, "load", NOW);
  return { id, molecule, ledger, bead: ledger.get(id) as Bead };
}

function view(fields: Partial<PeekView> & Pick<PeekView, "bead" | "ledger" | "health">): PeekView {
  return { sender: "mayor", settings: SETTINGS, now: LATER, ...fields };
}

describe("the /peek reply", () => {
  it("shows a working polecat: heartbeat, run, steps with the current one, the output fenced", async () => {
    const { id, ledger, bead } = slung();
    const heartbeat = { at: minutesAfter(NOW, 2), state: "working" as const, step: "implement", attempt: 1 };
    const health = polecatHealth({ bead, run: { live: true, status: "in_progress", conclusion: null }, heartbeat, now: LATER, stuckMinutes: 20 });
    const body = renderPeek(view({ bead, ledger, health, heartbeat, run: RUN, output: { lines: ["$ npm test", "```", "ok 12 tests"], source: "heartbeat" } }));
    expect(body).toBe([
      "### Gas Town · 🔭 Peek at polecat **furiosa**",
      "",
      "@mayor: polecat **furiosa** is 🟢 working: its last heartbeat was 3 minutes ago.",
      "",
      "| | |",
      "|---|---|",
      `| Bead | \`${id}\` (hooked) · [#7](https://github.com/octo/town/issues/7) |`,
      "| Heartbeat | 3 minutes ago (2026-11-24 12:02 UTC): working, step `implement` |",
      "| Run | [#31](https://github.com/octo/town/actions/runs/31) (in_progress) |",
      "| Exit | none yet |",
      "| Attempts | 1 of 3 |",
      "",
      "**Steps** (1 of 2 done)",
      "",
      `- [x] Load ${id} on polecat/furiosa/${id}`,
      "- [ ] Implement ← now",
      "",
      ...stepChainPicture([[`Load ${id} on polecat/furiosa/${id}`, "done"], ["Implement", "current"]]),
      "",
      "**Output** (the last 3 lines, from its heartbeat)",
      "",
      "````text",
      "$ npm test",
      "```",
      "ok 12 tests",
      "````",
      "",
      "<sub>As of 2026-11-24 12:05 UTC · `/peek <n>` shows the last n lines of output, `/peek all` every polecat.</sub>",
      "",
    ].join("\n"));
    expect((await parseDiagrams(body)).map((diagram) => diagram.nodes.length)).toEqual([2]);
  });

  it("shows what a sandboxed run has spent, as its heartbeat says its model proxy metered it", () => {
    const { ledger, bead } = slung();
    const heartbeat = { at: minutesAfter(NOW, 2), state: "working" as const, step: "implement", attempt: 1, spent: { turns: 7, costUsd: 0.4216 } };
    const health = polecatHealth({ bead, run: { live: true, status: "in_progress", conclusion: null }, heartbeat, now: LATER, stuckMinutes: 20 });
    const rows = renderPeek(view({ bead, ledger, health, heartbeat, run: RUN })).split("\n").filter((line) => line.startsWith("| "));
    expect(rows.slice(2, 5)).toEqual([
      "| Heartbeat | 3 minutes ago (2026-11-24 12:02 UTC): working, step `implement` |",
      "| Spent | 7 turns, $0.42 (metered by its model proxy) |",
      "| Run | [#31](https://github.com/octo/town/actions/runs/31) (in_progress) |",
    ]);
  });

  it("shows what the witness last did about it, under its attempts", () => {
    const { id, ledger } = slung();
    const bead = withGastownMetadata(ledger.get(id)!, { witness_rung: 1, witness_at: minutesAfter(NOW, 3).toISOString() });
    const heartbeat = { at: minutesAfter(NOW, 2), state: "working" as const, step: "implement", attempt: 1 };
    const health = polecatHealth({ bead, run: { live: true, status: "in_progress", conclusion: null }, heartbeat, now: LATER, stuckMinutes: 20 });
    const rows = renderPeek(view({ bead, ledger: ledger.withBead(bead), health, heartbeat, run: RUN })).split("\n").filter((line) => line.startsWith("| "));
    expect(rows.slice(-2)).toEqual(["| Attempts | 1 of 3 |", "| Witness | nudged the agent (no progress), 2026-11-24 12:03 UTC |"]);
  });

  it("counts the attempts since the bead was slung against witness.max_attempts, with the attempt number after earlier slings", () => {
    const { id, ledger } = slung();
    const bead = withGastownMetadata(ledger.get(id)!, { attempt: 5, attempts_before_sling: 3 });
    const health = polecatHealth({ bead, now: LATER, stuckMinutes: 20 });
    const rows = renderPeek(view({ bead, ledger: ledger.withBead(bead), health })).split("\n").filter((line) => line.startsWith("| Attempts"));
    expect(rows).toEqual(["| Attempts | 2 of 3 since it was slung (attempt 5) |"]);
  });

  it("says, under the state, when the sandbox is off or the network open", () => {
    const { bead, ledger } = slung();
    const heartbeat = { at: minutesAfter(NOW, 2), state: "working" as const, step: "implement", attempt: 1 };
    const health = polecatHealth({ bead, run: { live: true, status: "in_progress", conclusion: null }, heartbeat, now: LATER, stuckMinutes: 20 });
    const head = (settings: Partial<typeof SETTINGS>) =>
      renderPeek(view({ bead, ledger, health, heartbeat, run: RUN, settings: { ...SETTINGS, ...settings } })).split("\n").slice(0, 7);
    expect(head({ sandbox: "off" })).toEqual([
      "### Gas Town · 🔭 Peek at polecat **furiosa**",
      "",
      "@mayor: polecat **furiosa** is 🟢 working: its last heartbeat was 3 minutes ago.",
      "",
      "⚠️ **Sandbox off**: the agent runs unisolated, with the model's key and the runner's network (`polecat.sandbox: off`).",
      "",
      "| | |",
    ]);
    expect(head({ network: "open" }).slice(2, 7)).toEqual([
      "@mayor: polecat **furiosa** is 🟢 working: its last heartbeat was 3 minutes ago.",
      "",
      "⚠️ **Network open**: the agent can reach any public host (`polecat.network: open`).",
      "",
      "| | |",
    ]);
  });

  it("shows a stuck polecat and why, with the setting it was judged by", () => {
    const { bead, ledger } = slung();
    const heartbeat = { at: minutesAfter(LATER, -45), step: 2 };
    const health = polecatHealth({ bead, run: { live: true, status: "in_progress", conclusion: null }, heartbeat, now: LATER, stuckMinutes: 20 });
    const body = renderPeek(view({ bead, ledger, health, heartbeat, run: RUN }));
    expect(body).toContain("@mayor: polecat **furiosa** is 🔴 stuck: its heartbeat is stale: none for 45 minutes (witness.stuck_minutes is 20), so its runner looks gone.\n");
    expect(body).toContain("| Heartbeat | 45 minutes ago (2026-11-24 11:20 UTC): step 2 |\n");
    // The step number marks the step `<root>.2`.
    expect(body).toContain("- [ ] Implement ← now\n");
    expect(body).toContain("**Output**: none to show.\n");
  });

  it("shows a finished polecat: its exit, the run's conclusion, the ledger's next step, the job log", () => {
    const { bead: hooked, ledger } = slung();
    const bead = withGastownMetadata({ ...hooked, status: "in_progress" }, { exit: "COMPLETED", exit_reason: "PR #9 opened | queued" });
    const health = polecatHealth({ bead, run: { live: false, status: "completed", conclusion: "success" }, now: LATER, stuckMinutes: 20 });
    const body = renderPeek(view({
      bead, ledger: ledger.withBead(bead), health, heartbeat: { at: minutesAfter(NOW, 4), state: "done", step: "implement" },
      run: { ...RUN, status: "completed", conclusion: "success" }, output: { lines: ["pushed"], source: "job log" },
    }));
    expect(body).toContain("@mayor: polecat **furiosa** is 🏁 done: its run has completed (success).\n");
    expect(body).toContain("| Run | [#31](https://github.com/octo/town/actions/runs/31) (completed, success) |\n");
    expect(body).toContain("| Exit | COMPLETED: PR #9 opened \\| queued |\n");
    // A finished polecat's heartbeat step is history: the ledger's next step is marked.
    expect(body).toContain("- [ ] Implement ← next\n");
    expect(body).toContain("**Output** (the last line, from the job log)\n\n```text\npushed\n```\n");
  });

  it("says why for every other state", () => {
    const { bead, ledger } = slung();
    const sentence = (b: Bead, input: Partial<Parameters<typeof polecatHealth>[0]> = {}) => {
      const health = polecatHealth({ bead: b, now: LATER, stuckMinutes: 20, ...input });
      return /^@mayor: (.*)$/m.exec(renderPeek(view({ bead: b, ledger, health })))?.[1];
    };
    const live = { live: true, status: "in_progress", conclusion: null };
    expect(sentence(bead, { run: live })).toBe("polecat **furiosa** is 🟢 working: its run is under way, with no heartbeat yet; it was dispatched 5 minutes ago.");
    expect(sentence(bead, { run: live, now: minutesAfter(NOW, 21) })).toBe("polecat **furiosa** is 🔴 stuck: no heartbeat since it was dispatched 21 minutes ago (witness.stuck_minutes is 20).");
    expect(sentence(bead, { run: live, heartbeat: { at: NOW, state: "crashed" } })).toBe("polecat **furiosa** is 🔴 stuck: its last heartbeat, 5 minutes ago, says it has crashed.");
    // A heartbeat past stuck_minutes is stale whatever it last said: its runner is gone.
    expect(sentence(bead, { run: live, heartbeat: { at: NOW, state: "stuck" }, now: minutesAfter(NOW, 21) }))
      .toBe("polecat **furiosa** is 🔴 stuck: its heartbeat is stale: none for 21 minutes (witness.stuck_minutes is 20), so its runner looks gone.");
    expect(sentence(bead, { run: { ...live, status: "queued" }, now: minutesAfter(NOW, 21) }))
      .toBe("polecat **furiosa** is 🔴 stuck: its run waits for a runner: GitHub has not started it since it was dispatched 21 minutes ago (witness.stuck_minutes is 20).");
    expect(sentence(bead, { now: minutesAfter(NOW, 1) })).toBe("polecat **furiosa** is 🟢 working: it was dispatched 1 minute ago; its run has not shown up yet.");
    expect(sentence(bead)).toBe("polecat **furiosa** is 🔴 stuck: it is hooked, but no run has shown up since it was dispatched 5 minutes ago.");
    expect(sentence({ ...bead, status: "blocked" })).toBe("polecat **furiosa** is 💤 idle: it is not hooked, so no run is under way.");
    expect(sentence(withGastownMetadata({ ...bead, status: "open" }, { waiting_since: "2026-11-24T11:00:00Z" }))).toBe("polecat **furiosa** is 💤 idle: it waits for a free polecat (limits.max_polecats).");
    expect(sentence(withGastownMetadata({ ...bead, status: "blocked" }, { exit: "BLOCKED" }))).toBe("polecat **furiosa** is 🏁 done: it exited BLOCKED.");
    expect(sentence(bead, { run: { live: false, status: "completed", conclusion: null } })).toBe("polecat **furiosa** is 🏁 done: its run has completed.");
  });

  it("says plainly when there is no polecat", () => {
    expect(renderNoPolecat("ann", "issue")).toBe("@ann: no polecat has worked on this issue; it has not been slung. Label it `gt:sling` or comment `/sling` to start one.\n");
    expect(renderNoPolecat("ann", "pull-request")).toBe("@ann: this pull request is not a polecat's (its branch is not `polecat/<name>/<bead>` in this repository), so there is no polecat to peek at.\n");
    expect(renderNoPolecat("ann", "unknown-bead")).toBe("@ann: this pull request's branch names a bead the ledger does not hold, so there is no polecat to peek at.\n");
  });

  it("writes ages in the largest whole unit", () => {
    expect([0, 59_999, 60_000, 119 * 60_000, 120 * 60_000, 47 * 3_600_000, 48 * 3_600_000, -5].map(duration)).toEqual([
      "less than a minute", "less than a minute", "1 minute", "119 minutes", "2 hours", "47 hours", "2 days", "less than a minute",
    ]);
  });
});

describe("the /peek all table", () => {
  it("lists every polecat, the stuck first, with state, heartbeat, run, steps and attempts", async () => {
    const first = slung();
    const second = sling(first.ledger, slingInput({ issue: issue(8), now: NOW }));
    if (second.outcome.kind !== "dispatch") throw new Error("setup");
    const ledger = second.ledger;
    const [a, b] = [ledger.get(first.id) as Bead, second.outcome.bead];
    expect(polecatRoster(ledger).map((bead) => bead.id)).toEqual([a.id, b.id].sort());
    const body = renderPeekAll({
      sender: "mayor", ledger, settings: SETTINGS, more: 0, now: LATER,
      rows: [
        { bead: a, health: polecatHealth({ bead: a, run: { live: true, status: "in_progress", conclusion: null }, heartbeat: { at: minutesAfter(NOW, 4) }, now: LATER, stuckMinutes: 20 }), heartbeat: { at: minutesAfter(NOW, 4) }, run: RUN },
        { bead: b, health: polecatHealth({ bead: b, now: LATER, stuckMinutes: 20 }) },
      ],
    });
    expect(body).toBe([
      "### Gas Town · 🔭 Every polecat",
      "",
      "@mayor: 2 polecats.",
      "",
      "| Polecat | Bead | State | Heartbeat | Run | Steps | Attempts |",
      "|---|---|---|---|---|---|---|",
      `| **nux** | \`${b.id}\` (hooked) · [#8](https://github.com/octo/town/issues/8) | 🔴 stuck | none | none found | 0 of 2 done | 1 of 3 |`,
      `| **furiosa** | \`${a.id}\` (hooked) · [#7](https://github.com/octo/town/issues/7) | 🟢 working | 1 minute ago | [#31](https://github.com/octo/town/actions/runs/31) (in_progress) | 1 of 2 done | 1 of 3 |`,
      "",
      ...fleetPicture([["Stuck", "p1", `nux, ${b.id}, 0 of 2 steps`, "failed"], ["Working", "p2", `furiosa, ${a.id}, 1 of 2 steps`, "current"]]),
      "",
      "<sub>As of 2026-11-24 12:05 UTC · `/peek` on an issue or its pull request shows one polecat in full.</sub>",
      "",
    ].join("\n"));
    expect((await parseDiagrams(body)).map((diagram) => diagram.nodes.length)).toEqual([2]);
  });

  it("says, under the count, when the sandbox is off or the network open", () => {
    const { bead, ledger } = slung();
    const rows = [{ bead, health: polecatHealth({ bead, now: NOW, stuckMinutes: 20 }) }];
    const head = (settings: Partial<typeof SETTINGS>) =>
      renderPeekAll({ sender: "mayor", ledger, settings: { ...SETTINGS, ...settings }, more: 0, now: LATER, rows }).split("\n").slice(0, 6);
    expect(head({ network: "open" })).toEqual([
      "### Gas Town · 🔭 Every polecat",
      "",
      "@mayor: 1 polecat.",
      "",
      "⚠️ **Network open**: the agent can reach any public host (`polecat.network: open`).",
      "",
    ]);
    expect(head({ sandbox: "off", network: "open" })[4]).toBe(
      "⚠️ **Sandbox off**: the agent runs unisolated, with the model's key and the runner's network (`polecat.sandbox: off`).",
    );
  });

  it("says how many were left out, and says so plainly when there are none", () => {
    const { bead, ledger } = slung();
    const row = { bead, health: polecatHealth({ bead, now: NOW, stuckMinutes: 20 }) };
    expect(renderPeekAll({ sender: "mayor", ledger, settings: SETTINGS, more: 4, now: LATER, rows: [row] })).toContain("@mayor: 5 polecats.\n");
    expect(renderPeekAll({ sender: "mayor", ledger, settings: SETTINGS, more: 4, now: LATER, rows: [row] })).toContain("\n\n…and 4 more, not shown.\n");
    expect(renderPeekAll({ sender: "mayor", ledger: Ledger.empty(), settings: SETTINGS, more: 0, now: LATER, rows: [] })).toBe([
      "### Gas Town · 🔭 Every polecat",
      "",
      "@mayor: there are no polecats in this repository: no issue has been slung yet.",
      "",
      "<sub>As of 2026-11-24 12:05 UTC · `/peek` on an issue or its pull request shows one polecat in full.</sub>",
      "",
    ].join("\n"));
  });
});

describe("the roster", () => {
  it("holds beads given a polecat and not closed, the hooked first, then the most recently changed", () => {
    const { bead } = slung();
    const make = (id: string, status: string, updated: string, polecat: string | null = "nux") =>
      withGastownMetadata({ ...bead, id, status, updated_at: updated }, { polecat: polecat ?? undefined });
    const ledger = Ledger.empty()
      .withBead(make("town-1", "open", "2026-11-24T10:00:00Z"))
      .withBead(make("town-2", "closed", "2026-11-24T11:00:00Z"))
      .withBead(make("town-3", "hooked", "2026-11-24T09:00:00Z"))
      // 09:30 UTC: earlier than town-1, though later as a string.
      .withBead(make("town-4", "blocked", "2026-11-24T10:30:00+01:00"))
      .withBead(make("town-5", "open", "2026-11-24T12:00:00Z", null))
      .withBead(make("town-6", "in_progress", "2026-11-24T10:00:00Z"));
    expect(polecatRoster(ledger).map((b) => b.id)).toEqual(["town-3", "town-1", "town-6", "town-4"]);
  });
});
