// Every `gt` command the shipped formulas show an agent, run as an agent would run it: through
// the built `gt`, from a runner's agent directory (a ledger copy, an outbox, the GASTOWN_*
// variables), step by step through each formula's molecule. A formula whose example stops
// working fails here, so the examples cannot rot.
import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { Ledger } from "../../app/ledger/ledger.js";
import { serializeLedger } from "../../app/ledger/write-ledger.js";
import { cook } from "../../app/molecules/cook.js";
import { diskFormulaLibrary, shippedFormulaDir } from "../../app/molecules/formula-files.js";
import { pour } from "../../app/molecules/pour.js";
import { gtCommandsIn } from "../../app/molecules/runner-commands.js";
import { closeStep } from "../../app/molecules/step-done.js";
import { NOW, WORK } from "../polecat/run-builders.js";
import { tempDir } from "./run-gt.js";

/** The `gt` a polecat's agent runs: the bundle the action ships (it also starts faster than the build). */
const CLI = fileURLToPath(new URL("../../action/polecat/dist/gt.js", import.meta.url));
const library = diskFormulaLibrary([{ path: shippedFormulaDir(), label: "formulas/" }]);

/** The formulas an agent follows; rule-of-five is followed through shiny-enterprise's implement step. */
const AGENT_FORMULAS = ["mol-polecat-work", "mol-polecat-fix", "mol-polecat-conflict-resolve", "shiny", "shiny-enterprise"];

/** What the App offers every formula (DESIGN §7), and the values the other formulas require. */
const VARS = {
  issue: "7", bead: "gt-w1", branch: "polecat/nux/gt-w1", base_branch: "main", polecat: "nux", pr: "12",
  feature: "issue #7", failure_summary: "The session test failed on the merged tree", conflict_files: "src/session.ts",
};

/** Bare names (`gt done`, as in "run nothing after `gt done`") are mentions, not commands. */
const MENTIONS = new Set(["gt done", "gt bead create", "gt mail send"]);

/** An agent's directory as the action lays it out, with `gt` on PATH running the built CLI. */
function agentDirectory() {
  const root = tempDir();
  mkdirSync(join(root, "bin"));
  mkdirSync(join(root, "outbox"));
  writeFileSync(join(root, "bin/gt"), `#!/bin/sh\nexec '${process.execPath}' '${CLI}' "$@"\n`);
  chmodSync(join(root, "bin/gt"), 0o755);
  writeFileSync(join(root, "prompt.md"), "");
  return root;
}

interface Failure {
  readonly step: string;
  readonly command: string;
  readonly output: string;
}

/**
 * Runs `commands` as the agent of `step` would, in order. A scenario ends with its `gt done`
 * (an exit is the last thing a run records), and a second `gt step done` starts a new one: the
 * text shows each way a step can end, and each is tried on an outbox of its own.
 */
function runStep(root: string, ledger: Ledger, molecule: string, step: string, commands: readonly string[]): Failure[] {
  writeFileSync(join(root, "ledger.jsonl"), serializeLedger(ledger));
  const env = {
    PATH: `${join(root, "bin")}:${process.env.PATH ?? ""}`, HOME: root,
    GASTOWN_LEDGER: join(root, "ledger.jsonl"), GASTOWN_OUTBOX: join(root, "outbox/outbox.jsonl"),
    GASTOWN_BEAD: "gt-w1", GASTOWN_MOLECULE: molecule, GASTOWN_STEP: step, GASTOWN_PROMPT_FILE: join(root, "prompt.md"),
  };
  const failures: Failure[] = [];
  const fresh = () => rmSync(env.GASTOWN_OUTBOX, { force: true });
  fresh();
  let stepDone = false;
  let lastFiled = "";
  for (const written of commands) {
    if (MENTIONS.has(written)) continue;
    if (written.startsWith("gt step done")) {
      if (stepDone) fresh();
      stepDone = true;
    }
    const command = written.replaceAll("<blocker id>", lastFiled);
    try {
      const stdout = execFileSync("sh", ["-c", command], { cwd: root, env, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
      if (command.startsWith("gt bead create")) lastFiled = stdout.trim();
    } catch (error) {
      failures.push({ step, command, output: String((error as { stderr?: unknown }).stderr ?? error) });
    }
    if (command.startsWith("gt done ")) {
      fresh();
      stepDone = false;
    }
  }
  return failures;
}

describe("the gt commands the shipped formulas show an agent", () => {
  it.each(AGENT_FORMULAS)("%s: every one runs, step by step, through the runner's gt", (name) => {
    const proto = cook(name, library, VARS);
    const poured = pour(Ledger.of([WORK]), proto, "gt-w1", { now: NOW, actor: "gastown", prefix: "gt" });
    const root = agentDirectory();
    let ledger = poured.ledger;
    const failures: Failure[] = [];
    let ran = 0;
    proto.steps.forEach((step, index) => {
      // The formula's description is in every step's prompt; its commands are tried in the first.
      const texts = index === 0 ? [proto.description, step.description, step.acceptance] : [step.description, step.acceptance];
      const commands = texts.flatMap(gtCommandsIn);
      ran += commands.filter((c) => !MENTIONS.has(c)).length;
      failures.push(...runStep(root, ledger, poured.root, step.id, commands));
      ledger = closeStep(ledger, poured.root, step.id, NOW, "done");
    });
    expect(failures).toEqual([]);
    // Every step closes with `gt step done`, and the last also ends the run.
    expect(ran).toBeGreaterThan(proto.steps.length);
  }, 120_000);
});
