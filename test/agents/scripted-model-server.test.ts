import { afterEach, describe, expect, it } from "vitest";
import {
  lastToolResult, startScriptedModelServer, type MessagesRequest, type ModelScript, type ScriptedModelServer,
} from "./scripted-model-server.js";

const KEY = "sk-ant-test-key";
const MAIN = "claude-sonnet-4-5-20250929";

let server: ScriptedModelServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(script: ModelScript): Promise<ScriptedModelServer> {
  server = await startScriptedModelServer({ apiKey: KEY, mainModel: MAIN, script });
  return server;
}

function post(path: string, body: unknown, key = KEY): Promise<Response> {
  return fetch(`${server!.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-api-key": key, "anthropic-version": "2023-06-01" },
    body: JSON.stringify(body),
  });
}

/** Server-sent events as [event, data] pairs. */
function events(text: string): [string, unknown][] {
  return text.split("\n\n").filter((chunk) => chunk !== "").map((chunk) => {
    const [event, data] = chunk.split("\n");
    return [event!.replace(/^event: /, ""), JSON.parse(data!.replace(/^data: /, ""))];
  });
}

const request = (model: string, stream: boolean): MessagesRequest => ({
  model, stream, messages: [{ role: "user", content: "Write the file." }],
});

describe("the scripted model server", () => {
  it("streams the main model's turn as the Messages API does, text and tool use in pieces", async () => {
    const turns: number[] = [];
    await start((_request, turn) => {
      turns.push(turn);
      return {
        content: [
          { type: "text", text: "Writing it." },
          { type: "tool_use", name: "Write", input: { file_path: "/w/a.txt", content: "a" } },
        ],
        usage: { input_tokens: 1200, output_tokens: 35, cache_read_input_tokens: 400 },
      };
    });
    const response = await post("/v1/messages?beta=true", request(MAIN, true));
    expect(response.headers.get("content-type")).toBe("text/event-stream");
    const usage = { input_tokens: 1200, output_tokens: 35, cache_creation_input_tokens: 0, cache_read_input_tokens: 400 };
    expect(events(await response.text())).toEqual([
      ["message_start", {
        type: "message_start",
        message: {
          id: "msg_scripted_0001", type: "message", role: "assistant", model: MAIN, content: [],
          stop_reason: null, stop_sequence: null, usage: { ...usage, output_tokens: 1 },
        },
      }],
      ["ping", { type: "ping" }],
      ["content_block_start", { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } }],
      ["content_block_delta", { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "Writ" } }],
      ["content_block_delta", { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "ing " } }],
      ["content_block_delta", { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "it." } }],
      ["content_block_stop", { type: "content_block_stop", index: 0 }],
      ["content_block_start", {
        type: "content_block_start", index: 1,
        content_block: { type: "tool_use", id: "toolu_scripted_0001_1", name: "Write", input: {} },
      }],
      ["content_block_delta", { type: "content_block_delta", index: 1, delta: { type: "input_json_delta", partial_json: "" } }],
      ["content_block_delta", { type: "content_block_delta", index: 1, delta: { type: "input_json_delta", partial_json: '{"file_path":' } }],
      ["content_block_delta", { type: "content_block_delta", index: 1, delta: { type: "input_json_delta", partial_json: '"/w/a.txt","c' } }],
      ["content_block_delta", { type: "content_block_delta", index: 1, delta: { type: "input_json_delta", partial_json: 'ontent":"a"}' } }],
      ["content_block_stop", { type: "content_block_stop", index: 1 }],
      ["message_delta", { type: "message_delta", delta: { stop_reason: "tool_use", stop_sequence: null }, usage }],
      ["message_stop", { type: "message_stop" }],
    ]);
    expect(turns).toEqual([0]);
  });

  it("holds a reply after message_start when told, and sends the rest to a client still there", async () => {
    await start(() => ({ content: [{ type: "text", text: "Done." }], holdMs: 200 }));
    const held = await post("/v1/messages", request(MAIN, true));
    const reader = held.body!.getReader();
    const decoder = new TextDecoder();
    const first = decoder.decode((await reader.read()).value);
    let rest = "";
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) rest += decoder.decode(chunk.value);
    expect(events(first).map(([event]) => event)).toEqual(["message_start", "ping"]);
    expect(events(rest).map(([event]) => event)).toEqual([
      "content_block_start", "content_block_delta", "content_block_delta", "content_block_delta", "content_block_stop",
      "message_delta", "message_stop",
    ]);

    // A client that hangs up in the pause gets nothing more.
    const cut = await post("/v1/messages", request(MAIN, true));
    const cutReader = cut.body!.getReader();
    expect(events(decoder.decode((await cutReader.read()).value)).map(([event]) => event)).toEqual(["message_start", "ping"]);
    await cutReader.cancel();
    expect(server!.requests.map((each) => [each.route, each.status])).toEqual([["main", 200], ["main", 200]]);
  });

  it("answers a request without streaming with the whole message", async () => {
    await start(() => ({ content: [{ type: "text", text: "Done." }] }));
    const response = await post("/v1/messages", request(MAIN, false));
    expect(await response.json()).toEqual({
      id: "msg_scripted_0001", type: "message", role: "assistant", model: MAIN,
      content: [{ type: "text", text: "Done." }], stop_reason: "end_turn", stop_sequence: null,
      usage: { input_tokens: 100, output_tokens: 20, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
    });
  });

  it("answers the small model's side calls with a fixed answer, leaving the script's turns alone", async () => {
    const turns: number[] = [];
    await start((_request, turn) => {
      turns.push(turn);
      return { content: [{ type: "text", text: `turn ${turn}` }] };
    });
    const side = await post("/v1/messages", request("claude-haiku-4-5-20251001", false));
    expect(await side.json()).toMatchObject({
      model: "claude-haiku-4-5-20251001", content: [{ type: "text", text: "OK" }],
      usage: { input_tokens: 10, output_tokens: 2 },
    });
    expect(await (await post("/v1/messages", request(MAIN, false))).json()).toMatchObject({ content: [{ type: "text", text: "turn 0" }] });
    expect(turns).toEqual([0]);
    expect(server!.requests.map((each) => each.route)).toEqual(["side", "main"]);
  });

  it("counts tokens", async () => {
    await start(() => ({ content: [] }));
    const response = await post("/v1/messages/count_tokens", { model: MAIN, messages: [{ role: "user", content: "Hello there" }] });
    expect(await response.json()).toEqual({ input_tokens: 11 });
  });

  it("refuses a wrong key and answers anything else 404, recording both", async () => {
    await start(() => ({ content: [] }));
    const refused = await post("/v1/messages", request(MAIN, true), "sk-ant-other");
    expect([refused.status, await refused.json()]).toEqual([401, { type: "error", error: { type: "authentication_error", message: "invalid x-api-key" } }]);
    const unknown = await fetch(`${server!.url}/v1/models`);
    expect([unknown.status, await unknown.json()]).toEqual([404, { type: "error", error: { type: "not_found_error", message: "GET /v1/models is not scripted" } }]);
    expect(server!.requests.map((each) => [each.route, each.status, each.method, each.url, each.headers["x-api-key"]])).toEqual([
      ["unauthorized", 401, "POST", "/v1/messages", "sk-ant-other"],
      ["not_found", 404, "GET", "/v1/models", undefined],
    ]);
  });

  it("answers 400 with the script's complaint when it cannot go on, and records it", async () => {
    await start(() => { throw new Error("turn 0: the last tool call failed"); });
    const response = await post("/v1/messages", request(MAIN, true));
    expect([response.status, await response.json()]).toEqual([
      400, { type: "error", error: { type: "invalid_request_error", message: "script: turn 0: the last tool call failed" } },
    ]);
    expect(server!.requests.map((each) => each.scriptError)).toEqual(["turn 0: the last tool call failed"]);
  });
});

describe("lastToolResult", () => {
  it("is the last tool result the client sent, in either of its shapes", () => {
    expect(lastToolResult({
      model: MAIN,
      messages: [
        { role: "user", content: "Go." },
        { role: "assistant", content: [{ type: "tool_use" }] },
        { role: "user", content: [{ type: "tool_result", tool_use_id: "t1", content: "first" }] },
        { role: "assistant", content: [{ type: "tool_use" }] },
        { role: "user", content: [
          { type: "tool_result", tool_use_id: "t2", content: [{ type: "text", text: "Exit code 1\n" }, { type: "text", text: "no such file" }], is_error: true },
          { type: "text", text: "<system-reminder>…</system-reminder>" },
        ] },
      ],
    })).toEqual({ text: "Exit code 1\nno such file", isError: true });
    expect(lastToolResult({ model: MAIN, messages: [{ role: "user", content: "Go." }] })).toBeNull();
  });
});
