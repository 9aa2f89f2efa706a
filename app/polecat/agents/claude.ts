// The `claude` agent: Claude Code in print mode, unattended. Without a permission mode that lets
// it use its tools, headless Claude Code is denied every edit and does nothing; it runs as its own
// unprivileged user, so bypassing the CLI's prompts hands the agent nothing that user lacks.
import type { AgentInvocation } from "./agent-invocation.js";

export interface ClaudeOptions {
  /** The installed CLI (see install-agent.ts). */
  readonly executable: string;
  readonly prompt: string;
  /** The model key; it reaches the CLI through its environment only. */
  readonly apiKey: string;
  /** `polecat.model`; the CLI's default when null. */
  readonly model?: string | null;
  /** Another Messages API endpoint (the tests' scripted server; later a metering proxy). */
  readonly baseUrl?: string;
  /** The CLI's own spending stop, a second guard behind the action's count. */
  readonly maxBudgetUsd?: number;
}

export function claudeInvocation(options: ClaudeOptions): AgentInvocation {
  return {
    argv: [
      options.executable,
      "--print",
      "--output-format", "stream-json",
      "--verbose",
      // message_delta events carry a message's final output tokens, which its assistant lines lack.
      "--include-partial-messages",
      "--permission-mode", "bypassPermissions",
      ...(options.model ? ["--model", options.model] : []),
      ...(options.maxBudgetUsd === undefined ? [] : ["--max-budget-usd", String(options.maxBudgetUsd)]),
    ],
    env: {
      ANTHROPIC_API_KEY: options.apiKey,
      ...(options.baseUrl === undefined ? {} : { ANTHROPIC_BASE_URL: options.baseUrl }),
      // The CLI's background calls (titles, summaries, sub-agents) use a small model of its own
      // choosing unless told; a run that names a model uses it alone, the one the proxy allows.
      ...(options.model ? { ANTHROPIC_DEFAULT_HAIKU_MODEL: options.model, ANTHROPIC_SMALL_FAST_MODEL: options.model, CLAUDE_CODE_SUBAGENT_MODEL: options.model } : {}),
      // No telemetry, error reports or update checks from a runner; and no self-update of the pinned CLI.
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
      DISABLE_AUTOUPDATER: "1",
    },
    stdin: options.prompt,
    output: "claude-stream-json",
  };
}
