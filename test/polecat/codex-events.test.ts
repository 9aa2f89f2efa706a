// The Codex parser on `codex exec --json` output: the real CLI's (0.163.0, against the tests'
// scripted Responses server, in test/fixtures/agents/codex-exec-json.jsonl) and lines shaped as
// @openai/codex-sdk's ThreadEvent types describe them (test/agent-cli/agent-event-types.test.ts
// checks the parser's schemas against those types).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CodexEventParser } from "../../app/polecat/agents/codex-events.js";
import { AGENTS } from "../polecat/polecat-harness.js";

const FIXTURE = readFileSync(join(AGENTS, "codex-exec-json.jsonl"), "utf8").split("\n");

const line = (event: object) => JSON.stringify(event);
const command = (id: string, status: "in_progress" | "completed", cmd = "git status") => ({
  id, type: "command_execution", command: cmd, aggregated_output: "", ...(status === "completed" ? { exit_code: 0 } : {}), status,
});
const completed = (input: number, cached: number, output: number) => line({
  type: "turn.completed",
  usage: { input_tokens: input, cached_input_tokens: cached, cache_write_input_tokens: 0, output_tokens: output, reasoning_output_tokens: 0 },
});

describe("CodexEventParser", () => {
  it("reads the real CLI's events: a reply per command's result, the turn's tokens priced as the model it was started with", () => {
    const parser = new CodexEventParser("gpt-5.5");
    const news = FIXTURE.map((text) => parser.push(text));
    expect(news.map((n) => n.turnStarted)).toEqual([false, false, true, false, true, false, false]);
    expect(news.some((n) => n.malformed || n.apiError !== null)).toBe(false);
    // 1,600 new input tokens at $5 a million, 400 cached at $1.25, 100 output at $30.
    expect(parser.totals()).toEqual({
      turns: 2, model: "gpt-5.5", inputTokens: 2000, cachedInputTokens: 400, outputTokens: 100,
      costUsd: 0.0115, listed: true, toolCalls: 1, lines: 6, malformedLines: 0,
    });
    expect(parser.tail()).toBe("▸ command: /bin/bash -lc 'echo hi > hello.txt && cat hello.txt'\nDone.\n");
  });

  it("counts one reply for commands started together, and another for what the model says after their results", () => {
    const parser = new CodexEventParser("gpt-5.5");
    const turns = [
      line({ type: "item.completed", item: { id: "item_0", type: "reasoning", text: "Look first." } }),
      line({ type: "item.started", item: command("item_1", "in_progress") }),
      line({ type: "item.started", item: command("item_2", "in_progress", "git log") }),
      line({ type: "item.completed", item: command("item_1", "completed") }),
      line({ type: "item.updated", item: command("item_2", "in_progress", "git log") }),
      line({ type: "item.completed", item: command("item_2", "completed", "git log") }),
      line({ type: "item.completed", item: { id: "item_3", type: "file_change", changes: [{ path: "src/a.ts", kind: "update" }], status: "completed" } }),
      line({ type: "item.completed", item: { id: "item_4", type: "agent_message", text: "Changed a.ts." } }),
    ].map((text) => parser.push(text).turnStarted);
    expect(turns).toEqual([true, false, false, false, false, false, true, true]);
    expect(parser.totals()).toMatchObject({ turns: 3, toolCalls: 3 });
    expect(parser.tail()).toBe("▸ command: git status\n▸ command: git log\n▸ file_change: update src/a.ts\nChanged a.ts.\n");
  });

  it("sums the tokens of every turn.completed, and prices a model the table does not list as the dearest", () => {
    const parser = new CodexEventParser("gpt-7-unheard-of");
    parser.push(completed(1_000_000, 0, 0));
    parser.push(completed(0, 0, 1_000_000));
    expect(parser.totals()).toMatchObject({ inputTokens: 1_000_000, outputTokens: 1_000_000, costUsd: 210, listed: false });
  });

  it("reports a failed turn as the API's failure, a retry only in the tail, and counts lines that are not the published shapes as malformed", () => {
    const parser = new CodexEventParser("gpt-5.5");
    expect(parser.push(line({ type: "error", message: "Reconnecting... 1/5 (unexpected status 401 Unauthorized)" })))
      .toEqual({ malformed: false, turnStarted: false, apiError: null });
    expect(parser.push(line({ type: "turn.failed", error: { message: "unexpected status 401 Unauthorized" } })))
      .toEqual({ malformed: false, turnStarted: false, apiError: "unexpected status 401 Unauthorized" });
    const malformed = [
      "not json",
      line({ no: "type" }),
      line({ type: "turn.completed", usage: { input_tokens: -1, cached_input_tokens: 0, output_tokens: 0 } }),
      line({ type: "turn.completed" }),
      line({ type: "item.started", item: { type: "command_execution" } }),
      line({ type: "item.started", item: { id: "item_9", type: "command_execution" } }),
      line({ type: "item.completed", item: { id: "item_8", type: "agent_message" } }),
    ].map((text) => parser.push(text).malformed);
    expect(malformed).toEqual([true, true, true, true, true, true, true]);
    expect(parser.push("")).toEqual({ malformed: false, turnStarted: false, apiError: null });
    expect(parser.totals()).toMatchObject({ inputTokens: 0, costUsd: 0, lines: 9, malformedLines: 7 });
    expect(parser.tail()).toBe("! Reconnecting... 1/5 (unexpected status 401 Unauthorized)\n! unexpected status 401 Unauthorized\n");
  });
});
