// Reads Gemini CLI's stream-json output line by line as it comes, and keeps what the action
// needs: the tool calls and text (for progress and the heartbeat's tail), turns, tokens per model
// and their cost.
//
// How the counting holds up:
// - The stream shows the model's text and tool calls, not its requests: turns are model replies
//   as reply-counter.ts counts them, never fewer than the requests that produced output.
// - Tokens come once, per model, in the `result` line at the end of the step: a budget can only
//   be checked then, so a step can spend past it (said in the README). Thinking tokens, billed
//   as output, are the total less the prompt and the answer.
// - A line that is not a JSON object with a `type`, or whose shape is not the published one for
//   its type, is counted as malformed and otherwise ignored; nothing here throws on input.
import { tokenCostUsd, tokenRates, type TokenCounts } from "../token-prices.js";
import { JsonLinesParser, MALFORMED_LINE, QUIET, toMicroDollars, type AgentStreamParser, type StreamNews } from "./agent-output.js";
import { errorLine, initLine, messageLine, resultLine, toolResultLine, toolUseLine } from "./gemini-stream-lines.js";
import { ReplyCounter } from "./reply-counter.js";
import { oneLine, summarizeToolInput } from "./tool-summary.js";

export interface GeminiModelTotals extends TokenCounts {
  readonly costUsd: number;
  readonly listed: boolean;
}

export interface GeminiTotals {
  readonly turns: number;
  readonly byModel: Readonly<Record<string, GeminiModelTotals>>;
  /** USD, to the micro-dollar. */
  readonly costUsd: number;
  /** The model the session started with (`init`). */
  readonly model: string | null;
  readonly toolCalls: number;
  readonly lines: number;
  readonly malformedLines: number;
}

export class GeminiStreamParser extends JsonLinesParser<StreamNews> implements AgentStreamParser {
  readonly #replies = new ReplyCounter();
  readonly #toolIds = new Set<string>();
  #byModel: Record<string, TokenCounts> = {};
  #model: string | null = null;
  /** The model's text is streamed in chunks: a line ends where something else comes. */
  #inText = false;

  constructor(tailChars?: number) {
    super(QUIET, MALFORMED_LINE, tailChars);
  }

  protected read(value: { readonly type: string }): StreamNews {
    if (value.type !== "message") this.#endText();
    switch (value.type) {
      case "init": {
        const parsed = initLine.safeParse(value);
        if (!parsed.success) return MALFORMED_LINE;
        this.#model ??= parsed.data.model;
        return QUIET;
      }
      case "message": {
        const parsed = messageLine.safeParse(value);
        if (!parsed.success) return MALFORMED_LINE;
        if (parsed.data.role !== "assistant") return QUIET;
        const turnStarted = this.#replies.said();
        if (parsed.data.delta === true) {
          this.said.append(parsed.data.content);
          this.#inText = true;
        } else if (parsed.data.content.trim() !== "") {
          this.#endText();
          this.said.appendLine(parsed.data.content.trimEnd());
        }
        return { ...QUIET, turnStarted };
      }
      case "tool_use": {
        const parsed = toolUseLine.safeParse(value);
        if (!parsed.success) return MALFORMED_LINE;
        if (this.#toolIds.has(parsed.data.tool_id)) return QUIET;
        this.#toolIds.add(parsed.data.tool_id);
        const summary = summarizeToolInput(parsed.data.parameters);
        this.said.appendLine(`▸ ${parsed.data.tool_name}${summary === "" ? "" : `: ${summary}`}`);
        return { ...QUIET, turnStarted: this.#replies.said() };
      }
      case "tool_result": {
        const parsed = toolResultLine.safeParse(value);
        if (!parsed.success) return MALFORMED_LINE;
        this.#replies.toolReturned();
        if (parsed.data.error) this.said.appendLine(`! ${oneLine(parsed.data.error.message)}`);
        return QUIET;
      }
      case "error": {
        const parsed = errorLine.safeParse(value);
        if (!parsed.success) return MALFORMED_LINE;
        this.said.appendLine(`! ${oneLine(parsed.data.message)}`);
        return QUIET;
      }
      case "result": {
        const parsed = resultLine.safeParse(value);
        if (!parsed.success) return MALFORMED_LINE;
        for (const [model, stats] of Object.entries(parsed.data.stats?.models ?? {})) {
          const outputTokens = Math.max(stats.output_tokens, stats.total_tokens - stats.input_tokens);
          const known = this.#byModel[model];
          // Counts only grow: a second result line cannot take back what the first reported.
          this.#byModel[model] = {
            inputTokens: Math.max(known?.inputTokens ?? 0, stats.input_tokens),
            cachedInputTokens: Math.max(known?.cachedInputTokens ?? 0, stats.cached),
            outputTokens: Math.max(known?.outputTokens ?? 0, outputTokens),
          };
        }
        const error = parsed.data.status === "error" ? parsed.data.error?.message ?? "the session failed" : null;
        if (error !== null) this.said.appendLine(`! ${oneLine(error)}`);
        return { ...QUIET, apiError: error };
      }
      default: return QUIET;
    }
  }

  #endText(): void {
    if (!this.#inText) return;
    this.#inText = false;
    this.said.append("\n");
  }

  totals(): GeminiTotals {
    const byModel: Record<string, GeminiModelTotals> = {};
    let costUsd = 0;
    for (const [model, counts] of Object.entries(this.#byModel)) {
      const priced = tokenRates("google", model);
      const cost = tokenCostUsd(priced.rates, counts);
      costUsd += cost;
      byModel[model] = { ...counts, costUsd: toMicroDollars(cost), listed: priced.listed };
    }
    return {
      turns: this.#replies.replies,
      byModel,
      costUsd: toMicroDollars(costUsd),
      model: this.#model,
      toolCalls: this.#toolIds.size,
      lines: this.lines,
      malformedLines: this.malformedLines,
    };
  }
}
