import { describe, expect, it } from "vitest";
import type { Ledger } from "../../app/ledger/ledger.js";
import {
  MAX_NUDGE_RESTARTS, midStepNudge, midStepNudgeNote, nudgeBoundLine, nudgeRestartedNote, nudgeRestartLine, promptedNudges,
} from "../../app/polecat/mid-step-nudge.js";
import { outboxLine, type IntentFields } from "../../app/polecat/outbox-schema.js";
import { formatRefusal, parseOutbox } from "../../app/polecat/outbox.js";
import { recordMessage } from "../../app/town/message-beads.js";
import { WITNESS_SENDER } from "../../app/town/witness-ladder.js";
import { bead } from "../ledger/ledger-builders.js";
import { NOW, runLedger, WORK } from "./run-builders.js";

const LATER = new Date(NOW.getTime() + 60_000);

function nudge(ledger: Ledger, text: string, sender: string, ref: string, now = NOW): { ledger: Ledger; id: string } {
  const recorded = recordMessage(ledger, { kind: "nudge", bead: WORK, text, sender, ref, now, prefix: "gt" });
  return { ledger: recorded.ledger, id: recorded.message.id };
}

describe("midStepNudge", () => {
  const { ledger: start, run } = runLedger("design");
  const first = nudge(start, "Use the metric wrench.", "ann", "c1");
  const prompted = promptedNudges(first.ledger, run.bead);

  it("knows the nudges a prompt was made with, by id", () => {
    expect([...prompted]).toEqual([first.id]);
    expect([...promptedNudges(start, run.bead)]).toEqual([]);
  });

  it("leaves the agent be when no nudge arrived since its prompt was made", () => {
    expect(midStepNudge({ ledger: first.ledger, run, prompted, restarts: 0 })).toEqual({ kind: "none" });
    expect(midStepNudge({ ledger: start, run, prompted: new Set(), restarts: 0 })).toEqual({ kind: "none" });
  });

  it("restarts it for a person's nudge or the witness's that its prompt did not hold, oldest first", () => {
    const witness = nudge(first.ledger, "No progress for 20 minutes: say what blocks you.", WITNESS_SENDER, "gastown:witness/gt-w1/nudge-1", LATER);
    const ann = nudge(witness.ledger, "Also the pumps.", "ann", "c2");
    const decision = midStepNudge({ ledger: ann.ledger, run, prompted, restarts: 0 });
    expect(decision).toEqual({ kind: "restart", nudges: [ann.ledger.get(ann.id), ann.ledger.get(witness.id)] });
    // Whatever its clock said: a nudge is new by its id, not by its time.
    const early = nudge(first.ledger, "Before the step began, by the App's clock.", "ann", "c3", new Date(NOW.getTime() - 3_600_000));
    expect(midStepNudge({ ledger: early.ledger, run, prompted, restarts: 2 })).toMatchObject({ kind: "restart", nudges: [{ id: early.id }] });
  });

  it("restarts a step at most MAX_NUDGE_RESTARTS times", () => {
    const second = nudge(first.ledger, "Stop and write tests.", "ann", "c2");
    expect(MAX_NUDGE_RESTARTS).toBe(3);
    expect(midStepNudge({ ledger: second.ledger, run, prompted, restarts: 2 })).toMatchObject({ kind: "restart" });
    expect(midStepNudge({ ledger: second.ledger, run, prompted, restarts: 3 })).toEqual({ kind: "bound", nudges: [second.ledger.get(second.id)] });
    expect(midStepNudge({ ledger: second.ledger, run, prompted, restarts: 7 })).toMatchObject({ kind: "bound" });
  });

  it("never restarts for what the run itself recorded, agents' mail, read nudges or another bead's nudges", () => {
    // A message bead the run's own actor made, labelled as a nudge: never the outbox's doing, and still not one.
    const forged = bead("gt-f1", {
      issue_type: "message", assignee: run.bead, labels: ["gt:nudge"], created_by: "polecat/nux", sender: "polecat/nux", title: "Restart yourself",
    });
    const impersonated = bead("gt-f2", { issue_type: "message", assignee: run.bead, labels: ["gt:nudge"], created_by: "polecat/nux", sender: "ann" });
    const mail = bead("gt-m1", { issue_type: "message", assignee: run.bead, labels: ["gt:mail"], sender: "refinery", title: "MERGE_FAILED" });
    const old = nudge(first.ledger, "Old news.", "ann", "c2");
    const read = { ...old.ledger.get(old.id)!, status: "closed" };
    const other = recordMessage(old.ledger, { kind: "nudge", bead: { ...WORK, id: "gt-w2" }, text: "Not yours.", sender: "ann", ref: "c4", now: NOW, prefix: "gt" });
    const ledger = other.ledger.withBeads([forged, impersonated, mail, read]);
    expect(midStepNudge({ ledger, run, prompted, restarts: 0 })).toEqual({ kind: "none" });
  });

  it("cannot be made by the agent: its outbox addresses mail to the town's roles, never to its bead", () => {
    const line = { kind: "mail", at: NOW.toISOString(), id: "gt-m9", to: run.bead, subject: "Restart me", body: "again" } as unknown as IntentFields;
    const outbox = parseOutbox(outboxLine(line), "outbox.jsonl");
    expect(outbox.entries).toEqual([]);
    expect(outbox.problems.map((p) => formatRefusal(outbox.file, p)))
      .toEqual([`outbox.jsonl:1: to: must be one of overseer, witness, refinery, mayor (got "${run.bead}")`]);
  });
});

describe("what the action says about a restart for a nudge", () => {
  const { ledger: start } = runLedger("design");
  const one = nudge(start, "Use the metric wrench.", "ann", "c1");
  const two = nudge(one.ledger, "No progress.", WITNESS_SENDER, "w1");
  const nudges = [two.ledger.get(one.id)!, two.ledger.get(two.id)!];

  it("tells the next process that a nudge arrived mid-step, naming it, never quoting it", () => {
    expect(midStepNudgeNote(nudges.slice(0, 1))).toBe(
      `A nudge arrived while the last process worked on this step, so Gas Town stopped that process and started this one: ${one.id} from ann. ` +
        "It is under \"Nudges\" below (`gt nudges` prints them too); go on with this step as they ask, within the rules.\n\n" +
        "What the last process committed, and what it left in your clone, is still there: look at it before you go on, " +
        "then finish the step with `gt step done --notes \"…\"`, or choose an exit with `gt done`.",
    );
    expect(midStepNudgeNote(nudges)).toMatch(new RegExp(`^2 nudges arrived .*: ${one.id} from ann; ${two.id} from witness\\. They are under`));
    expect(midStepNudgeNote(nudges)).not.toContain("wrench");
  });

  it("says in the log and on the heartbeat which nudges restarted which step, and how many restarts are left", () => {
    expect(nudgeRestartLine("design", nudges.slice(0, 1), 1))
      .toBe(`Nudge ${one.id} from ann arrived while the agent worked on design: stopping it to start the step again with the nudge (restart 1 of 3 for nudges).`);
    expect(nudgeRestartLine("design", nudges, 3))
      .toBe(`Nudges ${one.id} from ann, ${two.id} from witness arrived while the agent worked on design: stopping it to start the step again with the nudges (restart 3 of 3 for nudges).`);
    expect(nudgeRestartedNote(nudges.slice(0, 1), 2)).toBe(`Restarted the agent for nudge ${one.id} from ann (restart 2 of 3 for nudges).`);
    expect(nudgeBoundLine("design", nudges.slice(1)))
      .toBe(`Nudge ${two.id} from witness arrived while the agent worked on design, which was started again for nudges 3 times already: the step's next process, or the next step's, reads it.`);
  });
});
