import { describe, expect, it } from "vitest";
import { awaitsApproval, globMatches, mayStartRuns, triggers } from "./triggers.js";
import { parseWorkflow } from "./workflow-file.js";

const app = { login: "gastown[bot]", via: "app" as const };
const actions = { login: "github-actions[bot]", via: "actions" as const };

describe("globMatches", () => {
  it("keeps * within a path segment and lets ** cross them", () => {
    expect(globMatches("polecat/*", "polecat/nux")).toBe(true);
    expect(globMatches("polecat/*", "polecat/nux/gt-1")).toBe(false);
    expect(globMatches("polecat/**", "polecat/nux/gt-1")).toBe(true);
    expect(globMatches("gastown/ledger", "gastown/ledger")).toBe(true);
  });
});

describe("triggers", () => {
  const workflow = parseWorkflow(
    ".github/workflows/ci.yml",
    "on:\n  push:\n    branches: ['**', '!gastown/**']\n  pull_request:\n  issues:\n    types: [labeled]\njobs:\n  test: { runs-on: ubuntu-latest }\n",
  );

  it("follows branch filters, negations included (users' CI ignores the ledger branch)", () => {
    expect(triggers(workflow, { event: "push", branch: "main", actor: app })).toBe(true);
    expect(triggers(workflow, { event: "push", branch: "gastown/ledger", actor: app })).toBe(false);
  });

  it("follows activity types, with pull_request's defaults", () => {
    expect(triggers(workflow, { event: "issues", action: "labeled", actor: app })).toBe(true);
    expect(triggers(workflow, { event: "issues", action: "opened", actor: app })).toBe(false);
    expect(triggers(workflow, { event: "pull_request", action: "synchronize", branch: "main", actor: app })).toBe(true);
    expect(triggers(workflow, { event: "pull_request", action: "labeled", branch: "main", actor: app })).toBe(false);
  });

  it("does not run a branch-filtered push workflow for a tag", () => {
    expect(triggers(workflow, { event: "push", tag: "v1", actor: app })).toBe(false);
  });
});

describe("mayStartRuns", () => {
  it("refuses what GITHUB_TOKEN caused, but its dispatches", () => {
    expect(mayStartRuns({ event: "push", actor: actions })).toBe(false);
    expect(mayStartRuns({ event: "issues", actor: actions })).toBe(false);
    expect(mayStartRuns({ event: "repository_dispatch", actor: actions })).toBe(true);
    expect(mayStartRuns({ event: "workflow_dispatch", actor: actions })).toBe(true);
    expect(mayStartRuns({ event: "push", actor: app })).toBe(true);
  });

  it("makes a GITHUB_TOKEN's pull_request runs wait for approval, and no one else's", () => {
    expect([mayStartRuns({ event: "pull_request", actor: actions }), awaitsApproval({ event: "pull_request", actor: actions })]).toEqual([true, true]);
    expect(awaitsApproval({ event: "pull_request", actor: app })).toBe(false);
    expect(awaitsApproval({ event: "push", actor: actions })).toBe(false);
  });
});
