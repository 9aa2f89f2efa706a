// What a model call used and cost, read from the API's own usage figures as they pass through the
// proxy: each server-sent event's data, or a whole JSON answer (a Gemini stream without `alt=sse`
// is a JSON array, read element by element). Priced from the one table of each vendor
// (model-prices.ts for Claude, token-prices.ts for OpenAI and Google); nothing here holds a price.
import { modelPrices, requestCostUsd } from "../model-prices.js";
import { tokenCostUsd, tokenRates, type TokenVendor } from "../token-prices.js";
import type { ModelVendor } from "./model-vendors.js";

/** One call's tokens, in Anthropic's terms: `input` leaves out the prompt's cached part. */
export interface CallTokens {
  readonly input: number;
  readonly output: number;
  /** Cache writes of either lifetime (Anthropic only). */
  readonly cacheWrite: number;
  /** The part of `cacheWrite` that lives an hour. */
  readonly cacheWrite1h: number;
  readonly cacheRead: number;
  /** Web searches the API ran (refused by the proxy, so counted only should one slip through). */
  readonly webSearches: number;
  /** Served by US-only inference, which costs more (Anthropic). */
  readonly usOnly: boolean;
}

export const NO_TOKENS: CallTokens = { input: 0, output: 0, cacheWrite: 0, cacheWrite1h: 0, cacheRead: 0, webSearches: 0, usOnly: false };

/**
 * The usage one payload reports, or null when it reports none. Anthropic streams the prompt's
 * counts in message_start and the final ones in message_delta; OpenAI's usage is in the final
 * response.completed (or .incomplete / .failed) event; each Gemini chunk carries the counts so far.
 */
export function usageIn(vendor: ModelVendor, payload: unknown): CallTokens | null {
  switch (vendor) {
    case "anthropic": {
      const usage = field(payload, "usage") ?? field(field(payload, "message"), "usage");
      if (usage === undefined) return null;
      return {
        input: count(usage, "input_tokens"),
        output: count(usage, "output_tokens"),
        cacheWrite: count(usage, "cache_creation_input_tokens"),
        cacheWrite1h: count(field(usage, "cache_creation"), "ephemeral_1h_input_tokens"),
        cacheRead: count(usage, "cache_read_input_tokens"),
        webSearches: count(field(usage, "server_tool_use"), "web_search_requests"),
        usOnly: field(usage, "inference_geo") === "us",
      };
    }
    case "openai": {
      const usage = field(payload, "usage") ?? field(field(payload, "response"), "usage");
      if (usage === undefined) return null;
      const cached = count(field(usage, "input_tokens_details"), "cached_tokens");
      return { ...NO_TOKENS, input: Math.max(0, count(usage, "input_tokens") - cached), cacheRead: cached, output: count(usage, "output_tokens") };
    }
    case "gemini": {
      const usage = field(payload, "usageMetadata");
      if (usage === undefined) return null;
      const cached = count(usage, "cachedContentTokenCount");
      const prompt = count(usage, "promptTokenCount") + count(usage, "toolUsePromptTokenCount");
      // Thinking is billed as output.
      return {
        ...NO_TOKENS, input: Math.max(0, prompt - cached), cacheRead: cached,
        output: count(usage, "candidatesTokenCount") + count(usage, "thoughtsTokenCount"),
      };
    }
  }
}

/**
 * The call's usage after another reading: Anthropic's events each give part of the figures (the
 * prompt's at the start, the output's at the end), so each count is the most either gives; OpenAI
 * reports once, and each Gemini chunk gives the counts so far, so there the latest is the call's.
 */
export function withReading(vendor: ModelVendor, sofar: CallTokens | null, reading: CallTokens): CallTokens {
  if (sofar === null || vendor !== "anthropic") return reading;
  return {
    input: Math.max(sofar.input, reading.input),
    output: Math.max(sofar.output, reading.output),
    cacheWrite: Math.max(sofar.cacheWrite, reading.cacheWrite),
    cacheWrite1h: Math.max(sofar.cacheWrite1h, reading.cacheWrite1h),
    cacheRead: Math.max(sofar.cacheRead, reading.cacheRead),
    webSearches: Math.max(sofar.webSearches, reading.webSearches),
    usOnly: sofar.usOnly || reading.usOnly,
  };
}

const TOKEN_VENDOR: Readonly<Record<Exclude<ModelVendor, "anthropic">, TokenVendor>> = { openai: "openai", gemini: "google" };

/** What the call cost, in USD, by the vendor's price table. */
export function callCostUsd(vendor: ModelVendor, model: string, tokens: CallTokens): number {
  if (vendor === "anthropic") {
    return requestCostUsd(modelPrices(model).prices, {
      inputTokens: tokens.input, outputTokens: tokens.output, cacheWriteTokens: tokens.cacheWrite,
      cacheWrite1hTokens: tokens.cacheWrite1h, cacheReadTokens: tokens.cacheRead,
      webSearchRequests: tokens.webSearches, usOnlyInference: tokens.usOnly,
    });
  }
  return tokenCostUsd(tokenRates(TOKEN_VENDOR[vendor], model).rates, {
    inputTokens: tokens.input + tokens.cacheRead, cachedInputTokens: tokens.cacheRead, outputTokens: tokens.output,
  });
}

/**
 * The most a call of `promptTokens` in and `outputTokens` out can cost: every prompt token at the
 * dearest rate a prompt token can have (for Claude, an hour-long cache write, on US-only
 * inference; the long-prompt tier where the prompt passes its threshold).
 */
export function worstCaseUsd(vendor: ModelVendor, model: string, promptTokens: number, outputTokens: number): number {
  const asInput = callCostUsd(vendor, model, { ...NO_TOKENS, input: promptTokens, output: outputTokens, usOnly: true });
  const asCacheWrite = callCostUsd(vendor, model, {
    ...NO_TOKENS, cacheWrite: promptTokens, cacheWrite1h: promptTokens, output: outputTokens, usOnly: true,
  });
  return Math.max(asInput, asCacheWrite);
}

/** Whether the vendor's table has a row for the model (else it would be priced as the dearest). */
export function isPriced(vendor: ModelVendor, model: string): boolean {
  return vendor === "anthropic" ? modelPrices(model).listed : tokenRates(TOKEN_VENDOR[vendor], model).listed;
}

function field(value: unknown, name: string): unknown {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
  const found = (value as Record<string, unknown>)[name];
  return found === null ? undefined : found;
}

/** A count the API reported: a whole number of tokens, else none. */
function count(value: unknown, name: string): number {
  const found = field(value, name);
  return typeof found === "number" && Number.isSafeInteger(found) && found > 0 ? found : 0;
}
