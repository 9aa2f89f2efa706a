// Probot's and Octokit's log, written the way a workflow step's log reads: debug lines only
// when the run has step debugging on, warnings as annotations. Errors are written out in full
// but not as annotations: the one that fails the step is annotated by the runner already, once.
import * as core from "@actions/core";
import { pino, type Logger } from "pino";

interface LogLine {
  readonly level: number;
  readonly msg?: string;
  readonly err?: { readonly stack?: string; readonly message?: string };
}

// pino's numeric levels.
const DEBUG = 20;
const INFO = 30;
const WARN = 40;

export function actionsLog(): Logger {
  return pino({ level: core.isDebug() ? "debug" : "info", base: undefined, timestamp: false }, {
    write(line: string) {
      const entry = JSON.parse(line) as LogLine;
      const text = entry.msg ?? entry.err?.message ?? "";
      if (entry.level <= DEBUG) core.debug(text);
      else if (entry.level <= INFO) core.info(text);
      else if (entry.level <= WARN) core.warning(text);
      else core.info(`Error: ${entry.err?.stack ?? text}`);
    },
  });
}
