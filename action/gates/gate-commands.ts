// The gates action's one input, `commands`: the JSON list of shell commands the refinery dispatched
// from the repository's `refinery.gates.commands`. A list that tests nothing is refused rather
// than passed, so an empty or mistyped input can never turn a batch green.

const EXAMPLE = 'such as ["npm ci", "npm test"]';

/** The commands, in order, or an Error that says what is wrong with the input. */
export function parseGateCommands(input: string | undefined): string[] {
  const text = input?.trim() ?? "";
  if (text === "") throw new Error(`The input \`commands\` is empty: it takes a JSON list of shell commands, ${EXAMPLE}.`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new Error(`The input \`commands\` is not JSON (${error instanceof Error ? error.message : String(error)}): it takes a JSON list of shell commands, ${EXAMPLE}.`);
  }
  if (!Array.isArray(parsed)) throw new Error(`The input \`commands\` is not a list: it takes a JSON list of shell commands, ${EXAMPLE}.`);
  if (parsed.length === 0) throw new Error("The input `commands` is an empty list: gates must run at least one command, or a batch would pass untested.");
  const wrong = parsed.findIndex((command) => typeof command !== "string" || command.trim() === "");
  if (wrong !== -1) {
    throw new Error(`The input \`commands\` has ${JSON.stringify(parsed[wrong])} at index ${wrong}: every command must be a non-empty string, ${EXAMPLE}.`);
  }
  return parsed as string[];
}
