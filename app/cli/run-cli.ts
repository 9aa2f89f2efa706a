// The `gt` command line: find the subcommand, run it, turn a user's mistake into one line on
// stderr and an exit code. Anything else is a bug and keeps its stack trace.
import { parseCommandArgs, type Command } from "./command.js";
import { UsageError, type CliIo } from "./cli-io.js";
import { LEDGER_COMMANDS } from "./ledger/index.js";
import { FORMULA_COMMANDS, MOL_COMMANDS } from "./molecules/index.js";

interface Group {
  readonly name: string;
  readonly summary: string;
  readonly commands: readonly Command[];
}

const GROUPS: readonly Group[] = [
  { name: "ledger", summary: "read, check and merge the beads ledger", commands: LEDGER_COMMANDS },
  { name: "formula", summary: "list, show and cook the formulas molecules are poured from", commands: FORMULA_COMMANDS },
  { name: "mol", summary: "pour, follow and end molecules: a formula's steps as beads", commands: MOL_COMMANDS },
];

function groupHelp(group: Group): string {
  const width = Math.max(...group.commands.map((c) => c.name.length));
  const lines = group.commands.map(
    (c) => `  gt ${group.name} ${c.name.padEnd(width)}  ${c.summary}\n      gt ${group.name} ${c.name} ${c.usage}`,
  );
  return `gt ${group.name}: ${group.summary}\n\n${lines.join("\n")}\n`;
}

function topHelp(): string {
  const groups = GROUPS.map((g) => `  gt ${g.name.padEnd(8)} ${g.summary}`).join("\n");
  return `gt: Gas Town on GitHub\n\nusage: gt <group> <command> [arguments]\n\n${groups}\n\n` +
    `Run \`gt <group> --help\` for a group's commands.\n`;
}

const HELP = new Set(["help", "--help", "-h"]);

async function dispatch(argv: readonly string[], io: CliIo): Promise<number> {
  const [groupName, commandName, ...rest] = argv;
  if (groupName === undefined || HELP.has(groupName)) {
    io.stdout(topHelp());
    return 0;
  }
  const group = GROUPS.find((g) => g.name === groupName);
  if (!group) throw new UsageError(`unknown command "${groupName}"; run \`gt help\``);
  if (commandName === undefined || HELP.has(commandName)) {
    io.stdout(groupHelp(group));
    return 0;
  }
  const command = group.commands.find((c) => c.name === commandName);
  if (!command) {
    throw new UsageError(`unknown command "gt ${group.name} ${commandName}"; run \`gt ${group.name} --help\``);
  }
  if (rest.some((arg) => arg === "--help" || arg === "-h")) {
    io.stdout(`usage: gt ${group.name} ${command.name} ${command.usage}\n\n${command.summary}\n`);
    return 0;
  }
  return command.run(parseCommandArgs(command, rest, `gt ${group.name}`), io);
}

export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    return await dispatch(argv, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`gt: ${error.message}\n`);
      return error.exitCode;
    }
    throw error;
  }
}
