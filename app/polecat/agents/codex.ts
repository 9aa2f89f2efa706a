// The `codex` agent: OpenAI's Codex CLI, `codex exec`, unattended, its events as JSON lines. Its
// own sandbox is off and it asks no approvals: it runs as our unprivileged agent user inside our
// sandbox, which is the "externally sandboxed" case the CLI's bypass flag is for; its own sandbox
// would need privileges (user namespaces) a runner's agent user does not have.
import type { AgentInvocation } from "./agent-invocation.js";

export interface CodexOptions {
  /** The installed native CLI (see install-agent.ts). */
  readonly executable: string;
  readonly prompt: string;
  /** The model key; it reaches the CLI through its environment only. */
  readonly apiKey: string;
  /** `polecat.model`; the CLI's default when null. */
  readonly model?: string | null;
  /** Another Responses API endpoint (the tests' scripted server; a gateway), ending in `/v1`. */
  readonly baseUrl?: string;
}

export function codexInvocation(options: CodexOptions): AgentInvocation {
  return {
    argv: [
      options.executable,
      "exec",
      "--json",
      "--dangerously-bypass-approvals-and-sandbox",
      // Session files would only pile up in the agent's home: a step never resumes one.
      "--ephemeral",
      // No update checks, usage analytics or feedback uploads from a runner.
      "--config", "check_for_update_on_startup=false",
      "--config", "analytics.enabled=false",
      "--config", "feedback.enabled=false",
      // As @openai/codex-sdk passes a base URL: a config override, not a secret.
      ...(options.baseUrl === undefined ? [] : ["--config", `openai_base_url=${JSON.stringify(options.baseUrl)}`]),
      ...(options.model ? ["--model", options.model] : []),
      // The prompt is read from stdin.
      "-",
    ],
    // CODEX_API_KEY is the key `codex exec` reads (the SDK sets it); the CLI keeps it from the
    // commands it runs (its shell environment policy leaves out *KEY* variables).
    env: { CODEX_API_KEY: options.apiKey },
    stdin: options.prompt,
    output: "codex-json",
  };
}
