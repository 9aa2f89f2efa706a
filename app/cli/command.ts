// A subcommand: its usage line, its options for node's parseArgs, and what it does.
import { parseArgs, type ParseArgsConfig } from "node:util";

type OptionsConfig = NonNullable<ParseArgsConfig["options"]>;
import { UsageError, type CliIo } from "./cli-io.js";

export interface ParsedArgs {
  readonly positionals: readonly string[];
  /** A list for an option declared `multiple: true`. */
  readonly values: Readonly<Record<string, string | boolean | readonly string[] | undefined>>;
}

export interface Command {
  readonly name: string;
  /** The arguments after the command's name, e.g. `FILE [--json]`. */
  readonly usage: string;
  readonly summary: string;
  readonly options: OptionsConfig;
  readonly positionals: { readonly min: number; readonly max: number };
  /** Resolves to the exit code. */
  run(args: ParsedArgs, io: CliIo): Promise<number>;
}

export function parseCommandArgs(command: Command, argv: readonly string[], prefix: string): ParsedArgs {
  const usage = `usage: ${prefix} ${command.name} ${command.usage}`.trimEnd();
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: command.options,
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new UsageError(`${(error as Error).message.split(".")[0]}\n${usage}`);
  }
  const count = parsed.positionals.length;
  if (count < command.positionals.min || count > command.positionals.max) {
    throw new UsageError(
      count < command.positionals.min ? `missing arguments\n${usage}` : `too many arguments\n${usage}`,
    );
  }
  return {
    positionals: parsed.positionals,
    values: parsed.values as Record<string, string | boolean | readonly string[] | undefined>,
  };
}

export function stringOption(args: ParsedArgs, name: string): string | undefined {
  const value = args.values[name];
  return typeof value === "string" ? value : undefined;
}

/** Every value of a repeatable option, in the order given. */
export function stringList(args: ParsedArgs, name: string): readonly string[] {
  const value = args.values[name];
  return Array.isArray(value) ? value : typeof value === "string" ? [value] : [];
}
