// What a model request asks for, read from its body before it is forwarded: the model, the most
// output it allows, and any part of the API that runs on the vendor's servers. Those server-side
// tools fetch pages, search the web, run code or call MCP servers from the vendor's machines, past
// the run's network allow-list and outside its sandbox, so a request with one is refused, as is
// content named by URL for the vendor to fetch. Tools the client runs itself (the agent's own
// shell, editor, function calls) are what an agent needs. Pure.
import type { Endpoint, ModelVendor } from "./model-vendors.js";

export interface ModelRequest {
  readonly model: string;
  /** The request's output limit, or null when it sets none. */
  readonly maxOutputTokens: number | null;
}

export type RequestReading = { readonly ok: true; readonly request: ModelRequest } | { readonly ok: false; readonly message: string };

export function readModelRequest(vendor: ModelVendor, endpoint: Endpoint, body: unknown): RequestReading {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    return { ok: false, message: "Gas Town: the model proxy forwards a JSON object body only." };
  }
  const fields = body as Record<string, unknown>;
  const model = endpoint.model ?? fields["model"];
  if (typeof model !== "string" || model === "") return { ok: false, message: "Gas Town: the request names no model." };
  const refused = serverSideFeatures(vendor, fields);
  if (refused.length > 0) {
    return {
      ok: false,
      message: `Gas Town: the model proxy refuses what the API would run or fetch on its own servers, past the run's network allow-list: ${refused.join("; ")}.`,
    };
  }
  return { ok: true, request: { model, maxOutputTokens: maxOutputTokensOf(vendor, fields) } };
}

/**
 * Why the model is refused, or null when it is allowed: `allowedModels` is the list the config
 * names, matched exactly; null (the agent's own default) allows any model. One the price table
 * does not list is metered as the vendor's dearest, as everywhere else: a budget is never
 * under-counted for want of a row, and an agent's new default model still runs.
 */
export function modelRefusal(model: string, allowedModels: readonly string[] | null): string | null {
  if (allowedModels === null || allowedModels.includes(model)) return null;
  return `Gas Town: the model ${model} is not one this run may use (${allowedModels.join(", ")}); polecat.model in .github/gastown.yml names it.`;
}

/**
 * Anthropic tool types a client runs itself (Claude Code's tools are custom ones, with no type),
 * and the tool search tool, which runs on Anthropic's servers but searches only the request's own
 * tool definitions. Every other type is refused: the known server tools by name, and one this
 * list does not know, as it may be a new server tool.
 */
const ANTHROPIC_CLIENT_TOOL = /^(?:custom|(?:bash|text_editor|computer|memory)_\d{8}|tool_search_tool_(?:regex|bm25)(?:_\d{8})?)$/;

/** Anthropic's server tools: why each is refused, by the type's prefix. */
const ANTHROPIC_SERVER_TOOLS: readonly (readonly [string, string])[] = [
  ["web_search_", "searches the web from Anthropic's servers"],
  ["web_fetch_", "fetches any URL from Anthropic's servers"],
  ["code_execution_", "runs code in Anthropic's containers, outside the run's sandbox"],
  ["bash_code_execution", "runs commands in Anthropic's code-execution containers"],
  ["text_editor_code_execution", "edits files in Anthropic's code-execution containers"],
  ["mcp_toolset", "calls an MCP server from Anthropic's servers"],
];

/** OpenAI tool types a client runs itself (Codex's shell and patch tools are among them). */
// `tool_search` runs on OpenAI's servers but, like Anthropic's tool search tool, searches only the
// request's own deferred tool definitions; Codex offers it with every request.
const OPENAI_CLIENT_TOOLS = new Set(["function", "custom", "local_shell", "shell", "apply_patch", "tool_search"]);

const OPENAI_SERVER_TOOLS: readonly (readonly [string, string])[] = [
  ["web_search", "searches the web from OpenAI's servers"],
  ["file_search", "reads the account's vector stores, not the run's files"],
  ["code_interpreter", "runs code in OpenAI's containers, outside the run's sandbox"],
  ["mcp", "calls an MCP server from OpenAI's servers"],
  ["image_generation", "makes images, billed apart from the tokens the proxy meters"],
  ["computer_use_preview", "drives a computer for a model Gas Town does not price"],
];

/** Gemini `Tool` fields a client runs itself: only function declarations. */
const GEMINI_CLIENT_TOOLS = new Set(["functionDeclarations"]);

const GEMINI_SERVER_TOOLS: Readonly<Record<string, string>> = {
  googleSearch: "searches the web from Google's servers",
  googleSearchRetrieval: "searches the web from Google's servers",
  enterpriseWebSearch: "searches the web from Google's servers",
  urlContext: "fetches any URL from Google's servers",
  codeExecution: "runs code on Google's servers, outside the run's sandbox",
  computerUse: "drives a browser on Google's servers",
  fileSearch: "reads the account's file stores, not the run's files",
  googleMaps: "queries Google Maps from Google's servers",
  retrieval: "reads data stores from Google's servers",
};

/** What the request asks the vendor's servers to run or fetch, each as `<name> (<why refused>)`. */
export function serverSideFeatures(vendor: ModelVendor, body: Readonly<Record<string, unknown>>): string[] {
  return [...serverTools(vendor, body), ...fetchedContent(vendor, body)];
}

function serverTools(vendor: ModelVendor, body: Readonly<Record<string, unknown>>): string[] {
  const tools = Array.isArray(body["tools"]) ? body["tools"] as unknown[] : [];
  switch (vendor) {
    case "anthropic": {
      const refused = tools.flatMap((tool) => {
        const type = typeOf(tool) ?? "custom";
        return ANTHROPIC_CLIENT_TOOL.test(type) ? [] : [`tool ${type} (${why(ANTHROPIC_SERVER_TOOLS, type)})`];
      });
      if (body["mcp_servers"] !== undefined) refused.push("mcp_servers (Anthropic's servers connect to the MCP servers it names)");
      if (body["container"] !== undefined) refused.push("container (a code-execution container on Anthropic's servers)");
      return refused;
    }
    case "openai": {
      const refused = openaiServerTools(tools);
      // A background response runs out of the proxy's sight; its answer and usage would be
      // fetched from an endpoint the proxy does not forward.
      if (body["background"] === true) refused.push("background (the response would run where the proxy cannot meter it)");
      return refused;
    }
    case "gemini":
      return tools.flatMap((tool) => {
        if (typeof tool !== "object" || tool === null) return [];
        return Object.keys(tool).map(camelCase).filter((name) => !GEMINI_CLIENT_TOOLS.has(name))
          .map((name) => `tool ${name} (${GEMINI_SERVER_TOOLS[name] ?? "not one Gas Town knows to run on the client"})`);
      });
  }
}

/**
 * Content the request names by URL for the vendor's servers to fetch (an image, a PDF, a file):
 * a fetch past the allow-list whose URL the agent writes, so a way to send anything out. Content
 * sent inline is what a client needs. The whole body is walked, tool results included, without
 * recursion (a body is the agent's to nest).
 */
function fetchedContent(vendor: ModelVendor, body: Readonly<Record<string, unknown>>): string[] {
  const found = new Set<string>();
  const pending: unknown[] = [body];
  while (pending.length > 0) {
    const value = pending.pop();
    if (typeof value !== "object" || value === null) continue;
    if (Array.isArray(value)) {
      pending.push(...value);
      continue;
    }
    const fields = value as Record<string, unknown>;
    const named = fetchedBy(vendor, fields);
    if (named !== null) found.add(named);
    pending.push(...Object.values(fields));
  }
  return [...found];
}

function fetchedBy(vendor: ModelVendor, fields: Readonly<Record<string, unknown>>): string | null {
  switch (vendor) {
    case "anthropic":
      return typeOf(fields["source"]) === "url" ? "content by URL (Anthropic's servers fetch it)" : null;
    case "openai": {
      const url = fields["type"] === "input_image" ? fields["image_url"] : fields["type"] === "input_file" ? fields["file_url"] : undefined;
      return typeof url === "string" && !url.startsWith("data:") ? `an ${String(fields["type"])} by URL (OpenAI's servers fetch it)` : null;
    }
    case "gemini":
      return fields["fileData"] !== undefined || fields["file_data"] !== undefined ? "fileData (Google's servers fetch the file it names)" : null;
  }
}

/** A `namespace` tool groups others under a name (Codex's sub-agent tools): it is as its members are. */
function openaiServerTools(tools: readonly unknown[]): string[] {
  return tools.flatMap((tool) => {
    const type = typeOf(tool) ?? "(none)";
    if (type === "namespace") {
      const members = (tool as Record<string, unknown>)["tools"];
      return openaiServerTools(Array.isArray(members) ? members : []);
    }
    return OPENAI_CLIENT_TOOLS.has(type) ? [] : [`tool ${type} (${why(OPENAI_SERVER_TOOLS, type)})`];
  });
}

function why(known: readonly (readonly [string, string])[], type: string): string {
  return known.find(([prefix]) => type.startsWith(prefix))?.[1] ?? "not one Gas Town knows to run on the client";
}

function typeOf(tool: unknown): string | undefined {
  if (typeof tool !== "object" || tool === null) return undefined;
  const type = (tool as Record<string, unknown>)["type"];
  return typeof type === "string" ? type : undefined;
}

/** The Gemini API takes its JSON fields in either case (`google_search`, `googleSearch`). */
function camelCase(name: string): string {
  return name.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase());
}

function maxOutputTokensOf(vendor: ModelVendor, body: Readonly<Record<string, unknown>>): number | null {
  let limit: unknown;
  switch (vendor) {
    case "anthropic": limit = body["max_tokens"]; break;
    case "openai": limit = body["max_output_tokens"]; break;
    case "gemini": {
      const config = body["generationConfig"] ?? body["generation_config"];
      if (typeof config === "object" && config !== null) {
        const fields = config as Record<string, unknown>;
        limit = fields["maxOutputTokens"] ?? fields["max_output_tokens"];
      }
      break;
    }
  }
  return typeof limit === "number" && Number.isSafeInteger(limit) && limit >= 0 ? limit : null;
}
