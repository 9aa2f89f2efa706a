import { describe, expect, it } from "vitest";
import { Ledger } from "../../app/ledger/ledger.js";
import type { Bead } from "../../app/ledger/bead-schema.js";
import { escalationIssueOf, nudgesFor, recordEscalationIssue, recordMessage } from "../../app/town/message-beads.js";
import { bead } from "../ledger/ledger-builders.js";
import { minutesAfter, NOW } from "./town-builders.js";

const work = bead("town-abc", { priority: 1 });
const request = (text: string, ref: string, now = NOW) =>
  ({ kind: "nudge" as const, bead: work, text, sender: "mayor", ref, now, prefix: "town" });

describe("message beads", () => {
  it("records a nudge once per comment, its subject cut short, addressed to the work bead", () => {
    const long = "Use the metric wrench. ".repeat(5).trim();
    const first = recordMessage(Ledger.of([work]), request(long, "https://github.com/octo/town/issues/1#issuecomment-9"));
    expect(first.created).toBe(true);
    expect(first.message).toMatchObject({
      title: "Nudge for town-abc: Use the metric wrench. Use the metric wrench. Use the metri…",
      description: long, issue_type: "message", assignee: "town-abc", sender: "mayor", priority: 1, labels: ["gt:nudge"],
    });
    const again = recordMessage(first.ledger, request("other text", "https://github.com/octo/town/issues/1#issuecomment-9"));
    expect(again).toEqual({ ledger: first.ledger, message: first.message, created: false });
  });

  it("lists a bead's nudges oldest first, not its escalations", () => {
    let ledger = Ledger.of([work]);
    ledger = recordMessage(ledger, request("second", "c2", minutesAfter(NOW, 5))).ledger;
    ledger = recordMessage(ledger, request("first", "c1")).ledger;
    ledger = recordMessage(ledger, { ...request("help", "c3"), kind: "escalation" }).ledger;
    expect(nudgesFor(ledger, "town-abc").map((b) => b.description)).toEqual(["first", "second"]);
  });

  it("records an escalation's issue once", () => {
    const recorded = recordMessage(Ledger.of([work]), { ...request("help", "c9"), kind: "escalation" });
    expect(escalationIssueOf(recorded.message)).toBeUndefined();
    const withIssue = recordEscalationIssue(recorded.ledger, recorded.message.id, 12);
    expect(escalationIssueOf(withIssue.get(recorded.message.id) as Bead)).toBe(12);
    expect(recordEscalationIssue(withIssue, recorded.message.id, 12)).toBe(withIssue);
  });
});
