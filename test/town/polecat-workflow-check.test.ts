// What GitHub would refuse in a polecat workflow file, as a sling dispatches it, and where.
import { describe, expect, it } from "vitest";
import { formatLocatedProblem } from "../../app/yaml/located-yaml.js";
import { dispatchRefusal } from "../../app/town/polecat-workflow-check.js";

const FILE = ".github/workflows/gastown-polecat.yml";
const refusal = (text: string) => {
  const problem = dispatchRefusal(text, FILE);
  return problem === undefined ? undefined : formatLocatedProblem(problem);
};
const JOBS = "jobs:\n  polecat:\n    runs-on: ubuntu-latest\n    steps: [{ run: 'true' }]\n";
const INPUTS = "      bead: { required: true }\n      molecule: { required: true }\n      polecat: { required: true }\n      attempt: { required: true }\n      limits: { required: true }\n";

describe("a polecat workflow as GitHub would dispatch it", () => {
  it("takes one whose workflow_dispatch declares every input a sling sends", () => {
    expect(refusal(`on:\n  workflow_dispatch:\n    inputs:\n${INPUTS}${JOBS}`)).toBeUndefined();
    expect(refusal(`on:\n  push:\n  workflow_dispatch:\n    inputs:\n${INPUTS}      note: { required: false }\n      mode: { required: true, default: fast }\n${JOBS}`)).toBeUndefined();
  });

  it("refuses one with no workflow_dispatch trigger, naming the line of `on`", () => {
    expect(refusal(`name: Polecat\non: [push]\n${JOBS}`)).toBe(`${FILE}:2:1: on: has no workflow_dispatch trigger, so GitHub refuses to dispatch it`);
    expect(refusal(`name: Polecat\n${JOBS}`)).toBe(`${FILE}:1:1: has no workflow_dispatch trigger, so GitHub refuses to dispatch it`);
  });

  it("refuses one that does not declare an input a sling sends", () => {
    expect(refusal(`on: workflow_dispatch\n${JOBS}`)).toBe(
      `${FILE}:1:5: on.workflow_dispatch: does not declare the inputs bead, molecule, polecat, attempt, limits that a sling sends, so GitHub refuses the dispatch`,
    );
    expect(refusal(`on:\n  workflow_dispatch:\n    inputs:\n${INPUTS.split("\n").slice(0, 4).join("\n")}\n${JOBS}`)).toBe(
      `${FILE}:3:5: on.workflow_dispatch.inputs: does not declare the input limits that a sling sends, so GitHub refuses the dispatch`,
    );
  });

  it("refuses one that requires an input a sling does not send, with no default", () => {
    expect(refusal(`on:\n  workflow_dispatch:\n    inputs:\n${INPUTS}      model: { required: true }\n${JOBS}`)).toBe(
      `${FILE}:9:7: on.workflow_dispatch.inputs.model: is required, with no default, and a sling does not send it, so GitHub refuses the dispatch`,
    );
  });

  it("refuses one that does not parse", () => {
    expect(refusal("on: [push\n")).toMatch(new RegExp(`^${FILE.replace(/\./g, "\\.")}:\\d+:\\d+: does not parse as YAML \\(.+\\), so GitHub runs nothing from it$`));
  });
});
