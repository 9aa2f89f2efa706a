// The model proxy in front of the scripted OpenAI Responses and Gemini servers, over real HTTP on
// its Unix socket: each vendor's key in its own place, its server-side tools refused, its usage
// metered.
import { afterEach, describe, expect, it } from "vitest";
import { startModelProxy, type ModelCall, type ModelProxy, type ModelVendor } from "../../app/polecat/sandbox/model-proxy.js";
import type { ScriptedHttpServer } from "../agents/scripted-http.js";
import { startScriptedGeminiServer } from "../agents/scripted-gemini-server.js";
import { startScriptedResponsesServer } from "../agents/scripted-responses-server.js";
import { post, socketDirectory } from "./model-proxy-http.js";

const REAL_KEY = "real-vendor-key-for-tests";
const USAGE = { input: 1000, cached: 200, output: 300, reasoning: 50 };

let upstream: ScriptedHttpServer | undefined;
let proxy: ModelProxy | undefined;
let dir: ReturnType<typeof socketDirectory> | undefined;
afterEach(async () => {
  await proxy?.close();
  await upstream?.close();
  dir?.remove();
  proxy = upstream = dir = undefined;
});

async function start(vendor: Exclude<ModelVendor, "anthropic">, calls: ModelCall[] = []): Promise<{ proxy: ModelProxy; upstream: ScriptedHttpServer }> {
  const options = { apiKey: REAL_KEY, script: () => ({ say: "done" }), usage: USAGE };
  upstream = vendor === "openai" ? await startScriptedResponsesServer(options) : await startScriptedGeminiServer(options);
  dir = socketDirectory();
  proxy = await startModelProxy({
    // The action's model-base-url for codex ends in /v1, as Codex's base_url does.
    socket: dir.socket, vendor, upstream: vendor === "openai" ? `${upstream.url}/v1` : upstream.url, apiKey: REAL_KEY, allowedModels: null,
    limits: { maxTurns: 80, maxCostUsd: 10 }, clock: () => new Date("2026-12-03T07:00:00.000Z"), onCall: (call) => calls.push(call),
  });
  return { proxy, upstream };
}

describe("the model proxy, in front of OpenAI's Responses API", () => {
  const responses = (extra: Record<string, unknown> = {}) => ({
    model: "gpt-5.4", stream: true, input: [{ type: "message", role: "user", content: "Write the file." }],
    tools: [{ type: "function", name: "exec_command", parameters: { type: "object" } }], ...extra,
  });

  it("forwards /v1/responses (Codex's <base_url>/responses) with the real bearer key, and meters its usage", async () => {
    const calls: ModelCall[] = [];
    const { proxy, upstream } = await start("openai", calls);

    const answer = await post(proxy.socket, "/v1/responses", responses(), { authorization: `Bearer ${proxy.dummyKey}`, "openai-beta": "responses=v1" });

    expect(answer.status).toBe(200);
    expect(answer.text).toContain("event: response.completed");
    expect(upstream.requests.map(({ url, headers }) => ({ url, headers }))).toEqual([{
      url: "/v1/responses",
      headers: {
        host: upstream.url.replace("http://", ""),
        connection: "keep-alive",
        "content-type": "application/json",
        "openai-beta": "responses=v1",
        authorization: `Bearer ${REAL_KEY}`,
        "accept-encoding": "identity",
        "content-length": String(Buffer.byteLength(JSON.stringify(responses()))),
      },
    }]);
    // GPT-5.4: $2.50 in, $0.25 cached, $15 out (reasoning included) per million.
    expect(proxy.usage()).toEqual({ turns: 1, costUsd: 0.00655, calls: 1, refused: 0 });
    expect(calls.map((call) => call.tokens)).toEqual([{ input: 800, output: 300, cacheWrite: 0, cacheWrite1h: 0, cacheRead: 200, webSearches: 0, usOnly: false }]);
  });

  it.each([
    [{ tools: [{ type: "web_search" }] }, "tool web_search (searches the web from OpenAI's servers)"],
    [{ tools: [{ type: "web_search_preview_2025_03_11" }] }, "tool web_search_preview_2025_03_11 (searches the web from OpenAI's servers)"],
    [{ tools: [{ type: "file_search", vector_store_ids: ["vs_1"] }] }, "tool file_search (reads the account's vector stores, not the run's files)"],
    [{ tools: [{ type: "code_interpreter", container: { type: "auto" } }] }, "tool code_interpreter (runs code in OpenAI's containers, outside the run's sandbox)"],
    [{ tools: [{ type: "mcp", server_label: "x", server_url: "https://evil.example/mcp" }] }, "tool mcp (calls an MCP server from OpenAI's servers)"],
    [{ tools: [{ type: "image_generation" }] }, "tool image_generation (makes images, billed apart from the tokens the proxy meters)"],
    [{ tools: [{ type: "computer_use_preview", display_width: 1024, display_height: 768, environment: "browser" }] },
      "tool computer_use_preview (drives a computer for a model Gas Town does not price)"],
    [{ background: true }, "background (the response would run where the proxy cannot meter it)"],
  ])("refuses %j, and the upstream never sees it", async (extra, named) => {
    const { proxy, upstream } = await start("openai");
    const answer = await post(proxy.socket, "/v1/responses", responses(extra), { authorization: `Bearer ${proxy.dummyKey}` });
    expect(answer.status).toBe(400);
    expect(answer.json).toEqual({
      error: {
        message: `Gas Town: the model proxy refuses what the API would run or fetch on its own servers, past the run's network allow-list: ${named}.`,
        type: "invalid_request_error", param: null, code: null,
      },
    });
    expect(upstream.requests).toEqual([]);
  });

  it("refuses the Codex CLI's own default model, which the price table does not list, and any call without the dummy", async () => {
    const { proxy, upstream } = await start("openai");
    const unpriced = await post(proxy.socket, "/v1/responses", responses({ model: "gpt-6.1-sol" }), { authorization: `Bearer ${proxy.dummyKey}` });
    expect(unpriced.status).toBe(400);
    const keyless = await post(proxy.socket, "/v1/responses", responses(), { "x-api-key": proxy.dummyKey });
    expect(keyless.status).toBe(403);
    expect(keyless.json).toEqual({
      error: { message: "Gas Town: the model proxy takes only this run's key, which the agent was given.", type: "invalid_request_error", param: null, code: null },
    });
    expect((await post(proxy.socket, "/v1/chat/completions", responses(), { authorization: `Bearer ${proxy.dummyKey}` })).status).toBe(404);
    expect(upstream.requests).toEqual([]);
    expect(proxy.usage()).toEqual({ turns: 0, costUsd: 0, calls: 0, refused: 3 });
  });
});

describe("the model proxy, in front of the Gemini API", () => {
  const generate = (extra: Record<string, unknown> = {}) => ({
    contents: [{ role: "user", parts: [{ text: "Write the file." }] }],
    tools: [{ functionDeclarations: [{ name: "run_shell_command" }] }],
    generationConfig: { maxOutputTokens: 8192 },
    ...extra,
  });
  const STREAM = "/v1beta/models/gemini-2.5-pro:streamGenerateContent";

  it("takes the dummy from ?key=, sends the real key as x-goog-api-key with the key left out of the query, and meters the usage", async () => {
    const { proxy, upstream } = await start("gemini");

    const answer = await post(proxy.socket, `${STREAM}?alt=sse&key=${proxy.dummyKey}`, generate());

    expect(answer.status).toBe(200);
    expect(upstream.requests.map(({ url, headers }) => ({ url, key: headers["x-goog-api-key"] }))).toEqual([{ url: `${STREAM}?alt=sse`, key: REAL_KEY }]);
    // Gemini 2.5 Pro: $2.50 in (cached too), $15 out (thinking included) per million.
    expect(proxy.usage()).toEqual({ turns: 1, costUsd: 0.00775, calls: 1, refused: 0 });
  });

  it("takes the dummy from the x-goog-api-key header", async () => {
    const { proxy, upstream } = await start("gemini");
    expect((await post(proxy.socket, `${STREAM}?alt=sse`, generate(), { "x-goog-api-key": proxy.dummyKey })).status).toBe(200);
    expect(upstream.requests[0]!.headers["x-goog-api-key"]).toBe(REAL_KEY);
  });

  it.each([
    [{ googleSearch: {} }, "tool googleSearch (searches the web from Google's servers)"],
    [{ google_search_retrieval: {} }, "tool googleSearchRetrieval (searches the web from Google's servers)"],
    [{ urlContext: {} }, "tool urlContext (fetches any URL from Google's servers)"],
    [{ code_execution: {} }, "tool codeExecution (runs code on Google's servers, outside the run's sandbox)"],
  ])("refuses %j, and the upstream never sees it", async (tool, named) => {
    const { proxy, upstream } = await start("gemini");
    const answer = await post(proxy.socket, `${STREAM}?alt=sse`, generate({ tools: [tool] }), { "x-goog-api-key": proxy.dummyKey });
    expect(answer.status).toBe(400);
    expect(answer.json).toEqual({
      error: {
        code: 400, status: "INVALID_ARGUMENT",
        message: `Gas Town: the model proxy refuses what the API would run or fetch on its own servers, past the run's network allow-list: ${named}.`,
      },
    });
    expect(upstream.requests).toEqual([]);
  });

  it("forwards only the model calls under /v1beta/models", async () => {
    const { proxy, upstream } = await start("gemini");
    const answer = await post(proxy.socket, "/v1beta/files", generate(), { "x-goog-api-key": proxy.dummyKey });
    expect(answer.status).toBe(404);
    expect(answer.json).toEqual({
      error: { code: 404, status: "NOT_FOUND", message: "Gas Town: the model proxy does not forward POST /v1beta/files; it forwards only the Gemini API's model calls." },
    });
    expect(upstream.requests).toEqual([]);
  });
});
