// The inputs of a workflow_dispatch, checked as GitHub checks them: at most 25, each a string,
// none the workflow does not declare, every required one given, a choice among its options.
// Defaults fill what is not given.
// https://docs.github.com/en/rest/actions/workflows#create-a-workflow-dispatch-event
// https://docs.github.com/en/actions/writing-workflows/workflow-syntax-for-github-actions#onworkflow_dispatchinputs
import type { DispatchInput } from "./workflow-file.js";

export const MAX_DISPATCH_INPUTS = 25;

export type InputCheck = { ok: true; inputs: Record<string, string> } | { ok: false; message: string };

export function checkDispatchInputs(declared: ReadonlyMap<string, DispatchInput>, given: Readonly<Record<string, unknown>>): InputCheck {
  const names = Object.keys(given);
  if (names.length > MAX_DISPATCH_INPUTS) {
    return { ok: false, message: `Invalid request.\n\nFor 'properties/inputs', ${JSON.stringify(given)} has more than ${MAX_DISPATCH_INPUTS} properties.` };
  }
  const unexpected = names.filter((name) => !declared.has(name));
  if (unexpected.length > 0) return { ok: false, message: `Unexpected inputs provided: ${JSON.stringify(unexpected)}` };
  for (const name of names) {
    const value = given[name];
    if (typeof value !== "string") {
      return { ok: false, message: `Invalid request.\n\nFor 'properties/${name}', ${JSON.stringify(value)} is not a string.` };
    }
  }
  const inputs: Record<string, string> = {};
  for (const [name, spec] of declared) {
    const value = (given[name] as string | undefined) ?? spec.default;
    if (value === undefined) {
      if (spec.required) return { ok: false, message: `Required input '${name}' not provided` };
      continue;
    }
    if (spec.type === "choice" && spec.options !== undefined && !spec.options.includes(value)) {
      return { ok: false, message: `Provided value '${value}' for input '${name}' not in the list of allowed values` };
    }
    if (spec.type === "boolean" && value !== "true" && value !== "false") {
      return { ok: false, message: `Provided value '${value}' for input '${name}' is not a boolean` };
    }
    inputs[name] = value;
  }
  return { ok: true, inputs };
}
