import { describe, expect, it } from "vitest";
import { serializeLedger } from "../../app/ledger/write-ledger.js";
import { applyOutbox } from "../../app/polecat/apply-outbox.js";
import { checkOutbox, filedWith, MAX_MAIL, MAX_NEW_BEADS } from "../../app/polecat/outbox-check.js";
import { outboxLine, type IntentFields } from "../../app/polecat/outbox-schema.js";
import { formatRefusal, MAX_OUTBOX_BYTES, parseOutbox } from "../../app/polecat/outbox.js";
import { bead } from "../ledger/ledger-builders.js";
import { runLedger } from "./run-builders.js";

const AT = "2026-11-24T12:30:00Z";
const lines = (...fields: IntentFields[]) => fields.map(outboxLine).join("");
const outbox = (text: string) => parseOutbox(text, "outbox.jsonl");
const stepDone = (step: string, notes?: string): IntentFields =>
  ({ kind: "step", at: AT, step, ...(notes !== undefined ? { notes } : {}) });
const newBead = (id: string, fields: Partial<IntentFields> = {}): IntentFields =>
  ({ kind: "bead", at: AT, id, title: `Bead ${id}`, type: "task", ...fields }) as IntentFields;
const mail = (id: string, to = "overseer"): IntentFields =>
  ({ kind: "mail", at: AT, id, to, subject: "HELP: which format?", body: "The issue says X." }) as IntentFields;

/** The refusals as the action prints them. */
function refusals(text: string, step = "design"): string[] {
  const { ledger, run } = runLedger(step);
  return checkOutbox(ledger, outbox(text), { ...run, step }).refused.map((r) => formatRefusal("outbox.jsonl", r));
}

describe("outboxLine", () => {
  it("writes the version, the kind and the time first, then the fields as given", () => {
    expect(lines(stepDone("design", "A plan"), newBead("gt-abc", { parent: "gt-w1" }))).toBe(
      '{"v":1,"kind":"step","at":"2026-11-24T12:30:00Z","step":"design","notes":"A plan"}\n' +
      '{"v":1,"kind":"bead","at":"2026-11-24T12:30:00Z","id":"gt-abc","title":"Bead gt-abc","type":"task","parent":"gt-w1"}\n',
    );
  });
});

describe("parseOutbox", () => {
  it("names the line and field of every bad line, and keeps the good ones around them", () => {
    const text = [
      outboxLine(stepDone("design")).trimEnd(),
      "{not json",
      "",
      '{"v":2,"kind":"step","at":"2026-11-24T12:30:00Z","step":"design"}',
      '{"v":1,"kind":"exit","at":"yesterday","exit":"DONE","reason":"","sneaky":true}',
      '["a list"]',
      '{"v":1,"kind":"wish","at":"2026-11-24T12:30:00Z"}',
      `{"v":1,"kind":"mail","at":"${AT}","id":"gt-m01","to":"ann","subject":"${"s".repeat(201)}","body":1}`,
      outboxLine(mail("gt-m02")).trimEnd(),
    ].join("\n");
    const parsed = outbox(text);
    expect(parsed.entries.map((e) => [e.line, e.intent.kind])).toEqual([[1, "step"], [9, "mail"]]);
    expect(parsed.problems.map((p) => formatRefusal(parsed.file, p))).toEqual([
      "outbox.jsonl:2: not valid JSON (Expected property name or '}' in JSON at position 1)",
      "outbox.jsonl:4: v: must be 1 (this line was written by another version of gt)",
      "outbox.jsonl:5: at: must be an RFC 3339 timestamp such as 2026-04-18T16:19:12Z",
      'outbox.jsonl:5: exit: must be one of COMPLETED, BLOCKED, REFACTOR, ESCALATE (got "DONE")',
      "outbox.jsonl:5: reason: must not be empty",
      "outbox.jsonl:5: sneaky: unknown field",
      "outbox.jsonl:6: must be a JSON object",
      "outbox.jsonl:7: kind: must be one of step, exit, bead, mail",
      'outbox.jsonl:8: to: must be one of overseer, witness, refinery, mayor (got "ann")',
      "outbox.jsonl:8: subject: must be at most 200 characters",
      "outbox.jsonl:8: body: must be a string",
    ]);
  });

  it("reads an outbox over its cap up to the last whole line within it, and refuses the rest", () => {
    const one = outboxLine(newBead("gt-abc", { description: "x".repeat(1000) }));
    const count = Math.floor(MAX_OUTBOX_BYTES / one.length);
    const parsed = outbox(one.repeat(count + 3));
    expect(parsed.entries).toHaveLength(count);
    expect(parsed.problems).toEqual([{
      line: count + 1, field: "", reason: `the outbox is over its cap of ${MAX_OUTBOX_BYTES} bytes: this line and every one after it are refused`,
    }]);
  });
});

describe("checkOutbox", () => {
  it("accepts what the run may do", () => {
    const { ledger, run } = runLedger("design");
    const verdict = checkOutbox(ledger, outbox(lines(
      newBead("gt-abc"),
      newBead("gt-w1.1", { parent: "gt-w1" }),
      newBead("gt-def", { discovered_from: "gt-abc", blocks: "gt-w1" }),
      mail("gt-m01"), mail("gt-m02", "witness"), mail("gt-m03", "refinery"), mail("gt-m04", "mayor"),
      stepDone("design", "the plan"),
      { kind: "exit", at: AT, exit: "BLOCKED", reason: "Needs the API", blocker: "gt-def" },
    )), run);
    expect(verdict.refused).toEqual([]);
    expect(verdict.accepted.map((e) => e.line)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it("refuses parents, blockers and discoveries other than the run's own", () => {
    expect(refusals(lines(
      newBead("gt-w2.1", { parent: "gt-w2" }),
      newBead("gt-abc", { blocks: "gt-w2" }),
      newBead("gt-abd", { discovered_from: "gt-w2" }),
      newBead("gt-abe", { discovered_from: "gt-abc" }),
    ))).toEqual([
      "outbox.jsonl:1: parent: may name only this run's work bead, gt-w1 (got gt-w2)",
      "outbox.jsonl:2: blocks: may name only this run's work bead, gt-w1 (got gt-w2)",
      "outbox.jsonl:3: discovered_from: may name only this run's work bead, gt-w1, or a bead it filed (got gt-w2)",
      "outbox.jsonl:4: discovered_from: may name only this run's work bead, gt-w1, or a bead it filed (got gt-abc)",
    ]);
  });

  it("refuses ids gt would not mint, ids in use, and ids used twice", () => {
    const { ledger, root, run } = runLedger("design", [bead("gt-other")]);
    const verdict = checkOutbox(ledger, outbox(lines(
      newBead("gt-w1"),
      newBead("gt-other"),
      newBead(`${root}.9`, { parent: "gt-w1" }),
      newBead("gt-abc"),
      newBead("gt-abc"),
      mail("gt-abc"),
      newBead("xx-abc"),
      newBead("gt-w1.0", { parent: "gt-w1" }),
    )), run);
    expect(verdict.refused.map((r) => formatRefusal("outbox.jsonl", r))).toEqual([
      "outbox.jsonl:1: id: must be an id as gt mints it: gt-<hash> (got gt-w1)",
      "outbox.jsonl:2: id: gt-other is already a bead in the ledger",
      `outbox.jsonl:3: id: must be an id as gt mints it: gt-w1.<n> (got ${root}.9)`,
      "outbox.jsonl:5: id: gt-abc is already used on line 4",
      "outbox.jsonl:6: id: gt-abc is already used on line 4",
      "outbox.jsonl:7: id: must be an id as gt mints it: gt-<hash> (got xx-abc)",
      "outbox.jsonl:8: id: must be an id as gt mints it: gt-w1.<n> (got gt-w1.0)",
    ]);
  });

  it("refuses a step done for another step, a second one, and one whose needs are open", () => {
    expect(refusals(lines(stepDone("implement"), stepDone("design"), stepDone("design")))).toEqual([
      'outbox.jsonl:1: step: gt step done closes only this process\'s step, "design" (got "implement")',
      'outbox.jsonl:3: step: step "design" is already done on line 2',
    ]);
    const { ledger, run } = runLedger("design");
    expect(checkOutbox(ledger, outbox(lines(stepDone("implement"))), { ...run, step: "implement" }).refused).toEqual([{
      line: 1, field: "step", reason: `step "implement" of ${run.molecule} cannot close yet: it needs design first`,
    }]);
  });

  it("refuses an exit COMPLETED with steps open, a blocker on another exit, and anything after an exit", () => {
    const { ledger, run } = runLedger("submit");
    const completed = { kind: "exit", at: AT, exit: "COMPLETED", reason: "Done" } as const;
    expect(checkOutbox(ledger, outbox(lines(completed)), run).refused.map((r) => r.reason)).toEqual([
      "COMPLETED while steps are open (submit): close this step with gt step done first, or take another exit",
    ]);
    expect(checkOutbox(ledger, outbox(lines(stepDone("submit"), completed, mail("gt-m01"))), run).refused).toEqual([
      { line: 3, field: "", reason: "comes after the run's exit on line 2: nothing may follow gt done" },
    ]);
    expect(refusals(lines(
      { kind: "exit", at: AT, exit: "ESCALATE", reason: "Which?", blocker: "gt-w1" },
      { kind: "exit", at: AT, exit: "BLOCKED", reason: "Blocked", blocker: "gt-w1" },
      { kind: "exit", at: AT, exit: "BLOCKED", reason: "Blocked", blocker: "gt-nope" },
      mail("gt-m01"),
      { kind: "exit", at: AT, exit: "BLOCKED", reason: "Blocked", blocker: "gt-m01" },
    ))).toEqual([
      "outbox.jsonl:1: blocker: only a BLOCKED exit names a blocker",
      "outbox.jsonl:2: blocker: gt-w1 is this run's own work bead, not what blocks it",
      "outbox.jsonl:3: blocker: no bead gt-nope in the ledger or filed by this run",
      "outbox.jsonl:5: blocker: no bead gt-m01 in the ledger or filed by this run",
    ]);
  });

  it("refuses beads and mail past the run's caps", () => {
    const beads = Array.from({ length: MAX_NEW_BEADS + 1 }, (_, i) => newBead(`gt-b${String(i).padStart(2, "0")}`));
    const mails = Array.from({ length: MAX_MAIL + 1 }, (_, i) => mail(`gt-m${String(i).padStart(2, "0")}`));
    expect(refusals(lines(...beads, ...mails))).toEqual([
      `outbox.jsonl:${MAX_NEW_BEADS + 1}: a run may file at most ${MAX_NEW_BEADS} beads`,
      `outbox.jsonl:${MAX_NEW_BEADS + MAX_MAIL + 2}: a run may send at most ${MAX_MAIL} mail`,
    ]);
  });

  it("counts what the run filed in its earlier steps against the caps, and what this outbox adds to it", () => {
    const { ledger, run } = runLedger("design");
    const text = lines(newBead("gt-b01"), newBead("gt-b02"), mail("gt-m01"), mail("gt-m02"));
    const before = { beads: MAX_NEW_BEADS - 1, mail: MAX_MAIL - 1 };
    expect(checkOutbox(ledger, outbox(text), run, before).refused.map((r) => formatRefusal("outbox.jsonl", r))).toEqual([
      `outbox.jsonl:2: a run may file at most ${MAX_NEW_BEADS} beads`,
      `outbox.jsonl:4: a run may send at most ${MAX_MAIL} mail`,
    ]);
    expect(filedWith({ beads: 1, mail: 2 }, outbox(text))).toEqual({ beads: 3, mail: 4 });
  });

  it("puts unreadable lines and refused intents together, in line order", () => {
    expect(refusals(`${outboxLine(stepDone("review"))}oops\n`)).toEqual([
      'outbox.jsonl:1: step: gt step done closes only this process\'s step, "design" (got "review")',
      "outbox.jsonl:2: not valid JSON (Unexpected token 'o', \"oops\" is not valid JSON)",
    ]);
  });
});

describe("applyOutbox", () => {
  const { ledger, root, run } = runLedger("design");
  const text = lines(
    newBead("gt-w1.1", { parent: "gt-w1", description: "Split off <b>part</b> one" }),
    newBead("gt-abc", { type: "bug", discovered_from: "gt-w1.1", blocks: "gt-w1" }),
    mail("gt-m01"),
    stepDone("design", "The plan:\n<!-- kept as written -->"),
    { kind: "exit", at: AT, exit: "BLOCKED", reason: "Needs gt-abc", blocker: "gt-abc" },
  );
  const applied = applyOutbox(ledger, outbox(text), run);

  it("closes the step, files the beads with their links, records the mail and the exit", () => {
    expect(applied.verdict.refused).toEqual([]);
    const at = AT;
    const dep = (issue: string, target: string, type: string) =>
      ({ issue_id: issue, depends_on_id: target, type, created_at: at, created_by: "polecat/nux" });
    expect(applied.ledger.get(`${root}.1`)).toMatchObject({
      status: "closed", closed_at: at, close_reason: "done", updated_at: at,
      metadata: { gastown: { step: "design", notes: "The plan:\n<!-- kept as written -->" } },
    });
    expect(applied.ledger.get("gt-w1.1")).toEqual({
      id: "gt-w1.1", title: "Bead gt-w1.1", description: "Split off <b>part</b> one", status: "open", priority: 1,
      issue_type: "task", created_at: at, created_by: "polecat/nux", updated_at: at,
      dependencies: [dep("gt-w1.1", "gt-w1", "parent-child")],
    });
    expect(applied.ledger.get("gt-abc")).toEqual({
      id: "gt-abc", title: "Bead gt-abc", status: "open", priority: 1, issue_type: "bug", created_at: at,
      created_by: "polecat/nux", updated_at: at, dependencies: [dep("gt-abc", "gt-w1.1", "discovered-from")],
    });
    expect(applied.ledger.get("gt-m01")).toEqual({
      id: "gt-m01", title: "HELP: which format?", description: "The issue says X.", status: "open", priority: 1,
      issue_type: "message", assignee: "overseer", created_at: at, created_by: "polecat/nux", updated_at: at,
      sender: "polecat/nux", labels: ["gt:mail"], metadata: { gastown: { mail: "gt-w1" } },
    });
    expect(applied.ledger.get("gt-w1")).toMatchObject({
      updated_at: at,
      dependencies: [dep("gt-w1", "gt-abc", "blocks")],
      metadata: { gastown: { polecat: "nux", attempt: 1, exit: "BLOCKED", exit_reason: "Needs gt-abc", exit_blocker: "gt-abc" } },
    });
  });

  it("is idempotent: applied again, to its own result, it changes nothing", () => {
    const again = applyOutbox(applied.ledger, outbox(text), run);
    expect(again.verdict).toEqual(applied.verdict);
    expect(serializeLedger(again.ledger)).toBe(serializeLedger(applied.ledger));
  });

  it("never overwrites a bead another writer made with the same id meanwhile", () => {
    const raced = ledger.withBead(bead("gt-abc", { title: "Someone else's" }));
    const result = applyOutbox(raced, outbox(text), run);
    expect(result.verdict.refused).toEqual([{ line: 2, field: "id", reason: "gt-abc is already a bead in the ledger" }]);
    expect(result.ledger.get("gt-abc")?.title).toBe("Someone else's");
  });
});
