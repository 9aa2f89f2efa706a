// The `/gt help` reply: every command, what it does, and who may use it here.
import { commandUsage, COMMAND_WORDS, type CommandWord } from "../commands/parse-commands.js";
import type { GastownConfig } from "../config/config-schema.js";

/** Commands that only read; the rest change something, and need the trusted permission. */
export const READ_COMMANDS: ReadonlySet<CommandWord> = new Set(["peek", "gt"]);

export function helpText(config: GastownConfig): string {
  const who = (word: CommandWord) => (READ_COMMANDS.has(word) ? "read" : config.trust.permission);
  const rows = COMMAND_WORDS.map((word) => {
    const line = commandUsage(word);
    const cut = line.indexOf(" — ");
    const [usage, what] = cut < 0 ? [line, ""] : [line.slice(0, cut), line.slice(cut + 3)];
    return `| \`${usage}\` | ${what.replace(/\|/g, "\\|")} | ${who(word)} |`;
  });
  return [
    "### Gas Town commands",
    "",
    "A command is a line of a comment that starts with one of these words, outside code blocks and quotes.",
    "",
    "| command | does | needs |",
    "|---|---|---|",
    ...rows,
    "",
    `Labels work too: \`${config.sling.label}\` slings an issue (\`${config.sling.label}/<formula>\` with that formula), and taking it off unslings.`,
  ].join("\n");
}
