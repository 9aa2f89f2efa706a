// Reads `codex exec --json` line by line as it comes, and keeps what the action needs: the tool
// calls and messages (for progress and the heartbeat's tail), turns, tokens and their cost.
//
// How the counting holds up:
// - Codex's own "turn" is the whole prompt's work; the stream shows no model requests, only the
//   items they produced. Turns here are model replies as reply-counter.ts counts them from the
//   items: never fewer than the requests that produced output.
// - Usage comes once, in `turn.completed`, at the end of the step: a budget can only be checked
//   then, so a step can spend past it (said in the README). The events do not name the model;
//   the tokens are priced as the one the CLI was started with.
// - A line that is not a JSON object with a `type`, or whose shape is not the published one for
//   its type, is counted as malformed and otherwise ignored; nothing here throws on input.
import { tokenCostUsd, tokenRates, type TokenCounts } from "../token-prices.js";
import { JsonLinesParser, MALFORMED_LINE, QUIET, toMicroDollars, type AgentStreamParser, type StreamNews } from "./agent-output.js";
import {
  commandItem, errorItem, fileChangeItem, itemLine, mcpToolCallItem, messageItem, threadErrorLine, turnCompletedLine,
  turnFailedLine, webSearchItem, type ItemLine,
} from "./codex-event-lines.js";
import { ReplyCounter } from "./reply-counter.js";
import { oneLine } from "./tool-summary.js";

export interface CodexTotals extends TokenCounts {
  readonly turns: number;
  readonly model: string;
  /** USD, to the micro-dollar. */
  readonly costUsd: number;
  /** False when the model is not in the price table and is priced as the dearest. */
  readonly listed: boolean;
  readonly toolCalls: number;
  readonly lines: number;
  readonly malformedLines: number;
}

const TOOL_ITEMS = new Set(["command_execution", "file_change", "mcp_tool_call", "web_search"]);

export class CodexEventParser extends JsonLinesParser<StreamNews> implements AgentStreamParser {
  readonly #replies = new ReplyCounter();
  readonly #seenItems = new Set<string>();
  readonly #returnedTools = new Set<string>();
  #tokens = { inputTokens: 0, cachedInputTokens: 0, outputTokens: 0 };
  #toolCalls = 0;

  /** `model`: what the CLI was started with, since its events do not say. */
  constructor(private readonly model: string, tailChars?: number) {
    super(QUIET, MALFORMED_LINE, tailChars);
  }

  protected read(value: { readonly type: string }): StreamNews {
    switch (value.type) {
      case "item.started":
      case "item.updated":
      case "item.completed": {
        const parsed = itemLine.safeParse(value);
        return parsed.success ? this.#item(parsed.data, value) : MALFORMED_LINE;
      }
      case "turn.completed": {
        const parsed = turnCompletedLine.safeParse(value);
        if (!parsed.success) return MALFORMED_LINE;
        const { input_tokens: input, cached_input_tokens: cached, output_tokens: output } = parsed.data.usage;
        this.#tokens = {
          inputTokens: this.#tokens.inputTokens + input,
          cachedInputTokens: this.#tokens.cachedInputTokens + cached,
          outputTokens: this.#tokens.outputTokens + output,
        };
        return QUIET;
      }
      case "turn.failed": {
        const parsed = turnFailedLine.safeParse(value);
        return parsed.success ? this.#failed(parsed.data.error.message) : MALFORMED_LINE;
      }
      case "error": {
        // The CLI reports each retry of a failing request this way ("Reconnecting... 2/5"); only
        // turn.failed says the request failed for good.
        const parsed = threadErrorLine.safeParse(value);
        if (!parsed.success) return MALFORMED_LINE;
        this.said.appendLine(`! ${oneLine(parsed.data.message)}`);
        return QUIET;
      }
      default: return QUIET;
    }
  }

  #item(line: ItemLine, value: unknown): StreamNews {
    const raw = (value as { item: unknown }).item;
    const { id, type } = line.item;
    const firstSight = !this.#seenItems.has(id);
    this.#seenItems.add(id);
    let turnStarted = false;
    if (TOOL_ITEMS.has(type)) {
      if (firstSight) {
        turnStarted = this.#replies.said();
        this.#toolCalls++;
        const summary = toolSummary(raw);
        if (summary === null) return { ...MALFORMED_LINE, turnStarted };
        this.said.appendLine(`▸ ${summary}`);
      }
      if (line.type === "item.completed" && !this.#returnedTools.has(id)) {
        this.#returnedTools.add(id);
        this.#replies.toolReturned();
      }
      return { ...QUIET, turnStarted };
    }
    if (type === "agent_message" || type === "reasoning") {
      const said = messageItem.safeParse(raw);
      if (!said.success) return MALFORMED_LINE;
      if (firstSight) turnStarted = this.#replies.said();
      if (line.type === "item.completed" && type === "agent_message" && said.data.text.trim() !== "") {
        this.said.appendLine(said.data.text.trimEnd());
      }
      return { ...QUIET, turnStarted };
    }
    if (type === "error" && line.type === "item.completed") {
      const error = errorItem.safeParse(raw);
      if (!error.success) return MALFORMED_LINE;
      this.said.appendLine(`! ${oneLine(error.data.message)}`);
    }
    return QUIET;
  }

  #failed(message: string): StreamNews {
    this.said.appendLine(`! ${oneLine(message)}`);
    return { ...QUIET, apiError: message };
  }

  totals(): CodexTotals {
    const priced = tokenRates("openai", this.model);
    return {
      turns: this.#replies.replies,
      model: this.model,
      ...this.#tokens,
      costUsd: toMicroDollars(tokenCostUsd(priced.rates, this.#tokens)),
      listed: priced.listed,
      toolCalls: this.#toolCalls,
      lines: this.lines,
      malformedLines: this.malformedLines,
    };
  }
}

/** `command: git status`, or null when the item is not what its type says. */
function toolSummary(item: unknown): string | null {
  const command = commandItem.safeParse(item);
  if (command.success) return `command: ${oneLine(command.data.command)}`;
  const change = fileChangeItem.safeParse(item);
  if (change.success) return `file_change: ${change.data.changes.map((c) => `${c.kind} ${c.path}`).join(", ")}`;
  const mcp = mcpToolCallItem.safeParse(item);
  if (mcp.success) return `mcp: ${mcp.data.server}.${mcp.data.tool}`;
  const search = webSearchItem.safeParse(item);
  if (search.success) return `web_search: ${oneLine(search.data.query)}`;
  return null;
}
