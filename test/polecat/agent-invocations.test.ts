import { describe, expect, it } from "vitest";
import { claudeInvocation } from "../../app/polecat/agents/claude.js";
import { CODEX_DEFAULT_MODEL, codexInvocation } from "../../app/polecat/agents/codex.js";
import { commandInvocation } from "../../app/polecat/agents/command.js";
import { GEMINI_SYSTEM_SETTINGS, geminiInvocation } from "../../app/polecat/agents/gemini.js";

const CLAUDE = "/var/cache/gastown/agents/anthropic-ai-claude-code@2.1.332/node_modules/@anthropic-ai/claude-code-linux-x64/claude";

describe("claudeInvocation", () => {
  it("runs Claude Code in print mode, streaming JSON, with its tools allowed, the prompt on stdin and the key in the environment", () => {
    expect(claudeInvocation({ executable: CLAUDE, prompt: "Do the step.", apiKey: "sk-ant-secret", model: "claude-opus-4-7", baseUrl: "http://127.0.0.1:8080", maxBudgetUsd: 2.5 })).toEqual({
      argv: [
        CLAUDE, "--print", "--output-format", "stream-json", "--verbose", "--include-partial-messages",
        "--permission-mode", "bypassPermissions", "--model", "claude-opus-4-7", "--max-budget-usd", "2.5",
      ],
      env: {
        ANTHROPIC_API_KEY: "sk-ant-secret",
        ANTHROPIC_BASE_URL: "http://127.0.0.1:8080",
        ANTHROPIC_DEFAULT_HAIKU_MODEL: "claude-opus-4-7",
        ANTHROPIC_SMALL_FAST_MODEL: "claude-opus-4-7",
        CLAUDE_CODE_SUBAGENT_MODEL: "claude-opus-4-7",
        CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
        DISABLE_AUTOUPDATER: "1",
      },
      stdin: "Do the step.",
      output: "claude-stream-json",
    });
  });

  it("leaves the model, the endpoint and the budget to the CLI when not configured", () => {
    const invocation = claudeInvocation({ executable: CLAUDE, prompt: "p", apiKey: "sk-ant-secret", model: null });
    expect(invocation.argv).toEqual([
      CLAUDE, "--print", "--output-format", "stream-json", "--verbose", "--include-partial-messages",
      "--permission-mode", "bypassPermissions",
    ]);
    expect(Object.keys(invocation.env)).toEqual(["ANTHROPIC_API_KEY", "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "DISABLE_AUTOUPDATER"]);
    expect(invocation.argv.join(" ")).not.toContain("sk-ant-secret");
  });
});

describe("commandInvocation", () => {
  const options = { prompt: "Do the step.", promptFile: "/var/lib/gastown/r1/agent/prompt.md", agentClone: "/var/lib/gastown/r1/agent/clone" };

  it("runs the executable alone, the prompt on stdin and in GASTOWN_PROMPT_FILE, its output as text", () => {
    expect(commandInvocation({ ...options, executable: "/opt/team/bin/our-agent" })).toEqual({
      argv: ["/opt/team/bin/our-agent"],
      env: { GASTOWN_PROMPT_FILE: "/var/lib/gastown/r1/agent/prompt.md" },
      stdin: "Do the step.",
      output: "text",
    });
    expect(commandInvocation({ ...options, executable: "/var/lib/gastown/r1/agent/clone-tools/run" }).argv)
      .toEqual(["/var/lib/gastown/r1/agent/clone-tools/run"]);
  });

  it("refuses a command that is not resolved to an absolute path, or that lies in the agent's clone", () => {
    expect(() => commandInvocation({ ...options, executable: "scripts/agent.sh" })).toThrow(
      'polecat.command: "scripts/agent.sh" is not an absolute path; the action resolves the command before it runs it',
    );
    expect(() => commandInvocation({ ...options, executable: "/var/lib/gastown/r1/agent/clone/scripts/agent.sh" })).toThrow(
      'polecat.command: "/var/lib/gastown/r1/agent/clone/scripts/agent.sh" is inside the agent\'s clone; the command must come from the default branch or the runner',
    );
    expect(() => commandInvocation({ ...options, executable: "/var/lib/gastown/r1/agent/clone/../clone/x" })).toThrow("is inside the agent's clone");
  });
});

const CODEX = "/var/cache/gastown/agents/openai-codex@0.163.0/node_modules/@openai/codex-linux-x64/vendor/x86_64-unknown-linux-musl/bin/codex";

describe("codexInvocation", () => {
  it("runs codex exec with JSON events, its sandbox and approvals off, no updates or analytics, the prompt on stdin and the key in the environment", () => {
    expect(codexInvocation({ executable: CODEX, prompt: "Do the step.", apiKey: "sk-secret", model: "gpt-5.5", baseUrl: "http://127.0.0.1:8080/v1" })).toEqual({
      argv: [
        CODEX, "exec", "--json", "--dangerously-bypass-approvals-and-sandbox", "--ephemeral",
        "--config", "allow_login_shell=false",
        "--config", "check_for_update_on_startup=false", "--config", "analytics.enabled=false", "--config", "feedback.enabled=false", "--config", 'web_search="disabled"',
        "--config", 'model_provider="gastown"',
        "--config", 'model_providers.gastown.name="Gas Town model endpoint"',
        "--config", 'model_providers.gastown.base_url="http://127.0.0.1:8080/v1"',
        "--config", 'model_providers.gastown.env_key="CODEX_API_KEY"',
        "--config", 'model_providers.gastown.wire_api="responses"',
        "--config", "model_providers.gastown.supports_websockets=false",
        "--model", "gpt-5.5", "-",
      ],
      env: { CODEX_API_KEY: "sk-secret" },
      stdin: "Do the step.",
      output: "codex-json",
      model: "gpt-5.5",
    });
  });

  it("leaves the model and the endpoint to the CLI when not configured, and prices its tokens as the CLI's default model", () => {
    const invocation = codexInvocation({ executable: CODEX, prompt: "p", apiKey: "sk-secret", model: null });
    expect(invocation.argv).toEqual([
      CODEX, "exec", "--json", "--dangerously-bypass-approvals-and-sandbox", "--ephemeral", "--config", "allow_login_shell=false",
      "--config", "check_for_update_on_startup=false", "--config", "analytics.enabled=false", "--config", "feedback.enabled=false", "--config", 'web_search="disabled"', "-",
    ]);
    expect(invocation.model).toBe(CODEX_DEFAULT_MODEL);
    expect(invocation.argv.join(" ")).not.toContain("sk-secret");
  });
});

const GEMINI = "/var/cache/gastown/agents/google-gemini-cli@0.61.0/node_modules/@google/gemini-cli/bundle/gemini.js";
const SETTINGS = "/var/cache/gastown/agents/google-gemini-cli@0.61.0.settings.json";

describe("geminiInvocation", () => {
  it("runs Gemini CLI headless with stream-json output, every tool call approved, the prompt on stdin, the key in the environment and the system settings named there", () => {
    expect(geminiInvocation({ executable: GEMINI, prompt: "Do the step.", apiKey: "gm-secret", model: "gemini-2.5-pro", baseUrl: "http://127.0.0.1:8080", settingsFile: SETTINGS })).toEqual({
      argv: [GEMINI, "--output-format", "stream-json", "--approval-mode", "yolo", "--skip-trust", "--model", "gemini-2.5-pro"],
      env: {
        GEMINI_API_KEY: "gm-secret",
        GOOGLE_GEMINI_BASE_URL: "http://127.0.0.1:8080",
        GEMINI_CLI_SYSTEM_SETTINGS_PATH: SETTINGS,
        GEMINI_TELEMETRY_ENABLED: "false",
      },
      stdin: "Do the step.",
      output: "gemini-stream-json",
    });
  });

  it("leaves the model and the endpoint to the CLI when not configured", () => {
    const invocation = geminiInvocation({ executable: GEMINI, prompt: "p", apiKey: "gm-secret", model: null, settingsFile: SETTINGS });
    expect(invocation.argv).toEqual([GEMINI, "--output-format", "stream-json", "--approval-mode", "yolo", "--skip-trust"]);
    expect(Object.keys(invocation.env)).toEqual(["GEMINI_API_KEY", "GEMINI_CLI_SYSTEM_SETTINGS_PATH", "GEMINI_TELEMETRY_ENABLED"]);
    expect(invocation.argv.join(" ")).not.toContain("gm-secret");
  });

  it("points at no system settings where the agent, the action's own user, has them in its home", () => {
    const invocation = geminiInvocation({ executable: GEMINI, prompt: "p", apiKey: "gm-secret", model: null, baseUrl: "http://127.0.0.1:4180" });
    expect(invocation.env).toEqual({ GEMINI_API_KEY: "gm-secret", GOOGLE_GEMINI_BASE_URL: "http://127.0.0.1:4180", GEMINI_TELEMETRY_ENABLED: "false" });
  });

  it("has system settings that take an API key and send no usage statistics, telemetry or update checks", () => {
    expect(GEMINI_SYSTEM_SETTINGS).toEqual({
      security: { auth: { selectedType: "gemini-api-key" } },
      general: { enableAutoUpdate: false, enableAutoUpdateNotification: false },
      privacy: { usageStatisticsEnabled: false },
      telemetry: { enabled: false },
    });
  });
});
