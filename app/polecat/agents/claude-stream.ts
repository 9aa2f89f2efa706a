// Reads Claude Code's stream-json output line by line as it comes, and keeps what the action
// needs: the tool calls and text (for progress and the heartbeat's tail), turns, tokens per model
// and their cost, counted from the streamed usage rather than from the CLI's final report.
//
// How the counting holds up:
// - Claude Code writes one `assistant` line per content block, every one with the whole
//   message's id and usage, so a message is counted once, by its id.
// - An `assistant` line carries the usage of `message_start`, which knows only the first output
//   tokens; the final count comes in `message_delta`, which the CLI passes on as a `stream_event`
//   line when run with `--include-partial-messages`. Each message keeps, field by field, the
//   largest count any of its lines reported.
// - Counts only grow: a line can raise a count but never lower it. That matters because the
//   stream is not the CLI's alone (another process of the agent's user can write into it), so
//   until a proxy meters the model's traffic the totals are advisory: they miss the small-model
//   side calls the CLI makes without streaming them, and count whatever someone adds (the
//   margin the action allows for is in usage-limits.ts).
// - A line that is not a JSON object with a `type`, or whose shape is not the published one for
//   its type, is counted as malformed and otherwise ignored; nothing here throws on input.
import { modelPrices, requestCostUsd, type TokenUsage } from "../model-prices.js";
import {
  assistantLine, isMessageDelta, isMessageStart, resultLine, streamEventLine, SYNTHETIC_MODEL, systemInitLine,
  textBlock, toolUseBlock, type ApiUsage,
} from "./claude-stream-lines.js";
import { JsonLinesParser, toMicroDollars, type AgentStreamParser } from "./agent-output.js";
import { summarizeToolInput } from "./tool-summary.js";

export interface ToolCall {
  readonly id: string;
  readonly name: string;
  /** One short line saying what it does (a command's description, a file's path), for the tail. */
  readonly summary: string;
}

/** What one line brought. */
export interface LineNews {
  readonly malformed: boolean;
  /** A new main-thread assistant message began: one turn. */
  readonly turnStarted: boolean;
  readonly toolCalls: readonly ToolCall[];
  readonly text: readonly string[];
  /** The failure the CLI reported in place of a model's answer (`authentication_failed`, …). */
  readonly apiError: string | null;
}

const TOKEN_COUNTS = [
  "inputTokens", "outputTokens", "cacheWriteTokens", "cacheWrite1hTokens", "cacheReadTokens", "webSearchRequests",
] as const;

/** One model's messages: how many, their summed counts, and what they cost. */
export type ModelTotals = { readonly [K in (typeof TOKEN_COUNTS)[number] | "requests" | "costUsd"]: number };

export interface ClaudeStreamTotals {
  /** Main-thread assistant messages (a subagent's are in `subagentTurns`). */
  readonly turns: number;
  readonly subagentTurns: number;
  readonly byModel: Readonly<Record<string, ModelTotals>>;
  /** USD, to the micro-dollar. */
  readonly costUsd: number;
  /** Models the price table does not list, priced as its dearest. */
  readonly unlistedModels: readonly string[];
  readonly toolCalls: number;
  readonly lines: number;
  readonly malformedLines: number;
  /** The CLI's first line: its version, model and permission mode. */
  readonly session: { readonly version: string; readonly model: string; readonly permissionMode: string } | null;
  /** The CLI's own final report, for comparison only. */
  readonly reported: {
    readonly subtype: string; readonly isError: boolean; readonly turns: number; readonly costUsd: number;
  } | null;
}

type UsageCounts = { -readonly [K in keyof TokenUsage]: TokenUsage[K] };

interface CountedMessage {
  readonly model: string;
  readonly usage: UsageCounts;
}

const NOTHING: LineNews = { malformed: false, turnStarted: false, toolCalls: [], text: [], apiError: null };
const MALFORMED: LineNews = { ...NOTHING, malformed: true };
const MAIN_THREAD = "";

export class ClaudeStreamParser extends JsonLinesParser<LineNews> implements AgentStreamParser {
  readonly #messages = new Map<string, CountedMessage>();
  /** The message each thread's stream events belong to: message_delta names none. */
  readonly #openMessage = new Map<string, string>();
  readonly #toolCallIds = new Set<string>();
  #turns = 0;
  #subagentTurns = 0;
  #session: ClaudeStreamTotals["session"] = null;
  #reported: ClaudeStreamTotals["reported"] = null;

  constructor(tailChars?: number) {
    super(NOTHING, MALFORMED, tailChars);
  }

  protected read(value: { readonly type: string }): LineNews {
    switch (value.type) {
      case "assistant": return this.#assistant(value);
      case "stream_event": return this.#streamEvent(value);
      case "result": return this.#result(value);
      case "system": return this.#system(value);
      default: return NOTHING;
    }
  }

  #assistant(value: unknown): LineNews {
    const parsed = assistantLine.safeParse(value);
    if (!parsed.success) return MALFORMED;
    const { message, parent_tool_use_id: parent, error } = parsed.data;
    // A message the CLI made itself (for an API error) cost nothing and was no turn of the model's.
    const turnStarted = message.model !== SYNTHETIC_MODEL && this.#count(message.id, message.model, parent, message.usage);
    const toolCalls: ToolCall[] = [];
    const text: string[] = [];
    for (const block of message.content) {
      const call = toolUseBlock.safeParse(block);
      if (call.success && !this.#toolCallIds.has(call.data.id)) {
        this.#toolCallIds.add(call.data.id);
        const toolCall = { id: call.data.id, name: call.data.name, summary: summarizeToolInput(call.data.input) };
        toolCalls.push(toolCall);
        this.said.appendLine(`▸ ${toolCall.name}${toolCall.summary === "" ? "" : `: ${toolCall.summary}`}`);
      }
      const said = textBlock.safeParse(block);
      if (said.success && said.data.text.trim() !== "") {
        text.push(said.data.text);
        this.said.appendLine(said.data.text.trimEnd());
      }
    }
    return { malformed: false, turnStarted, toolCalls, text, apiError: error ?? null };
  }

  #streamEvent(value: unknown): LineNews {
    const parsed = streamEventLine.safeParse(value);
    if (!parsed.success) return MALFORMED;
    const { event, parent_tool_use_id: parent } = parsed.data;
    const thread = parent ?? MAIN_THREAD;
    if (isMessageStart(event)) {
      this.#openMessage.set(thread, event.message.id);
      return { ...NOTHING, turnStarted: this.#count(event.message.id, event.message.model, parent, event.message.usage) };
    }
    if (isMessageDelta(event)) {
      const id = this.#openMessage.get(thread);
      const message = id === undefined ? undefined : this.#messages.get(id);
      if (message !== undefined) raise(message.usage, event.usage);
      return NOTHING;
    }
    if (event.type === "message_start" || event.type === "message_delta") return MALFORMED;
    return NOTHING;
  }

  #result(value: unknown): LineNews {
    const parsed = resultLine.safeParse(value);
    if (!parsed.success) return MALFORMED;
    const { subtype, is_error: isError, num_turns: turns, total_cost_usd: costUsd } = parsed.data;
    this.#reported = { subtype, isError, turns, costUsd };
    return NOTHING;
  }

  #system(value: unknown): LineNews {
    if ((value as { subtype?: unknown }).subtype !== "init") return NOTHING;
    const parsed = systemInitLine.safeParse(value);
    if (!parsed.success) return MALFORMED;
    const { claude_code_version: version, model, permissionMode } = parsed.data;
    this.#session ??= { version, model, permissionMode };
    return NOTHING;
  }

  /** Counts a message's usage; true when it is a new main-thread message. */
  #count(id: string, model: string, parent: string | null, usage: ApiUsage): boolean {
    const known = this.#messages.get(id);
    if (known !== undefined) {
      raise(known.usage, usage);
      return false;
    }
    const counted: CountedMessage = { model, usage: noUsage() };
    raise(counted.usage, usage);
    this.#messages.set(id, counted);
    if (parent === null) this.#turns++;
    else this.#subagentTurns++;
    return parent === null;
  }

  totals(): ClaudeStreamTotals {
    const byModel: Record<string, ModelTotals> = {};
    const unlisted = new Set<string>();
    let costUsd = 0;
    for (const { model, usage } of this.#messages.values()) {
      const priced = modelPrices(model);
      if (!priced.listed) unlisted.add(model);
      const cost = requestCostUsd(priced.prices, usage);
      costUsd += cost;
      byModel[model] = withMessage(byModel[model], usage, cost);
    }
    for (const model of Object.keys(byModel)) byModel[model] = { ...byModel[model]!, costUsd: toMicroDollars(byModel[model]!.costUsd) };
    return {
      turns: this.#turns,
      subagentTurns: this.#subagentTurns,
      byModel,
      costUsd: toMicroDollars(costUsd),
      unlistedModels: [...unlisted].sort(),
      toolCalls: this.#toolCallIds.size,
      lines: this.lines,
      malformedLines: this.malformedLines,
      session: this.#session,
      reported: this.#reported,
    };
  }
}

function noUsage(): UsageCounts {
  return {
    inputTokens: 0, outputTokens: 0, cacheWriteTokens: 0, cacheWrite1hTokens: 0, cacheReadTokens: 0,
    webSearchRequests: 0, usOnlyInference: false,
  };
}

function withMessage(sum: ModelTotals | undefined, usage: UsageCounts, costUsd: number): ModelTotals {
  const totals: Record<string, number> = { requests: (sum?.requests ?? 0) + 1, costUsd: (sum?.costUsd ?? 0) + costUsd };
  for (const count of TOKEN_COUNTS) totals[count] = (sum?.[count] ?? 0) + usage[count];
  return totals as ModelTotals;
}

/** Raises each count to what `usage` reports, where that is more. */
function raise(counts: UsageCounts, usage: ApiUsage): void {
  const more = (now: number, reported: number | null | undefined) => Math.max(now, reported ?? 0);
  counts.inputTokens = more(counts.inputTokens, usage.input_tokens);
  counts.outputTokens = more(counts.outputTokens, usage.output_tokens);
  counts.cacheWriteTokens = more(counts.cacheWriteTokens, usage.cache_creation_input_tokens);
  counts.cacheWrite1hTokens = more(counts.cacheWrite1hTokens, usage.cache_creation?.ephemeral_1h_input_tokens);
  counts.cacheReadTokens = more(counts.cacheReadTokens, usage.cache_read_input_tokens);
  counts.webSearchRequests = more(counts.webSearchRequests, usage.server_tool_use?.web_search_requests);
  counts.usOnlyInference ||= usage.inference_geo === "us";
}
