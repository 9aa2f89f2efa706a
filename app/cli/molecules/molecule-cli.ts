// What the `gt formula` and `gt mol` commands share: the formula library, `--var k=v`, the
// ledger and the wisps file, and turning the library's errors into one clear message each.
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { Ledger } from "../../ledger/ledger.js";
import { ledgerPrefix } from "../../ledger/id-prefix.js";
import { readLedger } from "../../ledger/read-ledger.js";
import { serializeLedger } from "../../ledger/write-ledger.js";
import { DigestError } from "../../molecules/digest.js";
import { FormulaError } from "../../molecules/formula-problems.js";
import { defaultFormulaDirs, diskFormulaLibrary, type DiskFormulaLibrary } from "../../molecules/formula-files.js";
import { MoleculeError } from "../../molecules/molecule.js";
import { readText, UsageError, writeTextAtomically, type CliIo } from "../cli-io.js";
import { stringList, stringOption, type ParsedArgs } from "../command.js";
import { configFor, ledgerPath, openValidLedger, printProblems } from "../ledger/open-ledger.js";

export function formulaLibrary(io: CliIo): DiskFormulaLibrary {
  return diskFormulaLibrary(defaultFormulaDirs(io.cwd));
}

/** `--var name=value`, repeatable; a value may hold `=` and may be empty. */
export function varsOption(args: ParsedArgs): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const pair of stringList(args, "var")) {
    const at = pair.indexOf("=");
    if (at <= 0) throw new UsageError(`--var: expected name=value (got "${pair}")`);
    vars[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return vars;
}

export const VAR_OPTION = { var: { type: "string", multiple: true } } as const;
export const LEDGER_OPTION = { ledger: { type: "string" } } as const;
export const WISPS_OPTION = { wisps: { type: "string" } } as const;

/** Runs `work`, turning a formula's or molecule's problem into the message the user reads. */
export async function explained<T>(work: () => T | Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof FormulaError) throw new UsageError(error.message, 1);
    if (error instanceof MoleculeError || error instanceof DigestError) throw new UsageError(error.message, 1);
    throw error;
  }
}

/** The ledger a `gt mol` command works on, and how to save it. */
export interface MoleculeStore {
  readonly file: string;
  readonly ledger: Ledger;
  readonly prefix: string;
  /** Wisps: ephemeral molecules, in a file of their own beside the ledger, never committed. */
  readonly wispsFile: string;
  readonly wisps: Ledger;
  save(ledger: Ledger): Promise<void>;
  saveWisps(wisps: Ledger): Promise<void>;
}

/** `--wisps FILE`, else $GASTOWN_WISPS, else `wisps.jsonl` beside the ledger. */
function wispsPath(args: ParsedArgs, io: CliIo, ledgerFile: string): string {
  return stringOption(args, "wisps") ?? io.env.GASTOWN_WISPS ?? join(dirname(ledgerFile), "wisps.jsonl");
}

export async function openMoleculeStore(args: ParsedArgs, io: CliIo): Promise<MoleculeStore> {
  // A molecule command's argument is a formula or molecule, never the ledger file.
  const file = ledgerPath({ ...args, positionals: [] }, io);
  const { ledger, config } = await openValidLedger(file, io);
  const wispsFile = wispsPath(args, io, file);
  let wisps = Ledger.empty();
  if (existsSync(resolve(io.cwd, wispsFile))) {
    const read = readLedger(await readText(io.cwd, wispsFile), { file: wispsFile, config: await configFor(file, io) });
    if (!read.ok) {
      printProblems(read.problems.filter((p) => p.severity === "error"), io);
      throw new UsageError(`${wispsFile} has errors; nothing was done`, 1);
    }
    wisps = read.ledger;
  }
  const prefix = ledgerPrefix(config.prefix, ledger.records.keys());
  return {
    file,
    ledger,
    prefix: prefix ?? "",
    wispsFile,
    wisps,
    save: (changed) => writeTextAtomically(resolve(io.cwd, file), serializeLedger(changed)),
    saveWisps: (changed) => writeTextAtomically(resolve(io.cwd, wispsFile), serializeLedger(changed)),
  };
}

/** Whether `id` names a wisp of the store (else it is looked for in the ledger). */
export function isWispId(store: MoleculeStore, id: string): boolean {
  return !store.ledger.has(id) && store.wisps.has(id);
}

/** Who is acting, for `created_by`: $GASTOWN_ACTOR, else $USER, else "gastown". */
export function actor(io: CliIo): string {
  return io.env.GASTOWN_ACTOR ?? io.env.USER ?? "gastown";
}
