// Fuzzing the outbox, which the agent's process writes and so is hostile: whatever its lines,
// reading them never throws and names each bad line and field, and applying them never throws,
// leaves a ledger that reads back clean, touches only what the run may touch, and gives the same
// ledger when applied twice (the action applies again after losing a race).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { jsonEqual } from "../../app/ledger/json-equal.js";
import { readLedger } from "../../app/ledger/read-ledger.js";
import { formatLedger } from "../../app/ledger/write-ledger.js";
import { applyOutbox } from "../../app/polecat/apply-outbox.js";
import { outboxLine, type IntentFields } from "../../app/polecat/outbox-schema.js";
import { MAX_OUTBOX_BYTES, parseOutbox } from "../../app/polecat/outbox.js";
import { AGENT_BEAD_TYPES, EXITS, MAIL_ADDRESSES } from "../../app/molecules/runner-commands.js";
import { bead } from "../ledger/ledger-builders.js";
import { runLedger } from "../polecat/run-builders.js";
import { FUZZ_TIMEOUT, editText, fuzzRuns, hostileText, jsonMutation, mutateJson, textEdit } from "./fuzz-arbitraries.js";

const FILE = "outbox.jsonl";
const STEPS = ["design", "implement", "review", "test", "submit"] as const;

/** Times as `gt` writes them, and the edges of what RFC 3339 allows. */
const at = fc.constantFrom(
  "2026-11-24T12:30:00Z", "2026-11-24T12:30:00.123456789Z", "2026-11-24T23:30:00-14:00", "2026-11-24T00:30:00+14:00",
  "0000-01-01T00:00:00Z", "0000-01-01T00:00:00+01:00", "9999-12-31T23:59:59Z", "9999-12-31T23:59:59-01:00",
  "2024-02-29T12:00:00Z", "2026-11-24t12:30:00z",
);
const id = fc.oneof(
  fc.constantFrom("gt-w1", "gt-w1.1", "gt-w1.2", "gt-other", "gt-abc", "gt-abc12", "gt-w1.0", "gt-w1.01"),
  fc.stringMatching(/^gt-[0-9a-z]{3,8}$/),
  fc.stringMatching(/^gt-w1\.[1-9][0-9]?$/),
);
const optional = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
const text = fc.oneof(hostileText, fc.constantFrom("@mayor look", "/sling", "<!-- x -->", "x".repeat(600)));

const intent: fc.Arbitrary<IntentFields> = fc.oneof(
  fc.record({ kind: fc.constant("step" as const), at, step: fc.constantFrom(...STEPS, "nope"), notes: optional(text) }, { requiredKeys: ["kind", "at", "step"] }),
  fc.record({ kind: fc.constant("exit" as const), at, exit: fc.constantFrom(...EXITS), reason: text.filter((t) => t.length > 0), blocker: optional(id) }, { requiredKeys: ["kind", "at", "exit", "reason"] }),
  fc.record({
    kind: fc.constant("bead" as const), at, id, title: text.filter((t) => t.length > 0), type: fc.constantFrom(...AGENT_BEAD_TYPES),
    description: optional(text), parent: optional(id), discovered_from: optional(id), blocks: optional(id),
  }, { requiredKeys: ["kind", "at", "id", "title", "type"] }),
  fc.record({ kind: fc.constant("mail" as const), at, id, to: fc.constantFrom(...MAIL_ADDRESSES), subject: text.filter((t) => t.length > 0 && t.length <= 200), body: text }),
) as fc.Arbitrary<IntentFields>;

/** A line as the agent may write it: as `gt` does, with a field broken, with its text edited, or anything. */
const outboxLineArb = fc.oneof(
  { weight: 4, arbitrary: intent.map((fields) => outboxLine(fields).trimEnd()) },
  { weight: 2, arbitrary: fc.tuple(intent, fc.array(jsonMutation, { minLength: 1, maxLength: 2 })).map(([fields, m]) => JSON.stringify(mutateJson(JSON.parse(outboxLine(fields)), m)) ?? "") },
  { weight: 1, arbitrary: fc.tuple(intent, fc.array(textEdit, { minLength: 1, maxLength: 2 })).map(([fields, e]) => editText(outboxLine(fields).trimEnd(), e)) },
  { weight: 1, arbitrary: hostileText },
);

const outboxText = fc.tuple(fc.array(outboxLineArb, { maxLength: 12 }), fc.constantFrom("\n", "\r\n")).map(([lines, eol]) => lines.join(eol) + eol);

/** The run on a step, with a bead it may name as a blocker and may not touch. */
const onStep = (step: string) => runLedger(step, [bead("gt-other", { title: "Someone else's" })]);

describe("the outbox, fuzzed", { timeout: FUZZ_TIMEOUT }, () => {
  it("reads without throwing, naming the line of every problem", () => {
    fc.assert(fc.property(outboxText, (text) => {
      const parsed = parseOutbox(text, FILE);
      const lines = text.split("\n");
      for (const { line } of [...parsed.entries, ...parsed.problems]) {
        expect(line).toBeGreaterThanOrEqual(1);
        expect(lines[line - 1]?.trim()).toBeTruthy();
      }
      for (const problem of parsed.problems) expect(problem.reason.trim()).not.toBe("");
    }), fuzzRuns(300));
  });

  it("applies without throwing, into a clean ledger, touching only the run's beads, the same when applied twice", () => {
    fc.assert(fc.property(fc.constantFrom(...STEPS), outboxText, (step, text) => {
      const { ledger, run, root } = onStep(step);
      const parsed = parseOutbox(text, FILE);
      const applied = applyOutbox(ledger, parsed, run);
      const read = readLedger(formatLedger(applied.ledger));
      expect(read.problems.filter((p) => p.severity === "error")).toEqual([]);
      const made = new Set(applied.verdict.accepted.flatMap(({ intent }) => (intent.kind === "bead" || intent.kind === "mail" ? [intent.id] : [])));
      for (const before of ledger.beads()) {
        const mayChange = before.id === run.bead || before.id.startsWith(`${root}.`) || before.id === root;
        if (!mayChange) expect(applied.ledger.get(before.id)).toEqual(before);
      }
      for (const after of applied.ledger.beads()) expect(ledger.has(after.id) || made.has(after.id)).toBe(true);
      const again = applyOutbox(applied.ledger, parsed, run);
      expect(jsonEqual(formatLedger(again.ledger), formatLedger(applied.ledger))).toBe(true);
    }), fuzzRuns(200));
  });

  it("refuses a time UTC cannot write (found by fuzzing: the step was closed at an invalid time)", () => {
    const { ledger, run } = onStep("test");
    const applied = applyOutbox(ledger, parseOutbox(outboxLine({ kind: "step", at: "0000-01-01T00:00:00+01:00", step: "test" }), FILE), run);
    expect(applied.verdict.refused).toEqual([{ line: 1, field: "at", reason: "must be an RFC 3339 timestamp such as 2026-04-18T16:19:12Z" }]);
    expect(applied.ledger).toBe(ledger);
  });

  it("refuses a blocker the run sent as mail, also when applied again (found by fuzzing: the second time took it)", () => {
    const { ledger, run } = onStep("design");
    const outbox = parseOutbox(
      outboxLine({ kind: "mail", at: "2026-11-24T12:30:00Z", id: "gt-abc", to: "overseer", subject: "Help", body: "" }) +
      outboxLine({ kind: "exit", at: "2026-11-24T12:30:00Z", exit: "BLOCKED", reason: "Waiting", blocker: "gt-abc" }),
      FILE,
    );
    const once = applyOutbox(ledger, outbox, run);
    const twice = applyOutbox(once.ledger, outbox, run);
    const refusal = { line: 2, field: "blocker", reason: "no bead gt-abc in the ledger or filed by this run" };
    expect([once.verdict.refused, twice.verdict.refused]).toEqual([[refusal], [refusal]]);
    expect(twice.ledger).toBe(once.ledger);
  });

  it("refuses COMPLETED above the step line that closes the last step, also when applied again (found by fuzzing: the second time took it)", () => {
    const { ledger, run } = onStep("submit");
    const outbox = parseOutbox(
      outboxLine({ kind: "exit", at: "2026-11-24T12:30:00Z", exit: "COMPLETED", reason: "Done" }) +
      outboxLine({ kind: "step", at: "2026-11-24T12:30:00Z", step: "submit" }),
      FILE,
    );
    const once = applyOutbox(ledger, outbox, run);
    const twice = applyOutbox(once.ledger, outbox, run);
    const refusal = {
      line: 1, field: "exit", reason: "COMPLETED while steps are open (submit): close this step with gt step done first, or take another exit",
    };
    expect([once.verdict.refused, twice.verdict.refused]).toEqual([[refusal], [refusal]]);
    expect(twice.ledger).toBe(once.ledger);
  });

  it("refuses everything past its cap, on the line the cap cuts", () => {
    fc.assert(fc.property(intent, (fields) => {
      const line = outboxLine(fields);
      const parsed = parseOutbox(line.repeat(Math.ceil((MAX_OUTBOX_BYTES + 1) / Buffer.byteLength(line)) + 1), FILE);
      expect(parsed.problems.at(-1)?.reason).toMatch(/over its cap/);
    }), fuzzRuns(10));
  });
});
