// The last lines of a command's output, kept as it streams, for the job summary: the whole output
// is in the step's log, and what a person (or the refinery, reading the summary) needs first is
// how it ended. Colours and progress redraws are left out, as they would show in Markdown as
// noise.

/** Lines of the tail: about a screenful, enough for a test runner's failure and its totals. */
export const TAIL_LINES = 60;
/** Characters of the tail at most, so a long last line cannot fill the summary (1 MiB a step). */
export const TAIL_CHARS = 8_000;

// Colour and cursor sequences (CSI), and OSC sequences such as links and titles.
// eslint-disable-next-line no-control-regex
const ESCAPES = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)/g;

export class OutputTail {
  private kept = "";

  /** Takes the next piece of the output. */
  push(chunk: string): void {
    this.kept += chunk;
    // Trimmed only now and then, so a stream of small chunks is not copied each time.
    if (this.kept.length > 4 * TAIL_CHARS) this.kept = this.kept.slice(-2 * TAIL_CHARS);
  }

  /** The tail as plain text: the last lines, each as it was last drawn, without colours. */
  text(): string {
    return tailOf(this.kept);
  }
}

export function tailOf(output: string): string {
  const lines = output.replace(ESCAPES, "").replace(/\r\n/g, "\n").split("\n")
    // A line redrawn with carriage returns (a progress bar) shows as it was last drawn.
    .map((line) => line.slice(line.lastIndexOf("\r") + 1));
  while (lines.length > 0 && lines.at(-1)?.trim() === "") lines.pop();
  const tail = lines.slice(-TAIL_LINES).join("\n");
  return tail.length > TAIL_CHARS ? tail.slice(-TAIL_CHARS) : tail;
}
