// How the action starts one agent process for one step: what to run, what it adds to the
// environment the action builds from nothing, what it reads on stdin, and how to read its output.

export interface AgentInvocation {
  /** The executable and its arguments. every /proc/<pid>/cmdline is world-readable: never a secret here. */
  readonly argv: readonly string[];
  /** Variables this agent needs beside the run's own (PATH, HOME, TMPDIR, GASTOWN_*). */
  readonly env: Readonly<Record<string, string>>;
  /** The step's prompt, written to stdin, which is then closed. */
  readonly stdin: string;
  /** Which parser reads its output by line (stream-parser.ts); `text`: plain output, kept as a tail. */
  readonly output: "claude-stream-json" | "codex-json" | "gemini-stream-json" | "text";
  /** The model its tokens are priced as, where its output does not name it (`codex-json`). */
  readonly model?: string;
}
