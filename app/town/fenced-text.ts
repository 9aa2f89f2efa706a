// Text people wrote, shown in a comment as data: in a code fence longer than any run of
// backticks inside it, so nothing in it can close the fence and turn into Markdown.
export function fenced(text: string, language = "text"): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = "`".repeat(longest + 1);
  return `${fence}${language}\n${text}\n${fence}`;
}

/** The text inside one fence as `fenced` writes it; any other text as it is. */
export function unfenced(text: string): string {
  const match = /^(`{3,})[^\n`]*\n([\s\S]*)\n\1\n?$/.exec(text);
  return match ? (match[2] as string) : text;
}

// A zero-width space after the `@` of a handle, as Dependabot writes the handles it quotes: the
// text reads the same, and GitHub links and notifies no one. An address's `@` is no mention.
const MENTION = /(?<![A-Za-z0-9_])@(?=[A-Za-z0-9])/g;

/** `text` with every `@handle` (and `@org/team`) left as plain text. */
export function withoutMentions(text: string): string {
  return text.replace(MENTION, "@\u200b");
}

/**
 * What an agent wrote (an exit's reason, a step's notes, a bead's title), shown to people: fenced,
 * so it can be read as no Markdown and no command, with its mentions pinging no one.
 */
export function agentText(text: string): string {
  return fenced(withoutMentions(text));
}
