// The Gemini parser on `--output-format stream-json` output: the real CLI's (0.61.0, against the
// tests' scripted Gemini API server, in test/fixtures/agents/gemini-stream-json.jsonl) and lines
// shaped as @google/gemini-cli-core's JsonStreamEvent types describe them
// (test/agent-cli/agent-event-types.test.ts checks the parser's schemas against those types).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { GeminiStreamParser } from "../../app/polecat/agents/gemini-stream.js";
import { AGENTS } from "../polecat/polecat-harness.js";

const FIXTURE = readFileSync(join(AGENTS, "gemini-stream-json.jsonl"), "utf8").split("\n");
const TIMESTAMP = { timestamp: "2026-12-03T01:59:04.009Z" };

const line = (event: object) => JSON.stringify({ ...event, ...TIMESTAMP });
const say = (content: string, delta = true) => line({ type: "message", role: "assistant", content, delta });
const tool = (id: string, command: string) => line({ type: "tool_use", tool_name: "run_shell_command", tool_id: id, parameters: { command } });
const result = (id: string) => line({ type: "tool_result", tool_id: id, status: "success", output: "" });
const stats = (total: number, input: number, output: number, cached: number) => ({ total_tokens: total, input_tokens: input, output_tokens: output, cached, input: input - cached });

describe("GeminiStreamParser", () => {
  it("reads the real CLI's events: a reply per tool result, the tokens per model at the end, thinking priced as output", () => {
    const parser = new GeminiStreamParser();
    const news = FIXTURE.map((text) => parser.push(text));
    expect(news.map((n) => n.turnStarted)).toEqual([false, false, true, false, true, false, false]);
    expect(news.some((n) => n.malformed || n.apiError !== null)).toBe(false);
    // 1,800 new input tokens at $0.30 a million, 200 cached at $0.075, 80 output and 20 thinking at $2.50.
    expect(parser.totals()).toEqual({
      turns: 2,
      byModel: { "gemini-2.5-flash": { inputTokens: 2000, cachedInputTokens: 200, outputTokens: 100, costUsd: 0.000805, listed: true } },
      costUsd: 0.000805, model: "gemini-2.5-flash", toolCalls: 1, lines: 6, malformedLines: 0,
    });
    expect(parser.tail()).toBe("▸ run_shell_command: echo hi > hello.txt && cat hello.txt\nDone.\n");
  });

  it("counts one reply for tool calls made together, keeps streamed text whole, and prices every model the session used", () => {
    const parser = new GeminiStreamParser();
    const turns = [
      say("Let me "), say("look."), tool("a", "git status"), tool("b", "git log"), result("a"), result("b"),
      say("Both clean."),
      line({ type: "result", status: "success", stats: { models: {
        "gemini-3.1-pro-preview": stats(1_500_000, 1_000_000, 400_000, 0),
        "gemini-unheard-of": stats(1_000_000, 0, 1_000_000, 0),
      } } }),
    ].map((text) => parser.push(text).turnStarted);
    expect(turns).toEqual([true, false, false, false, false, false, true, false]);
    // Gemini 3.1 Pro at its dearer tier, $4 and $18 a million, its thinking (the total less the
    // prompt and the answer) as output; an unlisted model at the dearest row's $18.
    expect(parser.totals()).toMatchObject({
      turns: 2, toolCalls: 2, costUsd: 31,
      byModel: {
        "gemini-3.1-pro-preview": { inputTokens: 1_000_000, outputTokens: 500_000, costUsd: 13, listed: true },
        "gemini-unheard-of": { outputTokens: 1_000_000, costUsd: 18, listed: false },
      },
    });
    expect(parser.tail()).toBe("Let me look.\n▸ run_shell_command: git status\n▸ run_shell_command: git log\nBoth clean.\n");
  });

  it("reports a failed session as the API's failure, and counts lines that are not the published shapes as malformed", () => {
    const parser = new GeminiStreamParser();
    expect(parser.push(line({ type: "result", status: "error", error: { type: "Error", message: "API key not valid" } })))
      .toEqual({ malformed: false, turnStarted: false, apiError: "API key not valid" });
    const malformed = [
      "{",
      line({ type: "message", role: "model", content: "x" }),
      line({ type: "tool_use", tool_name: "run_shell_command", tool_id: "c" }),
      line({ type: "result", status: "success", stats: { models: { m: { total_tokens: "many" } } } }),
      line({ type: "init", session_id: "s" }),
    ].map((text) => parser.push(text).malformed);
    expect(malformed).toEqual([true, true, true, true, true]);
    expect(parser.totals()).toMatchObject({ turns: 0, costUsd: 0, lines: 6, malformedLines: 5 });
    expect(parser.tail()).toBe("! API key not valid\n");
  });
});
