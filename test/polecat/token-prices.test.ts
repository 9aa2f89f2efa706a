import { describe, expect, it } from "vitest";
import { tokenCostUsd, tokenRates } from "../../app/polecat/token-prices.js";

describe("tokenRates", () => {
  it("finds a model by its id, without a models/ prefix, a -preview suffix or a snapshot's date", () => {
    expect(tokenRates("openai", "gpt-5.5")).toEqual({ rates: { input: 5, cachedInput: 1.25, output: 30 }, listed: true });
    expect(tokenRates("openai", "GPT-5.4-mini-2026-03-17")).toEqual({ rates: { input: 0.75, cachedInput: 0.075, output: 4.5 }, listed: true });
    expect(tokenRates("google", "models/gemini-3-flash-preview")).toEqual({ rates: { input: 0.5, cachedInput: 0.05, output: 3 }, listed: true });
    expect(tokenRates("google", "gemini-2.5-flash-lite-preview-09-2025").listed).toBe(true);
  });

  it("prices a model its vendor's table does not list as that table's dearest", () => {
    expect(tokenRates("openai", "gpt-6.1-sol")).toEqual({ rates: { input: 30, cachedInput: 30, output: 180 }, listed: false });
    expect(tokenRates("google", "gemini-3.8-flash")).toEqual({ rates: { input: 4, cachedInput: 4, output: 18 }, listed: false });
    expect(tokenRates("google", "gpt-5.5").listed).toBe(false);
  });
});

describe("tokenCostUsd", () => {
  it("prices new input, cached input and output, never more cached tokens than input", () => {
    const rates = { input: 2, cachedInput: 0.5, output: 10 };
    expect(tokenCostUsd(rates, { inputTokens: 3_000_000, cachedInputTokens: 1_000_000, outputTokens: 500_000 })).toBe(9.5);
    expect(tokenCostUsd(rates, { inputTokens: 1_000_000, cachedInputTokens: 5_000_000, outputTokens: 0 })).toBe(0.5);
  });
});
