import { describe, expect, it } from "vitest";
import { claudeInvocation } from "../../app/polecat/agents/claude.js";
import { commandInvocation } from "../../app/polecat/agents/command.js";

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
