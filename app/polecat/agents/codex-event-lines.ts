// The lines of `codex exec --json` that the Codex parser reads, as schemas: the part of each
// member of `ThreadEvent` (@openai/codex-sdk 0.163.0, the release for the pinned CLI,
// dist/index.d.ts) that the parser needs, under the same names; a test type-checks the published
// types against these. Every line is checked against its schema before anything is counted from
// it: another process of the agent's user can write into the stream.
import { z } from "zod";

const tokens = z.number().int().nonnegative();

/** `Usage`: a whole Codex turn's tokens (every model request the prompt took). */
const usage = z.object({
  input_tokens: tokens,
  cached_input_tokens: tokens,
  output_tokens: tokens,
});

/** `TurnCompletedEvent`: the end of the prompt's work, with its usage. */
export const turnCompletedLine = z.object({ type: z.literal("turn.completed"), usage });
export type TurnCompletedLine = z.infer<typeof turnCompletedLine>;

/** `TurnFailedEvent`. */
export const turnFailedLine = z.object({ type: z.literal("turn.failed"), error: z.object({ message: z.string() }) });
export type TurnFailedLine = z.infer<typeof turnFailedLine>;

/** `ThreadErrorEvent`: an unrecoverable error of the stream. */
export const threadErrorLine = z.object({ type: z.literal("error"), message: z.string() });
export type ThreadErrorLine = z.infer<typeof threadErrorLine>;

/** `ItemStartedEvent`, `ItemUpdatedEvent`, `ItemCompletedEvent`: the item is read by its type below. */
export const itemLine = z.object({
  type: z.enum(["item.started", "item.updated", "item.completed"]),
  item: z.object({ id: z.string(), type: z.string() }),
});
export type ItemLine = z.infer<typeof itemLine>;

/** `AgentMessageItem`, `ReasoningItem`: what the model said. */
export const messageItem = z.object({ id: z.string(), type: z.enum(["agent_message", "reasoning"]), text: z.string() });
export type MessageItem = z.infer<typeof messageItem>;
/** `CommandExecutionItem`. */
export const commandItem = z.object({ id: z.string(), type: z.literal("command_execution"), command: z.string() });
export type CommandItem = z.infer<typeof commandItem>;
/** `FileChangeItem`, emitted once its patch is applied or failed. */
export const fileChangeItem = z.object({
  id: z.string(), type: z.literal("file_change"), changes: z.array(z.object({ path: z.string(), kind: z.string() })),
});
export type FileChangeItem = z.infer<typeof fileChangeItem>;
/** `McpToolCallItem`. */
export const mcpToolCallItem = z.object({ id: z.string(), type: z.literal("mcp_tool_call"), server: z.string(), tool: z.string() });
export type McpToolCallItem = z.infer<typeof mcpToolCallItem>;
/** `WebSearchItem`. */
export const webSearchItem = z.object({ id: z.string(), type: z.literal("web_search"), query: z.string() });
export type WebSearchItem = z.infer<typeof webSearchItem>;
/** `ErrorItem`: a non-fatal error. */
export const errorItem = z.object({ id: z.string(), type: z.literal("error"), message: z.string() });
export type ErrorItem = z.infer<typeof errorItem>;
