// What a model's tokens cost, to count a run's spend from the agent's streamed usage as it goes.
//
// Source: Anthropic's price list (platform.claude.com/docs/en/about-claude/pricing), as baked into
// the model catalog of Claude Code 2.1.332 (the pinned CLI), read 2026-12-02. USD per million
// tokens; web search per request. A model not listed is priced as the dearest one listed, so a
// budget is never under-counted for want of a row; the snapshot names such models.

export interface TokenPrices {
  readonly input: number;
  readonly output: number;
  /** Cache writes that live five minutes (and writes whose lifetime the usage does not say). */
  readonly cacheWrite5m: number;
  readonly cacheWrite1h: number;
  readonly cacheRead: number;
}

export interface ModelPrices extends TokenPrices {
  readonly webSearchPerRequest: number;
  /** Dearer prices for every token of a request whose prompt is over the threshold. */
  readonly longPrompt?: { readonly abovePromptTokens: number; readonly prices: TokenPrices };
}

/** One request's usage, as the Messages API reports it. */
export interface TokenUsage {
  readonly inputTokens: number;
  readonly outputTokens: number;
  /** All cache writes, of either lifetime. */
  readonly cacheWriteTokens: number;
  /** The part of `cacheWriteTokens` that lives an hour. */
  readonly cacheWrite1hTokens: number;
  readonly cacheReadTokens: number;
  readonly webSearchRequests: number;
  /** Served by US-only inference, which costs more. */
  readonly usOnlyInference: boolean;
}

const WEB_SEARCH = 0.01;
const US_ONLY_INFERENCE_MULTIPLIER = 1.1;

function tier(input: number, output: number, cacheWrite5m: number, cacheWrite1h: number, cacheRead: number): TokenPrices {
  return { input, output, cacheWrite5m, cacheWrite1h, cacheRead };
}

const SONNET_3_15 = tier(3, 15, 3.75, 6, 0.3);
const OPUS_15_75 = tier(15, 75, 18.75, 30, 1.5);
const OPUS_5_25 = tier(5, 25, 6.25, 10, 0.5);
const FABLE_10_50 = tier(10, 50, 12.5, 20, 1);
const FABLE_10_50_CHEAP_READS = tier(10, 50, 12.5, 20, 0.25);
const FABLE_8_40 = tier(8, 40, 10, 16, 0.2);

/** By model: family and version, as a model id names them (`claude-sonnet-4-5-20250929`). */
const PRICES: Readonly<Record<string, TokenPrices & { longPrompt?: ModelPrices["longPrompt"] }>> = {
  "haiku 3.5": tier(0.8, 4, 1, 1.6, 0.08),
  "haiku 4.5": tier(1, 5, 1.25, 2, 0.1),
  "haiku 5.5": {
    ...tier(0.1, 0.5, 0.125, 0.2, 0.01),
    longPrompt: { abovePromptTokens: 100_000, prices: tier(0.5, 2.5, 0.625, 1, 0.05) },
  },
  "sonnet 3.5": SONNET_3_15,
  "sonnet 3.7": SONNET_3_15,
  "sonnet 4": SONNET_3_15,
  "sonnet 4.5": SONNET_3_15,
  "sonnet 4.6": SONNET_3_15,
  "sonnet 5": tier(2, 10, 2.5, 4, 0.2),
  "sonnet 5.5": tier(2, 10, 2.5, 4, 0.1),
  "opus 4": OPUS_15_75,
  "opus 4.1": OPUS_15_75,
  "opus 4.5": OPUS_5_25,
  "opus 4.6": OPUS_5_25,
  "opus 4.7": OPUS_5_25,
  "opus 4.8": OPUS_5_25,
  "opus 5": OPUS_5_25,
  "opus 5.5": tier(4, 20, 5, 8, 0.2),
  "fable 5": FABLE_10_50,
  "fable 5.1": FABLE_10_50_CHEAP_READS,
  "fable 5.2": FABLE_8_40,
  "mythos 5": FABLE_10_50,
  "mythos 5.1": FABLE_10_50_CHEAP_READS,
  "mythos 5.2": FABLE_8_40,
};

const DEAREST = OPUS_15_75;

/**
 * The family and version a model id names, or null: `claude-opus-4-7`, `claude-sonnet-4-5-20250929`
 * and `claude-opus-4-20250514` (a date, not a minor version) as well as the older
 * `claude-3-5-haiku-20241022`; a `[1m]` context suffix or a provider's `anthropic.` prefix is
 * ignored.
 */
export function modelVersion(model: string): string | null {
  const id = model.trim().toLowerCase().replace(/\[\d+m\]$/, "").replace(/^(?:[a-z-]+\.)?anthropic\./, "");
  const current = /^claude-([a-z]+)-(\d{1,2})(?!\d)(?:-(\d{1,2})(?!\d))?/.exec(id);
  if (current) return versionKey(current[1]!, current[2]!, current[3]);
  const legacy = /^claude-(\d{1,2})(?!\d)(?:-(\d{1,2})(?!\d))?-([a-z]+)/.exec(id);
  if (legacy) return versionKey(legacy[3]!, legacy[1]!, legacy[2]);
  return null;
}

function versionKey(family: string, major: string, minor: string | undefined): string {
  return minor === undefined || minor === "0" ? `${family} ${Number(major)}` : `${family} ${Number(major)}.${Number(minor)}`;
}

export interface PricedModel {
  readonly prices: ModelPrices;
  /** False when the model is not in the table and is priced as the dearest model instead. */
  readonly listed: boolean;
}

export function modelPrices(model: string): PricedModel {
  const key = modelVersion(model);
  const row = key === null ? undefined : PRICES[key];
  return row === undefined
    ? { prices: { ...DEAREST, webSearchPerRequest: WEB_SEARCH }, listed: false }
    : { prices: { ...row, webSearchPerRequest: WEB_SEARCH }, listed: true };
}

/** What one request cost, in USD. */
export function requestCostUsd(prices: ModelPrices, usage: TokenUsage): number {
  const prompt = usage.inputTokens + usage.cacheWriteTokens + usage.cacheReadTokens;
  const rates = prices.longPrompt !== undefined && prompt > prices.longPrompt.abovePromptTokens
    ? prices.longPrompt.prices
    : prices;
  const oneHour = Math.min(usage.cacheWrite1hTokens, usage.cacheWriteTokens);
  const perMillion = usage.inputTokens * rates.input
    + usage.outputTokens * rates.output
    + (usage.cacheWriteTokens - oneHour) * rates.cacheWrite5m
    + oneHour * rates.cacheWrite1h
    + usage.cacheReadTokens * rates.cacheRead;
  const tokens = perMillion / 1_000_000 * (usage.usOnlyInference ? US_ONLY_INFERENCE_MULTIPLIER : 1);
  return tokens + usage.webSearchRequests * prices.webSearchPerRequest;
}
