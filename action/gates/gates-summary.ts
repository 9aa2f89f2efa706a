// What the gates say when they end: the job summary (which commands passed, which failed, and the
// failing output's tail) and the step's failure message. The output is queued code's, so it is
// fenced and its mentions ping no one (app/town/fenced-text.ts).
import { agentText } from "../../app/town/fenced-text.js";

/** How one command ended: its exit code, or the signal that killed it. */
export interface GateResult {
  readonly command: string;
  readonly exitCode: number | null;
  readonly signal: string | null;
  /** The last lines of its output (./output-tail.ts). */
  readonly tail: string;
}

export const passed = (result: GateResult): boolean => result.exitCode === 0;

/** The summary in Markdown, for every command: those run (all passed but perhaps the last) and those left. */
export function gatesSummary(commands: readonly string[], results: readonly GateResult[]): string {
  const failed = results.find((result) => !passed(result));
  const lines = commands.map((command, index) => {
    const result = results[index];
    if (result === undefined) return `- ⏭️ ${codeSpan(command)}: not run`;
    return passed(result) ? `- ✅ ${codeSpan(command)}` : `- ❌ ${codeSpan(command)}: ${ending(result)}`;
  });
  const heading = failed === undefined ? `### Gates passed: ${countOf(commands.length)}` : "### Gates failed";
  const parts = [heading, "", ...lines];
  if (failed !== undefined) {
    parts.push("", failed.tail === "" ? `${codeSpan(failed.command)} printed nothing.` : `The end of ${codeSpan(failed.command)}'s output:`);
    if (failed.tail !== "") parts.push("", agentText(failed.tail));
  }
  return `${parts.join("\n")}\n`;
}

/** The step's failure message for the failing command. */
export function failureMessage(result: GateResult): string {
  return `The gate \`${oneLine(result.command)}\` failed: ${ending(result)}.`;
}

function ending(result: GateResult): string {
  return result.exitCode === null ? `killed by ${result.signal ?? "a signal"}` : `exit code ${result.exitCode}`;
}

const countOf = (n: number) => `${n} command${n === 1 ? "" : "s"}`;

const oneLine = (text: string) => text.replace(/\s*\n\s*/g, " ⏎ ");

/** A command as inline code: delimited by more backticks than it holds, on one line. */
function codeSpan(command: string): string {
  const text = oneLine(command);
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const ticks = "`".repeat(longest + 1);
  const pad = text.startsWith("`") || text.endsWith("`") ? " " : "";
  return `${ticks}${pad}${text}${pad}${ticks}`;
}
