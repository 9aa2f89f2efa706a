import { describe, expect, it } from "vitest";
import type { Bead } from "../../app/ledger/bead-schema.js";
import type { Ledger } from "../../app/ledger/ledger.js";
import { withGastownMetadata } from "../../app/molecules/gastown-metadata.js";
import { promptedNudges } from "../../app/polecat/mid-step-nudge.js";
import { claimLostStopLine, midStepTick, type RunClaim } from "../../app/polecat/mid-step-tick.js";
import { recordMessage } from "../../app/town/message-beads.js";
import { NOW, runLedger } from "./run-builders.js";

const CLAIM: RunClaim = { bead: "gt-w1", polecat: "nux", attempt: 1, runId: 77 };

/** The work bead of `ledger` with `patch`, and the claim's metadata as given. */
function withWork(ledger: Ledger, patch: Partial<Bead>, metadata: Record<string, unknown> = {}): Ledger {
  return ledger.withBead(withGastownMetadata({ ...ledger.get("gt-w1")!, ...patch }, metadata));
}

function nudged(ledger: Ledger): { ledger: Ledger; id: string } {
  const recorded = recordMessage(ledger, { kind: "nudge", bead: ledger.get("gt-w1")!, text: "Use the metric wrench.", sender: "ann", ref: "c1", now: NOW, prefix: "gt" });
  return { ledger: recorded.ledger, id: recorded.message.id };
}

describe("midStepTick", () => {
  const { ledger: unclaimed, run } = runLedger("design");
  const claimed = withWork(unclaimed, {}, { run_id: 77 });
  const prompted = promptedNudges(claimed, run.bead);
  const tick = (ledger: Ledger, restarts = 0) => midStepTick({ ledger, claim: CLAIM, run, prompted, restarts });

  it("leaves the agent be while the run holds its claim and no nudge arrived", () => {
    expect(tick(claimed)).toEqual({ kind: "none" });
  });

  it("looks for nudges while the run holds its claim, as midStepNudge does", () => {
    const nudge = nudged(claimed);
    expect(tick(nudge.ledger)).toEqual({ kind: "restart", nudges: [nudge.ledger.get(nudge.id)] });
    expect(tick(nudge.ledger, 3)).toEqual({ kind: "bound", nudges: [nudge.ledger.get(nudge.id)] });
  });

  it("stops the agent when the bead was unslung, hooked to a newer attempt or to another polecat, or claimed by another run", () => {
    expect(tick(withWork(claimed, { status: "open", assignee: undefined })))
      .toEqual({ kind: "claim-lost", reason: "gt-w1 is open, not hooked: it was unslung or its work has ended" });
    expect(tick(withWork(claimed, {}, { attempt: 2, run_id: undefined })))
      .toEqual({ kind: "claim-lost", reason: "gt-w1 is on attempt 2, and this run is attempt 1" });
    expect(tick(withWork(claimed, { assignee: "polecat/slit" })))
      .toEqual({ kind: "claim-lost", reason: "gt-w1 is hooked to polecat/slit, not polecat/nux" });
    expect(tick(withWork(claimed, {}, { run_id: 78 })))
      .toEqual({ kind: "claim-lost", reason: "gt-w1's attempt 1 is claimed by run 78, not this run (77)" });
    expect(tick(unclaimed)).toEqual({ kind: "claim-lost", reason: "gt-w1's attempt 1 is claimed by no run, not this run (77)" });
  });

  it("puts the lost claim before any nudge or the bound on restarts: the run takes nothing more", () => {
    const nudge = nudged(claimed);
    const unslung = withWork(nudge.ledger, { status: "open", assignee: undefined });
    expect(tick(unslung)).toMatchObject({ kind: "claim-lost" });
    expect(tick(unslung, 3)).toMatchObject({ kind: "claim-lost" });
  });

  it("says in the log that the agent is stopped and nothing of it taken", () => {
    expect(claimLostStopLine("design"))
      .toBe("The run lost its claim while the agent worked on design: stopping the agent now, and taking nothing of its work.");
  });
});
