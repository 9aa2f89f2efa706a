import { describe, expect, it } from "vitest";
import type { Bead } from "../../app/ledger/bead-schema.js";
import { Ledger } from "../../app/ledger/ledger.js";
import { gastownMetadata } from "../../app/molecules/gastown-metadata.js";
import { closeStep } from "../../app/molecules/step-done.js";
import { limitsHash, polecatLimits } from "../../app/town/polecat-dispatch.js";
import { sling } from "../../app/town/sling.js";
import { unsling } from "../../app/town/unsling.js";
import { bead } from "../ledger/ledger-builders.js";
import { claimedBy, config, issue, minutesAfter, NOW, slingInput } from "./town-builders.js";

function slung() {
  const first = sling(Ledger.empty(), slingInput());
  if (first.outcome.kind !== "dispatch") throw new Error("setup");
  return { ledger: claimedBy(first.ledger, first.outcome.assignment, 4242), ...first.outcome.assignment };
}
const later = minutesAfter(NOW, 10);

describe("unslinging", () => {
  it("lets the bead go: open, unassigned, the run named for cancelling; steps and polecat name kept", () => {
    const { ledger, bead: id, molecule } = slung();
    const stepped = closeStep(ledger, molecule, "load", NOW);
    const { ledger: next, outcome } = unsling(stepped, issue(7).url, { abandon: false, now: later });
    expect(outcome).toEqual({ kind: "released", bead: next.get(id), runId: 4242, wasHooked: true, burned: undefined });
    const released = next.get(id) as Bead;
    expect(released).toMatchObject({ status: "open", updated_at: "2026-11-24T12:10:00Z" });
    expect(released).not.toHaveProperty("assignee");
    expect(gastownMetadata(released)).toEqual({
      molecule, formula: "work", polecat: "furiosa", slung_by: "mayor", slung_at: "2026-11-24T12:00:00Z", attempt: 1,
      limits_hash: limitsHash(polecatLimits(config().polecat)),
      // The mirror's record of what the issue and the bead agreed on when the sling imported it, kept.
      synced: gastownMetadata(ledger.get(id) as Bead).synced,
    });
    expect(gastownMetadata(released).synced).toBeDefined();
    expect(next.get(`${molecule}.1`)?.status).toBe("closed");
    expect(next.get(molecule)?.status).toBe("open");
  });

  it("with --abandon also burns the molecule, so a later sling starts over", () => {
    const { ledger, bead: id, molecule } = slung();
    const { ledger: next, outcome } = unsling(ledger, issue(7).url, { abandon: true, now: later });
    expect(outcome).toMatchObject({ kind: "released", runId: 4242, burned: molecule });
    expect([molecule, `${molecule}.1`, `${molecule}.2`].map((m) => [next.get(m)?.status, next.get(m)?.close_reason]))
      .toEqual([["closed", "burned"], ["closed", "burned"], ["closed", "burned"]]);
    expect(gastownMetadata(next.get(id) as Bead)).not.toHaveProperty("molecule");
    const again = sling(next, slingInput({ now: minutesAfter(later, 1) }));
    expect(again.outcome).toMatchObject({ kind: "dispatch", reason: "new", assignment: { polecat: "furiosa", attempt: 2 } });
  });

  it("takes a waiting bead out of the queue", () => {
    const busy = Ledger.of(["a", "b", "c"].map((x) => bead(`town-${x}`, { status: "hooked" })));
    const waiting = sling(busy, slingInput()).ledger;
    const { ledger: next, outcome } = unsling(waiting, issue(7).url, { abandon: false, now: later });
    expect(outcome).toMatchObject({ kind: "released", runId: undefined });
    expect(gastownMetadata(next.get(outcome.bead?.id as string) as Bead)).not.toHaveProperty("waiting_since");
  });

  it("has nothing to let go of a bead never slung, or not in the ledger", () => {
    const empty = Ledger.empty();
    expect(unsling(empty, issue(7).url, { abandon: true, now: later })).toEqual({ ledger: empty, outcome: { kind: "not-slung", bead: undefined } });
    const plain = Ledger.of([bead("town-x", { external_ref: issue(7).url })]);
    const result = unsling(plain, issue(7).url, { abandon: false, now: later });
    expect(result.ledger).toBe(plain);
    expect(result.outcome).toEqual({ kind: "not-slung", bead: plain.get("town-x") });
  });
});
