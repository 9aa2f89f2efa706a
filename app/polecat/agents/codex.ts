// The `codex` agent: OpenAI's Codex CLI, `codex exec`, unattended, its events as JSON lines. Its
// own sandbox is off and it asks no approvals: it runs as our unprivileged agent user inside our
// sandbox, which is the "externally sandboxed" case the CLI's bypass flag is for. The config keys
// below are ones the pinned CLI knows (`--strict-config` accepts them; it refuses a misspelt one).
import type { AgentInvocation } from "./agent-invocation.js";

/** What the pinned CLI asks for when no model is named (its requests say so). */
export const CODEX_DEFAULT_MODEL = "gpt-6.1-sol";
const PROVIDER = "gastown";

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
      // Commands run in `bash -c`, not a login shell, whose profile would put the system's PATH
      // in place of the run's (and its `gt`).
      "--config", "allow_login_shell=false",
      // No update checks, usage analytics or feedback uploads from a runner.
      "--config", "check_for_update_on_startup=false",
      "--config", "analytics.enabled=false",
      "--config", "feedback.enabled=false",
      // Web search runs on OpenAI's servers and fetches any URL, past the network allow-list:
      // the model proxy refuses every call that offers it, so it is never offered.
      "--config", 'web_search="disabled"',
      ...(options.baseUrl === undefined ? [] : providerAt(options.baseUrl)),
      ...(options.model ? ["--model", options.model] : []),
      // The prompt is read from stdin.
      "-",
    ],
    // CODEX_API_KEY is the key `codex exec` reads (the SDK sets it); the CLI keeps it from the
    // commands it runs (its shell environment policy leaves out *KEY* variables).
    env: { CODEX_API_KEY: options.apiKey },
    stdin: options.prompt,
    output: "codex-json",
    // The events do not name the model, so its tokens are priced as the one asked for.
    model: options.model || CODEX_DEFAULT_MODEL,
  };
}

/**
 * Another endpoint, as a model provider of its own (config overrides, no secret): OpenAI's
 * built-in provider speaks the Responses API over a WebSocket first, which a gateway need not
 * serve; this one sends plain HTTP requests, with the key from CODEX_API_KEY.
 */
function providerAt(baseUrl: string): string[] {
  const setting = (key: string, value: string | boolean) => ["--config", `model_providers.${PROVIDER}.${key}=${JSON.stringify(value)}`];
  return [
    "--config", `model_provider=${JSON.stringify(PROVIDER)}`,
    ...setting("name", "Gas Town model endpoint"),
    ...setting("base_url", baseUrl),
    ...setting("env_key", "CODEX_API_KEY"),
    ...setting("wire_api", "responses"),
    ...setting("supports_websockets", false),
  ];
}
