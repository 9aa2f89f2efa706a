// The `gt` command line: find the subcommand, run it, turn a user's mistake into one line on
// stderr and an exit code. Anything else is a bug and keeps its stack trace.
import { parseCommandArgs, type Command } from "./command.js";
import { UsageError, type CliIo } from "./cli-io.js";
import { LEDGER_COMMANDS } from "./ledger/index.js";
import { MIRROR_COMMANDS } from "./mirror/index.js";
import { FORMULA_COMMANDS, MOL_COMMANDS } from "./molecules/index.js";
import { BEAD_COMMANDS, MAIL_COMMANDS, RUNNER_HELP, RUNNER_TOP_COMMANDS, STEP_COMMANDS } from "./runner/index.js";

interface Group {
  readonly name: string;
  readonly summary: string;
  readonly commands: readonly Command[];
  /** An agent's command in a polecat's run, listed with the runner's commands. */
  readonly runner?: boolean;
}

const GROUPS: readonly Group[] = [
  { name: "ledger", summary: "read, check and merge the beads ledger", commands: LEDGER_COMMANDS },
  { name: "formula", summary: "list, show and cook the formulas molecules are poured from", commands: FORMULA_COMMANDS },
  { name: "mol", summary: "pour, follow and end molecules: a formula's steps as beads", commands: MOL_COMMANDS },
  { name: "mirror", summary: "bring the ledger and the repository's GitHub issues into agreement", commands: MIRROR_COMMANDS },
  { name: "step", summary: "close this process's step, in a polecat's run", commands: STEP_COMMANDS, runner: true },
  { name: "bead", summary: "file a bead, in a polecat's run", commands: BEAD_COMMANDS, runner: true },
  { name: "mail", summary: "write to the town's roles, in a polecat's run", commands: MAIL_COMMANDS, runner: true },
];

function commandLines(words: string, command: Command, width: number): string {
  return `  ${words.padEnd(width)}  ${command.summary}\n      ${`${words} ${command.usage}`.trimEnd()}`;
}

function groupHelp(group: Group): string {
  const width = Math.max(...group.commands.map((c) => `gt ${group.name} ${c.name}`.length));
  const lines = group.commands.map((c) => commandLines(`gt ${group.name} ${c.name}`, c, width));
  return `gt ${group.name}: ${group.summary}\n\n${lines.join("\n")}\n`;
}

function topHelp(): string {
  const groups = GROUPS.filter((g) => !g.runner).map((g) => `  gt ${g.name.padEnd(8)} ${g.summary}`).join("\n");
  const width = Math.max(...RUNNER_HELP.map(([words]) => words.length));
  const runner = RUNNER_HELP.map(([words, command]) => commandLines(words, command, width)).join("\n");
  return `gt: Gas Town on GitHub\n\nusage: gt <group> <command> [arguments]\n\n${groups}\n\n` +
    "In a polecat's run, an agent's commands (they read GASTOWN_*, and write only the run's outbox;\n" +
    "`gt ledger` and `gt mol` there show the run's ledger copy with the outbox applied):\n\n" +
    `${runner}\n\nRun \`gt <group> --help\` for a group's commands.\n`;
}

const HELP = new Set(["help", "--help", "-h"]);
const wantsHelp = (args: readonly string[]) => args.some((arg) => arg === "--help" || arg === "-h");

async function runCommand(command: Command, words: string, args: readonly string[], io: CliIo): Promise<number> {
  if (wantsHelp(args)) {
    io.stdout(`usage: ${`${words} ${command.usage}`.trimEnd()}\n\n${command.summary}\n`);
    return 0;
  }
  return command.run(parseCommandArgs(command, args, words.slice(0, -command.name.length - 1)), io);
}

async function dispatch(argv: readonly string[], io: CliIo): Promise<number> {
  const [groupName, commandName, ...rest] = argv;
  if (groupName === undefined || HELP.has(groupName)) {
    io.stdout(topHelp());
    return 0;
  }
  const top = RUNNER_TOP_COMMANDS.find((c) => c.name === groupName);
  if (top) return runCommand(top, `gt ${top.name}`, argv.slice(1), io);
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
  return runCommand(command, `gt ${group.name} ${command.name}`, rest, io);
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
