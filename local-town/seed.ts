// The small repository the local town starts with, and its issues: a harbor whose parts each
// issue asks to make ready, a test that checks them (the refinery's gate), our workflows as a
// team copies them, and `.github/gastown.yml` for the agent chosen. Pure: start-local-town.ts
// makes them.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "./town-paths.js";

export interface SeedIssue {
  readonly title: string;
  readonly body: string;
  /** Whether the town slings it at the start (the rest wait for a person's `/sling`). */
  readonly slung: boolean;
}

export const SEED_ISSUES: readonly SeedIssue[] = [
  { title: "Light the lighthouse", body: "Ships cannot see the harbor at night. Make `harbor/lighthouse.txt` say `ready`.", slung: true },
  { title: "Paint the dock", body: "The dock is peeling. Make `harbor/dock.txt` say `ready`.", slung: true },
  { title: "Sound the foghorn", body: "Fog is coming. Make `harbor/foghorn.txt` say `ready`.", slung: true },
  { title: "Dredge the channel", body: "Big ships run aground. Make `harbor/channel.txt` say `ready`.", slung: false },
];

/** The gate: every part of the harbor says `ready`. */
const HARBOR_TEST = `#!/bin/sh
# Every part of the harbor must say ready.
status=0
for part in harbor/*.txt; do
  if [ "$(cat "$part")" = ready ]; then echo "✓ $part"; else echo "✗ $part: expected ready, got $(cat "$part")"; status=1; fi
done
exit $status
`;

/**
 * A two-step formula for a quicker town (the test's): the agent readies the part, then submits.
 * The refinery still sends failing work back with the shipped mol-polecat-fix.
 */
export const QUICK_FORMULA = "harbor-quick";
const QUICK_FORMULA_TEXT = `formula: ${QUICK_FORMULA}
description: Ready the harbor part the issue names, then submit it.
version: 1
vars:
  bead: { description: The work bead, required: true }
steps:
  - id: implement
    title: Ready the part {{bead}} names
    description: Make the file the issue names say ready, and commit it with the trailers.
  - id: submit
    title: Submit {{bead}}
    description: Close the step; the action publishes the work.
    needs: [implement]
`;

export interface SeedAgent {
  /** `command`: the stand-in at this absolute path; else the CLI (`claude` by default) on `model`. */
  readonly kind: "command" | "claude" | "codex" | "gemini";
  readonly command?: string;
  readonly model?: string;
}

export function seedConfig(agent: SeedAgent, sandbox: boolean): string {
  const lines = ["polecat:"];
  if (agent.kind === "command") lines.push("  agent: command", `  command: ${agent.command}`);
  else if (agent.kind !== "claude") lines.push(`  agent: ${agent.kind}`);
  if (agent.model !== undefined) lines.push(`  model: ${agent.model}`);
  if (!sandbox) lines.push("  sandbox: off");
  lines.push("refinery:", "  mode: review", "  gates: { commands: [sh test/harbor.sh], checks: none }");
  return `${lines.join("\n")}\n`;
}

/** The repository's files: README, the harbor's one ready part, its test, our workflows, the settings. */
export function seedFiles(agent: SeedAgent, sandbox: boolean): Record<string, string> {
  const example = (name: string) => readFileSync(join(ROOT, "examples/workflows", name), "utf8");
  return {
    "README.md": "# Harbor\n\nA small harbor, kept by a Gas Town. `sh test/harbor.sh` checks that every part is ready.\n",
    "harbor/quay.txt": "ready\n",
    "test/harbor.sh": HARBOR_TEST,
    ".github/gastown.yml": seedConfig(agent, sandbox),
    ".github/workflows/gastown-polecat.yml": example("gastown-polecat.yml"),
    ".github/workflows/gastown-gates.yml": example("gastown-gates.yml"),
    ".github/workflows/gastown-refinery.yml": example("gastown-refinery.yml"),
    ".github/workflows/gastown-patrol.yml": example("gastown-patrol.yml"),
    [`.beads/formulas/${QUICK_FORMULA}.formula.yaml`]: QUICK_FORMULA_TEXT,
  };
}
