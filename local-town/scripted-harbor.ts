// The scripted model for the local town without a key: it drives the real Claude Code CLI
// through each step of mol-polecat-work and mol-polecat-fix for a harbor issue, with the CLI's
// own Bash tool, as test/agent-cli's scripts do (step-script.ts reads each request for its step
// and how far its process got). It plays the same hasty agent as agents/hasty.sh: no tests
// before submitting, and "redy" for the foghorn the first time, which the refinery's gates catch.
import { bash, stepScript, type Move, type StepMoves } from "../test/agent-cli/step-script.js";
import type { ModelScript } from "../test/agents/scripted-model-server.js";

/** The model `.github/gastown.yml` names, so the CLI's background calls use it too. */
export const SCRIPTED_MODEL = "claude-sonnet-4-5-20250929";

/** Finds the part the issue names in the step's prompt: `Make \`harbor/<part>.txt\``. */
const FIND_PART = bash("gt prime | grep -o 'Make .harbor/[a-z]*\\.txt' | head -n 1 | cut -c7-", "Find the harbor part the issue names",
  (out) => /^harbor\/[a-z]+\.txt$/.test(out.trim()));

const close = (notes: string): Move => bash(`gt step done --notes ${JSON.stringify(notes)}`, "Close the step");
const commit = (bead: string, step: string, part: string, word: string, message: string) =>
  bash(`printf '%s\\n' ${word} > ${part} && git add ${part} && git commit -q -m "${message}" --trailer "Gastown-Bead: ${bead}" --trailer "Gastown-Step: ${step}"`,
    `Write ${word} into ${part} and commit`);
const done = (reason: string): Move => bash(`gt done --exit COMPLETED --reason ${JSON.stringify(reason)}`, "End the run");

const only = (...moves: Move[]): StepMoves => () => moves;

const MOVES: Record<string, StepMoves> = {
  "load-context": only(bash("gt prime", "Read the assignment"), close("Read the issue"), { say: "I know what to do." }),
  implement: ({ bead, step, results }) => {
    const part = results[0]?.trim() ?? "";
    // The hasty slip: the foghorn's word misspelt, which the refinery's gates catch.
    const word = part.includes("foghorn") ? "redy" : "ready";
    return [FIND_PART, commit(bead, step, part, word, `Ready ${part}`), close(`Wrote ${part}`), { say: "Done." }];
  },
  "self-review": only(bash("git diff --stat origin/main...HEAD", "Review the change"), close("One file, as asked"), { say: "Reviewed." }),
  "build-test": only(close("Skipped the tests: in a hurry"), { say: "Moving on." }),
  "pre-verify": only(close("Nothing to merge"), { say: "Up to date." }),
  submit: only(close("Ready for review"), done("The harbor part is ready"), { say: "Submitted." }),
  reproduce: only(bash("sh test/harbor.sh || true", "Run the failing gate"), close("Reproduced: the gate fails"), { say: "Reproduced." }),
  fix: ({ bead, step, results }) => {
    const part = results[0]?.trim() ?? "";
    return [FIND_PART, commit(bead, step, part, "ready", `Spell ready right in ${part}`), close(`${part} now says ready`), { say: "Fixed." }];
  },
  verify: only(bash("sh test/harbor.sh", "Run the gate", (out) => !out.includes("✗")), close("sh test/harbor.sh passes"), { say: "Verified." }),
};

export const harborScript: ModelScript = stepScript(MOVES);
