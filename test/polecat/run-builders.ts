// A polecat run's ledger for tests: work bead gt-w1, hooked by nux, with a shiny molecule
// poured on it, and the run's identity as the runner's environment gives it.
import { Ledger } from "../../app/ledger/ledger.js";
import { cook } from "../../app/molecules/cook.js";
import { pour } from "../../app/molecules/pour.js";
import { closeStep } from "../../app/molecules/step-done.js";
import type { OutboxRun } from "../../app/polecat/outbox-check.js";
import { bead } from "../ledger/ledger-builders.js";
import { memoryLibrary, NOW, SHINY } from "../molecules/molecule-builders.js";

export { NOW };

export const WORK = bead("gt-w1", {
  title: "Dark mode",
  description: "Add a dark mode.",
  status: "hooked",
  priority: 1,
  assignee: "polecat/nux",
  metadata: { gastown: { polecat: "nux", attempt: 1 } },
});

export interface RunLedger {
  readonly ledger: Ledger;
  readonly root: string;
  readonly run: OutboxRun;
}

/** The run on `step`, with the steps before it (in formula order) closed. */
export function runLedger(step = "design", extra: readonly ReturnType<typeof bead>[] = []): RunLedger {
  const proto = cook("shiny", memoryLibrary({ shiny: SHINY }), { feature: "dark mode" });
  const poured = pour(Ledger.of([WORK, ...extra]), proto, "gt-w1", { now: NOW, actor: "gastown", prefix: "gt" });
  let ledger = poured.ledger;
  for (const s of proto.steps) {
    if (s.id === step) break;
    ledger = closeStep(ledger, poured.root, s.id, NOW, `notes of ${s.id}`);
  }
  return { ledger, root: poured.root, run: { bead: "gt-w1", molecule: poured.root, step, polecat: "nux" } };
}
