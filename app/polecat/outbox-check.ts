// Which of an outbox's intents the run may have, judged against a ledger: the agent may close
// only the step its process is for, file beads only under or against its own work bead, write
// only to the town's roles, and only so much. The runner's `gt` asks the same before it writes
// a line, and the action again before it applies one, so a line the agent wrote by hand gains
// nothing. Checking against a ledger the outbox was already applied to accepts the same
// intents, which is what lets applying it twice give the same ledger.
import { beadStatus, type Bead } from "../ledger/bead-schema.js";
import type { Ledger } from "../ledger/ledger.js";
import { issuePrefix } from "../ledger/id-prefix.js";
import { gastownString } from "../molecules/gastown-metadata.js";
import { CLOSE_REASONS, MoleculeError, readMolecule, type Molecule } from "../molecules/molecule.js";
import { closeStep } from "../molecules/step-done.js";
import { POLECAT_ASSIGNEE_PREFIX } from "../town/polecat-names.js";
import type { OutboxEntry, OutboxRefusal, ParsedOutbox } from "./outbox.js";
import {
  intentTime, type ExitIntent, type MailIntent, type NewBeadIntent, type OutboxIntent, type StepDoneIntent,
} from "./outbox-schema.js";

/** A run files what it finds and splits what is too big: twenty beads is more than any run needs. */
export const MAX_NEW_BEADS = 20;
/** Each mail reaches people (the overseer's is a comment that mentions them): a handful a run. */
export const MAX_MAIL = 10;

/** Who the run is: its work bead, its molecule, the step this process is for, its polecat. */
export interface OutboxRun {
  readonly bead: string;
  readonly molecule: string;
  /** The formula step id (`GASTOWN_STEP`). */
  readonly step: string;
  /** The polecat's name: `created_by` and `sender` are `polecat/<name>`. */
  readonly polecat: string;
}

/**
 * What the run filed before this outbox, in its earlier steps and tries: the caps are the run's,
 * and each step's outbox is a file of its own.
 */
export interface Filed {
  readonly beads: number;
  readonly mail: number;
}

export const NOTHING_FILED: Filed = { beads: 0, mail: 0 };

/** `before` with the beads and mail of `outbox` added: what the run has filed once it is applied. */
export function filedWith(before: Filed, outbox: ParsedOutbox): Filed {
  const count = (kind: "bead" | "mail") => outbox.entries.filter(({ intent }) => intent.kind === kind).length;
  return { beads: before.beads + count("bead"), mail: before.mail + count("mail") };
}

export interface OutboxVerdict {
  /** In line order; each may already be in the ledger, which applying then leaves as it is. */
  readonly accepted: readonly OutboxEntry[];
  /** Unreadable lines and refused intents, in line order. */
  readonly refused: readonly OutboxRefusal[];
}

/** `created_by` and `sender` of what the run records. */
export function runActor(run: OutboxRun): string {
  return `${POLECAT_ASSIGNEE_PREFIX}${run.polecat}`;
}

/** What a run's intents have made so far, as they are checked in order. */
interface Seen {
  readonly ledger: Ledger;
  readonly run: OutboxRun;
  readonly molecule: Molecule | string;
  /** Step ids closed so far: in the ledger, or by an accepted line. */
  readonly closedSteps: Set<string>;
  /** Ids of the beads and mail accepted so far: their line, and which they are. */
  readonly created: Map<string, { readonly line: number; readonly kind: "bead" | "mail" }>;
  stepDoneLine: number | undefined;
  exitLine: number | undefined;
  /** Beads and mail the run has filed so far, this outbox's accepted lines among them. */
  newBeads: number;
  mail: number;
}

export function checkOutbox(ledger: Ledger, outbox: ParsedOutbox, run: OutboxRun, before: Filed = NOTHING_FILED): OutboxVerdict {
  const molecule = moleculeOf(ledger, run);
  const seen: Seen = {
    ledger, run, molecule,
    closedSteps: new Set(typeof molecule === "string" ? [] : closedBefore(molecule, outbox, run)),
    created: new Map(), stepDoneLine: undefined, exitLine: undefined, newBeads: before.beads, mail: before.mail,
  };
  const accepted: OutboxEntry[] = [];
  const refused: OutboxRefusal[] = [...outbox.problems];
  const work = ledger.get(run.bead);
  for (const entry of outbox.entries) {
    const refusal = work === undefined
      ? { field: "", reason: `the work bead ${run.bead} is not in the ledger` }
      : refusalOf(entry, seen);
    if (refusal === undefined) accepted.push(entry);
    else refused.push({ line: entry.line, ...refusal });
  }
  refused.sort((a, b) => a.line - b.line);
  return { accepted, refused };
}

/**
 * The steps closed before this outbox's lines are read. The run's own step counts as open when
 * it is closed as this outbox's step line closes it: that line is applied already (this is a
 * second application), and it is closed again where the line stands, so a COMPLETED exit written
 * above it is refused both times.
 */
function closedBefore(molecule: Molecule, outbox: ParsedOutbox, run: OutboxRun): string[] {
  const own = outbox.entries.find(({ intent }) => intent.kind === "step" && intent.step === run.step)?.intent as StepDoneIntent | undefined;
  return molecule.steps.filter((s) => s.closed && !(own !== undefined && s.step === run.step && isClosedBy(s.bead, own))).map((s) => s.step);
}

function moleculeOf(ledger: Ledger, run: OutboxRun): Molecule | string {
  try {
    const molecule = readMolecule(ledger, run.molecule);
    if (molecule.bead !== run.bead) return `${run.molecule} is not the molecule of ${run.bead}`;
    return molecule;
  } catch (error) {
    if (error instanceof MoleculeError) return error.message;
    throw error;
  }
}

type Refusal = { readonly field: string; readonly reason: string } | undefined;

function refusalOf(entry: OutboxEntry, seen: Seen): Refusal {
  if (seen.exitLine !== undefined) {
    return { field: "", reason: `comes after the run's exit on line ${seen.exitLine}: nothing may follow gt done` };
  }
  const intent: OutboxIntent = entry.intent;
  switch (intent.kind) {
    case "step": return stepRefusal(entry.line, intent, seen);
    case "exit": return exitRefusal(entry.line, intent, seen);
    case "bead": return beadRefusal(entry.line, intent, seen);
    case "mail": return mailRefusal(entry.line, intent, seen);
  }
}

function stepRefusal(line: number, intent: StepDoneIntent, seen: Seen): Refusal {
  const { run, molecule } = seen;
  if (intent.step !== run.step) {
    return { field: "step", reason: `gt step done closes only this process's step, "${run.step}" (got "${intent.step}")` };
  }
  if (seen.stepDoneLine !== undefined) return { field: "step", reason: `step "${run.step}" is already done on line ${seen.stepDoneLine}` };
  if (typeof molecule === "string") return { field: "step", reason: molecule };
  const step = molecule.steps.find((s) => s.step === intent.step);
  if (step?.closed && isClosedBy(step.bead, intent)) {
    seen.stepDoneLine = line;
    seen.closedSteps.add(intent.step);
    return undefined;
  }
  try {
    closeStep(seen.ledger, molecule.root.id, intent.step, new Date(intentTime(intent)), intent.notes);
  } catch (error) {
    if (error instanceof MoleculeError) return { field: "step", reason: error.message };
    throw error;
  }
  seen.stepDoneLine = line;
  seen.closedSteps.add(intent.step);
  return undefined;
}

/** Whether a closed step bead is what applying `intent` made of it. */
function isClosedBy(step: Bead, intent: StepDoneIntent): boolean {
  return beadStatus(step) === "closed" && step.close_reason === CLOSE_REASONS.done && step.closed_at === intentTime(intent) &&
    gastownString(step, "notes") === intent.notes;
}

function exitRefusal(line: number, intent: ExitIntent, seen: Seen): Refusal {
  const { run, molecule } = seen;
  if (intent.exit === "COMPLETED") {
    if (typeof molecule === "string") return { field: "exit", reason: molecule };
    const open = molecule.steps.filter((s) => !seen.closedSteps.has(s.step)).map((s) => s.step);
    if (open.length > 0) {
      return {
        field: "exit",
        reason: `COMPLETED while steps are open (${open.join(", ")}): close this step with gt step done first, or take another exit`,
      };
    }
  }
  if (intent.blocker !== undefined) {
    if (intent.exit !== "BLOCKED") return { field: "blocker", reason: "only a BLOCKED exit names a blocker" };
    const blocker = intent.blocker;
    const ownMolecule = blocker === run.molecule || blocker.startsWith(`${run.molecule}.`);
    if (blocker === run.bead || ownMolecule) {
      return { field: "blocker", reason: `${blocker} is this run's own ${ownMolecule ? "molecule" : "work bead"}, not what blocks it` };
    }
    // What this run filed is judged by what it filed as, also once it is in the ledger: a mail
    // blocks nothing, however often the outbox is applied.
    const filed = seen.created.get(blocker)?.kind;
    if (filed === "mail" || (filed === undefined && !seen.ledger.has(blocker))) {
      return { field: "blocker", reason: `no bead ${blocker} in the ledger or filed by this run` };
    }
  }
  seen.exitLine = line;
  return undefined;
}

function beadRefusal(line: number, intent: NewBeadIntent, seen: Seen): Refusal {
  const { run } = seen;
  if (seen.newBeads >= MAX_NEW_BEADS) return { field: "", reason: `a run may file at most ${MAX_NEW_BEADS} beads` };
  for (const field of ["parent", "blocks"] as const) {
    const named = intent[field];
    if (named !== undefined && named !== run.bead) {
      return { field, reason: `may name only this run's work bead, ${run.bead} (got ${named})` };
    }
  }
  const from = intent.discovered_from;
  if (from !== undefined && from !== run.bead && seen.created.get(from)?.kind !== "bead") {
    return { field: "discovered_from", reason: `may name only this run's work bead, ${run.bead}, or a bead it filed (got ${from})` };
  }
  const idRefusal = newIdRefusal(intent.id, intent.parent !== undefined, intent, seen);
  if (idRefusal !== undefined) return idRefusal;
  seen.created.set(intent.id, { line, kind: "bead" });
  seen.newBeads++;
  return undefined;
}

function mailRefusal(line: number, intent: MailIntent, seen: Seen): Refusal {
  if (seen.mail >= MAX_MAIL) return { field: "", reason: `a run may send at most ${MAX_MAIL} mail` };
  const idRefusal = newIdRefusal(intent.id, false, intent, seen);
  if (idRefusal !== undefined) return idRefusal;
  seen.created.set(intent.id, { line, kind: "mail" });
  seen.mail++;
  return undefined;
}

/**
 * A new bead's id must have the form `gt` mints (`<prefix>-<hash>`, or `<work bead>.<n>` for a
 * child) and be free, or be this very intent's bead, already applied. Another writer's bead
 * with the same id is never overwritten: that intent is refused.
 */
function newIdRefusal(id: string, child: boolean, intent: NewBeadIntent | MailIntent, seen: Seen): Refusal {
  const { run } = seen;
  const head = child ? `${run.bead}.` : `${issuePrefix(run.bead)}-`;
  const tail = child ? /^[1-9][0-9]*$/ : /^[0-9a-z]{3,8}$/;
  if (!id.startsWith(head) || !tail.test(id.slice(head.length))) {
    return { field: "id", reason: `must be an id as gt mints it: ${head}${child ? "<n>" : "<hash>"} (got ${id})` };
  }
  const earlier = seen.created.get(id);
  if (earlier !== undefined) return { field: "id", reason: `${id} is already used on line ${earlier.line}` };
  const existing = seen.ledger.get(id);
  if (existing !== undefined && !isMadeBy(existing, intent, run)) {
    return { field: "id", reason: `${id} is already a bead in the ledger` };
  }
  return undefined;
}

/** Whether a bead in the ledger is the one applying `intent` made. */
function isMadeBy(bead: Bead, intent: NewBeadIntent | MailIntent, run: OutboxRun): boolean {
  const title = intent.kind === "mail" ? intent.subject : intent.title;
  return bead.created_by === runActor(run) && bead.title === title && bead.created_at === intentTime(intent);
}
