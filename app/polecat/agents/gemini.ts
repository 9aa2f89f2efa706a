// The `gemini` agent: Google's Gemini CLI in headless mode, its events as JSON lines, every tool
// call approved (`yolo`: it runs as our unprivileged agent user inside our sandbox). What a flag
// cannot set (the key's kind, usage statistics, update checks) is in a system settings file,
// which takes precedence over any settings file in the agent's clone or home. The CLI ignores
// one with a directory writable by others on its path (even /tmp), so it lives in the agent cache.
import type { AgentInvocation } from "./agent-invocation.js";

/** The system settings every run gets (GEMINI_CLI_SYSTEM_SETTINGS_PATH). */
export const GEMINI_SYSTEM_SETTINGS = {
  // An API key, whatever the environment holds besides: without this, a base URL makes the CLI
  // pick a "gateway" authentication that its headless mode refuses.
  security: { auth: { selectedType: "gemini-api-key" } },
  general: { enableAutoUpdate: false, enableAutoUpdateNotification: false },
  privacy: { usageStatisticsEnabled: false },
  telemetry: { enabled: false },
} as const;

export interface GeminiOptions {
  /** The installed CLI's script (see install-agent.ts), started by the `node` on the agent's PATH. */
  readonly executable: string;
  readonly prompt: string;
  /** The model key; it reaches the CLI through its environment only. */
  readonly apiKey: string;
  /** `polecat.model`; the CLI's default when null. */
  readonly model?: string | null;
  /** Another Gemini API endpoint (the tests' scripted server; a gateway). */
  readonly baseUrl?: string;
  /**
   * A file holding GEMINI_SYSTEM_SETTINGS, readable by the agent's user, on a path only root can
   * write; none where the agent is the action's own user and has them as its user settings.
   */
  readonly settingsFile?: string;
}

export function geminiInvocation(options: GeminiOptions): AgentInvocation {
  return {
    argv: [
      options.executable,
      "--output-format", "stream-json",
      "--approval-mode", "yolo",
      // Headless, the CLI refuses a folder it has not been told to trust (and would drop yolo).
      "--skip-trust",
      ...(options.model ? ["--model", options.model] : []),
    ],
    env: {
      GEMINI_API_KEY: options.apiKey,
      ...(options.baseUrl === undefined ? {} : { GOOGLE_GEMINI_BASE_URL: options.baseUrl }),
      ...(options.settingsFile === undefined ? {} : { GEMINI_CLI_SYSTEM_SETTINGS_PATH: options.settingsFile }),
      GEMINI_TELEMETRY_ENABLED: "false",
    },
    // Without a TTY the CLI runs headless and takes its prompt from stdin.
    stdin: options.prompt,
    output: "gemini-stream-json",
  };
}
