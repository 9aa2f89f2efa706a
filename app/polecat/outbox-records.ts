// The outbox as the action carries it beyond one step: the intents of a step that passed, put
// in the step's marker commit so that a ledger write lost after the push (a runner that died
// between the two) can be repaired from the work ref alone; and the repair itself.
import { parseOutbox, type ParsedOutbox } from "./outbox.js";
import type { OutboxVerdict } from "./outbox-check.js";
import { outboxLine, type IntentFields } from "./outbox-schema.js";
import { applyOutbox } from "./apply-outbox.js";
import type { ActionRepo } from "./action-repo.js";
import type { ClaimedLedger } from "./claimed-ledger.js";
import { readMolecule } from "../molecules/molecule.js";
import { readMarkers } from "./work-markers.js";

/** What a marker's body holds: the outbox lines of its step that the checks accepted. */
interface MarkerPayload {
  readonly outbox: readonly string[];
}

/** Only the accepted entries of a step's outbox, as an outbox of their own. */
export function stepOutbox(outbox: ParsedOutbox, verdict: OutboxVerdict): ParsedOutbox {
  return { file: outbox.file, entries: verdict.accepted, problems: [] };
}

export function markerPayload(accepted: ParsedOutbox): MarkerPayload {
  return { outbox: accepted.entries.map(({ intent }) => outboxLine(withoutVersion(intent)).trimEnd()) };
}

export interface RepairInput {
  readonly bead: string;
  readonly molecule: string;
  readonly polecat: string;
  readonly workTip: string;
  readonly baseTip: string;
  readonly now: Date;
}

/**
 * Records the steps whose markers are on the pushed work ref but whose beads are still open,
 * each with the outbox its marker carries, in one ledger commit; returns how many. A marker
 * counts only as the action wrote it (work-markers.ts); the agent's own trailers count for
 * nothing.
 */
export async function repairFromMarkers(ledger: ClaimedLedger, repo: ActionRepo, input: RepairInput): Promise<number> {
  const markers = await readMarkers(repo.git, { workTip: input.workTip, baseTip: input.baseTip, bead: input.bead });
  if (markers.length === 0) return 0;
  let repaired = 0;
  await ledger.write(`${input.bead}: steps pushed by an earlier attempt recorded`, (current) => {
    const open = new Set(readMolecule(current, input.molecule).steps.filter((s) => !s.closed).map((s) => s.step));
    let next = current;
    repaired = 0;
    for (const marker of markers) {
      if (!open.has(marker.step)) continue;
      const run = { bead: input.bead, molecule: input.molecule, polecat: input.polecat, step: marker.step };
      const outbox = parseOutbox(payloadLines(marker.payload).join("\n"), `marker ${marker.commit.slice(0, 12)}`);
      const stepDone = outbox.entries.some(({ intent }) => intent.kind === "step" && intent.step === marker.step);
      // A marker is written only once `gt step done` was seen; one whose payload lost it still closes its step.
      const withDone = stepDone ? outbox : parseOutbox(
        [...payloadLines(marker.payload), outboxLine({ kind: "step", at: input.now.toISOString(), step: marker.step }).trimEnd()].join("\n"),
        outbox.file,
      );
      next = applyOutbox(next, withDone, run).ledger;
      repaired++;
    }
    return next;
  });
  return repaired;
}

function payloadLines(payload: unknown): string[] {
  const lines = (payload as MarkerPayload | undefined)?.outbox;
  return Array.isArray(lines) ? lines.filter((line): line is string => typeof line === "string") : [];
}

function withoutVersion<T extends { readonly v: number }>(intent: T): Omit<T, "v"> & IntentFields {
  const { v: _v, ...fields } = intent;
  return fields as unknown as Omit<T, "v"> & IntentFields;
}
