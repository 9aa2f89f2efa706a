import { describe, expect, it } from "vitest";
import { AnswerUsage } from "../../app/polecat/sandbox/model-answer.js";
import { callCostUsd, NO_TOKENS, usageIn, worstCaseUsd } from "../../app/polecat/sandbox/model-usage.js";

describe("a model answer's usage", () => {
  it("reads Anthropic's stream across chunks that split its events, the final counts winning", () => {
    const stream = [
      'event: message_start\ndata: {"type":"message_start","message":{"usage":{"input_tokens":10,"output_tokens":1,',
      '"cache_creation_input_tokens":300,"cache_creation":{"ephemeral_5m_input_tokens":100,"ephemeral_1h_input_tokens":200},"cache_read_input_tokens":40}}}\r\n\r\n',
      'event: message_delta\ndata: {"type":"message_delta","usage":{"output_tokens":77,"server_tool_use":{"web_search_requests":0}},"inference_geo":"us"}\n',
      "\nevent: message_stop\ndata: {\"type\":\"message_stop\"}\n\n",
    ];
    const usage = new AnswerUsage("anthropic", true);
    for (const chunk of stream) usage.push(Buffer.from(chunk));
    expect(usage.end()).toEqual({ input: 10, output: 77, cacheWrite: 300, cacheWrite1h: 200, cacheRead: 40, webSearches: 0, usOnly: false });
  });

  it("reads a multi-byte character split between chunks", () => {
    const text = 'data: {"text":"é","usageMetadata":{"promptTokenCount":5,"candidatesTokenCount":2}}\n\n';
    const bytes = Buffer.from(text);
    const at = bytes.indexOf(0xc3) + 1;
    const usage = new AnswerUsage("gemini", true);
    usage.push(bytes.subarray(0, at));
    usage.push(bytes.subarray(at));
    expect(usage.end()).toEqual({ ...NO_TOKENS, input: 5, output: 2 });
  });

  it("reads a Gemini stream sent as a JSON array, and a plain JSON answer", () => {
    const array = new AnswerUsage("gemini", false);
    array.push(Buffer.from(JSON.stringify([
      { usageMetadata: { promptTokenCount: 100, candidatesTokenCount: 1 } },
      { usageMetadata: { promptTokenCount: 100, cachedContentTokenCount: 60, candidatesTokenCount: 9, thoughtsTokenCount: 4, toolUsePromptTokenCount: 5 } },
    ])));
    expect(array.end()).toEqual({ ...NO_TOKENS, input: 45, cacheRead: 60, output: 13 });
    const json = new AnswerUsage("openai", false);
    json.push(Buffer.from(JSON.stringify({ object: "response", usage: { input_tokens: 50, input_tokens_details: { cached_tokens: 20 }, output_tokens: 7 } })));
    expect(json.end()).toEqual({ ...NO_TOKENS, input: 30, cacheRead: 20, output: 7 });
  });

  it("reports none when the answer has none, or is not JSON", () => {
    const usage = new AnswerUsage("openai", true);
    usage.push(Buffer.from('event: response.created\ndata: {"type":"response.created","response":{"id":"r"}}\n\ndata: [DONE]\n\n'));
    expect(usage.end()).toBeNull();
    const garbage = new AnswerUsage("anthropic", false);
    garbage.push(Buffer.from("<html>"));
    expect(garbage.end()).toBeNull();
    expect(usageIn("anthropic", { type: "error", error: { type: "overloaded_error" } })).toBeNull();
  });
});

describe("a call's cost", () => {
  it("prices Claude's cache writes by their lifetime and US-only inference dearer", () => {
    // Sonnet 4.5: $3 in, $15 out, $3.75 five-minute writes, $6 hour-long writes, $0.30 reads.
    const tokens = { input: 1000, output: 100, cacheWrite: 3000, cacheWrite1h: 1000, cacheRead: 10_000, webSearches: 0, usOnly: false };
    expect(callCostUsd("anthropic", "claude-sonnet-4-5", tokens)).toBeCloseTo((3000 + 1500 + 7500 + 6000 + 3000) / 1e6, 12);
    expect(callCostUsd("anthropic", "claude-sonnet-4-5", { ...tokens, usOnly: true })).toBeCloseTo(1.1 * 21_000 / 1e6, 12);
  });

  it("reserves every prompt token at the dearest rate a prompt token has, and the long-prompt tier past its threshold", () => {
    // Sonnet 4.5: hour-long cache writes at $6, on US-only inference (x1.1), output at $15.
    expect(worstCaseUsd("anthropic", "claude-sonnet-4-5", 1000, 1000)).toBeCloseTo(1.1 * (6000 + 15_000) / 1e6, 12);
    // Haiku 5.5 past 100K prompt tokens: $1 hour-long writes, $2.50 out.
    expect(worstCaseUsd("anthropic", "claude-haiku-5-5", 200_000, 1000)).toBeCloseTo(1.1 * (200_000 * 1 + 1000 * 2.5) / 1e6, 12);
    // GPT-5.4: $2.50 in, $15 out; Gemini 2.5 Flash: $0.30 in, $2.50 out.
    expect(worstCaseUsd("openai", "gpt-5.4", 1000, 1000)).toBeCloseTo(17_500 / 1e6, 12);
    expect(worstCaseUsd("gemini", "gemini-2.5-flash", 1000, 1000)).toBeCloseTo(2800 / 1e6, 12);
  });
});
