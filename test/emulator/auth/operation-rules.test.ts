import { describe, expect, it } from "vitest";
import { APP_PERMISSIONS } from "../../fidelity/app-permissions.js";
import { grants, OPERATION_RULES } from "./operation-rules.js";

describe("the emulator's operation rules", () => {
  it("ask no less than the App permission table says each operation the product uses needs", () => {
    for (const [operationId, need] of Object.entries(APP_PERMISSIONS)) {
      const rule = OPERATION_RULES[operationId];
      expect(rule?.auth, operationId).toBe("token");
      if (rule?.auth !== "token") continue;
      // Holding exactly the table's permission passes the emulator's check.
      expect(rule.needs.length === 0 || rule.needs.some((n) => grants({ [need.permission]: need.access }, n)), operationId).toBe(true);
    }
  });

  it("count write as covering read, and metadata read as granted to every installation", () => {
    expect(grants({}, { permission: "metadata", access: "read" })).toBe(true);
    expect(grants({ contents: "read" }, { permission: "contents", access: "write" })).toBe(false);
    expect(grants({ contents: "write" }, { permission: "contents", access: "read" })).toBe(true);
  });
});
