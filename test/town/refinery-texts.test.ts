// The refinery pull request's body, exactly as posted: the batch in a table and a picture, and,
// after a red run, the runs that looked for the culprit.
import { describe, expect, it } from "vitest";
import type { MergeRequest } from "../../app/town/merge-queue.js";
import type { TestedRun, TrialState } from "../../app/town/refinery.js";
import { refineryPullBody, type BatchLine } from "../../app/town/refinery-texts.js";
import { parseDiagrams } from "./mermaid-parser.js";

const sha = (n: number, c = "a") => `${n}`.padStart(40, c);

function line(number: number, title: string): BatchLine {
  const request: MergeRequest = {
    id: `gt-mr${number}`, repo: "octo/town", number, head: `b${number}`, headSha: sha(number), base: "main", bead: `gt-w${number}`,
    polecat: "furiosa", priority: 2, convoyAt: undefined, tries: 0, queuedAt: "2026-11-24T12:00:00Z", queuedBy: "mayor",
  };
  return { request, title: `Merge #${number}: ${title}` };
}

function trial(attempt: number, lines: readonly BatchLine[]): TrialState {
  return {
    attempt, prs: lines.map((l) => l.request.id), heads: Object.fromEntries(lines.map((l) => [l.request.id, l.request.headSha])),
    retries: 0, stage: "testing", baseSha: sha(0, "f"), since: "2026-11-24T12:00:00Z",
  };
}

const GATES = "every check reported on the staging commit";
const CLASS_DONE = "  classDef done fill:#d3f9d8,stroke:#2b8a3e,color:#1b4332";
const CLASS_CURRENT = "  classDef current fill:#fff3bf,stroke:#e67700,color:#5c3c00,stroke-width:2px";
const CLASS_FAILED = "  classDef failed fill:#ffe3e3,stroke:#c92a2a,color:#5c0011";
const CLOSING = "Once it is approved and green the refinery merges it with a merge commit, so each pull request above shows as merged. " +
  "Closing it unmerged takes its pull requests out of the queue; `/queue` on one puts it back.";

describe("the refinery pull request's body", () => {
  it("shows a batch's first run: the table and the staging tree it tests", async () => {
    const lines = [line(11, "Add pumps"), line(12, "Oil the gears")];
    const body = refineryPullBody({ base: "main", trial: trial(1, lines), lines, state: { kind: "testing" }, gates: GATES, tested: [] });
    expect(body).toBe([
      "<!-- gastown:refinery -->",
      "The merge queue's batch 1 into `main`: the base at `ffffffffffff` with one merge commit per pull request below, exactly the tree that lands.",
      "",
      "**Testing.** The gates are running on this branch's tip; nothing to review yet.",
      "",
      "| Pull request | Bead | Title | Head |",
      "| --- | --- | --- | --- |",
      "| #11 | `gt-w11` | Add pumps | `aaaaaaaaaaaa` |",
      "| #12 | `gt-w12` | Oil the gears | `aaaaaaaaaaaa` |",
      "",
      "```mermaid",
      "flowchart LR",
      "  accTitle: The batch, merged in turn onto the base",
      "  base[\"main at ffffffffffff\"]",
      "  pr1[\"#11 Add pumps\"]",
      "  pr2[\"#12 Oil the gears\"]",
      "  tip[\"Batch 1 testing now\"]:::current",
      "  base --> pr1",
      "  pr1 --> pr2",
      "  pr2 --> tip",
      CLASS_CURRENT,
      "```",
      "",
      `Gates: ${GATES}.`,
      "",
      CLOSING,
    ].join("\n"));
    expect((await parseDiagrams(body)).map((d) => d.nodes.map((n) => n.text))).toEqual([["main at ffffffffffff", "#11 Add pumps", "#12 Oil the gears", "Batch 1 testing now"]]);
  });

  it("after a red run, lists and draws the runs that looked for the culprit, each under the red run it split", async () => {
    // Batch 1 (#1 to #4) red; its first half green and landed; the second half's first, #3, red.
    const tested: TestedRun[] = [
      { attempt: 1, prs: [1, 2, 3, 4], verdict: "red" },
      { attempt: 2, prs: [1, 2], verdict: "green" },
      { attempt: 3, prs: [3], verdict: "red" },
    ];
    const lines = [line(4, "Paint the pumps")];
    const body = refineryPullBody({ base: "main", trial: trial(4, lines), lines, state: { kind: "green" }, gates: GATES, tested: [...tested, { attempt: 4, prs: [4], verdict: "green" }] });
    const runs = body.slice(body.indexOf(`Gates: ${GATES}.`)).split("\n");
    expect(runs).toEqual([
      `Gates: ${GATES}.`,
      "",
      "A run of this batch was red, so the refinery tests it in parts until it finds the pull request that broke it " +
        "(a part that is green lands; a red part is split again). The runs so far:",
      "",
      "- Batch 1 (#1, #2, #3, #4): red",
      "- Batch 2 (#1, #2): green",
      "- Batch 3 (#3): red",
      "- Batch 4 (#4): this one",
      "",
      "```mermaid",
      "flowchart TD",
      "  accTitle: The runs of this batch, each under the red run it split",
      "  b1[\"Batch 1 (#1, #2, #3, #4) red\"]:::failed",
      "  b2[\"Batch 2 (#1, #2) green\"]:::done",
      "  b3[\"Batch 3 (#3) red\"]:::failed",
      "  b4[\"Batch 4 (#4) green\"]:::done",
      "  b1 --> b2",
      "  b1 --> b3",
      "  b1 --> b4",
      CLASS_DONE,
      CLASS_FAILED,
      "```",
      "",
      CLOSING,
    ]);
    const [batch, bisection] = await parseDiagrams(body);
    expect(batch?.nodes.at(-1)).toEqual({ id: "tip", text: "Batch 4 green", classes: ["done"] });
    expect(bisection?.edges).toEqual([["b1", "b2"], ["b1", "b3"], ["b1", "b4"]]);
  });

  it("keeps a hostile pull request title inert in the picture", async () => {
    const lines = [line(7, "Fix\"] --> x\n```\nclick pr1 href \"javascript:alert(1)\" %%{init: {}}%% <img src=x onerror=alert(1)> @mayor")];
    const body = refineryPullBody({ base: "main", trial: trial(2, lines), lines, state: { kind: "testing" }, gates: GATES, tested: [] });
    expect(body.split("\n").filter((l) => l.startsWith("```"))).toEqual(["```mermaid", "```"]);
    const [batch] = await parseDiagrams(body);
    expect(batch?.nodes.map((n) => [n.id, n.text])).toEqual([
      ["base", "main at ffffffffffff"],
      ["pr1", "#7 Fix\"] --> x ``` click pr1 href \"javascript:a…"],
      ["tip", "Batch 2 testing now"],
    ]);
    expect(batch?.nodes.some((n) => n.link !== undefined || n.haveCallback === true)).toBe(false);
    expect(batch?.edges).toEqual([["base", "pr1"], ["pr1", "tip"]]);
  });
});
