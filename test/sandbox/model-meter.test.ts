import { describe, expect, it } from "vitest";
import { BODY_BYTES_PER_TOKEN, estimatePromptTokens, ModelMeter, OUTPUT_CAP, reservedOutputTokens } from "../../app/polecat/sandbox/model-meter.js";

describe("a call's worst case", () => {
  it("takes a prompt token for every two bytes of the body, rounded up", () => {
    expect(BODY_BYTES_PER_TOKEN).toBe(2);
    expect(estimatePromptTokens(0)).toBe(0);
    expect(estimatePromptTokens(1)).toBe(1);
    expect(estimatePromptTokens(4001)).toBe(2001);
  });

  it("reserves the request's own output limit, or the vendor's cap when it sets none", () => {
    expect(reservedOutputTokens("anthropic", 32_000)).toBe(32_000);
    expect(reservedOutputTokens("anthropic", 0)).toBe(0);
    expect(reservedOutputTokens("openai", null)).toBe(OUTPUT_CAP.openai);
    expect(reservedOutputTokens("gemini", null)).toBe(65_536);
  });
});

describe("the model meter", () => {
  it("holds each call's worst case until it settles at what it cost", () => {
    const meter = new ModelMeter({ maxTurns: 10, maxCostUsd: 1 });
    const first = meter.reserve(0.6, true);
    if (!first.ok) throw new Error(first.message);
    expect(meter.reserve(0.5, true)).toEqual({
      ok: false,
      message: "Gas Town: this call could cost up to $0.5000, and the run has spent $0.0000, with $0.6000 held for calls under way, of its budget of $1.00; raise polecat.max_cost_usd in .github/gastown.yml for more.",
    });
    meter.settle(first.reservation, 0.1, true);
    const second = meter.reserve(0.5, true);
    expect(second.ok).toBe(true);
    expect(meter.usage()).toEqual({ turns: 1, costUsd: 0.1, calls: 1, refused: 1 });
  });

  it("lets a reservation reach the budget exactly, not pass it", () => {
    const meter = new ModelMeter({ maxTurns: 10, maxCostUsd: 1 });
    expect(meter.reserve(1, true).ok).toBe(true);
    expect(meter.reserve(0.000001, true).ok).toBe(false);
  });

  it("gives a hold back when the call was never made, and counts no call for it", () => {
    const meter = new ModelMeter({ maxTurns: 1, maxCostUsd: 1 });
    const held = meter.reserve(1, true);
    if (!held.ok) throw new Error(held.message);
    meter.release(held.reservation);
    expect(meter.reserve(1, true).ok).toBe(true);
    expect(meter.usage()).toEqual({ turns: 0, costUsd: 0, calls: 0, refused: 0 });
  });

  it("counts turns under way against max_turns, and a turn only when the API answered", () => {
    const meter = new ModelMeter({ maxTurns: 2, maxCostUsd: 10 });
    const a = meter.reserve(0.01, true);
    const b = meter.reserve(0.01, true);
    if (!a.ok || !b.ok) throw new Error("refused");
    expect(meter.reserve(0.01, true)).toEqual({
      ok: false,
      message: "Gas Town: the run has taken 0 model turns (2 under way) of its 2 and spent $0.0000; raise polecat.max_turns in .github/gastown.yml for more.",
    });
    meter.settle(a.reservation, 0, false);
    meter.settle(b.reservation, 0.02, true);
    expect(meter.usage()).toEqual({ turns: 1, costUsd: 0.02, calls: 2, refused: 1 });
    expect(meter.reserve(0.01, true).ok).toBe(true);
  });

  it("never refuses a free call, even past the budget, and settles a reservation once", () => {
    const meter = new ModelMeter({ maxTurns: 1, maxCostUsd: 0.01 });
    const call = meter.reserve(0.01, true);
    if (!call.ok) throw new Error(call.message);
    meter.settle(call.reservation, 0.05, true);
    meter.settle(call.reservation, 0.05, true);
    const count = meter.reserve(0, false);
    expect(count.ok).toBe(true);
    expect(meter.reserve(0.001, false).ok).toBe(false);
    meter.refuse();
    expect(meter.usage()).toEqual({ turns: 1, costUsd: 0.05, calls: 1, refused: 2 });
  });
});
