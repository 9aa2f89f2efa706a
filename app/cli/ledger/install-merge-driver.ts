import { execFileSync } from "node:child_process";
import { readFileSync, existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { UsageError, type CliIo } from "../cli-io.js";
import type { Command } from "../command.js";
import { DEFAULT_LEDGER } from "./open-ledger.js";

const DRIVER = "beads";
const ATTRIBUTE = `${DEFAULT_LEDGER} merge=${DRIVER}`;

/** Quoted for the shell git runs the driver with. */
function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** Absolute paths to this node and this CLI, so the driver works from any directory. */
export function driverCommand(): string {
  const cli = fileURLToPath(new URL("../main.js", import.meta.url));
  return [process.execPath, cli].map(shellQuote).join(" ") + " ledger merge %O %A %B --path %P";
}

function git(io: CliIo, args: string[]): string {
  try {
    return execFileSync("git", args, { cwd: io.cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
  } catch (error) {
    const stderr = String((error as { stderr?: unknown }).stderr ?? "").trim();
    throw new UsageError(`git ${args.join(" ")} failed: ${stderr || (error as Error).message}`, 1);
  }
}

export const installMergeDriverCommand: Command = {
  name: "install-merge-driver",
  usage: "",
  summary: "make git merge .beads/issues.jsonl bead by bead in the current repository",
  options: {},
  positionals: { min: 0, max: 0 },
  async run(_args, io) {
    const top = git(io, ["rev-parse", "--show-toplevel"]);
    const attributes = join(top, ".gitattributes");
    const current = existsSync(attributes) ? readFileSync(attributes, "utf8") : "";
    if (!current.split("\n").some((line) => line.trim() === ATTRIBUTE)) {
      const separator = current === "" || current.endsWith("\n") ? "" : "\n";
      writeFileSync(attributes, `${current}${separator}${ATTRIBUTE}\n`);
      io.stdout(`added "${ATTRIBUTE}" to .gitattributes (commit it so every clone merges the same way)\n`);
    }
    git(io, ["config", `merge.${DRIVER}.name`, "Gas Town beads ledger: 3-way merge by bead id"]);
    git(io, ["config", `merge.${DRIVER}.driver`, driverCommand()]);
    io.stdout(`set merge.${DRIVER}.driver in this clone's git config (every clone needs it)\n`);
    return 0;
  },
};
