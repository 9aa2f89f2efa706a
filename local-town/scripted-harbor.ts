// The scripted model for the local town without a key: it drives the real agent CLI (Claude Code,
// Codex or Gemini CLI) through each step of mol-polecat-work, mol-polecat-fix and harbor-quick
// for a harbor issue, with the CLI's own shell tool, as test/agent-cli's scripts do (each request
// is read for its step and how far its process got). It plays the same hasty agent as
// agents/hasty.sh: no tests before submitting, and "redy" for the foghorn the first time, which
// the refinery's gates catch. One plan, told to each vendor's API in its own shape.
import { bash, stepScript, type Move, type StepMoves } from "../test/agent-cli/step-script.js";
import { shellSteps, type StepMove } from "../test/agent-cli/shell-steps.js";
import type { ShellScript } from "../test/agents/scripted-http.js";
import type { ModelScript } from "../test/agents/scripted-model-server.js";

/** A command the CLI runs in its shell, what it is for, and what it must print; or the step's last words. */
type HarborMove = { readonly run: string; readonly what: string; readonly prints?: (output: string) => boolean } | { readonly say: string };

/**
 * The part the issue names in the step's prompt (`Make \`harbor/<part>.txt\``), read into $part
 * for the commands grouped after it: no command substitution, which Gemini CLI refuses to run.
 */
const withPart = (commands: string) => `gt prime | grep -o 'Make .harbor/[a-z]*\\.txt' | head -n 1 | cut -c7- | { read -r part && [ -n "$part" ] && ${commands}; }`;
const PRINTS_PART = (output: string) => /^harbor\/[a-z]+\.txt$/.test(output.trim());

const close = (notes: string): HarborMove => ({ run: `gt step done --notes ${JSON.stringify(notes)}`, what: "Close the step" });
const done = (reason: string): HarborMove => ({ run: `gt done --exit COMPLETED --reason ${JSON.stringify(reason)}`, what: "End the run" });

/** Writes the word into the part and commits it with both trailers; prints the part. */
function ready(bead: string, step: string, message: string, slip: boolean): HarborMove {
  // The hasty slip: the foghorn's word misspelt, which the refinery's gates catch.
  const word = slip ? `word=ready && case "$part" in *foghorn*) word=redy ;; esac` : "word=ready";
  return {
    run: withPart(`${word} && printf '%s\\n' "$word" > "$part" && git add "$part" `
      + `&& git commit -q -m "${message} $part" --trailer "Gastown-Bead: ${bead}" --trailer "Gastown-Step: ${step}" && echo "$part"`),
    what: "Write the word into the issue's part and commit it",
    prints: PRINTS_PART,
  };
}

type HarborStep = (request: { readonly bead: string; readonly step: string }) => readonly HarborMove[];
const only = (...moves: HarborMove[]): HarborStep => () => moves;

const HARBOR: Readonly<Record<string, HarborStep>> = {
  "load-context": only({ run: "gt prime", what: "Read the assignment" }, close("Read the issue"), { say: "I know what to do." }),
  implement: ({ bead, step }) => [ready(bead, step, "Ready", true), close("Wrote the part"), { say: "Done." }],
  "self-review": only({ run: "git diff --stat origin/main...HEAD", what: "Review the change" }, close("One file, as asked"), { say: "Reviewed." }),
  "build-test": only(close("Skipped the tests: in a hurry"), { say: "Moving on." }),
  "pre-verify": only(close("Nothing to merge"), { say: "Up to date." }),
  submit: only(close("Ready for review"), done("The harbor part is ready"), { say: "Submitted." }),
  reproduce: only({ run: "sh test/harbor.sh || true", what: "Run the failing gate" }, close("Reproduced: the gate fails"), { say: "Reproduced." }),
  fix: ({ bead, step }) => [ready(bead, step, "Spell ready right in", false), close("The part now says ready"), { say: "Fixed." }],
  verify: only({ run: "sh test/harbor.sh", what: "Run the gate", prints: (output) => !output.includes("✗") }, close("sh test/harbor.sh passes"), { say: "Verified." }),
};

/** For Claude Code: each command through its Bash tool. */
export const harborScript: ModelScript = stepScript(Object.fromEntries(Object.entries(HARBOR).map(([name, moves]): [string, StepMoves] => [
  name, ({ bead, step }) => moves({ bead, step }).map((move): Move => ("say" in move ? move : bash(move.run, move.what, move.prints))),
])));

/** For Codex and Gemini CLI: each command through their shell tool. */
export const harborShellScript: ShellScript = shellSteps(Object.fromEntries(Object.entries(HARBOR).map(([step, moves]) => [
  step, ({ bead }: { readonly bead: string }) => moves({ bead, step }).map((move): StepMove => ("say" in move ? move : {
    run: move.run, ...(move.prints ? { prints: move.prints } : {}),
  })),
])));
