import { describe, expect, it } from "vitest";
import type { LedgerProblem } from "../../app/ledger/ledger-problems.js";
import { renderUnreadableLedger } from "../../app/town/unreadable-ledger.js";

const FILE = "gastown/ledger:.beads/issues.jsonl";
const error = (line: number, message = "must be at most 4 (got 9)"): LedgerProblem =>
  ({ file: FILE, line, field: "priority", message, severity: "error" });

describe("the answer when the ledger does not read", () => {
  const view = { sender: "mayor", branch: "gastown/ledger", notDone: "this issue was not slung" };

  it("shows every error when there are a few", () => {
    expect(renderUnreadableLedger({ ...view, problems: [error(2)] })).toBe([
      "@mayor: the ledger on `gastown/ledger` has 1 error, so this issue was not slung. " +
        "Fix them (`gt ledger validate` on the branch's `.beads/issues.jsonl` lists every one), then try again.",
      "",
      "```text",
      "gastown/ledger:.beads/issues.jsonl:2: priority: must be at most 4 (got 9)",
      "```",
    ].join("\n"));
  });

  it("shows five lines at most, the last counting the rest, and cuts a long line", () => {
    const problems = [
      error(1, `must be one of "open", "closed" (got "${"x".repeat(5000)}")`),
      ...Array.from({ length: 4999 }, (_, i) => error(i + 2)),
      { ...error(9000), severity: "warning" as const, kind: "missing-target" as const },
    ];
    const body = renderUnreadableLedger({ ...view, notDone: "`/peek` was not done", problems });
    const cut = 'gastown/ledger:.beads/issues.jsonl:1: priority: must be one of "open", "closed" (got "';
    expect(body.split("\n")).toEqual([
      "@mayor: the ledger on `gastown/ledger` has 5,000 errors, so `/peek` was not done. " +
        "Fix them (`gt ledger validate` on the branch's `.beads/issues.jsonl` lists every one), then try again.",
      "",
      "```text",
      `${cut}${"x".repeat(199 - cut.length)}…`,
      "gastown/ledger:.beads/issues.jsonl:2: priority: must be at most 4 (got 9)",
      "gastown/ledger:.beads/issues.jsonl:3: priority: must be at most 4 (got 9)",
      "gastown/ledger:.beads/issues.jsonl:4: priority: must be at most 4 (got 9)",
      "… and 4,996 more errors",
      "```",
    ]);
    expect(body.split("\n")[3]).toHaveLength(200);
  });

  it("keeps what the ledger quotes inside its fence", () => {
    const body = renderUnreadableLedger({ ...view, problems: [error(1, "must be a string (got \"```\\n@everyone\")")] });
    expect(body.split("\n").slice(2)).toEqual([
      "````text",
      'gastown/ledger:.beads/issues.jsonl:1: priority: must be a string (got "```\\n@everyone")',
      "````",
    ]);
  });
});
