import { describe, expect, it } from "vitest";
import { checkDispatchInputs } from "./dispatch-inputs.js";
import type { DispatchInput } from "./workflow-file.js";

const input = (spec: Partial<DispatchInput>): DispatchInput => ({ type: "string", required: false, default: undefined, options: undefined, ...spec });

describe("checkDispatchInputs", () => {
  const declared = new Map([
    ["bead", input({ required: true })],
    ["agent", input({ type: "choice", options: ["claude", "codex"], default: "claude" })],
    ["dry", input({ type: "boolean", default: "false" })],
    ["note", input({})],
  ]);

  it("fills defaults and leaves out optional inputs without one", () => {
    expect(checkDispatchInputs(declared, { bead: "gt-1" })).toEqual({ ok: true, inputs: { bead: "gt-1", agent: "claude", dry: "false" } });
  });

  it("refuses a choice outside its options and a boolean that is not one", () => {
    expect(checkDispatchInputs(declared, { bead: "gt-1", agent: "gpt" })).toEqual({ ok: false, message: "Provided value 'gpt' for input 'agent' not in the list of allowed values" });
    expect(checkDispatchInputs(declared, { bead: "gt-1", dry: "yes" })).toEqual({ ok: false, message: "Provided value 'yes' for input 'dry' is not a boolean" });
  });

  it("refuses more than 25 inputs before anything else", () => {
    const many = Object.fromEntries(Array.from({ length: 26 }, (_, i) => [`i${i}`, "x"]));
    const check = checkDispatchInputs(declared, many);
    expect(check.ok).toBe(false);
    expect(check.ok ? "" : check.message).toMatch(/has more than 25 properties\.$/);
  });
});
