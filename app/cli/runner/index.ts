import type { Command } from "../command.js";
import { nudgesCommand, primeCommand } from "./context-commands.js";
import { beadCreateCommand, doneCommand, mailSendCommand, stepDoneCommand } from "./intent-commands.js";

/** `gt prime`, `gt done`, `gt nudges`: a word of their own. */
export const RUNNER_TOP_COMMANDS: readonly Command[] = [primeCommand, doneCommand, nudgesCommand];
export const STEP_COMMANDS: readonly Command[] = [stepDoneCommand];
export const BEAD_COMMANDS: readonly Command[] = [beadCreateCommand];
export const MAIL_COMMANDS: readonly Command[] = [mailSendCommand];

/** The runner's commands as `gt --help` lists them: in the order an agent meets them. */
export const RUNNER_HELP: readonly (readonly [words: string, command: Command])[] = [
  ["gt prime", primeCommand],
  ["gt step done", stepDoneCommand],
  ["gt done", doneCommand],
  ["gt bead create", beadCreateCommand],
  ["gt mail send", mailSendCommand],
  ["gt nudges", nudgesCommand],
];
