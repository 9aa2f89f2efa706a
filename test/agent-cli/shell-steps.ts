// A scripted model for polecat runs of the real Codex and Gemini CLIs, whose only tool the
// script uses is the shell: one script for the whole run, which reads the prompt for the step
// its process works (app/polecat/step-prompt.ts) and, from the commands' outputs so far, how far
// that process has got, and answers with that step's next move. A move may say what its command
// must have printed; one that printed something else stops the script, which the server records
// and the test reports.
import type { ShellScript } from "../agents/scripted-http.js";

export type StepMove = { readonly run: string; readonly prints?: (output: string) => boolean } | { readonly say: string };

export type ShellStepMoves = (step: { readonly bead: string }) => readonly StepMove[];

/** The heading of every step prompt: `# Polecat <name>: step \`<step>\` of bead <bead>`. */
const HEADING = /^# Polecat ([a-z0-9-]+): step `([^`]+)` of bead (\S+)$/m;

export function shellSteps(steps: Readonly<Record<string, ShellStepMoves>>): ShellScript {
  return (prompt, outputs) => {
    const found = HEADING.exec(prompt);
    if (found === null) throw new Error("the request carries no step prompt");
    const [, , step, bead] = found as unknown as [string, string, string, string];
    const moves = steps[step];
    if (moves === undefined) throw new Error(`no moves for step ${step}`);
    const plan = moves({ bead });
    const turn = outputs.length;
    const previous = plan[turn - 1];
    if (previous !== undefined && "run" in previous && previous.prints !== undefined && !previous.prints(outputs[turn - 1]!)) {
      throw new Error(`${step}, turn ${turn}: ${previous.run} printed ${JSON.stringify(outputs[turn - 1])}`);
    }
    const move = plan[turn];
    if (move === undefined) throw new Error(`${step} has no turn ${turn + 1}`);
    return "run" in move ? { run: move.run } : move;
  };
}
