import { describe, expect, it } from "vitest";
import { limitReached } from "../../app/polecat/agents/usage-limits.js";

describe("limitReached", () => {
  const limits = { maxTurns: 80, maxCostUsd: 10 };

  it("stops at the turn limit, counted exactly", () => {
    expect(limitReached({ turns: 79, costUsd: 1 }, limits)).toBeNull();
    expect(limitReached({ turns: 80, costUsd: 1 }, limits)).toEqual({ limit: "turns", message: "the agent has taken 80 turns of its 80" });
  });

  it("stops a margin short of the budget, for what the stream does not show", () => {
    expect(limitReached({ turns: 3, costUsd: 8.99 }, limits)).toBeNull();
    expect(limitReached({ turns: 3, costUsd: 9 }, limits)).toEqual({
      limit: "cost",
      message: "the agent has spent $9.00 by its stream's count, of its $10.00 (stopped at $9.00, 10% short, for what the stream does not show)",
    });
  });
});
