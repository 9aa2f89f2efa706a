// Turns and cost with the real Claude Code CLI and the sandbox off, where nothing but the CLI's
// stream shows them: counted by the action from the stream as it comes (a stopped CLI writes no
// final report), and spent ones stop the agent at once, start no
// process more, and end the run as ESCALATE, recorded on the bead. Only work that passed the
// action's checks is pushed. The model the action stops is slow to answer, as a real one is
// while it writes, so the stop lands as its reply begins; the script has more turns for an agent
// the action failed to stop.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { gastownMetadata } from "../../app/molecules/gastown-metadata.js";
import { readMolecule } from "../../app/molecules/molecule.js";
import { processesOf } from "../../app/polecat/user-processes.js";
import type { PolecatTown } from "../polecat/polecat-harness.js";
import { agentClone, CLAUDE, claudeTowns, openingLines, requestsPerProcess, runWithClaude } from "./claude-polecat.js";
import { bash, edit, read, stepScript, write, type Move } from "./step-script.js";

const API_KEY = "sk-ant-test-polecat-limits-0123456789";
/** Longer than any stop takes: a reply the action failed to cut off would come after it. */
const SLOW_REPLY_MS = 10_000;
/** A few seconds each on a quiet machine; room for a busy one. */
const RUN_TIMEOUT_MS = 120_000;

const towns = claudeTowns(API_KEY);

/** The run's end as the bead, the molecule and the work ref record it. */
async function recorded(town: PolecatTown) {
  const bead = await town.bead();
  const molecule = readMolecule(await town.ledger(), String(gastownMetadata(bead).molecule));
  const { exit, exit_reason: reason } = gastownMetadata(bead);
  return {
    exit, reason,
    closed: molecule.steps.filter((s) => s.closed).map((s) => s.step),
    work: await town.commits(`gastown/work/furiosa/${bead.id}`),
  };
}

describe("polecat.max_turns with Claude Code", () => {
  it("stops an agent that never stops as its turn past the limit begins, pushes the work that passed, and escalates", async () => {
    const town = await towns.sling("  max_turns: 4\n  sandbox: off\n");
    const clone = agentClone(town);
    const again = bash("git status --short", "Look again");
    const model = await towns.model(stepScript({
      "load-context": ({ bead }) => [
        write(join(clone, "NOTES.md"), "# Notes\n\nThe pumps leak.\n"),
        bash(`git add NOTES.md && git commit -q -m "Start the notes" --trailer "Gastown-Bead: ${bead}" --trailer "Gastown-Step: load-context"`, "Commit the notes"),
        again,
        again,
        ...Array.from({ length: 50 }, (): Move => ({ ...again, holdMs: SLOW_REPLY_MS })),
      ],
    }));

    const { outcome, log } = await runWithClaude(town, model.url, API_KEY);

    const reason = "the agent has taken 4 turns of its 4";
    expect(outcome).toEqual({ kind: "exited", exit: "ESCALATE", reason });
    // Four turns, and the fifth cut off as it began: one process, five requests, nothing after.
    expect(model.requests.flatMap((request) => request.scriptError ?? [])).toEqual([]);
    expect(requestsPerProcess(model)).toEqual([5]);
    const bead = await town.bead();
    expect(log).toEqual([
      ...await openingLines(town, bead.id, "off"),
      `Step 1 of 6, load-context: ${CLAUDE}.`,
      `The agent ended (${reason}); 5 turns, $0.00 by its stream so far. The end of its output:\n` +
        `▸ Write: ${clone}/NOTES.md\n▸ Bash: Commit the notes\n▸ Bash: Look again\n▸ Bash: Look again`,
      `warning: Escalated: ${reason}`,
      `Recorded the exit on ${bead.id}: ESCALATE.`,
      `notice: The polecat ended as ESCALATE: ${reason}`,
    ]);
    expect(await processesOf(town.user.uid)).toEqual([]);
    // Its commit passed the checks and is pushed; the step it never closed stays open.
    expect(await recorded(town)).toEqual({
      exit: "ESCALATE", reason, closed: [],
      work: [
        `Gastown: start work on ${bead.id}\nGastown-Bead: ${bead.id}`,
        `Start the notes\nGastown-Bead: ${bead.id}\nGastown-Step: load-context`,
      ],
    });
  }, RUN_TIMEOUT_MS);

  it("starts no process more once a step has taken the last turn", async () => {
    const town = await towns.sling("  max_turns: 2\n  sandbox: off\n");
    const model = await towns.model(stepScript({
      "load-context": () => [bash(`gt step done --notes "Nothing to plan"`, "Close the step"), { say: "Done." }],
      implement: () => [{ say: "This process should never have started." }],
    }));

    const { outcome, log } = await runWithClaude(town, model.url, API_KEY);

    const reason = "the agent has taken 2 turns of its 2";
    expect(outcome).toEqual({ kind: "exited", exit: "ESCALATE", reason });
    expect(requestsPerProcess(model)).toEqual([2]);
    expect(log.filter((line) => line.startsWith("Step "))).toEqual([`Step 1 of 6, load-context: ${CLAUDE}.`]);
    const bead = await town.bead();
    expect(await recorded(town)).toEqual({
      exit: "ESCALATE", reason, closed: ["load-context"],
      work: [
        `Gastown: start work on ${bead.id}\nGastown-Bead: ${bead.id}`,
        `Gastown: step load-context done\nGastown-Bead: ${bead.id}\nGastown-Closed: load-context`,
      ],
    });
  }, RUN_TIMEOUT_MS);
});

describe("polecat.max_cost_usd with Claude Code", () => {
  it("stops an agent that spends before it spends the budget, pushes none of its refused work, and escalates", async () => {
    const town = await towns.sling("  max_cost_usd: 1\n  sandbox: off\n");
    const settings = join(agentClone(town), ".github/gastown.yml");
    // $0.03 in and $0.27 out a turn at Sonnet 4.5's prices: the fourth turn's start passes $0.90.
    const usage = { input_tokens: 10_000, output_tokens: 18_000 };
    const model = await towns.model(stepScript({
      "load-context": ({ bead }) => [
        read(settings),
        edit(settings, "max_cost_usd: 1\n", "max_cost_usd: 100\n"),
        bash(`git commit -q -am "Give the polecat a bigger budget" --trailer "Gastown-Bead: ${bead}" --trailer "Gastown-Step: load-context"`, "Commit the budget"),
        { ...bash(`gt step done --notes "More budget"`, "Close the step"), holdMs: SLOW_REPLY_MS },
      ],
    }, usage));

    const { outcome, log } = await runWithClaude(town, model.url, API_KEY);

    // The fourth turn's prompt is counted as it begins: $0.93 of the $1.00, and no request more.
    const spent = "the agent has spent $0.93 by its stream's count, of its $1.00 (stopped at $0.90, 10% short, for what the stream does not show)";
    const bead = await town.bead();
    // The agent's commit, named by the id its own clock gave it, touches a protected path.
    const commit = /commit ([0-9a-f]{7}) /.exec(JSON.stringify(outcome))?.[1];
    const refusal = `commit ${commit} ("Give the polecat a bigger budget") changes .github/gastown.yml, a protected path (.github/**)`;
    const reason = `${spent}, and its work on step load-context was refused: ${refusal}`;
    expect(outcome).toEqual({ kind: "exited", exit: "ESCALATE", reason });
    expect(model.requests.flatMap((request) => request.scriptError ?? [])).toEqual([]);
    expect(requestsPerProcess(model)).toEqual([4]);
    expect(log).toEqual([
      ...await openingLines(town, bead.id, "off"),
      `Step 1 of 6, load-context: ${CLAUDE}.`,
      `The agent ended (${spent}); 4 turns, $0.93 by its stream so far. The end of its output:\n` +
        `▸ Read: ${settings}\n▸ Edit: ${settings}\n▸ Bash: Commit the budget`,
      `warning: Refused the agent's work on load-context: ${refusal}`,
      `warning: Escalated: ${reason}`,
      `Recorded the exit on ${bead.id}: ESCALATE.`,
      `notice: The polecat ended as ESCALATE: ${reason}`,
    ]);
    expect(await processesOf(town.user.uid)).toEqual([]);
    expect(await recorded(town)).toEqual({
      exit: "ESCALATE", reason, closed: [], work: [`Gastown: start work on ${bead.id}\nGastown-Bead: ${bead.id}`],
    });
  }, RUN_TIMEOUT_MS);
});
