import { resolve } from "node:path";
import { formatLedger } from "../../ledger/write-ledger.js";
import { writeTextAtomically } from "../cli-io.js";
import type { Command } from "../command.js";
import { ledgerPath, openValidLedger } from "./open-ledger.js";

export const fmtCommand: Command = {
  name: "fmt",
  usage: "[FILE] [--check] [--ledger FILE]",
  summary: "rewrite the ledger canonically, as bd export writes it; --check only reports",
  options: { check: { type: "boolean" }, ledger: { type: "string" } },
  positionals: { min: 0, max: 1 },
  async run(args, io) {
    const file = ledgerPath(args, io);
    const { ledger, text } = await openValidLedger(file, io);
    const formatted = formatLedger(ledger);
    if (formatted === text) return 0;
    if (args.values.check) {
      io.stderr(`${file}: not formatted; run \`gt ledger fmt ${file}\`\n`);
      return 1;
    }
    await writeTextAtomically(resolve(io.cwd, file), formatted);
    io.stdout(`${file}: formatted\n`);
    return 0;
  },
};
