// `gt prime` and `gt nudges`: what an agent reads, from the run's ledger copy (with its own
// outbox applied) and the environment. They write nothing.
import { resolve } from "node:path";
import { applyOutbox } from "../../polecat/apply-outbox.js";
import { OutboxFileError, readFileNoFollow } from "../../polecat/outbox-file.js";
import { actionNoteIn, messagesText, stepPrompt } from "../../polecat/step-prompt.js";
import { UsageError, type CliIo } from "../cli-io.js";
import type { Command } from "../command.js";
import { openValidLedger } from "../ledger/open-ledger.js";
import { openRun, RUNNER_VARIABLES, runnerVariables } from "./runner-env.js";

/** A prompt is a few pages; the note is all `gt prime` takes from it. */
const MAX_PROMPT_BYTES = 1024 * 1024;

/** The action's note for this step, read back from the prompt file it wrote (never through a link). */
async function actionNote(io: CliIo, file: string): Promise<string | undefined> {
  try {
    const prompt = await readFileNoFollow(resolve(io.cwd, file), MAX_PROMPT_BYTES);
    return prompt === undefined ? undefined : actionNoteIn(prompt);
  } catch (error) {
    if (error instanceof OutboxFileError) throw new UsageError(`${file} ${error.reason}`, 1);
    throw error;
  }
}

export const primeCommand: Command = {
  name: "prime",
  usage: "",
  summary: "print this step's prompt again: the role, the bead, the steps, this step, notes, nudges",
  options: {},
  positionals: { min: 0, max: 0 },
  async run(_args, io) {
    const { GASTOWN_PROMPT_FILE: promptFile } = runnerVariables(io, "gt prime", RUNNER_VARIABLES);
    const opened = await openRun(io, "gt prime");
    const { ledger } = applyOutbox(opened.ledger, opened.outbox, opened.run);
    const note = await actionNote(io, promptFile);
    io.stdout(stepPrompt({ ledger, run: opened.run, ...(note !== undefined ? { note } : {}) }));
    return 0;
  },
};

export const nudgesCommand: Command = {
  name: "nudges",
  usage: "",
  summary: "print the nudges people sent to this run's bead, and agents' mail to it",
  options: {},
  positionals: { min: 0, max: 0 },
  async run(_args, io) {
    const vars = runnerVariables(io, "gt nudges", ["GASTOWN_LEDGER", "GASTOWN_BEAD"]);
    const { ledger } = await openValidLedger(vars.GASTOWN_LEDGER, io);
    const text = messagesText(ledger, vars.GASTOWN_BEAD);
    io.stdout(text === "" ? `No nudges or mail for ${vars.GASTOWN_BEAD}.\n` : `${text}\n`);
    return 0;
  },
};
