import { describe, expect, it } from "vitest";
import { Ledger } from "../../app/ledger/ledger.js";
import { allowance, budgetOf, mirrorSlotRef, spend, withMirrorBudget } from "../../app/mirror/mirror-budget.js";

const at = (iso: string) => new Date(iso);

describe("the mirror's budget", () => {
  it("allows GitHub's 80 a minute and 500 an hour, each window from its first request", () => {
    const now = at("2026-06-01T12:00:00Z");
    expect(allowance({}, now)).toBe(80);
    let budget = spend({}, now, 70);
    expect(allowance(budget, at("2026-06-01T12:00:59Z"))).toBe(10);
    // A new minute, the same hour.
    budget = spend(budget, at("2026-06-01T12:01:00Z"), 80);
    expect(budget).toEqual({ minute: { since: "2026-06-01T12:01:00Z", used: 80 }, hour: { since: "2026-06-01T12:00:00Z", used: 150 } });
    expect(allowance(budget, at("2026-06-01T12:01:30Z"))).toBe(0);
    expect(allowance({ hour: { since: "2026-06-01T12:00:00Z", used: 470 } }, at("2026-06-01T12:30:00Z"))).toBe(30);
    expect(allowance({ hour: { since: "2026-06-01T12:00:00Z", used: 500 } }, at("2026-06-01T13:00:00Z"))).toBe(80);
    expect(spend(budget, now, 0)).toBe(budget);
  });

  it("is kept on the repository's mirror slot, made the first time, and read back", () => {
    const now = at("2026-06-01T12:00:00Z");
    const budget = spend({}, now, 3);
    const ledger = withMirrorBudget(Ledger.empty(), "octo", "town", budget, { now, prefix: "gt", actor: "gastown[bot]" });
    const [slot] = ledger.beads();
    expect(slot).toMatchObject({ issue_type: "slot", external_ref: mirrorSlotRef("octo", "town"), created_by: "gastown[bot]", metadata: { gastown: budget } });
    expect(budgetOf(ledger, "octo", "town")).toEqual(budget);
    expect(budgetOf(ledger, "octo", "other")).toEqual({});
    const again = withMirrorBudget(ledger, "octo", "town", spend(budget, now, 1), { now, prefix: "gt", actor: "gastown[bot]" });
    expect(again.size).toBe(1);
    expect(budgetOf(again, "octo", "town").minute?.used).toBe(4);
  });
});
