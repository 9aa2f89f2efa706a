import type { Command } from "../command.js";
import { fmtCommand } from "./fmt.js";
import { installMergeDriverCommand } from "./install-merge-driver.js";
import { mergeCommand } from "./merge.js";
import { readyCommand } from "./ready.js";
import { statsCommand } from "./stats.js";
import { validateCommand } from "./validate.js";

export const LEDGER_COMMANDS: readonly Command[] = [
  validateCommand, readyCommand, statsCommand, fmtCommand, mergeCommand, installMergeDriverCommand,
];
