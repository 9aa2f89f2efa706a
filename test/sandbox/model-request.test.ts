import { describe, expect, it } from "vitest";
import { modelRefusal, readModelRequest, serverSideFeatures } from "../../app/polecat/sandbox/model-request.js";
import { agentBaseUrl, endpointOf, presentedKey, upstreamUrl } from "../../app/polecat/sandbox/model-vendors.js";

describe("what a model request asks for", () => {
  it("reads the model from the body, or from the path for Gemini, and the output limit in each vendor's field", () => {
    const messages = endpointOf("anthropic", "POST", "/v1/messages")!;
    expect(readModelRequest("anthropic", messages, { model: "claude-opus-4-7", max_tokens: 32_000 }))
      .toEqual({ ok: true, request: { model: "claude-opus-4-7", maxOutputTokens: 32_000 } });
    expect(readModelRequest("openai", endpointOf("openai", "POST", "/v1/responses")!, { model: "gpt-5.4" }))
      .toEqual({ ok: true, request: { model: "gpt-5.4", maxOutputTokens: null } });
    const gemini = endpointOf("gemini", "POST", "/v1beta/models/gemini-2.5-pro:generateContent")!;
    expect(gemini).toEqual({ kind: "generate", model: "gemini-2.5-pro" });
    expect(readModelRequest("gemini", gemini, { generation_config: { max_output_tokens: 512 } }))
      .toEqual({ ok: true, request: { model: "gemini-2.5-pro", maxOutputTokens: 512 } });
    expect(readModelRequest("anthropic", messages, { model: "claude-opus-4-7", max_tokens: -1 }))
      .toEqual({ ok: true, request: { model: "claude-opus-4-7", maxOutputTokens: null } });
  });

  it("refuses a body that is not a JSON object or names no model", () => {
    const messages = endpointOf("anthropic", "POST", "/v1/messages")!;
    expect(readModelRequest("anthropic", messages, undefined)).toEqual({ ok: false, message: "Gas Town: the model proxy forwards a JSON object body only." });
    expect(readModelRequest("anthropic", messages, { messages: [] })).toEqual({ ok: false, message: "Gas Town: the request names no model." });
  });

  it("tells counting calls from generating ones, and forwards nothing else", () => {
    expect(endpointOf("anthropic", "POST", "/v1/messages/count_tokens")).toEqual({ kind: "count", model: null });
    expect(endpointOf("gemini", "POST", "/v1beta/models/gemini-2.5-pro:countTokens")).toEqual({ kind: "count", model: "gemini-2.5-pro" });
    expect(endpointOf("gemini", "POST", "/v1beta/models/gemini-2.5-pro:embedContent")).toBeNull();
    expect(endpointOf("gemini", "POST", "/v1beta/tunedModels/x:generateContent")).toBeNull();
    expect(endpointOf("gemini", "POST", "/v1beta/models/%2E%2E%2Ffiles%2Fx:generateContent")).toBeNull();
    expect(endpointOf("openai", "POST", "/v1/responses/resp_1/cancel")).toBeNull();
    expect(endpointOf("anthropic", "POST", "/v1/complete")).toBeNull();
  });

  it("gives each agent its base URL, and joins a call's path to the upstream's", () => {
    expect(agentBaseUrl("openai", "http://127.0.0.1:4180")).toBe("http://127.0.0.1:4180/v1");
    expect(agentBaseUrl("anthropic", "http://127.0.0.1:4180/")).toBe("http://127.0.0.1:4180");
    const none = new URLSearchParams();
    expect(upstreamUrl("openai", new URL("https://api.openai.com"), "/v1/responses", none).href).toBe("https://api.openai.com/v1/responses");
    expect(upstreamUrl("openai", new URL("http://127.0.0.1:9/v1"), "/v1/responses", none).href).toBe("http://127.0.0.1:9/v1/responses");
    expect(upstreamUrl("anthropic", new URL("https://gateway.example/anthropic/"), "/v1/messages", new URLSearchParams("beta=true")).href)
      .toBe("https://gateway.example/anthropic/v1/messages?beta=true");
    expect(upstreamUrl("gemini", new URL("https://generativelanguage.googleapis.com"), "/v1beta/models/m:countTokens", new URLSearchParams("key=k&alt=sse")).href)
      .toBe("https://generativelanguage.googleapis.com/v1beta/models/m:countTokens?alt=sse");
  });

  it("finds the key where each vendor's clients put it", () => {
    const none = new URLSearchParams();
    expect(presentedKey("anthropic", { authorization: "Bearer k1" }, none)).toBe("k1");
    expect(presentedKey("openai", { "x-api-key": "k1" }, none)).toBeNull();
    expect(presentedKey("gemini", {}, new URLSearchParams("key=k2&alt=sse"))).toBe("k2");
  });
});

describe("the API's server-side tools", () => {
  it("leaves the tools a client runs itself, and text_editor_code_execution is not one", () => {
    expect(serverSideFeatures("anthropic", {
      tools: [{ name: "Bash" }, { type: "bash_20250124" }, { type: "text_editor_20250429" }, { type: "memory_20250818" }, { type: "tool_search_tool_regex_20251119" }],
    })).toEqual([]);
    expect(serverSideFeatures("anthropic", { tools: [{ type: "text_editor_code_execution" }, { type: "bash_code_execution" }] })).toEqual([
      "tool text_editor_code_execution (edits files in Anthropic's code-execution containers)",
      "tool bash_code_execution (runs commands in Anthropic's code-execution containers)",
    ]);
    expect(serverSideFeatures("openai", {
      tools: [{ type: "function" }, { type: "custom" }, { type: "local_shell" }, { type: "apply_patch" }, { type: "namespace", tools: [{ type: "function" }] }],
    })).toEqual([]);
    expect(serverSideFeatures("openai", { tools: [{ type: "namespace", name: "x", tools: [{ type: "function" }, { type: "mcp" }] }] }))
      .toEqual(["tool mcp (calls an MCP server from OpenAI's servers)"]);
    expect(serverSideFeatures("gemini", { tools: [{ function_declarations: [] }, { functionDeclarations: [] }] })).toEqual([]);
  });

  it("names each server-side tool a request asks for, however the JSON spells it", () => {
    expect(serverSideFeatures("gemini", { tools: [{ google_search: {}, functionDeclarations: [] }, { url_context: {} }, { somethingNew: {} }] })).toEqual([
      "tool googleSearch (searches the web from Google's servers)",
      "tool urlContext (fetches any URL from Google's servers)",
      "tool somethingNew (not one Gas Town knows to run on the client)",
    ]);
  });
});

describe("the models a run may use", () => {
  it("allows exactly the configured models, or any when the config names none", () => {
    expect(modelRefusal("claude-sonnet-4-5", ["claude-sonnet-4-5"])).toBeNull();
    expect(modelRefusal("claude-sonnet-4-5-20250929", ["claude-sonnet-4-5"])).toBe(
      "Gas Town: the model claude-sonnet-4-5-20250929 is not one this run may use (claude-sonnet-4-5); polecat.model in .github/gastown.yml names it.",
    );
    expect(modelRefusal("claude-opus-4-7", null)).toBeNull();
    expect(modelRefusal("gemini-9-ultra", null)).toBeNull();
  });
});

describe("content the vendor would fetch by URL", () => {
  it("is named wherever it sits in the body, tool results included; inline content is not", () => {
    const inline = { type: "image", source: { type: "base64", media_type: "image/png", data: "iVBOR" } };
    const byUrl = { type: "document", source: { type: "url", url: "https://evil.example/?secret=1" } };
    expect(serverSideFeatures("anthropic", { messages: [{ role: "user", content: [inline] }] })).toEqual([]);
    expect(serverSideFeatures("anthropic", {
      messages: [{ role: "user", content: [{ type: "tool_result", tool_use_id: "t", content: [inline, byUrl] }, byUrl] }],
    })).toEqual(["content by URL (Anthropic's servers fetch it)"]);
    expect(serverSideFeatures("openai", {
      input: [{ role: "user", content: [
        { type: "input_image", image_url: "data:image/png;base64,iVBOR" },
        { type: "input_image", image_url: "https://evil.example/a.png" },
        { type: "input_file", file_url: "https://evil.example/a.pdf" },
      ] }],
    })).toEqual(["an input_file by URL (OpenAI's servers fetch it)", "an input_image by URL (OpenAI's servers fetch it)"]);
    expect(serverSideFeatures("gemini", { contents: [{ role: "user", parts: [{ inlineData: { mimeType: "image/png", data: "iVBOR" } }] }] })).toEqual([]);
    expect(serverSideFeatures("gemini", { contents: [{ role: "user", parts: [{ file_data: { file_uri: "https://evil.example/x" } }] }] }))
      .toEqual(["fileData (Google's servers fetch the file it names)"]);
  });

  it("is found in a body nested deeper than a recursive walk could go", () => {
    let nested: unknown = { type: "image", source: { type: "url", url: "https://evil.example/" } };
    for (let depth = 0; depth < 100_000; depth++) nested = [nested];
    expect(serverSideFeatures("anthropic", { messages: nested as unknown[] })).toEqual(["content by URL (Anthropic's servers fetch it)"]);
  });
});
