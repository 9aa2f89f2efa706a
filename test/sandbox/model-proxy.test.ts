// The model proxy in front of the scripted Anthropic server, over real HTTP on its Unix socket:
// what the upstream sees, what is refused before it reaches the upstream, and what is metered.
import { createServer as createHttpServer } from "node:http";
import { createServer } from "node:net";
import { afterEach, describe, expect, it, vi } from "vitest";
import { estimatePromptTokens } from "../../app/polecat/sandbox/model-meter.js";
import { startModelProxy, type ModelCall, type ModelProxy, type ModelProxyOptions } from "../../app/polecat/sandbox/model-proxy.js";
import { callCostUsd, worstCaseUsd } from "../../app/polecat/sandbox/model-usage.js";
import { listening, startScriptedHttpServer } from "../agents/scripted-http.js";
import { startScriptedModelServer, type ScriptedModelServer, type ScriptedReply } from "../agents/scripted-model-server.js";
import { post, postAndHangUp, send, socketDirectory } from "./model-proxy-http.js";

const REAL_KEY = "sk-ant-api03-real-key-for-tests";
const MODEL = "claude-sonnet-4-5-20250929";
const FIXED = new Date("2026-12-03T07:00:00.000Z");

let upstream: ScriptedModelServer | undefined;
let proxy: ModelProxy | undefined;
let dir: ReturnType<typeof socketDirectory> | undefined;
afterEach(async () => {
  await proxy?.close();
  await upstream?.close();
  dir?.remove();
  proxy = upstream = dir = undefined;
});

async function start(
  replies: (turn: number) => ScriptedReply = () => ({ content: [{ type: "text", text: "done" }] }),
  options: Partial<ModelProxyOptions> = {},
): Promise<{ proxy: ModelProxy; upstream: ScriptedModelServer; calls: ModelCall[] }> {
  upstream = await startScriptedModelServer({ apiKey: REAL_KEY, mainModel: MODEL, script: (_, turn) => replies(turn) });
  dir = socketDirectory();
  const calls: ModelCall[] = [];
  proxy = await startModelProxy({
    socket: dir.socket, vendor: "anthropic", upstream: upstream.url, apiKey: REAL_KEY, allowedModels: null,
    limits: { maxTurns: 80, maxCostUsd: 10 }, clock: () => FIXED, onCall: (call) => calls.push(call), ...options,
  });
  return { proxy, upstream, calls };
}

const message = (extra: Record<string, unknown> = {}) => ({
  model: MODEL, max_tokens: 1000, stream: true, messages: [{ role: "user", content: "Write the file." }], ...extra,
});

const asAgent = (key: string) => ({ "x-api-key": key, "anthropic-version": "2023-06-01", "anthropic-beta": "interleaved-thinking-2025-05-14" });

describe("the model proxy, in front of Anthropic's API", () => {
  it("forwards a call with the real key in place of the dummy, and the upstream sees exactly its headers", async () => {
    const { proxy, upstream } = await start();
    expect(proxy.dummyKey).toMatch(/^gastown-dummy-[0-9a-f]{32}$/);

    const answer = await post(proxy.socket, "/v1/messages", message({ stream: false }), {
      ...asAgent(proxy.dummyKey), authorization: `Bearer ${proxy.dummyKey}`, cookie: "a=b", "accept-encoding": "gzip",
    });

    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ type: "message", content: [{ type: "text", text: "done" }] });
    const body = JSON.stringify(message({ stream: false }));
    expect(upstream.requests.map(({ method, url, headers, route }) => ({ method, url, headers, route }))).toEqual([{
      method: "POST",
      url: "/v1/messages",
      route: "main",
      headers: {
        host: upstream.url.replace("http://", ""),
        connection: "keep-alive",
        "content-type": "application/json",
        "anthropic-version": "2023-06-01",
        "anthropic-beta": "interleaved-thinking-2025-05-14",
        "x-api-key": REAL_KEY,
        "accept-encoding": "identity",
        "content-length": String(Buffer.byteLength(body)),
      },
    }]);
    expect(upstream.requests[0]!.body).toEqual(message({ stream: false }));
  });

  it("forwards the query Claude Code sends (?beta=true) as it came", async () => {
    const { proxy, upstream } = await start();
    expect((await post(proxy.socket, "/v1/messages?beta=true", message(), asAgent(proxy.dummyKey))).status).toBe(200);
    expect(upstream.requests.map((each) => each.url)).toEqual(["/v1/messages?beta=true"]);
  });

  it("takes the dummy as a bearer token too", async () => {
    const { proxy, upstream } = await start();
    const answer = await post(proxy.socket, "/v1/messages", message(), { authorization: `Bearer ${proxy.dummyKey}`, "anthropic-version": "2023-06-01" });
    expect(answer.status).toBe(200);
    expect(upstream.requests[0]!.headers["x-api-key"]).toBe(REAL_KEY);
    expect(upstream.requests[0]!.headers.authorization).toBeUndefined();
  });

  it.each([
    ["no key", {}],
    ["another key", { "x-api-key": "gastown-dummy-00000000000000000000000000000000" }],
    ["the real key", { "x-api-key": REAL_KEY }],
  ])("refuses a call with %s, and the upstream never sees it", async (_, headers) => {
    const { proxy, upstream } = await start();
    const answer = await post(proxy.socket, "/v1/messages", message(), headers);
    expect(answer.status).toBe(403);
    expect(answer.json).toEqual({
      type: "error",
      error: { type: "permission_error", message: "Gas Town: the model proxy takes only this run's key, which the agent was given." },
    });
    expect(upstream.requests).toEqual([]);
    expect(proxy.usage()).toEqual({ turns: 0, costUsd: 0, calls: 0, refused: 1 });
  });

  it.each([
    ["GET", "/v1/models"],
    ["POST", "/v1/messages/batches"],
    ["POST", "/v1/files"],
    ["GET", "/v1/messages"],
    ["POST", "/v1/messages/../files"],
  ])("forwards no %s %s", async (method, path) => {
    const { proxy, upstream } = await start();
    const answer = await send(proxy.socket, method, path, method === "GET" ? null : JSON.stringify(message()), asAgent(proxy.dummyKey));
    expect(answer.status).toBe(404);
    expect(answer.json).toEqual({
      type: "error",
      error: {
        type: "not_found_error",
        message: `Gas Town: the model proxy does not forward ${method} ${new URL(path, "http://x").pathname}; it forwards only the Anthropic API's model calls.`,
      },
    });
    expect(upstream.requests).toEqual([]);
  });

  it.each([
    ["web search", { tools: [{ type: "web_search_20250305", name: "web_search", max_uses: 5 }] },
      "tool web_search_20250305 (searches the web from Anthropic's servers)"],
    ["web fetch", { tools: [{ type: "web_fetch_20250910", name: "web_fetch" }] }, "tool web_fetch_20250910 (fetches any URL from Anthropic's servers)"],
    ["code execution", { tools: [{ type: "code_execution_20250825", name: "code_execution" }] },
      "tool code_execution_20250825 (runs code in Anthropic's containers, outside the run's sandbox)"],
    ["an MCP toolset", { tools: [{ type: "mcp_toolset", mcp_server_name: "x" }] }, "tool mcp_toolset (calls an MCP server from Anthropic's servers)"],
    ["an unknown typed tool", { tools: [{ type: "browser_20270101", name: "browser" }] }, "tool browser_20270101 (not one Gas Town knows to run on the client)"],
    ["MCP servers", { mcp_servers: [{ type: "url", url: "https://evil.example/mcp", name: "x" }] },
      "mcp_servers (Anthropic's servers connect to the MCP servers it names)"],
    ["a container", { container: "container_011" }, "container (a code-execution container on Anthropic's servers)"],
    ["an image by URL", { messages: [{ role: "user", content: [{ type: "image", source: { type: "url", url: "https://evil.example/?d=secret" } }] }] },
      "content by URL (Anthropic's servers fetch it)"],
  ])("refuses %s, and the upstream never sees it", async (_, extra, named) => {
    const { proxy, upstream } = await start();
    const answer = await post(proxy.socket, "/v1/messages", message(extra), asAgent(proxy.dummyKey));
    expect(answer.status).toBe(400);
    expect(answer.json).toEqual({
      type: "error",
      error: {
        type: "invalid_request_error",
        message: `Gas Town: the model proxy refuses what the API would run or fetch on its own servers, past the run's network allow-list: ${named}.`,
      },
    });
    expect(upstream.requests).toEqual([]);
  });

  it("forwards the tools the client runs itself", async () => {
    const { proxy, upstream } = await start();
    const tools = [
      { name: "Bash", description: "run a command", input_schema: { type: "object" } },
      { type: "custom", name: "Edit", input_schema: { type: "object" } },
      { type: "bash_20250124", name: "bash" },
      { type: "text_editor_20250728", name: "str_replace_based_edit_tool" },
      { type: "computer_20250124", name: "computer", display_width_px: 1024, display_height_px: 768 },
    ];
    expect((await post(proxy.socket, "/v1/messages", message({ tools }), asAgent(proxy.dummyKey))).status).toBe(200);
    expect(upstream.requests.map((each) => (each.body as { tools: unknown }).tools)).toEqual([tools]);
  });

  it("refuses a model the config does not allow", async () => {
    const { proxy, upstream } = await start(undefined, { allowedModels: [MODEL] });
    const opus = await post(proxy.socket, "/v1/messages", message({ model: "claude-opus-4-1" }), asAgent(proxy.dummyKey));
    expect(opus.status).toBe(400);
    expect(opus.json).toEqual({
      type: "error",
      error: {
        type: "invalid_request_error",
        message: `Gas Town: the model claude-opus-4-1 is not one this run may use (${MODEL}); polecat.model in .github/gastown.yml names it.`,
      },
    });
    expect(upstream.requests).toEqual([]);
  });

  it("forwards a model the price table does not list when the config allows any, and meters it as the dearest", async () => {
    const { proxy, upstream, calls } = await start(undefined, { allowedModels: null });
    const unknown = await post(proxy.socket, "/v1/messages", message({ model: "claude-nimbus-9" }), asAgent(proxy.dummyKey));
    expect(unknown.status).toBe(200);
    expect(upstream.requests.map((each) => each.route)).toEqual(["side"]);
    const [call] = calls;
    expect(call?.model).toBe("claude-nimbus-9");
    // Opus 4.1, at $15 in and $75 out per million, is the dearest row.
    expect(call?.costUsd).toBe(callCostUsd("anthropic", "claude-opus-4-1", call!.tokens!));
    expect(call?.costUsd).toBeGreaterThan(callCostUsd("anthropic", MODEL, call!.tokens!));
  });

  it("meters a streamed call from the usage the API reported, and passes the stream on as it came", async () => {
    const usage = { input_tokens: 1000, output_tokens: 500, cache_creation_input_tokens: 2000, cache_read_input_tokens: 3000 };
    const { proxy, calls } = await start(() => ({ content: [{ type: "text", text: "done" }], usage }));

    const answer = await post(proxy.socket, "/v1/messages", message(), asAgent(proxy.dummyKey));

    expect(answer.status).toBe(200);
    expect(answer.headers["content-type"]).toBe("text/event-stream");
    expect(answer.text).toContain('event: message_delta\ndata: {"type":"message_delta"');
    // Sonnet 4.5: $3 in, $15 out, $3.75 cache writes, $0.30 cache reads per million.
    const cost = (1000 * 3 + 500 * 15 + 2000 * 3.75 + 3000 * 0.3) / 1_000_000;
    expect(proxy.usage()).toEqual({ turns: 1, costUsd: 0.0189, calls: 1, refused: 0 });
    expect(calls).toEqual([{
      at: "2026-12-03T07:00:00.000Z", endpoint: "generate", model: MODEL, status: 200,
      tokens: { input: 1000, output: 500, cacheWrite: 2000, cacheWrite1h: 0, cacheRead: 3000, webSearches: 0, usOnly: false },
      costUsd: cost,
    }]);
  });

  it("counts tokens for free, and not as a turn", async () => {
    const { proxy, upstream } = await start(undefined, { limits: { maxTurns: 1, maxCostUsd: 10 } });
    const counted = await post(proxy.socket, "/v1/messages/count_tokens", { model: MODEL, messages: [{ role: "user", content: "hi" }] }, asAgent(proxy.dummyKey));
    expect(counted.status).toBe(200);
    expect(counted.json).toEqual({ input_tokens: 8 });
    expect(upstream.requests.map((each) => each.route)).toEqual(["count_tokens"]);
    expect(proxy.usage()).toEqual({ turns: 0, costUsd: 0, calls: 1, refused: 0 });
  });

  it("refuses a call whose worst case would pass the budget, before the upstream sees it", async () => {
    // Each answer writes its whole max_tokens: $0.0153 a call; the worst case reserved is more.
    const usage = { input_tokens: 100, output_tokens: 1000 };
    const body = message();
    const worstCase = worstCaseUsd("anthropic", MODEL, estimatePromptTokens(Buffer.byteLength(JSON.stringify(body))), 1000);
    expect(worstCase).toBeGreaterThan(0.0153);
    const { proxy, upstream } = await start(() => ({ content: [{ type: "text", text: "done" }], usage }), { limits: { maxTurns: 80, maxCostUsd: worstCase + 0.001 } });

    expect((await post(proxy.socket, "/v1/messages", body, asAgent(proxy.dummyKey))).status).toBe(200);
    const refused = await post(proxy.socket, "/v1/messages", body, asAgent(proxy.dummyKey));

    expect(refused.status).toBe(400);
    expect(refused.json).toEqual({
      type: "error",
      error: {
        type: "invalid_request_error",
        message: `Gas Town: this call could cost up to $${worstCase.toFixed(4)}, and the run has spent $0.0153 of its budget of $${(worstCase + 0.001).toFixed(4)}; raise polecat.max_cost_usd in .github/gastown.yml for more.`,
      },
    });
    expect(upstream.requests.map((each) => each.route)).toEqual(["main"]);
    expect(proxy.usage()).toEqual({ turns: 1, costUsd: 0.0153, calls: 1, refused: 1 });
  });

  it("counts what calls under way hold against the budget", async () => {
    const body = message();
    const worstCase = worstCaseUsd("anthropic", MODEL, estimatePromptTokens(Buffer.byteLength(JSON.stringify(body))), 1000);
    const { proxy, upstream } = await start(() => ({ content: [{ type: "text", text: "done" }], holdMs: 300 }), {
      limits: { maxTurns: 80, maxCostUsd: worstCase * 1.5 },
    });

    const first = post(proxy.socket, "/v1/messages", body, asAgent(proxy.dummyKey));
    await vi.waitFor(() => expect(upstream.requests).toHaveLength(1));
    const second = await post(proxy.socket, "/v1/messages", body, asAgent(proxy.dummyKey));

    expect(second.status).toBe(400);
    expect((second.json as { error: { message: string } }).error.message).toContain(`the run has spent $0.0000, with $${worstCase.toFixed(4)} held for calls under way, of its budget`);
    expect((await first).status).toBe(200);
    expect(upstream.requests).toHaveLength(1);
  });

  it("refuses a turn past max_turns", async () => {
    const { proxy, upstream } = await start(undefined, { limits: { maxTurns: 2, maxCostUsd: 10 } });
    for (let turn = 0; turn < 2; turn++) expect((await post(proxy.socket, "/v1/messages", message(), asAgent(proxy.dummyKey))).status).toBe(200);

    const third = await post(proxy.socket, "/v1/messages", message(), asAgent(proxy.dummyKey));

    expect(third.status).toBe(400);
    // Two calls of 100 tokens in and 20 out at Sonnet 4.5's prices.
    expect(third.json).toEqual({
      type: "error",
      error: {
        type: "invalid_request_error",
        message: "Gas Town: the run has taken 2 model turns of its 2 and spent $0.0012; raise polecat.max_turns in .github/gastown.yml for more.",
      },
    });
    expect(upstream.requests).toHaveLength(2);
    expect(proxy.usage()).toEqual({ turns: 2, costUsd: 0.0012, calls: 2, refused: 1 });
  });

  it("reads the answer to its end when the agent hangs up in the middle, and counts its usage", async () => {
    const usage = { input_tokens: 1000, output_tokens: 500, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 };
    const { proxy, calls } = await start(() => ({ content: [{ type: "text", text: "a long answer" }], usage, holdMs: 200 }));

    const seen = await postAndHangUp(proxy.socket, "/v1/messages", message(), asAgent(proxy.dummyKey));

    expect(seen).toContain("event: message_start");
    expect(seen).not.toContain("message_delta");
    await vi.waitFor(() => expect(calls).toHaveLength(1));
    expect(proxy.usage()).toEqual({ turns: 1, costUsd: 0.0105, calls: 1, refused: 0 });
    expect(calls[0]!.tokens).toMatchObject({ input: 1000, output: 500 });
  });

  it("answers 502 in the API's error shape when the upstream cannot be reached, and holds nothing for it", async () => {
    const closedPort = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, "127.0.0.1", () => {
        const { port } = server.address() as { port: number };
        server.close(() => resolve(port));
      });
    });
    dir = socketDirectory();
    proxy = await startModelProxy({
      socket: dir.socket, vendor: "anthropic", upstream: `http://127.0.0.1:${closedPort}`, apiKey: REAL_KEY, allowedModels: null,
      limits: { maxTurns: 80, maxCostUsd: 10 },
    });

    const answer = await post(proxy.socket, "/v1/messages", message(), asAgent(proxy.dummyKey));

    expect(answer.status).toBe(502);
    expect(answer.json).toEqual({
      type: "error",
      error: { type: "api_error", message: `Gas Town: the model proxy could not reach http://127.0.0.1:${closedPort}: connect ECONNREFUSED 127.0.0.1:${closedPort}` },
    });
    expect(proxy.usage()).toEqual({ turns: 0, costUsd: 0, calls: 0, refused: 0 });
  });

  it("passes an upstream's error on, with no turn and no cost", async () => {
    const { proxy, upstream } = await start();
    // The scripted server answers 400 to a body that is not a Messages API request.
    const answer = await post(proxy.socket, "/v1/messages", { model: MODEL, max_tokens: 10 }, asAgent(proxy.dummyKey));
    expect(answer.status).toBe(400);
    expect(answer.json).toEqual({ type: "error", error: { type: "invalid_request_error", message: "the body is not a Messages API request" } });
    expect(upstream.requests.map((each) => each.route)).toEqual(["bad_request"]);
    expect(proxy.usage()).toEqual({ turns: 0, costUsd: 0, calls: 1, refused: 0 });
  });

  it("charges a call its reservation when the API answered but reported no usage", async () => {
    const bare = await startScriptedHttpServer(() => ({ status: 200, json: { type: "message", content: [] } }));
    dir = socketDirectory();
    try {
      proxy = await startModelProxy({
        socket: dir.socket, vendor: "anthropic", upstream: bare.url, apiKey: REAL_KEY, allowedModels: null, limits: { maxTurns: 80, maxCostUsd: 10 },
      });
      const body = message({ stream: false });
      expect((await post(proxy.socket, "/v1/messages", body, asAgent(proxy.dummyKey))).status).toBe(200);
      const worstCase = worstCaseUsd("anthropic", MODEL, estimatePromptTokens(Buffer.byteLength(JSON.stringify(body))), 1000);
      expect(proxy.usage()).toEqual({ turns: 1, costUsd: Math.round(worstCase * 1e6) / 1e6, calls: 1, refused: 0 });
    } finally {
      await bare.close();
    }
  });

  it("takes the real key out of an error answer that quotes it", async () => {
    const quoting = await startScriptedHttpServer(({ headers }) => ({
      status: 401, json: { type: "error", error: { type: "authentication_error", message: `invalid x-api-key ${String(headers["x-api-key"])}` } },
    }));
    dir = socketDirectory();
    try {
      proxy = await startModelProxy({
        socket: dir.socket, vendor: "anthropic", upstream: quoting.url, apiKey: REAL_KEY, allowedModels: null, limits: { maxTurns: 80, maxCostUsd: 10 },
      });
      const answer = await post(proxy.socket, "/v1/messages", message(), asAgent(proxy.dummyKey));
      expect(answer.status).toBe(401);
      expect(answer.json).toEqual({ type: "error", error: { type: "authentication_error", message: "invalid x-api-key [the model key]" } });
      expect(proxy.usage()).toEqual({ turns: 0, costUsd: 0, calls: 1, refused: 0 });
    } finally {
      await quoting.close();
    }
  });

  it("cuts the agent's stream off when the upstream's is cut off, and counts what the upstream reported", async () => {
    const cut = createHttpServer((req, res) => {
      req.resume();
      req.on("end", () => {
        res.writeHead(200, { "content-type": "text/event-stream" });
        res.write(`event: message_start\ndata: ${JSON.stringify({ type: "message_start", message: { usage: { input_tokens: 1000, output_tokens: 1 } } })}\n\n`);
        setImmediate(() => res.socket?.destroy());
      });
    });
    const { url, close } = await listening(cut);
    dir = socketDirectory();
    try {
      proxy = await startModelProxy({
        socket: dir.socket, vendor: "anthropic", upstream: url, apiKey: REAL_KEY, allowedModels: null, limits: { maxTurns: 80, maxCostUsd: 10 },
      });
      await expect(post(proxy.socket, "/v1/messages", message(), asAgent(proxy.dummyKey))).rejects.toThrow();
      // 1000 tokens in and 1 out at Sonnet 4.5's prices.
      await vi.waitFor(() => expect(proxy!.usage()).toEqual({ turns: 1, costUsd: 0.003015, calls: 1, refused: 0 }));
    } finally {
      await close();
    }
  });
});
