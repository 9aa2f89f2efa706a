// The polecat workflows as GitHub would run them: the caller a team copies, the reusable
// workflow it calls, and the action that one runs. Their inputs are the App's dispatch inputs,
// and the action is driven with exactly the `with:` the workflow maps, so a renamed input fails
// here rather than in a user's run.
import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { defaultConfig } from "../../app/config/config-schema.js";
import { polecatInputs } from "../../app/town/polecat-dispatch.js";
import { renderExpressions } from "../../local-town/workflow-expressions.js";
import { planJobs } from "../../local-town/workflow-jobs.js";
import { AGENTS, startPolecatTown, type PolecatTown } from "../polecat/polecat-harness.js";

interface Workflow {
  on: Record<string, { inputs?: Record<string, unknown>; secrets?: Record<string, unknown> }>;
  permissions?: Record<string, string>;
  jobs: Record<string, {
    uses?: string; with?: Record<string, string>; secrets?: Record<string, string>; "timeout-minutes"?: string;
    concurrency?: { group: string; "cancel-in-progress": boolean };
    steps?: { uses?: string; with?: Record<string, string> }[];
  }>;
}

const read = <T>(path: string) => parse(readFileSync(new URL(`../../${path}`, import.meta.url), "utf8")) as T;
const called = read<Workflow>(".github/workflows/gastown-polecat.yml");
const caller = read<Workflow>("examples/workflows/gastown-polecat.yml");
const action = read<{ inputs: Record<string, { required?: boolean; default?: string }> }>("action/polecat/action.yml");

const polecatStep = () => {
  const steps = called.jobs["polecat"]?.steps ?? [];
  const step = steps.find((s) => s.uses?.endsWith("/action/polecat@v1"));
  if (!step) throw new Error("the reusable workflow runs no polecat action");
  return step;
};

const DISPATCHED = Object.keys(polecatInputs({ bead: "b", molecule: "m", polecat: "p", attempt: 1 }, defaultConfig().polecat));

describe("the polecat workflows", () => {
  it("take exactly the inputs the App dispatches, on dispatch and on call", () => {
    expect(Object.keys(called.on["workflow_dispatch"]?.inputs ?? {})).toEqual(DISPATCHED);
    expect(Object.keys(called.on["workflow_call"]?.inputs ?? {})).toEqual(DISPATCHED);
    expect(Object.keys(caller.on["workflow_dispatch"]?.inputs ?? {})).toEqual(DISPATCHED);
    // The caller hands each on under its own name, and the key as the one secret declared.
    expect(caller.jobs["polecat"]?.with).toEqual(Object.fromEntries(DISPATCHED.map((name) => [name, `\${{ inputs.${name} }}`])));
    expect(Object.keys(caller.jobs["polecat"]?.secrets ?? {})).toEqual(Object.keys(called.on["workflow_call"]?.secrets ?? {}));
    expect(caller.jobs["polecat"]?.uses).toBe("OWNER/gastown/.github/workflows/gastown-polecat.yml@v1");
  });

  it("give the action only inputs it declares, and every one it requires", () => {
    const given = Object.keys(polecatStep().with ?? {});
    expect(given.filter((name) => !(name in action.inputs))).toEqual([]);
    const required = Object.entries(action.inputs).filter(([, input]) => input.required).map(([name]) => name);
    expect(required.filter((name) => !given.includes(name))).toEqual([]);
  });

  it("grant least privilege, and a job limit and a group of its own per bead", () => {
    expect(called.permissions).toEqual({ contents: "write", checks: "write" });
    expect(caller.permissions).toEqual({ contents: "write", checks: "write" });
    const job = called.jobs["polecat"];
    const limits = polecatInputs({ bead: "town-a1b", molecule: "m", polecat: "p", attempt: 1 }, defaultConfig().polecat).limits as string;
    const contexts = { inputs: { bead: "town-a1b", limits }, secrets: {}, github: {} };
    expect(renderExpressions(job?.["timeout-minutes"] ?? "", contexts)).toBe("75");
    expect(renderExpressions(job?.concurrency?.group ?? "", contexts)).toBe("gastown-polecat-town-a1b");
    expect(job?.concurrency?.["cancel-in-progress"]).toBe(false);
  });
});

describe("a run of the workflow", () => {
  let polecat: PolecatTown | undefined;
  afterEach(async () => {
    await polecat?.close();
    polecat = undefined;
  });

  it("drives the action with what the workflows map from a real dispatch, to the end of the molecule", async () => {
    polecat = await startPolecatTown({ command: `${AGENTS}/diligent.sh` });
    const dispatched = polecat.runs().at(-1);
    // The caller's inputs become the called workflow's, which become the action's, as the local
    // runner reads them (local-town/workflow-jobs.ts); what the step leaves out comes from action.yml.
    const own = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), "utf8");
    const jobs = planJobs(own("examples/workflows/gastown-polecat.yml"), {
      inputs: dispatched?.inputs ?? {}, token: dispatched?.token ?? "", secrets: { ANTHROPIC_API_KEY: "sk-ant-test" },
    }, own);
    const inputs = {
      ...dispatched?.inputs, "api-key": "sk-ant-test", token: dispatched?.token, "model-base-url": "", "allow-persistent-runner": "false", "agent-cache": "",
    };
    expect(jobs).toEqual([{
      key: "polecat", steps: [{ kind: "action", action: "polecat", inputs, env: {} }], concurrency: [`gastown-polecat-${dispatched?.inputs?.["bead"]}`],
    }]);
    const { outcome } = await polecat.runPolecat({ inputs });
    expect(outcome).toMatchObject({ kind: "exited", exit: "COMPLETED" });
  });
});
