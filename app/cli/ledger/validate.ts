import { dependencyWarnings } from "../../ledger/check-dependencies.js";
import type { Command } from "../command.js";
import { ledgerPath, openLedger, printProblems } from "./open-ledger.js";

export const validateCommand: Command = {
  name: "validate",
  usage: "[FILE] [--ledger FILE]",
  summary: "check every line of the ledger; exit 1 with FILE:LINE: field: message for each error",
  options: { ledger: { type: "string" } },
  positionals: { min: 0, max: 1 },
  async run(args, io) {
    const file = ledgerPath(args, io);
    const { ledger, problems, ok } = await openLedger(file, io);
    const all = ok ? [...problems, ...dependencyWarnings(ledger, file)] : problems;
    printProblems([...all].sort((a, b) => a.line - b.line), io);
    const errors = all.filter((p) => p.severity === "error").length;
    const warnings = all.length - errors;
    const summary = `${ledger.size} beads, ${errors} errors, ${warnings} warnings`;
    if (!ok) {
      io.stderr(`${file}: invalid (${summary})\n`);
      return 1;
    }
    io.stdout(`${file}: valid (${summary})\n`);
    return 0;
  },
};
