import { describe, expect, it } from "vitest";
import {
  capWarnings, countOf, omittedLine, problemSummary, thousands, type LedgerProblem, type WarningKind,
} from "../../app/ledger/ledger-problems.js";
import { loadLedger, LedgerReadError } from "../../app/ledger/read-ledger.js";
import { bead, jsonl } from "./ledger-builders.js";

const error = (line: number): LedgerProblem =>
  ({ file: "l.jsonl", line, field: "priority", message: "must be at most 4 (got 9)", severity: "error" });
const warning = (line: number, kind: WarningKind): LedgerProblem =>
  ({ file: "l.jsonl", line, field: "dependencies", message: kind, severity: "warning", kind });

describe("capWarnings", () => {
  it("keeps the first of each kind of warning, every error, the order as given, and counts the rest", () => {
    const problems = [
      warning(1, "missing-target"), error(2), warning(3, "cycle"), warning(4, "missing-target"),
      warning(5, "missing-target"), error(6), warning(7, "missing-target"),
    ];
    const { shown, omitted } = capWarnings(problems, 2);
    expect(shown.map((p) => p.line)).toEqual([1, 2, 3, 4, 6]);
    expect(omitted).toEqual([{ kind: "missing-target", count: 2 }]);
    expect(capWarnings(problems, 4)).toEqual({ shown: problems, omitted: [] });
  });
});

describe("counting", () => {
  it("writes numbers with thousands separators whatever the locale", () => {
    expect([0, 999, 1000, 20_000, 1_234_567].map(thousands)).toEqual(["0", "999", "1,000", "20,000", "1,234,567"]);
  });

  it("names each kind in the singular and the plural", () => {
    expect([countOf("missing-target", 1), countOf("cycle", 4312)]).toEqual(["1 missing target", "4,312 blocking cycles"]);
    expect([omittedLine("missing-target", 4312), omittedLine("cycle", 1)])
      .toEqual(["… and 4,312 more missing targets", "… and 1 more blocking cycle"]);
  });
});

describe("problemSummary", () => {
  const errors = Array.from({ length: 40 }, (_, i) => error(i + 1));

  it("is every line when they fit", () => {
    expect(problemSummary(errors.slice(0, 3), 3)).toEqual([
      "l.jsonl:1: priority: must be at most 4 (got 9)",
      "l.jsonl:2: priority: must be at most 4 (got 9)",
      "l.jsonl:3: priority: must be at most 4 (got 9)",
    ]);
  });

  it("is at most that many lines, the last counting the rest", () => {
    expect(problemSummary(errors, 3)).toEqual([
      "l.jsonl:1: priority: must be at most 4 (got 9)",
      "l.jsonl:2: priority: must be at most 4 (got 9)",
      "… and 38 more errors",
    ]);
    expect(problemSummary([error(1), warning(2, "cycle"), warning(3, "cycle")], 2)[1]).toBe("… and 2 more warnings");
    expect(problemSummary([error(1), error(2), warning(3, "cycle")], 2)[1]).toBe("… and 2 more problems");
  });

  it("caps the message of a ledger that does not read, keeping every problem", () => {
    const text = jsonl(Array.from({ length: 1000 }, (_, i) => bead(`gt-${i}`, { priority: 9 })));
    const thrown = (() => {
      try {
        return loadLedger(text, { file: "l.jsonl" });
      } catch (caught) {
        return caught;
      }
    })();
    expect(thrown).toBeInstanceOf(LedgerReadError);
    const { message, problems } = thrown as LedgerReadError;
    expect(problems).toHaveLength(1000);
    expect(message.split("\n")).toEqual([
      ...Array.from({ length: 19 }, (_, i) => `l.jsonl:${i + 1}: priority: must be at most 4 (got 9)`),
      "… and 981 more errors",
    ]);
  });
});
