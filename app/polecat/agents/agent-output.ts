// How the step runner reads an agent's output as it comes: by line, through the parser for the
// agent's kind of output, which says when a model turn began and what the run has spent so far.
// An agent whose output is text has no parser; its output is kept as a tail.

/** What one line brought that the step runner acts on. */
export interface StreamNews {
  readonly malformed: boolean;
  /** A model turn began (the turn limit is checked then). */
  readonly turnStarted: boolean;
  /** The failure the agent reported in place of a model's answer. */
  readonly apiError: string | null;
}

export interface AgentStreamParser {
  push(line: string): StreamNews;
  /** Turns and cost so far (USD, to the micro-dollar), and the lines that were not what the agent publishes. */
  totals(): { readonly turns: number; readonly costUsd: number; readonly malformedLines: number };
  /** The end of what the agent said and did, for the heartbeat. */
  tail(): string;
}

export const QUIET: StreamNews = { malformed: false, turnStarted: false, apiError: null };
export const MALFORMED_LINE: StreamNews = { ...QUIET, malformed: true };

/** A line as JSON with a string `type`, or null. */
export function typedJsonLine(line: string): { readonly type: string } | null {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return null;
  }
  if (typeof value !== "object" || value === null || typeof (value as { type?: unknown }).type !== "string") return null;
  return value as { type: string };
}

export function toMicroDollars(usd: number): number {
  return Math.round(usd * 1_000_000) / 1_000_000;
}
