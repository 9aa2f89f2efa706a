import { describe, expect, it } from "vitest";
import { renderRunName } from "./run-name.js";

describe("renderRunName", () => {
  const context = { inputs: { polecat: "nux", bead: "gt-1", attempt: "2", empty: "" }, github: { actor: "mayor", event: { inputs: { bead: "gt-1" } } } };

  it("renders the polecat run-name of the design's contract", () => {
    expect(renderRunName("polecat ${{ inputs.polecat }} · ${{ inputs.bead }} · attempt ${{ inputs.attempt }}", context)).toBe("polecat nux · gt-1 · attempt 2");
  });

  it("reads the github context, string literals and || fallbacks; unknown names render empty", () => {
    expect(renderRunName("${{ github.actor }}/${{ github.event.inputs.bead }}", context)).toBe("mayor/gt-1");
    expect(renderRunName("${{ inputs.empty || 'none' }}", context)).toBe("none");
    expect(renderRunName("${{ 'it''s' }}", context)).toBe("it's");
    expect(renderRunName("[${{ inputs.missing }}]", context)).toBe("[]");
  });
});
