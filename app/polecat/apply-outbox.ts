// An outbox applied to a ledger: a pure mutation, so the action can run it inside a
// compare-and-swap and again on the ledger it reads after losing a race. Every intent is
// checked against the very ledger it is applied to, and what is already there (a closed step,
// a bead with the intent's id and making) is left as it is, so applying twice changes nothing.
// Text the agent wrote is stored as it was written; it is fenced wherever it is shown.
import type { Bead, Dependency } from "../ledger/bead-schema.js";
import type { Ledger } from "../ledger/ledger.js";
import { gastownMetadata, withGastownMetadata } from "../molecules/gastown-metadata.js";
import { readMolecule } from "../molecules/molecule.js";
import { closeStep } from "../molecules/step-done.js";
import { MAIL_LABEL } from "../town/message-beads.js";
import { checkOutbox, NOTHING_FILED, runActor, type Filed, type OutboxRun, type OutboxVerdict } from "./outbox-check.js";
import type { ParsedOutbox } from "./outbox.js";
import {
  intentTime, type ExitIntent, type MailIntent, type NewBeadIntent, type OutboxIntent, type StepDoneIntent,
} from "./outbox-schema.js";


export interface AppliedOutbox {
  readonly ledger: Ledger;
  /** What was checked against the ledger given, and why lines were refused. */
  readonly verdict: OutboxVerdict;
}

/** `before`: what the run filed in its earlier outboxes, which counts against its caps. */
export function applyOutbox(ledger: Ledger, outbox: ParsedOutbox, run: OutboxRun, before: Filed = NOTHING_FILED): AppliedOutbox {
  const verdict = checkOutbox(ledger, outbox, run, before);
  let applied = ledger;
  for (const { intent } of verdict.accepted) applied = applyIntent(applied, intent, run);
  return { ledger: applied, verdict };
}

function applyIntent(ledger: Ledger, intent: OutboxIntent, run: OutboxRun): Ledger {
  switch (intent.kind) {
    case "step": return closeStepOnce(ledger, intent, run);
    case "exit": return recordExit(ledger, intent, run);
    case "bead": return ledger.has(intent.id) ? ledger : fileBead(ledger, intent, run);
    case "mail": return ledger.has(intent.id) ? ledger : ledger.withBead(messageBead(ledger, intent, run));
  }
}

function closeStepOnce(ledger: Ledger, intent: StepDoneIntent, run: OutboxRun): Ledger {
  const step = readMolecule(ledger, run.molecule).steps.find((s) => s.step === intent.step);
  if (step === undefined || step.closed) return ledger;
  return closeStep(ledger, run.molecule, intent.step, new Date(intentTime(intent)), intent.notes);
}

/** The exit on the work bead, for the action to act on; a blocker an earlier exit named goes. */
function recordExit(ledger: Ledger, intent: ExitIntent, run: OutboxRun): Ledger {
  const work = ledger.get(run.bead) as Bead;
  const patch = { exit: intent.exit, exit_reason: intent.reason, exit_blocker: intent.blocker };
  const current = gastownMetadata(work);
  if (Object.entries(patch).every(([field, value]) => current[field] === value)) return ledger;
  return ledger.withBead({ ...withGastownMetadata(work, patch), updated_at: intentTime(intent) });
}

function dependency(issue: string, target: string, type: string, at: string, run: OutboxRun): Dependency {
  return { issue_id: issue, depends_on_id: target, type, created_at: at, created_by: runActor(run) };
}

/** The new bead, with its links as `bd create --parent/--deps` writes them. */
function fileBead(ledger: Ledger, intent: NewBeadIntent, run: OutboxRun): Ledger {
  const work = ledger.get(run.bead) as Bead;
  const at = intentTime(intent);
  const dependencies = [
    ...(intent.parent !== undefined ? [dependency(intent.id, intent.parent, "parent-child", at, run)] : []),
    ...(intent.discovered_from !== undefined ? [dependency(intent.id, intent.discovered_from, "discovered-from", at, run)] : []),
  ];
  const bead: Bead = {
    id: intent.id,
    title: intent.title,
    ...(intent.description ? { description: intent.description } : {}),
    status: "open",
    // As urgent as the work it came from.
    priority: work.priority ?? 2,
    issue_type: intent.type,
    created_at: at,
    created_by: runActor(run),
    updated_at: at,
    ...(dependencies.length > 0 ? { dependencies } : {}),
  };
  if (intent.blocks === undefined) return ledger.withBead(bead);
  // `--blocks X`: X depends on the new bead; Beads keeps that on X.
  const blocked = ledger.get(intent.blocks) as Bead;
  const has = (blocked.dependencies ?? []).some((d) => d.depends_on_id === intent.id && d.type === "blocks");
  const withBlocker = has ? blocked : {
    ...blocked,
    dependencies: [...(blocked.dependencies ?? []), dependency(blocked.id, intent.id, "blocks", at, run)],
    updated_at: at,
  };
  return ledger.withBeads([bead, withBlocker]);
}

/** A mail as Beads keeps mail: the subject its title, the body its description, open until read. */
function messageBead(ledger: Ledger, intent: MailIntent, run: OutboxRun): Bead {
  const at = intentTime(intent);
  return {
    id: intent.id,
    title: intent.subject,
    ...(intent.body ? { description: intent.body } : {}),
    status: "open",
    priority: ledger.get(run.bead)?.priority ?? 2,
    issue_type: "message",
    assignee: intent.to,
    created_at: at,
    created_by: runActor(run),
    updated_at: at,
    sender: runActor(run),
    labels: [MAIL_LABEL],
    metadata: { gastown: { mail: run.bead } },
  };
}
