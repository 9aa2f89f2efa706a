// The lines of Claude Code's `--output-format stream-json` that the stream parser reads, as
// schemas. Each is the part of one member of `SDKMessage` (@anthropic-ai/claude-agent-sdk
// 0.3.332, the release for the pinned CLI, sdk.d.ts) that the parser needs, under the same names;
// a test type-checks the published types against these. Every line is checked against its schema
// before anything is counted from it: another process of the agent's user can write into the
// stream, so it is input, not a report.
import { z } from "zod";

const tokens = z.number().int().nonnegative().nullish();

/** `BetaUsage` (message_start, assistant lines) and `BetaMessageDeltaUsage` (message_delta). */
const usage = z.object({
  input_tokens: tokens,
  output_tokens: tokens,
  cache_creation_input_tokens: tokens,
  cache_read_input_tokens: tokens,
  cache_creation: z.object({ ephemeral_5m_input_tokens: tokens, ephemeral_1h_input_tokens: tokens }).nullish(),
  server_tool_use: z.object({ web_search_requests: tokens }).nullish(),
  inference_geo: z.string().nullish(),
});
export type ApiUsage = z.infer<typeof usage>;

/** Content blocks are read one by one: text and tool_use further, the rest only as output. */
export const textBlock = z.object({ type: z.literal("text"), text: z.string() });
export type TextBlock = z.infer<typeof textBlock>;
export const toolUseBlock = z.object({ type: z.literal("tool_use"), id: z.string(), name: z.string(), input: z.unknown() });
export type ToolUseBlock = z.infer<typeof toolUseBlock>;

/** The model of the messages the CLI makes itself (an API error's text); no model call. */
export const SYNTHETIC_MODEL = "<synthetic>";

/** Whose stream a line belongs to: null for the main thread, else the subagent's Task call. */
const parentToolUseId = z.string().nullable();

/** `SDKAssistantMessage`: one line per content block, each with the whole message's id. */
export const assistantLine = z.object({
  type: z.literal("assistant"),
  message: z.object({
    id: z.string(),
    model: z.string(),
    content: z.array(z.unknown()),
    usage,
  }),
  parent_tool_use_id: parentToolUseId,
  /** Set on a message the CLI made itself for a failed request (`authentication_failed`, …). */
  error: z.string().optional(),
});
export type AssistantLine = z.infer<typeof assistantLine>;

const messageStart = z.object({
  type: z.literal("message_start"),
  message: z.object({ id: z.string(), model: z.string(), usage }),
});
const messageDelta = z.object({ type: z.literal("message_delta"), usage });
const otherEvent = z.object({ type: z.string() });

/** `SDKPartialAssistantMessage` (`--include-partial-messages`): one raw Messages API event. */
export const streamEventLine = z.object({
  type: z.literal("stream_event"),
  event: z.union([messageStart, messageDelta, otherEvent]),
  parent_tool_use_id: parentToolUseId,
});
export type StreamEventLine = z.infer<typeof streamEventLine>;

/** `SDKResultMessage`: the CLI's own totals, kept beside ours but never counted. */
export const resultLine = z.object({
  type: z.literal("result"),
  subtype: z.string(),
  is_error: z.boolean(),
  num_turns: z.number(),
  total_cost_usd: z.number(),
});
export type ResultLine = z.infer<typeof resultLine>;

/** `SDKSystemMessage`, the first line: what the CLI runs as. */
export const systemInitLine = z.object({
  type: z.literal("system"),
  subtype: z.literal("init"),
  model: z.string(),
  claude_code_version: z.string(),
  permissionMode: z.string(),
  tools: z.array(z.string()),
});
export type SystemInitLine = z.infer<typeof systemInitLine>;

export function isMessageStart(event: StreamEventLine["event"]): event is z.infer<typeof messageStart> {
  return event.type === "message_start" && "message" in event;
}

export function isMessageDelta(event: StreamEventLine["event"]): event is z.infer<typeof messageDelta> {
  return event.type === "message_delta" && "usage" in event;
}
