// One short line saying what a tool call does (a command, a file's path), for the output tail.

const SUMMARY_FIELDS = ["description", "command", "file_path", "notebook_path", "path", "pattern", "url", "query"];
const SUMMARY_CHARS = 160;

/** The first telling string field of a tool call's input, on one line. */
export function summarizeToolInput(input: unknown): string {
  if (typeof input !== "object" || input === null) return "";
  for (const field of SUMMARY_FIELDS) {
    const value = (input as Record<string, unknown>)[field];
    if (typeof value === "string" && value.trim() !== "") return oneLine(value);
  }
  return "";
}

/** A text's first line, cut to a summary's length. */
export function oneLine(text: string): string {
  const line = text.trim().split("\n")[0]!;
  return line.length > SUMMARY_CHARS ? `${line.slice(0, SUMMARY_CHARS - 1)}…` : line;
}
