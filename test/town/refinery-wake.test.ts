// Which events wake the refinery, from the payload alone: outcomes on staging branches and
// reviews of refinery pull requests do; the same on any other branch, a start, a pending status or
// the product's own `gastown/*` checks do not.
import { describe, expect, it } from "vitest";
import { refineryWakeOf } from "../../app/town/refinery-wake.js";

const STAGING = "gastown-refinery/release/1.x/4";

describe("refineryWakeOf", () => {
  it("wakes the base of a staging branch whose checks, runs or statuses ended", () => {
    expect(refineryWakeOf("check_suite", { action: "completed", check_suite: { head_branch: STAGING } })).toBe("release/1.x");
    expect(refineryWakeOf("check_run", { action: "completed", check_run: { name: "test", check_suite: { head_branch: STAGING } } })).toBe("release/1.x");
    expect(refineryWakeOf("workflow_run", { action: "completed", workflow_run: { head_branch: STAGING } })).toBe("release/1.x");
    expect(refineryWakeOf("status", { state: "failure", branches: [{ name: "main" }, { name: STAGING }] })).toBe("release/1.x");
    expect(refineryWakeOf("pull_request_review", { action: "submitted", pull_request: { head: { ref: STAGING } } })).toBe("release/1.x");
  });

  it("leaves alone other branches, starts, pending statuses, the product's own checks and other events", () => {
    expect(refineryWakeOf("check_suite", { action: "completed", check_suite: { head_branch: "main" } })).toBeUndefined();
    expect(refineryWakeOf("check_suite", { action: "completed", check_suite: { head_branch: null } })).toBeUndefined();
    expect(refineryWakeOf("check_suite", { action: "requested", check_suite: { head_branch: STAGING } })).toBeUndefined();
    expect(refineryWakeOf("check_run", { action: "completed", check_run: { name: "gastown/queue", check_suite: { head_branch: STAGING } } })).toBeUndefined();
    expect(refineryWakeOf("check_run", { action: "created", check_run: { name: "test", check_suite: { head_branch: STAGING } } })).toBeUndefined();
    expect(refineryWakeOf("workflow_run", { action: "requested", workflow_run: { head_branch: STAGING } })).toBeUndefined();
    expect(refineryWakeOf("workflow_run", { action: "completed", workflow_run: { head_branch: "gastown-refinery/main" } })).toBeUndefined();
    expect(refineryWakeOf("status", { state: "pending", branches: [{ name: STAGING }] })).toBeUndefined();
    expect(refineryWakeOf("status", { state: "success", branches: [] })).toBeUndefined();
    expect(refineryWakeOf("pull_request_review", { action: "dismissed", pull_request: { head: { ref: STAGING } } })).toBeUndefined();
    expect(refineryWakeOf("pull_request_review", { action: "submitted", pull_request: { head: { ref: "fix/pumps" } } })).toBeUndefined();
    expect(refineryWakeOf("issues", { action: "opened" })).toBeUndefined();
  });
});
