import { describe, expect, it } from "vitest";
import { parseWorkflow } from "./workflow-file.js";

describe("parseWorkflow", () => {
  it("reads `on` as a string, a list or a map", () => {
    const jobs = "jobs:\n  a: { runs-on: ubuntu-latest }\n";
    expect([...parseWorkflow("w.yml", `on: push\n${jobs}`).on.keys()]).toEqual(["push"]);
    expect([...parseWorkflow("w.yml", `on: [push, issues]\n${jobs}`).on.keys()]).toEqual(["push", "issues"]);
    expect(parseWorkflow("w.yml", `on:\n  issues:\n    types: labeled\n${jobs}`).on.get("issues")?.types).toEqual(["labeled"]);
  });

  it("names jobs by `name` or key, and defaults the workflow's name to its path", () => {
    const workflow = parseWorkflow(".github/workflows/w.yml", "on: push\njobs:\n  a: { name: Build }\n  b: {}\n");
    expect([workflow.name, workflow.jobs]).toEqual([".github/workflows/w.yml", [{ key: "a", name: "Build" }, { key: "b", name: "b" }]]);
  });

  it("gives GITHUB_TOKEN the workflow's permissions, metadata always, pull-requests as pull_requests", () => {
    const workflow = parseWorkflow("w.yml", "on: push\npermissions:\n  contents: write\n  pull-requests: read\n  issues: none\njobs:\n  a: {}\n");
    expect(workflow.permissions).toEqual({ metadata: "read", contents: "write", pull_requests: "read" });
    expect(parseWorkflow("w.yml", "on: push\njobs:\n  a: {}\n").permissions["workflows"]).toBeUndefined();
  });

  it("refuses a file that is not a workflow", () => {
    expect(() => parseWorkflow("w.yml", "name: nothing\n")).toThrow("w.yml: a workflow needs `on` and `jobs`");
  });
});
