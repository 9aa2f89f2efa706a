// Finding, reading and reporting on the ledger a command names.
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import {
  EMPTY_LEDGER_CONFIG, LedgerConfigError, parseLedgerConfig, type LedgerConfig,
} from "../../ledger/ledger-config.js";
import {
  capWarnings, formatProblem, omittedLine, type LedgerProblem,
} from "../../ledger/ledger-problems.js";
import { readLedger } from "../../ledger/read-ledger.js";
import type { Ledger } from "../../ledger/ledger.js";
import { readText, UsageError, type CliIo } from "../cli-io.js";
import { stringOption, type ParsedArgs } from "../command.js";

export const DEFAULT_LEDGER = ".beads/issues.jsonl";

/** The ledger file: the argument, else `--ledger`, else $GASTOWN_LEDGER, else the default. */
export function ledgerPath(args: ParsedArgs, io: CliIo): string {
  return args.positionals[0] ?? stringOption(args, "ledger") ?? io.env.GASTOWN_LEDGER ?? DEFAULT_LEDGER;
}

/** `.beads/config.yaml` beside the ledger, when there is one. */
export async function configFor(ledgerFile: string, io: CliIo): Promise<LedgerConfig> {
  const file = join(dirname(ledgerFile), "config.yaml");
  if (!existsSync(resolve(io.cwd, file))) return EMPTY_LEDGER_CONFIG;
  try {
    return parseLedgerConfig(await readText(io.cwd, file), file);
  } catch (error) {
    if (error instanceof LedgerConfigError) throw new UsageError(error.message, 1);
    throw error;
  }
}

export interface OpenedLedger {
  readonly ledger: Ledger;
  readonly text: string;
  readonly config: LedgerConfig;
  readonly problems: readonly LedgerProblem[];
  readonly ok: boolean;
}

export async function openLedger(file: string, io: CliIo): Promise<OpenedLedger> {
  const config = await configFor(file, io);
  const text = await readText(io.cwd, file);
  const { ledger, problems, ok } = readLedger(text, { file, config });
  return { ledger, text, config, problems, ok };
}

/**
 * How many warnings of one kind a command prints unless given `--all`: a ledger can hold
 * thousands (one missing target copied into every bead), and a person needs a few and a count.
 */
export const WARNINGS_PER_KIND = 20;

export interface ProblemOutput {
  /** `--all`: every warning, each naming every bead it is about. */
  readonly all?: boolean;
  /** `--json`: each problem a JSON object on a line of its own. */
  readonly json?: boolean;
}

/** On stderr, so whatever a command prints on stdout stays its answer alone. */
export function printProblems(problems: readonly LedgerProblem[], io: CliIo, output: ProblemOutput = {}): void {
  const { shown, omitted } = output.all ? { shown: problems, omitted: [] } : capWarnings(problems, WARNINGS_PER_KIND);
  for (const problem of shown) {
    const { file, line, severity, kind, field, message } = problem;
    io.stderr((output.json ? JSON.stringify({ file, line, severity, kind, field, message }) : formatProblem(problem)) + "\n");
  }
  const file = problems[0]?.file;
  for (const { kind, count } of omitted) {
    const message = `${omittedLine(kind, count)} (--all lists them)`;
    io.stderr((output.json ? JSON.stringify({ file, severity: "warning", kind, more: count, message }) : message) + "\n");
  }
}

/** The ledger when it read cleanly; else its errors are printed and the command fails. */
export async function openValidLedger(file: string, io: CliIo, output: ProblemOutput = {}): Promise<OpenedLedger> {
  const opened = await openLedger(file, io);
  if (!opened.ok) {
    printProblems(opened.problems.filter((p) => p.severity === "error"), io, output);
    throw new UsageError(`${file} has errors; nothing was done`, 1);
  }
  return opened;
}
