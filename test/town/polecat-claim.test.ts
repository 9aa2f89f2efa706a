import { describe, expect, it } from "vitest";
import type { Bead } from "../../app/ledger/bead-schema.js";
import { Ledger } from "../../app/ledger/ledger.js";
import { gastownMetadata, withGastownMetadata } from "../../app/molecules/gastown-metadata.js";
import { claimBead, claimLost, type PolecatRun } from "../../app/town/polecat-claim.js";
import { limitsHash, polecatLimits } from "../../app/town/polecat-dispatch.js";
import { sling } from "../../app/town/sling.js";
import { unsling } from "../../app/town/unsling.js";
import { config, issue, minutesAfter, NOW, slingInput } from "./town-builders.js";

function hooked() {
  const slung = sling(Ledger.empty(), slingInput());
  if (slung.outcome.kind !== "dispatch") throw new Error("setup");
  const { bead, polecat, attempt } = slung.outcome.assignment;
  const run: PolecatRun = { bead, polecat, attempt, limits: polecatLimits(config().polecat), runId: 77, runUrl: "https://github.com/octo/town/actions/runs/77" };
  return { ledger: slung.ledger, run };
}

const refusal = (ledger: Ledger, run: PolecatRun) => {
  const claimed = claimBead(ledger, run, NOW);
  return claimed.ok ? "claimed" : claimed.refusal;
};

describe("a polecat run's claim", () => {
  it("records the run's id, URL and start in the bead, once", () => {
    const { ledger, run } = hooked();
    const claimed = claimBead(ledger, run, minutesAfter(NOW, 3));
    if (!claimed.ok) throw new Error(claimed.refusal);
    expect(gastownMetadata(claimed.bead)).toMatchObject({
      attempt: 1, run_id: 77, run_url: "https://github.com/octo/town/actions/runs/77", started_at: "2026-11-24T12:03:00Z",
    });
    expect(claimed.ledger.get(run.bead)).toEqual(claimed.bead);
    // The same run again (a re-run of its job) changes nothing.
    const again = claimBead(claimed.ledger, run, minutesAfter(NOW, 9));
    expect(again.ok && again.ledger).toBe(claimed.ledger);
    expect(claimLost(claimed.ledger, run)).toBeUndefined();
  });

  it("is refused, with the reason, to a run the hook does not describe", () => {
    const { ledger, run } = hooked();
    expect(refusal(ledger, { ...run, bead: "town-zzz" })).toBe("town-zzz is not in the ledger");
    expect(refusal(ledger, { ...run, polecat: "nux" })).toBe(`${run.bead} is hooked to polecat/furiosa, not polecat/nux`);
    expect(refusal(ledger, { ...run, attempt: 2 })).toBe(`${run.bead} is on attempt 1, and this run is attempt 2`);
    const hand = JSON.stringify({ ...JSON.parse(run.limits), max_cost_usd: 1000 });
    expect(refusal(ledger, { ...run, limits: hand })).toBe(
      `the limits this run was given (${limitsHash(hand)}) are not the ones ${run.bead}'s hook recorded (${limitsHash(run.limits)}): ` +
      "it was not dispatched by the App for this attempt",
    );
    const unslung = unsling(ledger, issue(7).url, { abandon: false, now: NOW }).ledger;
    expect(refusal(unslung, run)).toBe(`${run.bead} is open, not hooked: it was unslung or its work has ended`);
    const taken = claimBead(ledger, { ...run, runId: 78 }, NOW);
    expect(taken.ok && refusal(taken.ledger, run)).toBe(`${run.bead}'s attempt 1 was claimed by run 78, not this run (77)`);
  });

  it("is refused on a bead hooked before hooks recorded their limits", () => {
    const { ledger, run } = hooked();
    const old = ledger.withBead(withGastownMetadata(ledger.get(run.bead) as Bead, { limits_hash: undefined }));
    expect(refusal(old, run)).toBe(
      `${run.bead} was hooked with no record of its limits, so this run cannot tell them from limits anyone could dispatch: ` +
      "comment /retry on its issue to dispatch an attempt that records them",
    );
  });

  it("is lost once the bead is unslung, moved on to a newer attempt, or claimed by another run", () => {
    const { ledger, run } = hooked();
    const claimed = claimBead(ledger, run, NOW);
    if (!claimed.ok) throw new Error(claimed.refusal);
    expect(claimLost(ledger, run)).toBe(`${run.bead}'s attempt 1 is claimed by no run, not this run (77)`);
    const unslung = unsling(claimed.ledger, issue(7).url, { abandon: false, now: NOW }).ledger;
    expect(claimLost(unslung, run)).toBe(`${run.bead} is open, not hooked: it was unslung or its work has ended`);
    const retried = sling(claimed.ledger, slingInput({ now: minutesAfter(NOW, 5), observedRun: { attempt: 1, live: false } })).ledger;
    expect(claimLost(retried, run)).toBe(`${run.bead} is on attempt 2, and this run is attempt 1`);
    expect(gastownMetadata(retried.get(run.bead) as Bead)).not.toHaveProperty("run_id");
  });
});
