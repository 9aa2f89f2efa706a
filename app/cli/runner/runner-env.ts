// What the runner's `gt` commands know of their run: the GASTOWN_* variables the action sets
// for the agent's process (DESIGN §7), the ledger copy they name, and the run's outbox so far.
import { resolve } from "node:path";
import type { Ledger } from "../../ledger/ledger.js";
import { gastownString } from "../../molecules/gastown-metadata.js";
import { readMolecule } from "../../molecules/molecule.js";
import { applyOutbox } from "../../polecat/apply-outbox.js";
import type { OutboxRun } from "../../polecat/outbox-check.js";
import { OutboxFileError, readOutboxFile } from "../../polecat/outbox-file.js";
import { parseOutbox, type ParsedOutbox } from "../../polecat/outbox.js";
import { UsageError, type CliIo } from "../cli-io.js";
import { openValidLedger } from "../ledger/open-ledger.js";
import { explained } from "../molecules/molecule-cli.js";

export const RUNNER_VARIABLES = [
  "GASTOWN_LEDGER", "GASTOWN_OUTBOX", "GASTOWN_BEAD", "GASTOWN_MOLECULE", "GASTOWN_STEP", "GASTOWN_PROMPT_FILE",
] as const;
export type RunnerVariable = (typeof RUNNER_VARIABLES)[number];

/** The variables a command needs, or a clear refusal naming every one that is missing. */
export function runnerVariables<V extends RunnerVariable>(
  io: CliIo, command: string, names: readonly V[],
): Record<V, string> {
  const missing = names.filter((name) => !io.env[name]);
  if (missing.length > 0) {
    const list = missing.join(", ");
    throw new UsageError(
      `${command} runs only in a polecat's run, where the action sets GASTOWN_*: ${list} ${missing.length === 1 ? "is" : "are"} not set`,
    );
  }
  return Object.fromEntries(names.map((name) => [name, io.env[name] as string])) as Record<V, string>;
}

export interface RunFiles {
  readonly ledger: string;
  readonly outbox: string;
}

export interface OpenedRun {
  readonly run: OutboxRun;
  readonly files: RunFiles;
  /** The ledger copy as the action wrote it, without the outbox. */
  readonly ledger: Ledger;
  /** The outbox's text as read (at most one byte past its cap). */
  readonly outboxText: string;
  readonly outbox: ParsedOutbox;
}

const RUN_VARIABLES = ["GASTOWN_LEDGER", "GASTOWN_OUTBOX", "GASTOWN_BEAD", "GASTOWN_MOLECULE", "GASTOWN_STEP"] as const;

/** The run as `command` sees it; a copy that does not hold the run's bead and molecule is refused. */
export async function openRun(io: CliIo, command: string): Promise<OpenedRun> {
  const vars = runnerVariables(io, command, RUN_VARIABLES);
  const { ledger } = await openValidLedger(vars.GASTOWN_LEDGER, io);
  const run = await runOf(ledger, vars, vars.GASTOWN_LEDGER);
  const outboxText = await readOutbox(io, vars.GASTOWN_OUTBOX);
  return {
    run,
    files: { ledger: vars.GASTOWN_LEDGER, outbox: vars.GASTOWN_OUTBOX },
    ledger,
    outboxText,
    outbox: parseOutbox(outboxText, vars.GASTOWN_OUTBOX),
  };
}

async function runOf(
  ledger: Ledger, vars: Record<"GASTOWN_BEAD" | "GASTOWN_MOLECULE" | "GASTOWN_STEP", string>, file: string,
): Promise<OutboxRun> {
  const work = ledger.get(vars.GASTOWN_BEAD);
  if (work === undefined) throw new UsageError(`the run's bead ${vars.GASTOWN_BEAD} (GASTOWN_BEAD) is not in ${file}`, 1);
  const polecat = gastownString(work, "polecat");
  if (polecat === undefined) throw new UsageError(`${vars.GASTOWN_BEAD} in ${file} names no polecat: it is not hooked`, 1);
  await explained(() => readMolecule(ledger, vars.GASTOWN_MOLECULE));
  return { bead: vars.GASTOWN_BEAD, molecule: vars.GASTOWN_MOLECULE, step: vars.GASTOWN_STEP, polecat };
}

export async function readOutbox(io: CliIo, file: string): Promise<string> {
  try {
    return await readOutboxFile(resolve(io.cwd, file));
  } catch (error) {
    if (error instanceof OutboxFileError) throw new UsageError(`${file} ${error.reason}`, 1);
    throw error;
  }
}

/**
 * The ledger a read-only command shows: in a polecat's run (every GASTOWN_* variable of the
 * run set), when it reads the run's ledger copy, the copy with the run's own outbox applied,
 * so what the agent just did shows. Anywhere else, the ledger as it was read.
 */
export async function runView(ledger: Ledger, file: string, io: CliIo): Promise<Ledger> {
  if (RUN_VARIABLES.some((name) => !io.env[name])) return ledger;
  const vars = runnerVariables(io, "", RUN_VARIABLES);
  if (resolve(io.cwd, file) !== resolve(io.cwd, vars.GASTOWN_LEDGER)) return ledger;
  const run = await runOf(ledger, vars, file);
  return applyOutbox(ledger, parseOutbox(await readOutbox(io, vars.GASTOWN_OUTBOX), vars.GASTOWN_OUTBOX), run).ledger;
}
