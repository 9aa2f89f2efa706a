// What a run of one of our workflows does, read from its file as the local runner understands
// it: each job's steps with their `with:` and `env:` rendered, a reusable workflow of ours
// (`uses: OWNER/gastown/.github/workflows/…@v1`) followed with the inputs and secrets the caller
// maps, an action of ours (`uses: OWNER/gastown/action/<name>@v1`) given the defaults of its
// action.yml for what the step leaves out. Pure: the files are read by the caller.
import { parse } from "yaml";
import { renderExpressions, type Contexts } from "./workflow-expressions.js";

/** The actions of this repository the local runner can run, by their directory under action/. */
export const OUR_ACTIONS = ["polecat", "gates", "refinery", "patrol", "town"] as const;
export type OurAction = (typeof OUR_ACTIONS)[number];

export type JobStep =
  | { readonly kind: "checkout" }
  | { readonly kind: "action"; readonly action: OurAction; readonly inputs: Readonly<Record<string, string>>; readonly env: Readonly<Record<string, string>> }
  /** A step the local runner does not run (a `run:` script, another action), said in its log. */
  | { readonly kind: "skipped"; readonly what: string };

export interface PlannedJob {
  /** The key under `jobs:` of the dispatched workflow: the emulator advances jobs by it. */
  readonly key: string;
  readonly steps: readonly JobStep[];
  /** The `concurrency` groups it runs in (the workflows' and the jobs', a called one's too): one job of a group runs at a time. */
  readonly concurrency: readonly string[];
}

type Concurrency = string | { readonly group?: string } | undefined;

interface Step {
  readonly uses?: string;
  readonly run?: string;
  readonly name?: string;
  readonly with?: Record<string, unknown>;
  readonly env?: Record<string, unknown>;
}
interface Job {
  readonly uses?: string;
  readonly with?: Record<string, unknown>;
  readonly secrets?: Record<string, unknown> | "inherit";
  readonly steps?: readonly Step[];
  readonly env?: Record<string, unknown>;
  readonly concurrency?: Concurrency;
}
interface Workflow {
  readonly jobs?: Record<string, Job>;
  readonly env?: Record<string, unknown>;
  readonly concurrency?: Concurrency;
}

export interface RunFacts {
  /** The dispatch's inputs (null for a run no dispatch made). */
  readonly inputs: Readonly<Record<string, string>> | null;
  /** The run's GITHUB_TOKEN. */
  readonly token: string;
  /** The repository's secrets, by name. */
  readonly secrets: Readonly<Record<string, string>>;
}

/** A file of this repository (the one `OWNER/gastown` names), by its path: a called workflow, an action.yml. */
export type OwnFile = (path: string) => string;

/** `OWNER/gastown/<path>@<ref>`: the path within this repository, or undefined for anyone else's. */
export function ownPath(uses: string): string | undefined {
  return /^[^/]+\/gastown\/(.+)@[^@/]+$/.exec(uses)?.[1];
}

export function planJobs(workflowText: string, run: RunFacts, own: OwnFile): PlannedJob[] {
  const workflow = parse(workflowText) as Workflow;
  const contexts: Contexts = { inputs: run.inputs ?? {}, secrets: run.secrets, github: { token: run.token } };
  return Object.entries(workflow.jobs ?? {}).map(([key, job]) => {
    const planned = jobSteps(job, workflow.env, contexts, own);
    return { key, steps: planned.steps, concurrency: [...groups([workflow.concurrency, job.concurrency], contexts), ...planned.concurrency] };
  });
}

function jobSteps(job: Job, workflowEnv: Record<string, unknown> | undefined, contexts: Contexts, own: OwnFile): { steps: JobStep[]; concurrency: string[] } {
  if (job.uses !== undefined) {
    const path = ownPath(job.uses);
    if (path === undefined) return { steps: [{ kind: "skipped", what: `the reusable workflow ${job.uses}` }], concurrency: [] };
    const inputs = renderAll(job.with, contexts);
    const secrets = job.secrets === "inherit" ? contexts.secrets : renderAll(job.secrets, contexts);
    const called = parse(own(path)) as Workflow;
    const inner: Contexts = { inputs, secrets, github: contexts.github };
    const jobs = Object.values(called.jobs ?? {}).map((calledJob) => {
      const planned = jobSteps(calledJob, called.env, inner, own);
      return { steps: planned.steps, concurrency: [...groups([calledJob.concurrency], inner), ...planned.concurrency] };
    });
    return { steps: jobs.flatMap((j) => j.steps), concurrency: [...groups([called.concurrency], inner), ...jobs.flatMap((j) => j.concurrency)] };
  }
  const jobEnv = { ...renderAll(workflowEnv, contexts), ...renderAll(job.env, contexts) };
  return { steps: (job.steps ?? []).map((step) => planStep(step, jobEnv, contexts, own)), concurrency: [] };
}

function groups(given: readonly Concurrency[], contexts: Contexts): string[] {
  return given.flatMap((c) => {
    const group = typeof c === "string" ? c : c?.group;
    return group === undefined ? [] : [renderExpressions(group, contexts)];
  });
}

function planStep(step: Step, jobEnv: Record<string, string>, contexts: Contexts, own: OwnFile): JobStep {
  if (step.uses === undefined) return { kind: "skipped", what: `the script step ${JSON.stringify(step.name ?? firstLine(step.run ?? ""))}` };
  if (/^actions\/checkout@/.test(step.uses)) return { kind: "checkout" };
  const path = ownPath(step.uses);
  const action = OUR_ACTIONS.find((name) => path === `action/${name}`);
  if (action === undefined) return { kind: "skipped", what: `the action ${step.uses}` };
  const given = renderAll(step.with, contexts);
  const declared = (parse(own(`action/${action}/action.yml`)) as { inputs?: Record<string, { default?: unknown }> }).inputs ?? {};
  // What the step leaves out, the runner fills from action.yml's defaults.
  const inputs = Object.fromEntries(Object.entries(declared).map(([name, input]) =>
    [name, given[name] ?? renderExpressions(String(input.default ?? ""), contexts)]));
  return { kind: "action", action, inputs, env: { ...jobEnv, ...renderAll(step.env, contexts) } };
}

function renderAll(values: Record<string, unknown> | undefined, contexts: Contexts): Record<string, string> {
  return Object.fromEntries(Object.entries(values ?? {}).map(([name, value]) => [name, renderExpressions(String(value), contexts)]));
}

function firstLine(text: string): string {
  return text.trim().split("\n")[0] ?? "";
}
