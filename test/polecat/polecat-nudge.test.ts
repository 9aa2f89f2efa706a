// A nudge that reaches a step's agent mid-step, end to end: a person's `/nudge` lands in the
// ledger (through the App, in the emulator) while the stand-in agent waits in its plan step; at the
// next heartbeat tick (the run's `every`, driven by the test) the action sees it, stops the agent,
// takes what it committed, and starts the plan step again with the nudge in its prompt. A flood
// of nudges restarts a step at most MAX_NUDGE_RESTARTS times. A bead unslung while the agent
// works stops the agent at the next tick in the same way, and the run ends taking nothing of it.
import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Bead } from "../../app/ledger/bead-schema.js";
import { gastownMetadata } from "../../app/molecules/gastown-metadata.js";
import { MAX_NUDGE_RESTARTS, midStepNudgeNote } from "../../app/polecat/mid-step-nudge.js";
import { actionNoteIn, messagesText } from "../../app/polecat/step-prompt.js";
import { processesOf } from "../../app/polecat/user-processes.js";
import { nudgesFor } from "../../app/town/message-beads.js";
import { AGENTS, startPolecatTown, type PolecatTown } from "./polecat-harness.js";

const RUN_TIMEOUT_MS = 120_000;
const COMMAND = `${AGENTS}/nudged.sh`;

let polecat: PolecatTown | undefined;
afterEach(async () => {
  await polecat?.close();
  expect(polecat?.town.github.problems ?? []).toEqual([]);
  polecat = undefined;
});

/** A run whose heartbeat ticks when the test says, and what its agent's processes leave behind. */
function tickedRun(town: PolecatTown, onLog?: (line: string) => void) {
  const ticks: (() => void)[] = [];
  const tmp = join(town.agentDir(), "tmp");
  const running = town.runPolecat({
    ...(onLog ? { onLog } : {}),
    overrides: {
      every: (_ms, beat) => {
        ticks.push(beat);
        return () => undefined;
      },
    },
  });
  return {
    running,
    tick: () => {
      expect(ticks).toHaveLength(1);
      ticks[0]!();
    },
    /** Until the run's `n`th agent process waits in the plan step. */
    waiting: (n: number) => vi.waitFor(() => expect(existsSync(join(tmp, `waiting-${n}`))).toBe(true), { timeout: 30_000, interval: 50 }),
    prompt: (n: number) => readFile(join(tmp, `prompt-${n}.md`), "utf8"),
    prompts: () => [1, 2, 3, 4, 5, 6, 7].filter((n) => existsSync(join(tmp, `prompt-${n}.md`))).length,
    release: () => writeFile(join(town.agentDir(), "release"), ""),
  };
}

async function ledgerSubjects(town: PolecatTown): Promise<string[]> {
  const out = await town.town.github.git("octo/town").git(["log", "--reverse", "--format=%s", "gastown/ledger"]);
  return out.split("\n").filter((line) => line !== "");
}

/** Each step bead of the molecule: its step, status and notes. */
async function steps(town: PolecatTown): Promise<[string, string, unknown][]> {
  const ledger = await town.ledger();
  const molecule = gastownMetadata(await town.bead()).molecule as string;
  return ledger.beads().filter((b) => b.id.startsWith(`${molecule}.`))
    .map((b: Bead) => [gastownMetadata(b).step as string, b.status ?? "open", gastownMetadata(b).notes]);
}

/** Each heartbeat check run: its title, its conclusion and the notes of its summary. */
function heartbeats(town: PolecatTown) {
  return (town.town.github.state.repos["octo/town"]?.checkRuns ?? []).filter((c) => c.name === "gastown/polecat").map((c) => ({
    title: c.output?.title, conclusion: c.conclusion,
    notes: (c.output?.summary ?? "").split("\n").filter((line) => line.startsWith("- ")).map((line) => line.slice(2)),
  }));
}

describe("a nudge that arrives while a step's agent works", () => {
  it("stops the agent at the next heartbeat tick, keeps its commits, and starts the step again with the nudge", async () => {
    polecat = await startPolecatTown({ command: COMMAND });
    const run = tickedRun(polecat);
    await run.waiting(1);
    await polecat.comment("/nudge Use the metric wrench.");
    run.tick();
    await run.waiting(2);
    await run.release();
    const { outcome, log } = await run.running;

    const bead = await polecat.bead();
    const molecule = gastownMetadata(bead).molecule as string;
    const ledger = await polecat.ledger();
    const [nudge] = nudgesFor(ledger, bead.id);
    expect(nudgesFor(ledger, bead.id)).toEqual([expect.objectContaining({ sender: "mayor", description: "Use the metric wrench.", status: "open" })]);
    const id = nudge!.id;
    expect(outcome).toEqual({ kind: "exited", exit: "COMPLETED", reason: `Every step of ${molecule} is done (2).` });

    // The first process was given no nudge; the second, the same step's, the nudge fenced as
    // data under "Nudges" and the action's note that it arrived mid-step; the build step the nudge alone.
    expect(run.prompts()).toBe(3);
    const [first, second, build] = [await run.prompt(1), await run.prompt(2), await run.prompt(3)];
    expect(first).not.toContain("metric wrench");
    expect(actionNoteIn(first)).toBeUndefined();
    expect(actionNoteIn(second)).toBe(midStepNudgeNote([nudge!]));
    expect(second).toContain("step `plan` of bead");
    expect(second.endsWith(`${messagesText(ledger, bead.id)}\n`)).toBe(true);
    expect(messagesText(ledger, bead.id)).toContain("\n```text\nUse the metric wrench.\n```");
    expect(actionNoteIn(build)).toBeUndefined();
    expect(build).toContain("step `build` of bead");
    expect(build.endsWith(`${messagesText(ledger, bead.id)}\n`)).toBe(true);

    const work = `gastown/work/furiosa/${bead.id}`;
    const [start] = await polecat.shas(work);
    const ended = (tail: string) => `The agent ended (${tail}); 0 turns, $0.00 by its stream so far. The end of its output:`;
    expect(log).toEqual([
      `Polecat furiosa claimed ${bead.id}, attempt 1 (run ${polecat.runs().at(-1)?.id}).`,
      `Made the work ref ${work} at ${start?.slice(0, 12)}.`,
      "The agent runs in its sandbox, with the network proxy and no model proxy (the run has no model key).",
      `Step 1 of 2, plan: polecat.command ${COMMAND}.`,
      `Nudge ${id} from mayor arrived while the agent worked on plan: stopping it to start the step again with the nudge (restart 1 of 3 for nudges).`,
      `${ended("stopped for a nudge")}\nWaiting, process 1`,
      `Step 1 of 2, plan: polecat.command ${COMMAND} (again, for a nudge).`,
      `${ended("exit 0")}\nWaiting, process 2\nstep plan of ${molecule} is done. Stop now: the next step is a new process.`,
      `Step 2 of 2, build: polecat.command ${COMMAND}.`,
      `${ended("exit 0")}\nstep build of ${molecule} is done. Stop now: the next step is a new process.`,
      `Recorded the exit on ${bead.id}: COMPLETED.`,
      `The polecat ended as COMPLETED: Every step of ${molecule} is done (2).`,
    ]);
    // What the stopped process committed was taken and pushed; the step went on from it.
    expect(await polecat.commits(work)).toEqual([
      `Gastown: start work on ${bead.id}\nGastown-Bead: ${bead.id}`,
      `Work on plan, process 1\nGastown-Bead: ${bead.id}\nGastown-Step: plan`,
      `Work on plan, process 2\nGastown-Bead: ${bead.id}\nGastown-Step: plan`,
      `Gastown: step plan done\nGastown-Bead: ${bead.id}\nGastown-Closed: plan`,
      `Work on build, process 3\nGastown-Bead: ${bead.id}\nGastown-Step: build`,
      `Gastown: step build done\nGastown-Bead: ${bead.id}\nGastown-Closed: build`,
    ]);
    const git = polecat.town.github.git("octo/town");
    expect(await git.git(["show", `refs/heads/${work}:steps/plan.txt`])).toBe("process 1\nprocess 2");
    expect(await steps(polecat)).toEqual([["plan", "closed", "Did plan in process 2"], ["build", "closed", "Did build in process 3"]]);
    // The stopped process wrote nothing to the ledger: no commit of its own.
    expect(await ledgerSubjects(polecat)).toEqual([
      `Sling #1 (${bead.id}) to polecat furiosa, attempt 1`,
      `Polecat furiosa claims ${bead.id}, attempt 1 (run ${polecat.runs().at(-1)?.id})`,
      `Record a nudge for ${bead.id} from @mayor`,
      `${bead.id}: step plan done by polecat furiosa, attempt 1`,
      `${bead.id}: step build done by polecat furiosa, attempt 1`,
      `${bead.id}: polecat furiosa ends attempt 1 as COMPLETED`,
    ]);
    // The heartbeat of the restarted process says why it started again.
    const restarted = `Restarted the agent for nudge ${id} from mayor (restart 1 of 3 for nudges).`;
    expect(heartbeats(polecat)).toEqual([
      { title: "working · step 1/2", conclusion: "neutral", notes: [] },
      { title: "working · step 1/2", conclusion: "neutral", notes: [restarted] },
      { title: "working · step 2/2", conclusion: "neutral", notes: [] },
      { title: "done · step 2/2", conclusion: "success", notes: [] },
    ]);
  }, RUN_TIMEOUT_MS);

  it("stops an agent that runs without the sandbox the same way, every process of its user with it", async () => {
    polecat = await startPolecatTown({ command: COMMAND, polecat: "  sandbox: off\n" });
    const run = tickedRun(polecat);
    await run.waiting(1);
    await polecat.comment("/nudge Use the metric wrench.");
    run.tick();
    await run.waiting(2);
    // The first process is gone: only the second's shell and its wait remain of the agent's user.
    const left = await Promise.all((await processesOf(polecat.user.uid)).map((pid) => readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => "")));
    expect(left.filter((command) => command.includes("nudged.sh"))).toHaveLength(1);
    await run.release();
    const { outcome, log } = await run.running;
    expect(outcome).toMatchObject({ kind: "exited", exit: "COMPLETED" });
    expect(log.filter((line) => line.startsWith("The agent ended")).map((line) => line.split(";")[0]))
      .toEqual(["The agent ended (stopped for a nudge)", "The agent ended (exit 0)", "The agent ended (exit 0)"]);
    expect(actionNoteIn(await run.prompt(2))).toBe(midStepNudgeNote(nudgesFor(await polecat.ledger(), (await polecat.bead()).id)));
    expect(await steps(polecat)).toEqual([["plan", "closed", "Did plan in process 2"], ["build", "closed", "Did build in process 3"]]);
  }, RUN_TIMEOUT_MS);

  it("restarts a step for nudges at most MAX_NUDGE_RESTARTS times; later nudges wait for the next process", async () => {
    polecat = await startPolecatTown({ command: COMMAND });
    let bounded: () => void = () => undefined;
    const saidBound = new Promise<void>((resolve) => {
      bounded = resolve;
    });
    const run = tickedRun(polecat, (line) => {
      if (line.includes("was started again for nudges")) bounded();
    });
    expect(MAX_NUDGE_RESTARTS).toBe(3);
    for (let n = 1; n <= MAX_NUDGE_RESTARTS; n++) {
      await run.waiting(n);
      await polecat.comment(`/nudge Nudge number ${n}.`);
      run.tick();
    }
    await run.waiting(4);
    await polecat.comment("/nudge Nudge number 4.");
    run.tick();
    await saidBound;
    // A tick more says nothing more, and stops nothing.
    run.tick();
    await run.release();
    const { outcome, log } = await run.running;

    const bead = await polecat.bead();
    const ledger = await polecat.ledger();
    // The town's clock stands still, so the nudges' times tie; each is found by its text.
    const nudges = [1, 2, 3, 4].map((n) => nudgesFor(ledger, bead.id).find((b) => b.description === `Nudge number ${n}.`));
    expect(nudgesFor(ledger, bead.id)).toHaveLength(4);
    expect(outcome).toMatchObject({ kind: "exited", exit: "COMPLETED" });
    const lines = log.filter((line) => line.startsWith("Step ") || line.startsWith("Nudge ") || line.startsWith("The agent ended")).map((line) => line.split("\n")[0]);
    const step = (s: string) => `Step ${s}: polecat.command ${COMMAND}`;
    const restart = (n: number) =>
      `Nudge ${nudges[n - 1]?.id} from mayor arrived while the agent worked on plan: stopping it to start the step again with the nudge (restart ${n} of 3 for nudges).`;
    const ended = (tail: string) => `The agent ended (${tail}); 0 turns, $0.00 by its stream so far. The end of its output:`;
    expect(lines).toEqual([
      `${step("1 of 2, plan")}.`,
      restart(1), ended("stopped for a nudge"),
      `${step("1 of 2, plan")} (again, for a nudge).`,
      restart(2), ended("stopped for a nudge"),
      `${step("1 of 2, plan")} (again, for a nudge).`,
      restart(3), ended("stopped for a nudge"),
      `${step("1 of 2, plan")} (again, for a nudge).`,
      `Nudge ${nudges[3]?.id} from mayor arrived while the agent worked on plan, which was started again for nudges 3 times already: the step's next process, or the next step's, reads it.`,
      ended("exit 0"),
      `${step("2 of 2, build")}.`,
      ended("exit 0"),
    ]);
    // Each restarted process was told of the nudge that stopped the one before; the build step
    // reads every nudge, the fourth among them, with no note.
    expect(run.prompts()).toBe(5);
    for (let n = 2; n <= 4; n++) expect(actionNoteIn(await run.prompt(n))).toBe(midStepNudgeNote([nudges[n - 2]!]));
    expect(await run.prompt(4)).not.toContain("Nudge number 4.");
    const build = await run.prompt(5);
    expect(actionNoteIn(build)).toBeUndefined();
    expect(build.endsWith(`${messagesText(ledger, bead.id)}\n`)).toBe(true);
    expect(build).toContain("Nudge number 4.");
    // Restarts for nudges are no tries of the step's: it closed on the fourth process's word.
    expect(await steps(polecat)).toEqual([["plan", "closed", "Did plan in process 4"], ["build", "closed", "Did build in process 5"]]);
  }, RUN_TIMEOUT_MS);
});

describe("a run that loses its claim while a step's agent works", () => {
  const UNSLUNG = `${AGENTS}/unslung.sh`;

  it("stops the agent at the next heartbeat tick and ends, taking nothing of its work", async () => {
    polecat = await startPolecatTown({ command: UNSLUNG });
    const run = tickedRun(polecat);
    await run.waiting(1);
    const bead = await polecat.bead();
    const runId = polecat.runs().at(-1)?.id;
    await polecat.comment("/unsling");
    const unslung = await ledgerSubjects(polecat);
    run.tick();
    // Its agent is never released: the run ends only because the tick stopped it.
    const { outcome, log } = await run.running;

    const lost = `this run no longer holds its claim: ${bead.id} is open, not hooked: it was unslung or its work has ended`;
    expect(outcome).toEqual({ kind: "claim-lost", reason: lost });
    const work = `gastown/work/furiosa/${bead.id}`;
    const [start] = await polecat.shas(work);
    expect(log).toEqual([
      `Polecat furiosa claimed ${bead.id}, attempt 1 (run ${runId}).`,
      `Made the work ref ${work} at ${start?.slice(0, 12)}.`,
      "The agent runs in its sandbox, with the network proxy and no model proxy (the run has no model key).",
      `Step 1 of 2, plan: polecat.command ${UNSLUNG}.`,
      "warning: The run lost its claim while the agent worked on plan: stopping the agent now, and taking nothing of its work.",
      // No "Refused from the outbox" line: its outbox was never read.
      "The agent ended (stopped: the run lost its claim); 0 turns, $0.00 by its stream so far. The end of its output:\nWaiting",
      `warning: ${lost}`,
      `notice: This polecat run stopped: ${lost}`,
    ]);
    // The agent's commit was not pushed, and the run wrote nothing to the ledger after the unsling.
    expect(await polecat.commits(work)).toEqual([`Gastown: start work on ${bead.id}\nGastown-Bead: ${bead.id}`]);
    expect(unslung).toEqual([
      `Sling #1 (${bead.id}) to polecat furiosa, attempt 1`,
      `Polecat furiosa claims ${bead.id}, attempt 1 (run ${runId})`,
      `Unsling #1 (${bead.id})`,
    ]);
    expect(await ledgerSubjects(polecat)).toEqual(unslung);
    expect(await steps(polecat)).toEqual([["plan", "open", undefined], ["build", "open", undefined]]);
    expect(heartbeats(polecat)).toEqual([{ title: "done · step 1/2", conclusion: "cancelled", notes: [] }]);
    expect(await processesOf(polecat.user.uid)).toEqual([]);
  }, RUN_TIMEOUT_MS);

  it("stops an agent that runs without the sandbox the same way", async () => {
    polecat = await startPolecatTown({ command: UNSLUNG, polecat: "  sandbox: off\n" });
    const run = tickedRun(polecat);
    await run.waiting(1);
    await polecat.comment("/unsling");
    run.tick();
    const { outcome, log } = await run.running;
    const bead = await polecat.bead();
    expect(outcome).toEqual({ kind: "claim-lost", reason: `this run no longer holds its claim: ${bead.id} is open, not hooked: it was unslung or its work has ended` });
    expect(log.filter((line) => line.includes("its claim")).map((line) => line.split(";")[0])).toEqual([
      "warning: The run lost its claim while the agent worked on plan: stopping the agent now, and taking nothing of its work.",
      "The agent ended (stopped: the run lost its claim)",
      `warning: this run no longer holds its claim: ${bead.id} is open, not hooked: it was unslung or its work has ended`,
      `notice: This polecat run stopped: this run no longer holds its claim: ${bead.id} is open, not hooked: it was unslung or its work has ended`,
    ]);
    expect(await polecat.commits(`gastown/work/furiosa/${bead.id}`)).toEqual([`Gastown: start work on ${bead.id}\nGastown-Bead: ${bead.id}`]);
  }, RUN_TIMEOUT_MS);
});
