// The last few thousand characters of what an agent said, for the heartbeat's text: a bounded
// buffer that keeps whole lines where it can. Redaction is the heartbeat's job, not this one's.

export const DEFAULT_TAIL_CHARS = 4000;

export class OutputTail {
  #text = "";

  constructor(private readonly maxChars: number = DEFAULT_TAIL_CHARS) {}

  /** Adds text as it came (a chunk of output, not necessarily whole lines). */
  append(text: string): void {
    this.#text += text;
    if (this.#text.length > this.maxChars * 2) this.#trim();
  }

  /** Adds one line. */
  appendLine(line: string): void {
    this.append(this.#text === "" || this.#text.endsWith("\n") ? `${line}\n` : `\n${line}\n`);
  }

  text(): string {
    this.#trim();
    return this.#text;
  }

  #trim(): void {
    if (this.#text.length <= this.maxChars) return;
    const cut = this.#text.slice(-this.maxChars);
    const lineStart = cut.indexOf("\n");
    // Start at a line's beginning unless that would drop most of the tail.
    this.#text = lineStart >= 0 && lineStart < this.maxChars / 2 ? cut.slice(lineStart + 1) : cut;
  }
}
