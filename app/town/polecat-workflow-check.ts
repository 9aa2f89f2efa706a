// Whether GitHub would take a dispatch of the polecat workflow as a sling sends it, read from the
// workflow file: it needs a `workflow_dispatch` trigger declaring every input the App sends
// (GitHub refuses "Unexpected inputs provided") and no required input the App does not send
// (GitHub refuses "Required input '…' not provided"). The deacon says so before a sling fails.
// https://docs.github.com/en/rest/actions/workflows#create-a-workflow-dispatch-event
import { fieldName, parseLocatedYaml, type LocatedProblem, type YamlPath } from "../yaml/located-yaml.js";
import { POLECAT_INPUTS } from "./polecat-dispatch.js";

/** What GitHub would refuse in the workflow at `file`, and where; undefined when it would take it. */
export function dispatchRefusal(text: string, file: string): LocatedProblem | undefined {
  const yaml = parseLocatedYaml(text);
  const at = (path: YamlPath, message: string, key = false): LocatedProblem =>
    ({ file, ...yaml.locate(path, key), field: fieldName(path), message });
  const syntax = yaml.errors[0];
  if (syntax) return { file, line: syntax.line, column: syntax.column, field: "", message: `does not parse as YAML (${syntax.message}), so GitHub runs nothing from it` };
  const on = (yaml.value as { on?: unknown } | null | undefined)?.on;
  if (!hasDispatchTrigger(on)) {
    return at(on === undefined ? [] : ["on"], "has no workflow_dispatch trigger, so GitHub refuses to dispatch it", on !== undefined);
  }
  const inputs = dispatchInputs(on);
  const missing = POLECAT_INPUTS.filter((name) => !(name in inputs));
  if (missing.length > 0) {
    const path = Object.keys(inputs).length > 0 ? ["on", "workflow_dispatch", "inputs"] : ["on", "workflow_dispatch"];
    return at(path, `does not declare the input${missing.length === 1 ? "" : "s"} ${missing.join(", ")} that a sling sends, so GitHub refuses the dispatch`, true);
  }
  const sent: ReadonlySet<string> = new Set(POLECAT_INPUTS);
  const required = Object.entries(inputs).find(([name, spec]) => !sent.has(name) && isRequiredWithoutDefault(spec));
  if (required) {
    return at(["on", "workflow_dispatch", "inputs", required[0]], "is required, with no default, and a sling does not send it, so GitHub refuses the dispatch", true);
  }
  return undefined;
}

function hasDispatchTrigger(on: unknown): boolean {
  if (typeof on === "string") return on === "workflow_dispatch";
  if (Array.isArray(on)) return on.includes("workflow_dispatch");
  return typeof on === "object" && on !== null && "workflow_dispatch" in on;
}

function dispatchInputs(on: unknown): Record<string, unknown> {
  const trigger = typeof on === "object" && on !== null && !Array.isArray(on) ? (on as Record<string, unknown>)["workflow_dispatch"] : undefined;
  const inputs = (trigger as { inputs?: unknown } | null | undefined)?.inputs;
  return typeof inputs === "object" && inputs !== null && !Array.isArray(inputs) ? inputs as Record<string, unknown> : {};
}

function isRequiredWithoutDefault(spec: unknown): boolean {
  const input = spec as { required?: unknown; default?: unknown } | null;
  return input?.required === true && input.default === undefined;
}
