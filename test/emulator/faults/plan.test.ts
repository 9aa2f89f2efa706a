import { describe, expect, it } from "vitest";
import { addFault, deliveryFaultFor, requestFaultFor, takeFault } from "./plan.js";

describe("the fault plan", () => {
  it("hands out a fault as many times as planned, then no more", () => {
    let plan = addFault([], { kind: "status", status: 502, operationId: "issues/get", times: 2 });
    const taken: (number | undefined)[] = [];
    for (let i = 0; i < 3; i++) {
      const next = takeFault(plan, requestFaultFor("issues/get"));
      plan = next.plan;
      taken.push(next.fault?.kind === "status" ? next.fault.status : undefined);
    }
    expect(taken).toEqual([502, 502, undefined]);
  });

  it("matches faults by operation and event, and leaves the others planned", () => {
    const plan = addFault(addFault([], { kind: "latency", ms: 10, operationId: "pulls/get" }), { kind: "drop-delivery", event: "push" });
    expect(takeFault(plan, requestFaultFor("issues/get")).fault).toBeUndefined();
    expect(takeFault(plan, deliveryFaultFor("issues")).fault).toBeUndefined();
    const dropped = takeFault(plan, deliveryFaultFor("push"));
    expect(dropped.fault).toEqual({ kind: "drop-delivery", event: "push" });
    expect(dropped.plan).toHaveLength(1);
  });
});
