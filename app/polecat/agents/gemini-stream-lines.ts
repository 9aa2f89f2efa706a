// The lines of Gemini CLI's `--output-format stream-json` that the Gemini parser reads, as
// schemas: the part of each member of `JsonStreamEvent` (@google/gemini-cli-core 0.61.0, the
// release of the pinned CLI, dist/src/output/types.d.ts) that the parser needs, under the same
// names; a test type-checks the published types against these. Every line is checked against its
// schema before anything is counted from it: another process of the agent's user can write into
// the stream.
import { z } from "zod";

const tokens = z.number().int().nonnegative();

/** `InitEvent`: the session's model. */
export const initLine = z.object({ type: z.literal("init"), session_id: z.string(), model: z.string() });
export type InitLine = z.infer<typeof initLine>;

/** `MessageEvent`: the user's prompt, or the model's text (in chunks when `delta`). */
export const messageLine = z.object({
  type: z.literal("message"), role: z.enum(["user", "assistant"]), content: z.string(), delta: z.boolean().optional(),
});
export type MessageLine = z.infer<typeof messageLine>;

/** `ToolUseEvent`. */
export const toolUseLine = z.object({
  type: z.literal("tool_use"), tool_name: z.string(), tool_id: z.string(), parameters: z.record(z.string(), z.unknown()),
});
export type ToolUseLine = z.infer<typeof toolUseLine>;

/** `ToolResultEvent`. */
export const toolResultLine = z.object({
  type: z.literal("tool_result"), tool_id: z.string(), status: z.enum(["success", "error"]),
  error: z.object({ type: z.string(), message: z.string() }).optional(),
});
export type ToolResultLine = z.infer<typeof toolResultLine>;

/** `ErrorEvent`. */
export const errorLine = z.object({ type: z.literal("error"), severity: z.enum(["warning", "error"]), message: z.string() });
export type ErrorLine = z.infer<typeof errorLine>;

/**
 * `ModelStreamStats`: `input_tokens` is the prompt (cached included), `output_tokens` the answer
 * without its thinking, `total_tokens` both with the thinking.
 */
const modelStats = z.object({ total_tokens: tokens, input_tokens: tokens, output_tokens: tokens, cached: tokens });

/** `ResultEvent`: the session's outcome, with its tokens per model. */
export const resultLine = z.object({
  type: z.literal("result"),
  status: z.enum(["success", "error"]),
  error: z.object({ type: z.string(), message: z.string() }).optional(),
  stats: z.object({ models: z.record(z.string(), modelStats) }).optional(),
});
export type ResultLine = z.infer<typeof resultLine>;
