// What OpenAI's and Google's models cost per token, for the `codex` and `gemini` agents, which
// report tokens, not dollars (Claude's prices are in model-prices.ts).
//
// Source: the vendors' price pages (openai.com/api/pricing, ai.google.dev/gemini-api/docs/pricing)
// as quoted by published summaries of them, read 2026-12-03; not checked against the pages
// themselves. Where copies disagreed, the higher price is the one here, and a price a copy did not
// give (a cached read) is the input price. A model whose price depends on its prompt's length has
// the dearer tier's prices: the agents report a step's tokens in sum, not per request. USD per
// million tokens. A model not listed is priced as the dearest one of its vendor's listed, so a
// budget is never under-counted for want of a row.

export interface TokenRates {
  readonly input: number;
  /** Input tokens read from the prompt cache. */
  readonly cachedInput: number;
  /** Output, reasoning ("thinking") tokens included. */
  readonly output: number;
}

export type TokenVendor = "openai" | "google";

/** A step's tokens for one model. `inputTokens` includes the cached ones. */
export interface TokenCounts {
  readonly inputTokens: number;
  readonly cachedInputTokens: number;
  readonly outputTokens: number;
}

const rates = (input: number, cachedInput: number, output: number): TokenRates => ({ input, cachedInput, output });

const OPENAI: Readonly<Record<string, TokenRates>> = {
  "gpt-5.5-pro": rates(30, 30, 180),
  "gpt-5.5": rates(5, 1.25, 30),
  "gpt-5.4-pro": rates(30, 30, 180),
  "gpt-5.4": rates(2.5, 0.25, 15),
  "gpt-5.4-mini": rates(0.75, 0.075, 4.5),
  "gpt-5.4-nano": rates(0.2, 0.02, 1.25),
};

const GOOGLE: Readonly<Record<string, TokenRates>> = {
  "gemini-3.1-pro": rates(4, 4, 18),
  "gemini-3.5-flash": rates(1.5, 1.5, 9),
  "gemini-3-flash": rates(0.5, 0.05, 3),
  "gemini-3.1-flash-lite": rates(0.25, 0.25, 1.5),
  "gemini-2.5-pro": rates(2.5, 2.5, 15),
  "gemini-2.5-flash": rates(0.3, 0.075, 2.5),
  "gemini-2.5-flash-lite": rates(0.1, 0.025, 0.4),
};

const TABLES: Readonly<Record<TokenVendor, Readonly<Record<string, TokenRates>>>> = { openai: OPENAI, google: GOOGLE };

export interface PricedTokens {
  readonly rates: TokenRates;
  /** False when the model is not in the table and is priced as its vendor's dearest instead. */
  readonly listed: boolean;
}

/**
 * A model's row: its id lower-cased, without a `models/` prefix or a `-preview` suffix, and
 * without a dated snapshot's date (`gpt-5.4-2026-03-05`, `gemini-2.5-flash-preview-09-2025`).
 */
export function tokenRates(vendor: TokenVendor, model: string): PricedTokens {
  const table = TABLES[vendor];
  const id = model.trim().toLowerCase().replace(/^models\//, "")
    .replace(/-\d{4}-\d{2}-\d{2}$/, "").replace(/-\d{2}-\d{4}$/, "").replace(/-preview$/, "");
  const row = table[id];
  if (row !== undefined) return { rates: row, listed: true };
  return { rates: dearest(table), listed: false };
}

function dearest(table: Readonly<Record<string, TokenRates>>): TokenRates {
  return Object.values(table).reduce((a, b) => (b.output > a.output || (b.output === a.output && b.input > a.input) ? b : a));
}

/** What a model's tokens cost, in USD. */
export function tokenCostUsd(rates: TokenRates, counts: TokenCounts): number {
  const cached = Math.min(counts.cachedInputTokens, counts.inputTokens);
  return ((counts.inputTokens - cached) * rates.input + cached * rates.cachedInput + counts.outputTokens * rates.output) / 1_000_000;
}
