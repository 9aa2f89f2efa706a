// The stream parser on lines shaped as Claude Code 2.1.332 writes them (the real CLI's own stream
// is parsed in test/agent-cli/claude-code.test.ts).
import { describe, expect, it } from "vitest";
import { ClaudeStreamParser } from "../../app/polecat/agents/claude-stream.js";

const SONNET = "claude-sonnet-4-5-20250929";
const HAIKU = "claude-haiku-4-5-20251001";

interface Usage {
  readonly input_tokens: number;
  readonly output_tokens: number;
  readonly cache_creation_input_tokens?: number;
  readonly cache_read_input_tokens?: number;
  readonly cache_creation?: { ephemeral_5m_input_tokens: number; ephemeral_1h_input_tokens: number };
}

const session = { session_id: "5e74ebe2-1d11-4837-97e6-d93ac187878a" };

function assistant(id: string, block: object, usage: Usage, options: { model?: string; parent?: string } = {}): string {
  return JSON.stringify({
    type: "assistant",
    message: {
      id, type: "message", role: "assistant", model: options.model ?? SONNET, content: [block],
      stop_reason: null, stop_sequence: null, usage, context_management: null,
    },
    parent_tool_use_id: options.parent ?? null, ...session, uuid: `uuid-${id}-${JSON.stringify(block).length}`,
  });
}

function event(payload: object, parent: string | null = null): string {
  return JSON.stringify({ type: "stream_event", event: payload, ...session, parent_tool_use_id: parent, uuid: "uuid-event" });
}

function messageStart(id: string, usage: Usage, model = SONNET, parent: string | null = null): string {
  return event({
    type: "message_start",
    message: { id, type: "message", role: "assistant", model, content: [], stop_reason: null, stop_sequence: null, usage },
  }, parent);
}

function messageDelta(outputTokens: number, parent: string | null = null): string {
  return event({ type: "message_delta", delta: { stop_reason: "tool_use", stop_sequence: null }, usage: { output_tokens: outputTokens } }, parent);
}

const text = (value: string) => ({ type: "text", text: value });
const toolUse = (id: string, name: string, input: object) => ({ type: "tool_use", id, name, input });

function parse(lines: readonly string[]): ClaudeStreamParser {
  const parser = new ClaudeStreamParser();
  for (const line of lines) parser.push(line);
  return parser;
}

describe("ClaudeStreamParser", () => {
  it("counts a message once though the CLI writes a line per content block, and takes its output tokens from message_delta", () => {
    const start = { input_tokens: 1200, output_tokens: 1, cache_creation_input_tokens: 4000, cache_read_input_tokens: 0 };
    const parser = new ClaudeStreamParser();
    const news = [
      JSON.stringify({ type: "system", subtype: "init", cwd: "/w", session_id: "s", tools: ["Bash", "Write"], mcp_servers: [], model: SONNET, permissionMode: "bypassPermissions", slash_commands: [], apiKeySource: "ANTHROPIC_API_KEY", claude_code_version: "2.1.332", output_style: "default", agents: [], skills: [], plugins: [], uuid: "u" }),
      messageStart("msg_1", start),
      event({ type: "content_block_start", index: 0, content_block: { type: "text", text: "" } }),
      event({ type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "I'll look." } }),
      assistant("msg_1", text("I'll look."), start),
      assistant("msg_1", toolUse("toolu_1", "Bash", { command: "ls -la\nls", description: "List the files" }), start),
      assistant("msg_1", toolUse("toolu_2", "Read", { file_path: "/w/README.md" }), start),
      messageDelta(310),
      event({ type: "message_stop" }),
    ].map((line) => parser.push(line));

    expect(news.map((each) => [each.turnStarted, each.toolCalls.map((call) => call.name), each.text])).toEqual([
      [false, [], []],
      [true, [], []],
      [false, [], []],
      [false, [], []],
      [false, [], ["I'll look."]],
      [false, ["Bash"], []],
      [false, ["Read"], []],
      [false, [], []],
      [false, [], []],
    ]);
    expect(parser.totals()).toEqual({
      turns: 1,
      subagentTurns: 0,
      byModel: {
        [SONNET]: {
          requests: 1, inputTokens: 1200, outputTokens: 310, cacheWriteTokens: 4000, cacheWrite1hTokens: 0,
          cacheReadTokens: 0, webSearchRequests: 0, costUsd: 0.02325,
        },
      },
      costUsd: 0.02325,
      unlistedModels: [],
      toolCalls: 2,
      lines: 9,
      malformedLines: 0,
      session: { version: "2.1.332", model: SONNET, permissionMode: "bypassPermissions" },
      reported: null,
    });
    expect(parser.tail()).toBe("I'll look.\n▸ Bash: List the files\n▸ Read: /w/README.md\n");
  });

  it("counts without partial messages too, from the assistant lines alone", () => {
    const parser = parse([
      assistant("msg_1", text("Hello."), { input_tokens: 100, output_tokens: 7 }),
      assistant("msg_2", toolUse("toolu_1", "Write", { file_path: "/w/a.txt", content: "a" }), { input_tokens: 150, output_tokens: 30 }),
    ]);
    expect(parser.totals()).toMatchObject({
      turns: 2, toolCalls: 1,
      byModel: { [SONNET]: { requests: 2, inputTokens: 250, outputTokens: 37 } },
    });
  });

  it("counts a subagent's messages apart from the main thread's turns, each in its own stream", () => {
    const parser = parse([
      messageStart("msg_main", { input_tokens: 500, output_tokens: 1 }),
      assistant("msg_main", toolUse("toolu_task", "Agent", { description: "Search the code", prompt: "…" }), { input_tokens: 500, output_tokens: 1 }),
      messageDelta(60),
      messageStart("msg_sub", { input_tokens: 300, output_tokens: 1 }, HAIKU, "toolu_task"),
      messageStart("msg_main_2", { input_tokens: 900, output_tokens: 1 }),
      messageDelta(25, "toolu_task"),
      messageDelta(80),
    ]);
    expect(parser.totals()).toMatchObject({
      turns: 2,
      subagentTurns: 1,
      byModel: {
        [SONNET]: { requests: 2, inputTokens: 1400, outputTokens: 140 },
        [HAIKU]: { requests: 1, inputTokens: 300, outputTokens: 25 },
      },
      toolCalls: 1,
    });
    expect(parser.tail()).toBe("▸ Agent: Search the code\n");
  });

  it("never lowers a count: a line reporting less for a known message changes nothing", () => {
    const parser = parse([
      messageStart("msg_1", { input_tokens: 1000, output_tokens: 1 }),
      messageDelta(500),
      assistant("msg_1", text("Done."), { input_tokens: 10, output_tokens: 1 }),
      messageDelta(3),
    ]);
    expect(parser.totals().byModel[SONNET]).toMatchObject({ inputTokens: 1000, outputTokens: 500 });
  });

  it("prices hour-long cache writes and models the table does not list, and names those", () => {
    const parser = parse([
      assistant("msg_1", text("a"), {
        input_tokens: 0, output_tokens: 0, cache_creation_input_tokens: 1_000_000,
        cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 1_000_000 },
      }),
      assistant("msg_2", text("b"), { input_tokens: 1_000_000, output_tokens: 0 }, { model: "claude-nova-9" }),
    ]);
    expect(parser.totals()).toMatchObject({
      byModel: { [SONNET]: { cacheWriteTokens: 1_000_000, cacheWrite1hTokens: 1_000_000, costUsd: 6 }, "claude-nova-9": { costUsd: 15 } },
      costUsd: 21,
      unlistedModels: ["claude-nova-9"],
    });
  });

  it("keeps the CLI's own report apart, and a message it made itself out of the count", () => {
    const parser = new ClaudeStreamParser();
    const synthetic = JSON.stringify({
      type: "assistant",
      message: { id: "61c2dbb1", model: "<synthetic>", role: "assistant", type: "message", content: [text("Invalid API key · Fix external API key")], usage: { input_tokens: 0, output_tokens: 0 } },
      parent_tool_use_id: null, ...session, uuid: "u", error: "authentication_failed",
    });
    expect(parser.push(synthetic)).toEqual({
      malformed: false, turnStarted: false, toolCalls: [], text: ["Invalid API key · Fix external API key"], apiError: "authentication_failed",
    });
    parser.push(JSON.stringify({ type: "result", subtype: "success", is_error: true, num_turns: 1, total_cost_usd: 0, duration_ms: 10, usage: {}, modelUsage: {}, ...session }));
    expect(parser.totals()).toMatchObject({
      turns: 0, byModel: {}, costUsd: 0, reported: { subtype: "success", isError: true, turns: 1, costUsd: 0 },
    });
  });

  it("counts malformed lines, and throws on none", () => {
    const parser = new ClaudeStreamParser();
    const lines = [
      "not json",
      "{\"type\": \"assistant\"",
      "[1, 2]",
      "null",
      "{\"no\": \"type\"}",
      "{\"type\": 7}",
      JSON.stringify({ type: "assistant", message: { id: "m", model: SONNET, content: "text", usage: {} }, parent_tool_use_id: null }),
      JSON.stringify({ type: "assistant", message: { id: "m", model: SONNET, content: [], usage: { input_tokens: -5 } }, parent_tool_use_id: null }),
      event({ type: "message_start", message: { id: 42 } }),
      event({ type: "message_delta", usage: { output_tokens: "many" } }),
      JSON.stringify({ type: "result", subtype: "success" }),
      JSON.stringify({ type: "system", subtype: "init", model: SONNET }),
    ];
    expect(lines.map((line) => parser.push(line).malformed)).toEqual(Array(lines.length).fill(true));
    expect(parser.totals()).toMatchObject({ turns: 0, byModel: {}, lines: lines.length, malformedLines: lines.length });
  });

  it("takes lines of kinds it does not read as output, and blank lines as nothing", () => {
    const parser = parse([
      JSON.stringify({ type: "user", message: { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_1", content: "ok" }] }, parent_tool_use_id: null, ...session }),
      JSON.stringify({ type: "system", subtype: "status", status: "requesting", ...session }),
      JSON.stringify({ type: "rate_limit_event", rate_limit_info: {}, ...session }),
      "",
      "   ",
    ]);
    expect(parser.totals()).toMatchObject({ lines: 3, malformedLines: 0, turns: 0 });
  });

  it("counts a tool call once, however often its block is written", () => {
    const call = assistant("msg_1", toolUse("toolu_1", "Bash", { command: "make" }), { input_tokens: 1, output_tokens: 1 });
    const parser = new ClaudeStreamParser();
    expect([parser.push(call), parser.push(call)].map((news) => news.toolCalls.length)).toEqual([1, 0]);
    expect(parser.tail()).toBe("▸ Bash: make\n");
  });

  it("keeps the tail to its size, from a line's start", () => {
    const parser = new ClaudeStreamParser(45);
    for (let n = 1; n <= 9; n++) parser.push(assistant(`msg_${n}`, text(`line number ${n}`), { input_tokens: 1, output_tokens: 1 }));
    expect(parser.tail()).toBe("line number 7\nline number 8\nline number 9\n");
  });
});
