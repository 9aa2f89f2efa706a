// The refinery's two workflows a team copies: the gates run queued code with a read-only token and
// no credential kept, and the refinery, which pushes and merges, runs no repository code at all.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

interface Step { readonly uses?: string; readonly run?: string; readonly with?: Record<string, string> }
interface Workflow {
  readonly name: string;
  readonly "run-name"?: string;
  readonly on: Record<string, { inputs?: Record<string, unknown>; workflows?: string[]; types?: string[] } | { cron: string }[] | null>;
  readonly permissions: Record<string, string>;
  readonly concurrency?: { group: string; "cancel-in-progress": boolean };
  readonly jobs: Record<string, { permissions?: unknown; steps: Step[] }>;
}

const text = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), "utf8");
const gates = parse(text("examples/workflows/gastown-gates.yml")) as Workflow;
const refinery = parse(text("examples/workflows/gastown-refinery.yml")) as Workflow;
const actionInputs = (name: string) => Object.keys((parse(text(`action/${name}/action.yml`)) as { inputs: Record<string, unknown> }).inputs);

describe("the gates workflow", () => {
  it("is dispatched with the commands, the attempt and the base, and named after them", () => {
    expect(gates.name).toBe("Gas Town gates");
    expect(Object.keys(gates.on)).toEqual(["workflow_dispatch"]);
    expect(Object.keys((gates.on["workflow_dispatch"] as { inputs: Record<string, unknown> }).inputs)).toEqual(["commands", "attempt", "base"]);
    expect(gates["run-name"]).toBe("gates · ${{ inputs.base }} · attempt ${{ inputs.attempt }}");
  });

  it("reads the repository and nothing more, keeps no credential from its checkout, and names no secret", () => {
    expect(gates.permissions).toEqual({ contents: "read" });
    expect(Object.values(gates.jobs).filter((job) => job.permissions !== undefined)).toEqual([]);
    expect(Object.keys(gates.jobs)).toEqual(["gates"]);
    expect(gates.jobs["gates"]?.steps).toEqual([
      { uses: "actions/checkout@v5", with: { "persist-credentials": false } },
      { uses: "OWNER/gastown/action/gates@v1", with: { commands: "${{ inputs.commands }}" } },
    ]);
    expect(text("examples/workflows/gastown-gates.yml")).not.toMatch(/\$\{\{[^}]*(secrets\.|github\.token)/);
    // The action takes the commands and no token.
    expect(actionInputs("gates")).toEqual(["commands"]);
  });
});

describe("the refinery workflow", () => {
  it("wakes on its clock, by hand for one base, and when the gates finish", () => {
    expect(refinery.name).toBe("Gas Town refinery");
    expect(refinery.on).toEqual({
      schedule: [{ cron: "*/10 * * * *" }],
      workflow_dispatch: { inputs: { base: { description: expect.any(String), required: false, default: "" } } },
      workflow_run: { workflows: [gates.name], types: ["completed"] },
    });
  });

  it("runs one at a time per base, letting a run that pushes or merges finish", () => {
    expect(refinery.concurrency).toEqual({ group: "gastown-refinery-${{ inputs.base || 'all' }}", "cancel-in-progress": false });
  });

  it("has exactly the permissions it lands with, and runs no repository code", () => {
    expect(refinery.permissions).toEqual({
      contents: "write", "pull-requests": "write", issues: "write", checks: "write", actions: "write", statuses: "read",
    });
    expect(Object.keys(refinery.jobs)).toEqual(["refinery"]);
    const steps = refinery.jobs["refinery"]?.steps ?? [];
    expect(steps.filter((step) => step.uses?.startsWith("actions/checkout") || step.run !== undefined)).toEqual([]);
    expect(steps).toEqual([{ uses: "OWNER/gastown/action/refinery@v1", with: { base: "${{ inputs.base }}" } }]);
    const given = Object.keys(steps[0]?.with ?? {});
    expect(given.filter((name) => !actionInputs("refinery").includes(name))).toEqual([]);
  });

  it("shows the optional App token step as the patrol's does", () => {
    const appToken = (path: string) => /( *)# - id: app-token\n(?:\1#.*\n)+/.exec(text(path))?.[0].replace(/^ */gm, "");
    expect(appToken("examples/workflows/gastown-refinery.yml")).toBe(appToken("examples/workflows/gastown-patrol.yml"));
    expect(appToken("examples/workflows/gastown-refinery.yml")).toContain("#   uses: actions/create-github-app-token@v2\n");
    expect(text("examples/workflows/gastown-refinery.yml")).toContain("#   token: ${{ steps.app-token.outputs.token }}\n");
  });
});
