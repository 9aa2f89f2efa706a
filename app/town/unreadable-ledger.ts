// The answer when the ledger branch does not read: what was not done, and the ledger's errors
// as a few lines and a count of the rest. A broken ledger can have an error on every one of its
// lines; a comment shows enough to start on, and `gt ledger validate` lists them all.
import { counted, problemSummary, type LedgerProblem } from "../ledger/ledger-problems.js";
import { fenced } from "./fenced-text.js";

/** Lines of ledger errors a comment shows, the count of the rest included. */
export const LEDGER_LINES_SHOWN = 5;
/** A line longer than this is cut: an error quotes the value it found, which can be any size. */
export const LEDGER_LINE_CHARS = 200;

export interface UnreadableLedger {
  readonly sender: string;
  readonly branch: string;
  /** What the App did not do, as the end of a sentence: `this issue was not slung`. */
  readonly notDone: string;
  readonly problems: readonly LedgerProblem[];
}

export function renderUnreadableLedger(view: UnreadableLedger): string {
  const errors = view.problems.filter((p) => p.severity === "error");
  return [
    `@${view.sender}: the ledger on \`${view.branch}\` has ${counted(errors.length, "error", "errors")}, so ${view.notDone}. ` +
      `Fix them (\`gt ledger validate\` on the branch's \`.beads/issues.jsonl\` lists every one), then try again.`,
    "",
    ledgerErrorLines(errors),
  ].join("\n");
}

/** A ledger's errors as a comment shows them: a few lines, the rest counted, fenced. */
export function ledgerErrorLines(errors: readonly LedgerProblem[]): string {
  const lines = problemSummary(errors, LEDGER_LINES_SHOWN).map((line) =>
    line.length > LEDGER_LINE_CHARS ? `${line.slice(0, LEDGER_LINE_CHARS - 1)}…` : line);
  // The lines quote what the ledger holds, which anyone who can push to the branch wrote.
  return fenced(lines.join("\n"));
}
