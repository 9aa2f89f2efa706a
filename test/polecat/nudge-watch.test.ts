import { describe, expect, it } from "vitest";
import type { Ledger } from "../../app/ledger/ledger.js";
import { withGastownMetadata } from "../../app/molecules/gastown-metadata.js";
import { promptedNudges } from "../../app/polecat/mid-step-nudge.js";
import { NudgeWatch } from "../../app/polecat/nudge-watch.js";
import { runLedger } from "./run-builders.js";

const CLAIM = { bead: "gt-w1", polecat: "nux", attempt: 1, runId: 77 };
const { ledger: start, run } = runLedger("design");
const CLAIMED = start.withBead(withGastownMetadata(start.get("gt-w1")!, { run_id: 77 }));
const UNSLUNG = CLAIMED.withBead({ ...CLAIMED.get("gt-w1")!, status: "open" });

/** A watch whose reads the test answers one at a time, and what it logged and stopped. */
function watched() {
  const answers: ((ledger: Ledger) => void)[] = [];
  const lines: string[] = [];
  let interrupts = 0;
  const watch = new NudgeWatch(() => new Promise<Ledger>((resolve) => answers.push(resolve)), CLAIM, {
    info: (line) => lines.push(line), warning: (line) => lines.push(`warning: ${line}`), mask: () => undefined,
  });
  watch.watch({ run, prompted: promptedNudges(CLAIMED, run.bead), restarts: 0, interrupt: () => interrupts++ });
  return { watch, answers, lines, interrupts: () => interrupts };
}

/** Until a look the test answered has run to its end. */
const looked = () => new Promise((resolve) => setImmediate(resolve));

describe("NudgeWatch", () => {
  it("stops the agent once when a tick finds the claim lost, and says why when the process has ended", async () => {
    const { watch, answers, lines, interrupts } = watched();
    watch.tick();
    answers[0]!(CLAIMED);
    await looked();
    expect(interrupts()).toBe(0);
    watch.tick();
    answers[1]!(UNSLUNG);
    await looked();
    expect(interrupts()).toBe(1);
    // Stopped: later ticks read nothing more.
    watch.tick();
    expect(answers).toHaveLength(2);
    expect(await watch.unwatch()).toEqual({ kind: "claim-lost", reason: "gt-w1 is open, not hooked: it was unslung or its work has ended" });
    expect(lines).toEqual(["warning: The run lost its claim while the agent worked on design: stopping the agent now, and taking nothing of its work."]);
  });

  it("stops nothing when the process ended while the tick read the ledger", async () => {
    const { watch, answers, lines, interrupts } = watched();
    watch.tick();
    const unwatched = watch.unwatch();
    answers[0]!(UNSLUNG);
    expect(await unwatched).toBeUndefined();
    expect(interrupts()).toBe(0);
    expect(lines).toEqual([]);
  });
});
