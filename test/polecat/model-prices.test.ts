import { describe, expect, it } from "vitest";
import { modelPrices, modelVersion, requestCostUsd, type TokenUsage } from "../../app/polecat/model-prices.js";

const NONE: TokenUsage = {
  inputTokens: 0, outputTokens: 0, cacheWriteTokens: 0, cacheWrite1hTokens: 0, cacheReadTokens: 0,
  webSearchRequests: 0, usOnlyInference: false,
};

describe("modelVersion", () => {
  it("reads the family and version from the ids models go by", () => {
    expect([
      "claude-sonnet-4-5-20250929", "claude-sonnet-4-5", "claude-opus-4-20250514", "claude-opus-4-0",
      "claude-opus-4-1-20250805", "claude-opus-4-7[1m]", "claude-3-5-haiku-20241022", "claude-3-7-sonnet-20250219",
      "claude-haiku-5-5", "claude-fable-5-2", "us.anthropic.claude-sonnet-4-6-v1:0", "gpt-5", "<synthetic>",
    ].map(modelVersion)).toEqual([
      "sonnet 4.5", "sonnet 4.5", "opus 4", "opus 4", "opus 4.1", "opus 4.7", "haiku 3.5", "sonnet 3.7",
      "haiku 5.5", "fable 5.2", "sonnet 4.6", null, null,
    ]);
  });
});

describe("modelPrices", () => {
  it("lists the models of the pinned CLI's catalog", () => {
    expect(modelPrices("claude-sonnet-4-5-20250929")).toEqual({
      prices: { input: 3, output: 15, cacheWrite5m: 3.75, cacheWrite1h: 6, cacheRead: 0.3, webSearchPerRequest: 0.01 },
      listed: true,
    });
    expect(modelPrices("claude-opus-4-1").prices).toMatchObject({ input: 15, output: 75, cacheRead: 1.5 });
    expect(modelPrices("claude-opus-4-5").prices).toMatchObject({ input: 5, output: 25, cacheRead: 0.5 });
    expect(modelPrices("claude-sonnet-5-5").prices).toMatchObject({ input: 2, output: 10, cacheRead: 0.1 });
  });

  it("prices a model it does not list as the dearest it lists, and says so", () => {
    expect(modelPrices("claude-nova-9")).toEqual({
      prices: { input: 15, output: 75, cacheWrite5m: 18.75, cacheWrite1h: 30, cacheRead: 1.5, webSearchPerRequest: 0.01 },
      listed: false,
    });
  });
});

describe("requestCostUsd", () => {
  const sonnet = modelPrices("claude-sonnet-4-5").prices;

  it("adds input, output, cache reads and writes, and web searches", () => {
    expect(requestCostUsd(sonnet, {
      ...NONE, inputTokens: 1_000_000, outputTokens: 100_000, cacheReadTokens: 1_000_000, webSearchRequests: 2,
    })).toBeCloseTo(3 + 1.5 + 0.3 + 0.02, 12);
  });

  it("prices the hour-long part of the cache writes at its own rate, the rest at five minutes'", () => {
    expect(requestCostUsd(sonnet, { ...NONE, cacheWriteTokens: 3_000_000, cacheWrite1hTokens: 1_000_000 }))
      .toBeCloseTo(2 * 3.75 + 6, 12);
  });

  it("prices every token of a long prompt at the long-prompt rates where the model has them", () => {
    const haiku = modelPrices("claude-haiku-5-5").prices;
    const short = { ...NONE, inputTokens: 60_000, cacheReadTokens: 40_000, outputTokens: 1_000_000 };
    expect(requestCostUsd(haiku, short)).toBeCloseTo(0.06 * 0.1 + 0.04 * 0.01 + 0.5, 12);
    expect(requestCostUsd(haiku, { ...short, inputTokens: 60_001 })).toBeCloseTo(0.060001 * 0.5 + 0.04 * 0.05 + 2.5, 12);
  });

  it("costs a tenth more for US-only inference, web searches aside", () => {
    expect(requestCostUsd(sonnet, { ...NONE, inputTokens: 1_000_000, webSearchRequests: 1, usOnlyInference: true }))
      .toBeCloseTo(3.3 + 0.01, 12);
  });
});
