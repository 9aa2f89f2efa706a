// How the step runner reads an agent's output as it comes: by line, through the parser for the
// agent's kind of output, which says when a model turn began and what the run has spent so far.
// An agent whose output is text has no parser; its output is kept as a tail.
import { OutputTail } from "./output-tail.js";

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

/**
 * What every parser of JSON lines does alike: blank lines are skipped, a line that is not a JSON
 * object with a string `type` is malformed, every line and every malformed one is counted, and
 * what the agent said and did is kept as a tail. `read` takes the rest.
 */
export abstract class JsonLinesParser<News extends StreamNews> {
  protected readonly said: OutputTail;
  #lines = 0;
  #malformed = 0;

  constructor(private readonly nothing: News, private readonly malformed: News, tailChars?: number) {
    this.said = new OutputTail(tailChars);
  }

  push(line: string): News {
    if (line.trim() === "") return this.nothing;
    this.#lines++;
    const value = typedJsonLine(line);
    const news = value === null ? this.malformed : this.read(value);
    if (news.malformed) this.#malformed++;
    return news;
  }

  protected abstract read(value: { readonly type: string }): News;

  protected get lines(): number {
    return this.#lines;
  }

  protected get malformedLines(): number {
    return this.#malformed;
  }

  /** The end of what the agent said and did, for the heartbeat. */
  tail(): string {
    return this.said.text();
  }
}

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
