// Which mail to the overseer a HELP escalates: only the claimed run's, for the bead's current
// attempt, each once; and the claim that keeps two looks from opening two issues.
import { describe, expect, it } from "vitest";
import type { Bead } from "../../app/ledger/bead-schema.js";
import { Ledger } from "../../app/ledger/ledger.js";
import {
  claimEscalation, ESCALATION_CLAIM_MS, escalationClaimOf, mailText, mailToEscalate, recordMailEscalated,
} from "../../app/town/mail-escalation.js";
import { MAIL_LABEL } from "../../app/town/message-beads.js";
import { sling } from "../../app/town/sling.js";
import { claimedBy, NOW, slingInput } from "./town-builders.js";

function mail(id: string, bead: string, fields: Partial<Bead> = {}): Bead {
  return {
    id, title: "Which pressure?", description: "3 bar or 5?", status: "open", priority: 2, issue_type: "message",
    assignee: "overseer", created_at: "2026-11-24T12:01:00Z", created_by: "polecat/furiosa", updated_at: "2026-11-24T12:01:00Z",
    sender: "polecat/furiosa", labels: [MAIL_LABEL], metadata: { gastown: { mail: bead } }, ...fields,
  };
}

function town() {
  const slung = sling(Ledger.empty(), slingInput());
  if (slung.outcome.kind !== "dispatch") throw new Error("setup");
  const bead = slung.outcome.assignment.bead;
  const ledger = claimedBy(slung.ledger, slung.outcome.assignment, 4242)
    .withBead(mail("town-m2", bead, { created_at: "2026-11-24T12:02:00Z" }))
    .withBead(mail("town-m1", bead))
    .withBead(mail("town-m3", bead, { assignee: "mayor" }))
    .withBead(mail("town-m4", bead, { created_by: "polecat/nux" }))
    .withBead(mail("town-m5", bead, { labels: ["gt:nudge"] }));
  return { ledger, bead };
}

describe("mail to escalate", () => {
  it("is the claimed run's mail to the overseer about its bead, oldest first", () => {
    const { ledger, bead } = town();
    const decision = mailToEscalate(ledger, { bead, attempt: 1, runId: 4242 });
    expect(decision.kind === "escalate" ? decision.messages.map((m) => m.id) : decision).toEqual(["town-m1", "town-m2"]);
  });

  it("is nothing for a mail that names another run or attempt, or none", () => {
    const { ledger, bead } = town();
    for (const claim of [{ runId: 1, attempt: 1 }, { runId: 4242, attempt: 2 }, { runId: "4242", attempt: 1 }, { runId: undefined, attempt: undefined }]) {
      expect(mailToEscalate(ledger, { bead, ...claim })).toEqual({ kind: "nothing", why: `the mail does not name the run that claimed attempt 1 of ${bead}` });
    }
    expect(mailToEscalate(ledger, { bead: "town-zzz", attempt: 1, runId: 4242 })).toEqual({ kind: "nothing", why: "the ledger has no such bead" });
  });

  it("leaves out what is escalated; one look's claim holds the others off until it is stale", () => {
    const { ledger, bead } = town();
    const mine = claimEscalation(ledger, "town-m1", { id: "a", now: NOW });
    expect(escalationClaimOf(mine.get("town-m1"), "a")).toEqual({ held: true, takenOver: false });
    expect(claimEscalation(mine, "town-m1", { id: "b", now: new Date(NOW.getTime() + ESCALATION_CLAIM_MS - 1) })).toBe(mine);
    const taken = claimEscalation(mine, "town-m1", { id: "b", now: new Date(NOW.getTime() + ESCALATION_CLAIM_MS) });
    expect(escalationClaimOf(taken.get("town-m1"), "b")).toEqual({ held: true, takenOver: true });

    const recorded = recordMailEscalated(taken, "town-m1", 12);
    expect(recorded.get("town-m1")?.metadata).toEqual({ gastown: { mail: bead, issue: 12 } });
    expect(recordMailEscalated(recorded, "town-m1", 12)).toBe(recorded);
    expect(claimEscalation(recorded, "town-m1", { id: "c", now: NOW })).toBe(recorded);
    const left = mailToEscalate(recorded, { bead, attempt: 1, runId: 4242 });
    expect(left.kind === "escalate" ? left.messages.map((m) => m.id) : left).toEqual(["town-m2"]);
    expect(mailText(mail("x", bead))).toBe("Which pressure?\n\n3 bar or 5?");
  });
});
