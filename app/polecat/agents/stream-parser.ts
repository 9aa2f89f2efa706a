// The parser for an agent's kind of output, or none for plain text.
import type { AgentStreamParser } from "./agent-output.js";
import type { AgentInvocation } from "./agent-invocation.js";
import { ClaudeStreamParser } from "./claude-stream.js";
import { CodexEventParser } from "./codex-events.js";
import { GeminiStreamParser } from "./gemini-stream.js";

export function streamParser(invocation: Pick<AgentInvocation, "output" | "model">): AgentStreamParser | undefined {
  switch (invocation.output) {
    case "claude-stream-json": return new ClaudeStreamParser();
    // Without a model named, its tokens are priced as the dearest listed.
    case "codex-json": return new CodexEventParser(invocation.model ?? "");
    case "gemini-stream-json": return new GeminiStreamParser();
    case "text": return undefined;
  }
}
