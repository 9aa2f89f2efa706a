// Whether an agent has used up its turns or its budget, by the counts its stream gave so far.
// Until a proxy meters the model's traffic these counts are advisory: the stream leaves out the
// small-model side calls the CLI makes for itself (none in a plain run of the pinned Claude Code,
// but WebFetch's page digests are one), and another process of the agent's user could write
// into it. So the budget is taken as spent a margin early; turns are counted exactly as streamed.
// Codex and Gemini CLI stream their tokens only at the end of each process, so for them the budget
// can only be checked then (codex-events.ts, gemini-stream.ts).

/** The share of `max_cost_usd` held back for what the stream does not show. */
export const COST_MARGIN = 0.1;

export interface UsageLimits {
  readonly maxTurns: number;
  readonly maxCostUsd: number;
}

export type LimitReached = { readonly limit: "turns"; readonly message: string } | { readonly limit: "cost"; readonly message: string } | null;

export function limitReached(counted: { readonly turns: number; readonly costUsd: number }, limits: UsageLimits): LimitReached {
  if (counted.turns >= limits.maxTurns) {
    return { limit: "turns", message: `the agent has taken ${counted.turns} turns of its ${limits.maxTurns}` };
  }
  const stopAt = limits.maxCostUsd * (1 - COST_MARGIN);
  if (counted.costUsd >= stopAt) {
    return {
      limit: "cost",
      message: `the agent has spent $${counted.costUsd.toFixed(2)} by its stream's count, of its $${limits.maxCostUsd.toFixed(2)} (stopped at $${stopAt.toFixed(2)}, ${COST_MARGIN * 100}% short, for what the stream does not show)`,
    };
  }
  return null;
}
