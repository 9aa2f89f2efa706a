// One step's agent process, from start to the moment every process of the agent's user is gone.
// The action enforces the wall time itself, hard: when the run's time is up it ends every process
// of the user, whatever the agent is doing, and likewise when it is told to interrupt the agent
// (a nudge arrived, to be read by the step's next process; or the run lost its claim). Turns and
// cost are counted from the agent's stream as it goes, not from its final report, and the agent
// is stopped the moment they run out. Whatever the agent's exit status says, it closes nothing
// (agents exit 0 after giving up): only the outbox and the commits the action takes afterwards count.
import { createInterface } from "node:readline";
import type { AgentCgroup } from "./agent-cgroup.js";
import { spawnAsAgent, stopAgentProcesses, type AgentUser } from "./agent-user.js";
import type { AgentInvocation } from "./agents/agent-invocation.js";
import { OutputTail } from "./agents/output-tail.js";
import { streamParser } from "./agents/stream-parser.js";
import { limitReached, type UsageLimits } from "./agents/usage-limits.js";
import { spawnInSandbox } from "./sandbox/run-in-sandbox.js";
import type { SandboxSpec } from "./sandbox/sandbox-plan.js";

export interface AgentStepInput {
  readonly user: AgentUser;
  readonly cgroup: AgentCgroup;
  readonly invocation: AgentInvocation;
  /** The run's own variables (PATH, HOME, TMPDIR, GASTOWN_*); the invocation's are added. */
  readonly env: Readonly<Record<string, string>>;
  readonly cwd: string;
  /** The sandbox the agent runs in; without one (`polecat.sandbox: off`) it runs as its user only. */
  readonly sandbox?: SandboxSpec;
  /** When the run's time is up, in epoch milliseconds. */
  readonly deadline: number;
  readonly limits: UsageLimits;
  /** What earlier steps of this run counted: the limits are the run's, not the step's. */
  readonly before: { readonly turns: number; readonly costUsd: number };
  readonly clock: () => Date;
  /** Calls `fire` once after `ms`, unless the returned function is called first: the deadline's timer. */
  readonly after: (ms: number, fire: () => void) => () => void;
  /** Told at every sign of progress: output, a tool call. */
  readonly onProgress: (at: Date) => void;
  /** Aborted when the action stops the agent before it ends (a nudge arrived, or the claim was lost: nudge-watch.ts). */
  readonly interrupt?: AbortSignal;
}

export type StepEnd =
  /** The process ended by itself. */
  | { readonly kind: "exited"; readonly code: number | null; readonly signal: string | null }
  /** The run's wall time ran out. */
  | { readonly kind: "wall-time" }
  /** Its turns or budget ran out. */
  | { readonly kind: "limit"; readonly limit: "turns" | "cost"; readonly message: string }
  /** The action stopped it (`interrupt`): to start the step again, or because the run lost its claim. */
  | { readonly kind: "interrupted" };

export interface AgentStepResult {
  readonly end: StepEnd;
  /** This step's own counts. */
  readonly turns: number;
  readonly costUsd: number;
  /** The end of what the agent said and did (not yet redacted). */
  readonly tail: string;
  readonly malformedLines: number;
  /** What the model API answered instead of a reply, when it failed. */
  readonly apiError: string | null;
}

export async function runAgentStep(input: AgentStepInput): Promise<AgentStepResult> {
  const { invocation } = input;
  const parser = streamParser(invocation);
  const tail = new OutputTail();
  let apiError: string | null = null;
  let stopped: StepEnd | undefined;
  let ended = false;

  const agentSpawn = {
    argv: invocation.argv, env: { ...input.env, ...invocation.env }, cwd: input.cwd, cgroup: input.cgroup,
  };
  const child = input.sandbox === undefined
    ? spawnAsAgent(input.user, agentSpawn)
    : spawnInSandbox(input.user, { ...agentSpawn, sandbox: input.sandbox });
  // The step ends when the agent's own process does: what it left running (a server started with
  // `&`, still holding the output open) is stopped with the rest, not waited for until the run's
  // time is up.
  const exited = new Promise<StepEnd>((resolve) => {
    child.on("exit", (code, signal) => {
      ended = true;
      resolve({ kind: "exited", code, signal });
    });
    child.on("error", () => {
      ended = true;
      resolve({ kind: "exited", code: null, signal: null });
    });
  });
  // The output is whole once every process that held it open is gone.
  const outputEnded = new Promise<void>((resolve) => {
    child.on("close", () => resolve());
    child.on("error", () => resolve());
  });
  const stop = (end: StepEnd) => {
    if (stopped !== undefined) return;
    stopped = end;
    void stopAgentProcesses(input.user, input.cgroup);
  };

  // An agent that has ended by itself was not interrupted, whatever asks to stop it afterwards.
  const interrupt = () => {
    if (!ended) stop({ kind: "interrupted" });
  };
  input.interrupt?.addEventListener("abort", interrupt, { once: true });
  const cancelTimer = input.after(Math.max(0, input.deadline - input.clock().getTime()), () => stop({ kind: "wall-time" }));
  const counted = () => {
    const totals = parser?.totals();
    return { turns: totals?.turns ?? 0, costUsd: totals?.costUsd ?? 0 };
  };
  const lines = createInterface({ input: child.stdout, crlfDelay: Infinity });
  lines.on("line", (line) => {
    input.onProgress(input.clock());
    if (!parser) {
      tail.appendLine(line);
      return;
    }
    const news = parser.push(line);
    apiError = news.apiError ?? apiError;
    if (!news.turnStarted) return;
    // A turn just began: the run may take it only if the turns before it left room.
    const step = counted();
    const reached = limitReached({ turns: input.before.turns + step.turns - 1, costUsd: input.before.costUsd + step.costUsd }, input.limits);
    if (reached) stop({ kind: "limit", limit: reached.limit, message: reached.message });
  });
  child.stderr.on("data", (chunk: Buffer) => tail.append(chunk.toString("utf8")));
  child.stdin.on("error", () => undefined);
  child.stdin.end(invocation.stdin);

  const exit = await exited;
  cancelTimer();
  input.interrupt?.removeEventListener("abort", interrupt);
  // Whatever ended the step, nothing of the agent's user may outlive it: not a detached process,
  // not a child that kept a pipe open. Only then is anything it left taken.
  await stopAgentProcesses(input.user, input.cgroup);
  await outputEnded;
  const step = counted();
  // A limit is checked on each new turn; the last turn's cost arrives after it began.
  const late = stopped === undefined
    ? limitReached({ turns: input.before.turns + step.turns, costUsd: input.before.costUsd + step.costUsd }, input.limits)
    : null;
  const end = stopped ?? (late && late.limit === "cost" ? { kind: "limit" as const, limit: late.limit, message: late.message } : exit);
  const said = parser ? parser.tail() : "";
  return {
    end,
    turns: step.turns,
    costUsd: step.costUsd,
    tail: (said + tail.text()).slice(-8000),
    malformedLines: parser?.totals().malformedLines ?? 0,
    apiError,
  };
}

