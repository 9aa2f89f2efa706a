// The molecule's steps, one agent process each (DESIGN §7, "In the runner"). Before each step
// the ledger is read again (to see nudges and other writers, and that the claim still holds) and
// the molecules library picks the first open step. After it, every process of the agent's user
// is gone; only then is its work taken: its commits through the quarantine's checks, its outbox
// through the outbox's. A step is closed only when the agent said `gt step done` for it and its
// commits passed: the action then adds its own marker, pushes fast-forward, and records the step
// and the rest of the outbox in one ledger commit. A refusal runs the agent once more with the
// reason; a second ends the run as ESCALATE, as do spent limits, which also start no process more:
// a new one would pay for a turn the run cannot take. A nudge that arrives while the agent works
// stops it at the next heartbeat tick (nudge-watch.ts): its work is taken as after any end, and the
// same step starts again with the nudge, a few times a step at most and never counted as a try. A
// tick that finds the run's claim lost stops the agent too, and then nothing of it is taken.
import type { Bead } from "../ledger/bead-schema.js";
import type { Ledger } from "../ledger/ledger.js";
import { serializeLedger } from "../ledger/write-ledger.js";
import { readMolecule } from "../molecules/molecule.js";
import { progress } from "../molecules/next-steps.js";
import { ACTION_IDENTITY } from "./action-identity.js";
import type { Exit } from "../molecules/runner-commands.js";
import type { ActionRepo } from "./action-repo.js";
import type { AgentCgroup } from "./agent-cgroup.js";
import { advanceAgentBranch } from "./agent-clone.js";
import type { AgentUser } from "./agent-user.js";
import { limitReached, type UsageLimits } from "./agents/usage-limits.js";
import { applyOutbox } from "./apply-outbox.js";
import { ClaimLostError, type ClaimedLedger } from "./claimed-ledger.js";
import { DEFAULT_MAX_BINARY_BYTES, DEFAULT_MAX_FILE_BYTES } from "./commit-rules.js";
import { filedWith, NOTHING_FILED, type Filed } from "./outbox-check.js";
import { markerPayload, stepOutbox } from "./outbox-records.js";
import { formatRefusal, parseOutbox } from "./outbox.js";
import type { AgentProgram } from "./polecat-agent.js";
import { midStepNudgeNote, nudgeRestartedNote, promptedNudges } from "./mid-step-nudge.js";
import type { MidStepStop, NudgeWatch } from "./nudge-watch.js";
import type { PolecatHeartbeat } from "./polecat-heartbeat.js";
import { agentWallTimeMs } from "./polecat-limits.js";
import type { PolecatOptions } from "./polecat-options.js";
import { takeOutbox, writeStepFiles, type PolecatWorkspace } from "./polecat-workspace.js";
import type { Redactor } from "./redact.js";
import { redactOutbox } from "./redacted-outbox.js";
import { runAgentStep, type AgentStepResult, type StepEnd } from "./run-agent-step.js";
import type { RunSandbox } from "./sandbox/run-sandbox.js";
import type { SandboxSpec } from "./sandbox/sandbox-plan.js";
import type { PolecatDependencies } from "./run-polecat.js";
import { stepPrompt } from "./step-prompt.js";
import { takeWork } from "./take-work.js";
import { addMarker } from "./work-markers.js";

/** Time the job keeps after its agent stops: taking the work, pushing, the ledger, the heartbeat. */
export const EXIT_RESERVE_MINUTES = 10;
/** How many times one step's agent runs in one attempt: once, and once more with the reason. */
const TRIES_PER_STEP = 2;

/** How the steps ended, for the run to record: the exit and what the run had done by then. */
export interface StepsEnd {
  /** COMPLETED once every step is closed; else the agent's own exit, or the action's ESCALATE. */
  readonly exit: Exit;
  readonly reason: string;
  /** BLOCKED's blocker, as the agent named it. */
  readonly blocker?: string;
  /** The work ref's tip the run last pushed. */
  readonly workTip: string;
  /** What the agent used: by the model proxy's meter in the sandbox, else by its stream's count. */
  readonly turns: number;
  readonly costUsd: number;
}

export interface StepsInput {
  readonly options: PolecatOptions;
  readonly deps: PolecatDependencies;
  readonly ledger: ClaimedLedger;
  readonly repo: ActionRepo;
  readonly workspace: PolecatWorkspace;
  readonly user: AgentUser;
  readonly cgroup: AgentCgroup;
  readonly heartbeat: PolecatHeartbeat;
  /** Looks at the ledger at each heartbeat tick while a step's agent runs: for nudges, and that the claim holds. */
  readonly nudges: NudgeWatch;
  readonly program: AgentProgram;
  readonly redactor: Redactor;
  readonly pushedTip: string;
  readonly baseTip: string;
  /** The run's sandbox and the spec each step's process is spawned in; none with `polecat.sandbox: off`. */
  readonly sandbox?: { readonly run: RunSandbox; readonly spec: SandboxSpec };
}

export async function workSteps(input: StepsInput): Promise<StepsEnd> {
  const { options, deps, heartbeat } = input;
  const deadline = deps.clock().getTime() + agentWallTimeMs(options.limits, EXIT_RESERVE_MINUTES);
  const limits: UsageLimits = { maxTurns: options.limits.max_turns, maxCostUsd: options.limits.max_cost_usd };
  const counted = { turns: 0, costUsd: 0 };
  let pushedTip = input.pushedTip;
  let note: string | undefined;
  let tries = 0;
  /** The step's agent processes stopped for nudges, and the nudges that stopped the last one. */
  let nudgeRestarts = 0;
  let nudged: readonly Bead[] | undefined;
  let lastStep: string | undefined;
  let processes = 0;
  let completedReason: string | undefined;
  let filed: Filed = NOTHING_FILED;
  const end = (exit: Exit, reason: string, blocker?: string): StepsEnd =>
    ({ exit, reason, ...(blocker ? { blocker } : {}), workTip: pushedTip, turns: counted.turns, costUsd: counted.costUsd });
  // The reason may quote the agent (a refused commit's subject), so it is redacted first.
  const escalate = (reason: string): StepsEnd => {
    const shown = input.redactor.redact(reason);
    deps.log.warning(`Escalated: ${shown}`);
    heartbeat.note(`Escalated: ${shown}`);
    return end("ESCALATE", shown);
  };

  for (;;) {
    // 1. Where the molecule stands, from the ledger as it is now.
    const { ledger } = await input.ledger.read();
    const molecule = readMolecule(ledger, options.molecule);
    const now = progress(ledger, molecule);
    if (now.state === "finished") return end("COMPLETED", completedReason ?? `Every step of ${options.molecule} is done (${now.total}).`);
    if (now.state !== "running" || now.next.length === 0) {
      return escalate(`the molecule ${options.molecule} cannot go on: it is ${now.state}`);
    }
    const step = now.next[0]!;
    if (step.step !== lastStep) {
      lastStep = step.step;
      tries = 0;
      nudgeRestarts = 0;
      nudged = undefined;
    }
    // Turns, budget or time already spent: a process would only pay for a turn the run cannot take.
    const reached = limitReached(counted, limits);
    if (reached !== null) return escalate(reached.message);
    if (deps.clock().getTime() >= deadline) return escalate(timeRanOut(options));
    if (tries >= TRIES_PER_STEP) {
      return escalate(`step ${step.step} ended ${TRIES_PER_STEP} times without being done: ${note ?? "the agent never said gt step done"}`);
    }
    tries++;
    processes++;
    const run = { bead: options.bead, molecule: options.molecule, polecat: options.polecat, step: step.step };
    const index = molecule.steps.indexOf(step) + 1;
    heartbeat.onStep({ id: step.step, index, of: molecule.steps.length });
    if (nudged !== undefined) heartbeat.note(nudgeRestartedNote(nudged, nudgeRestarts));
    await heartbeat.beat();

    // 2. The agent, for this step alone.
    const prompt = stepPrompt({ ledger, run, ...(note === undefined ? {} : { note }) });
    await writeStepFiles(input.workspace, { ledger: ledgerText(ledger), prompt });
    const again = nudged !== undefined ? " (again, for a nudge)" : tries > 1 ? " (again)" : "";
    deps.log.info(`Step ${index} of ${molecule.steps.length}, ${step.step}: ${input.program.describe}${again}.`);
    const { sandbox } = input;
    const meter = sandbox?.run.meters() ? sandbox.run : undefined;
    const metered = meter?.usage();
    const refusedBefore = meter?.modelRefused().count ?? 0;
    const interrupt = new AbortController();
    input.nudges.watch({ run, prompted: promptedNudges(ledger, options.bead), restarts: nudgeRestarts, interrupt: () => interrupt.abort() });
    let result: AgentStepResult;
    let stopped: MidStepStop | undefined;
    try {
      result = await runAgentStep({
        user: input.user, cgroup: input.cgroup, invocation: input.program.invocation(prompt), cwd: input.workspace.clone, deadline,
        env: { ...agentEnvironment(input.workspace, run), ...sandbox?.run.environment() }, clock: deps.clock, after: deps.after,
        before: { ...counted }, limits, onProgress: (at) => heartbeat.progress(at), interrupt: interrupt.signal,
        ...(sandbox ? { sandbox: sandbox.spec } : {}),
      });
    } finally {
      stopped = await input.nudges.unwatch();
    }
    // Stopped for a nudge: the step starts again with it, and that process is no try of the step's.
    nudged = result.end.kind === "interrupted" && stopped?.kind === "nudged" ? stopped.nudges : undefined;
    if (nudged !== undefined) {
      tries--;
      nudgeRestarts++;
    }
    // The model proxy's meter, where there is one, is the run's count: it saw every call, and the
    // API's own usage figures, whatever the agent printed.
    const after = meter?.usage();
    const used = after && metered ? { turns: after.turns - metered.turns, costUsd: after.costUsd - metered.costUsd } : result;
    counted.turns += used.turns;
    counted.costUsd += used.costUsd;
    heartbeat.progress(deps.clock(), result.tail);
    deps.log.info(`The agent ended (${describeEnd(result, stopped)}); ${counted.turns} turns, $${counted.costUsd.toFixed(2)} by ${meter ? "the model proxy" : "its stream"} so far. The end of its output:\n${input.redactor.redact(result.tail).trimEnd()}`);
    // The run no longer holds its bead, whether or not the agent ended by itself first: its
    // commits and its outbox are not taken, and the run ends as a lost claim does.
    if (stopped?.kind === "claim-lost") throw new ClaimLostError(stopped.reason);

    // 3. Its outbox and its commits, now that nothing of its user runs.
    const took = await takeOutbox(input.workspace, processes);
    if (took.refused !== undefined) deps.log.warning(`The outbox was not read: ${took.refused}`);
    const outbox = redactOutbox(parseOutbox(took.text, "outbox.jsonl"), input.redactor);
    const taken = await takeWork({
      git: input.repo.git, cloneDir: input.workspace.clone, branch: input.repo.agentBranch, pushedTip, baseTip: input.baseTip,
      rules: {
        bead: options.bead, protectedPaths: options.limits.protected_paths, maxDiffLines: options.limits.max_diff_lines,
        maxFileBytes: DEFAULT_MAX_FILE_BYTES, maxBinaryBytes: DEFAULT_MAX_BINARY_BYTES, identity: ACTION_IDENTITY,
        // The dummy key too: worthless, but it is in the agent's environment, so a file that holds it copied it there.
        canaries: [options.token, options.apiKey, input.sandbox?.run.modelAccess()?.apiKey ?? ""].filter((canary) => canary !== ""),
      },
    });
    if (taken.kind === "refused") {
      deps.log.warning(`Refused the agent's work on ${step.step}: ${taken.problems.join("; ")}`);
      heartbeat.note(`Refused: ${taken.problems.join("; ")}`);
      const spent = spentBy(result.end, options);
      if (spent !== undefined) return escalate(`${spent}, and its work on step ${step.step} was refused: ${taken.problems.join("; ")}`);
      if (tries >= TRIES_PER_STEP) return escalate(`the agent's work on step ${step.step} was refused twice: ${taken.problems.join("; ")}`);
      note = nudged === undefined ? taken.text : `${midStepNudgeNote(nudged)}\n\n${taken.text}`;
      continue;
    }

    // 4. The step closed only on the agent's word and the action's checks; then the push, then the ledger.
    const applied = applyOutbox(ledger, outbox, run, filed);
    for (const refusal of applied.verdict.refused) deps.log.warning(`Refused from the outbox: ${formatRefusal(outbox.file, refusal)}`);
    const done = applied.verdict.accepted.some(({ intent }) => intent.kind === "step" && intent.step === step.step);
    const accepted = stepOutbox(outbox, applied.verdict);
    let tip = taken.tip;
    if (done) {
      tip = await addMarker(input.repo.git, { tip, bead: options.bead, step: step.step, payload: markerPayload(accepted), at: deps.clock() });
    }
    if (tip !== pushedTip) {
      await input.ledger.read();
      await input.repo.push(tip);
      if (done) {
        await advanceAgentBranch({
          git: input.repo.git, cloneDir: input.workspace.clone, branch: input.repo.agentBranch, from: taken.tip, to: tip,
          owner: input.user, node: input.workspace.node,
        });
      }
      pushedTip = tip;
      await heartbeat.startOn(tip);
    }
    const before = filed;
    await input.ledger.write(commitMessage(options, step.step, done), (current) => applyOutbox(current, accepted, run, before).ledger);
    filed = filedWith(filed, accepted);

    // 5. What comes next.
    const exit = applied.verdict.accepted.map(({ intent }) => intent).find((intent) => intent.kind === "exit");
    if (exit?.kind === "exit") {
      // COMPLETED is the agent's word only once every step is closed, which the next look checks.
      if (exit.exit !== "COMPLETED") return end(exit.exit, exit.reason, exit.blocker);
      completedReason = exit.reason;
    }
    const spent = spentBy(result.end, options);
    if (spent !== undefined) return escalate(spent);
    // The model proxy refused a call (a limit, a model or a tool the run may not use): its reason,
    // not the agent's account of the error, says why the step stopped short.
    const refused = meter?.modelRefused();
    if (refused?.last !== undefined && refused.count > refusedBefore && !done) return escalate(`the model proxy refused the agent's call: ${refused.last}`);
    if (result.apiError !== null && !done) return escalate(`the model's API failed: ${result.apiError}`);
    note = done ? undefined : nudged === undefined ? notDoneNote(took.refused)
      : [midStepNudgeNote(nudged), ...(took.refused === undefined ? [] : [notDoneNote(took.refused)])].join("\n\n");
  }
}

/** Why a process's end leaves the run no time, turns or budget for another, if it does. */
function spentBy(end: StepEnd, options: PolecatOptions): string | undefined {
  switch (end.kind) {
    case "wall-time": return timeRanOut(options);
    case "limit": return end.message;
    case "exited":
    case "interrupted": return undefined;
  }
}

function timeRanOut(options: PolecatOptions): string {
  return `the run's time ran out (polecat.timeout_minutes is ${options.limits.timeout_minutes})`;
}

/** The agent's whole environment, built from nothing: its tools, its home, the run's GASTOWN_*. */
function agentEnvironment(workspace: PolecatWorkspace, run: { bead: string; molecule: string; step: string }): Record<string, string> {
  return {
    PATH: `${workspace.bin}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`,
    HOME: workspace.home,
    TMPDIR: workspace.tmp,
    LANG: "C.UTF-8",
    GASTOWN_LEDGER: workspace.ledgerCopy,
    GASTOWN_OUTBOX: workspace.outbox,
    GASTOWN_BEAD: run.bead,
    GASTOWN_MOLECULE: run.molecule,
    GASTOWN_STEP: run.step,
    GASTOWN_PROMPT_FILE: workspace.prompt,
  };
}

/** What the step's next process is told when the last one left it open. */
function notDoneNote(outboxRefusal: string | undefined): string {
  if (outboxRefusal !== undefined) {
    return `Gas Town did not read the outbox, so nothing the last process recorded counts: ${outboxRefusal}. Leave the outbox to \`gt\`, finish the step, then run \`gt step done --notes "…"\` again, or choose an exit with \`gt done\`.`;
  }
  return "The last process for this step ended without `gt step done`. Finish the step, then run `gt step done --notes \"…\"`, or choose an exit with `gt done`.";
}

function ledgerText(ledger: Ledger): string {
  return serializeLedger(ledger);
}

function describeEnd(result: AgentStepResult, stopped: MidStepStop | undefined): string {
  switch (result.end.kind) {
    case "exited": return result.end.signal ? `signal ${result.end.signal}` : `exit ${String(result.end.code)}`;
    case "wall-time": return "out of time";
    case "limit": return result.end.message;
    case "interrupted": return stopped?.kind === "claim-lost" ? "stopped: the run lost its claim" : "stopped for a nudge";
  }
}

function commitMessage(options: PolecatOptions, step: string, done: boolean): string {
  return `${options.bead}: ${done ? `step ${step} done` : `step ${step} worked`} by polecat ${options.polecat}, attempt ${options.attempt}`;
}
