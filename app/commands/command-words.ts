// The slash words Gas Town answers to (DESIGN §7) and one line of usage for each, which the
// help reply lists and usage errors point to. Any other slash word belongs to another bot.

export const COMMAND_WORDS = ["sling", "unsling", "peek", "nudge", "retry", "escalate", "queue", "dequeue", "gt"] as const;
export type CommandWord = (typeof COMMAND_WORDS)[number];

/** The most lines `/peek <n>` asks for: the reply has to fit in one GitHub comment (65,536 characters). */
export const MAX_PEEK_LINES = 1000;
/** The most characters kept of `/nudge` and `/escalate` text and of a `/sling --var` value. */
export const MAX_TEXT_CHARS = 2000;

const USAGE: Readonly<Record<CommandWord, string>> = {
  sling: "/sling [formula] [--var k=v]... — hook this issue to a polecat, with a formula " +
    "(default: sling.formula in .github/gastown.yml) and its variables; quote a value to include spaces",
  unsling: "/unsling [--abandon] — take the work off its polecat's hook; --abandon also burns its molecule, " +
    "so a later sling starts over",
  peek: `/peek [n] — show the polecat's health and the last n lines of its output (1 to ${MAX_PEEK_LINES}); ` +
    "/peek all — every polecat of the repository in one table",
  nudge: `/nudge <text> — leave the polecat a message it reads between steps (one line, at most ${MAX_TEXT_CHARS} characters)`,
  retry: "/retry — dispatch the polecat again as its next attempt, stopping a stuck run",
  escalate: `/escalate <text> — hand the work to humans, saying why (one line, at most ${MAX_TEXT_CHARS} characters)`,
  queue: "/queue — put this pull request in the merge queue",
  dequeue: "/dequeue — take this pull request out of the merge queue",
  gt: "/gt help — list these commands",
};

export function commandUsage(word: CommandWord): string {
  return USAGE[word];
}

export function isCommandWord(word: string): word is CommandWord {
  return (COMMAND_WORDS as readonly string[]).includes(word);
}
