import { dependencyWarnings } from "../../ledger/check-dependencies.js";
import {
  countOf, counted, WARNING_KINDS, type LedgerProblem, type WarningKind,
} from "../../ledger/ledger-problems.js";
import type { Command } from "../command.js";
import { ledgerPath, openLedger, printProblems } from "./open-ledger.js";

/** How many warnings of each kind there are, for the kinds there are any of. */
function warningsByKind(problems: readonly LedgerProblem[]): Map<WarningKind, number> {
  const counts = new Map<WarningKind, number>();
  for (const kind of WARNING_KINDS) {
    const count = problems.filter((p) => p.kind === kind).length;
    if (count > 0) counts.set(kind, count);
  }
  return counts;
}

export const validateCommand: Command = {
  name: "validate",
  usage: "[FILE] [--all] [--json] [--ledger FILE]",
  summary: "check every line of the ledger; exit 1 with FILE:LINE: field: message for each error",
  options: { ledger: { type: "string" }, all: { type: "boolean" }, json: { type: "boolean" } },
  positionals: { min: 0, max: 1 },
  async run(args, io) {
    const file = ledgerPath(args, io);
    const output = { all: args.values.all === true, json: args.values.json === true };
    const { ledger, problems, ok } = await openLedger(file, io);
    const all = ok ? [...problems, ...dependencyWarnings(ledger, file, { allIds: output.all })] : problems;
    printProblems([...all].sort((a, b) => a.line - b.line), io, output);
    // Findings, not beads: a cycle through 20,000 beads is one warning.
    const errors = all.filter((p) => p.severity === "error").length;
    const warnings = all.length - errors;
    const byKind = warningsByKind(all);
    if (output.json) {
      io.stdout(JSON.stringify({
        file, valid: ok, beads: ledger.size, errors, warnings, warnings_by_kind: Object.fromEntries(byKind),
      }, null, 2) + "\n");
      return ok ? 0 : 1;
    }
    const kinds = [...byKind].map(([kind, count]) => countOf(kind, count)).join(", ");
    const summary = `${counted(ledger.size, "bead", "beads")}, ${counted(errors, "error", "errors")}, ` +
      `${counted(warnings, "warning", "warnings")}${kinds ? `: ${kinds}` : ""}`;
    if (!ok) {
      io.stderr(`${file}: invalid (${summary})\n`);
      return 1;
    }
    io.stdout(`${file}: valid (${summary})\n`);
    return 0;
  },
};
