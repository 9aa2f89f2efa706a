import { dirname, join, resolve } from "node:path";
import { mergeLedgerTexts } from "../../ledger/merge.js";
import { LedgerReadError } from "../../ledger/read-ledger.js";
import { readText, writeTextAtomically } from "../cli-io.js";
import { stringOption, type Command } from "../command.js";
import { configFor, DEFAULT_LEDGER, printProblems } from "./open-ledger.js";

export const mergeCommand: Command = {
  name: "merge",
  usage: "BASE OURS THEIRS [--path PATH]",
  summary: "3-way merge of two ledgers, written to OURS (a git merge driver: %O %A %B --path %P)",
  options: { path: { type: "string" } },
  positionals: { min: 3, max: 3 },
  async run(args, io) {
    const [base, ours, theirs] = args.positionals as [string, string, string];
    // Git hands the driver temporary files; --path names the ledger they stand for.
    const path = stringOption(args, "path") ?? DEFAULT_LEDGER;
    const config = await configFor(join(dirname(path), "issues.jsonl"), io);
    const [baseText, oursText, theirsText] = await Promise.all(
      [base, ours, theirs].map((file) => readText(io.cwd, file)),
    );
    try {
      const merged = mergeLedgerTexts(baseText as string, oursText as string, theirsText as string, {
        config,
        files: { base: `${path} (base)`, ours: `${path} (ours)`, theirs: `${path} (theirs)` },
      });
      await writeTextAtomically(resolve(io.cwd, ours), merged.text);
      return 0;
    } catch (error) {
      if (!(error instanceof LedgerReadError)) throw error;
      // Leave OURS as it was: git then reports a conflict and keeps every side for a person.
      printProblems(error.problems.filter((p) => p.severity === "error"), io);
      io.stderr(`gt: cannot merge ${path}: fix the errors above, then merge again\n`);
      return 1;
    }
  },
};
