// What the model proxy knows of each vendor's API: its pinned host, the endpoints an agent needs,
// where a client puts its key and where the real key goes, and the vendor's own error shape (so a
// refusal reads to the agent's CLI like any other API error). Pure; model-proxy.ts does the I/O.
import type { IncomingHttpHeaders } from "node:http";

export type ModelVendor = "anthropic" | "openai" | "gemini";

/** A call the proxy forwards: generating (a turn, metered) or counting tokens (free). */
export interface Endpoint {
  readonly kind: "generate" | "count";
  /** The model, when the path names it (Gemini); else the body's `model`. */
  readonly model: string | null;
}

/** The vendors' own API hosts: the real key goes nowhere else unless `model-base-url` says so. */
export const DEFAULT_UPSTREAM: Readonly<Record<ModelVendor, string>> = {
  anthropic: "https://api.anthropic.com",
  openai: "https://api.openai.com",
  gemini: "https://generativelanguage.googleapis.com",
};

/**
 * The path an agent's base URL ends in: Codex takes a Responses API base ending in `/v1` (and
 * posts to `<base>/responses`); Claude Code and Gemini CLI take the bare origin.
 */
const BASE_PATH: Readonly<Record<ModelVendor, string>> = { anthropic: "", openai: "/v1", gemini: "" };

/** The base URL to give the agent for the proxy at `origin` (its bridge, http://127.0.0.1:4180). */
export function agentBaseUrl(vendor: ModelVendor, origin: string): string {
  return `${origin.replace(/\/+$/, "")}${BASE_PATH[vendor]}`;
}

/** Query parameters that carry a key, dropped on the way out (the real key goes in a header). */
const KEY_QUERY_PARAMETERS: Readonly<Record<ModelVendor, readonly string[]>> = { anthropic: [], openai: [], gemini: ["key"] };

/**
 * Where the proxy sends a call whose path is `path`: under the upstream's own path (a gateway's
 * prefix), less the `/v1` a Codex base URL ends in, as the action's `model-base-url` for codex does.
 */
export function upstreamUrl(vendor: ModelVendor, upstream: URL, path: string, query: URLSearchParams): URL {
  const target = new URL(upstream.href);
  let prefix = upstream.pathname.replace(/\/+$/, "");
  if (BASE_PATH[vendor] !== "" && prefix.endsWith(BASE_PATH[vendor])) prefix = prefix.slice(0, -BASE_PATH[vendor].length);
  target.pathname = `${prefix}${path}`;
  const kept = new URLSearchParams(query);
  for (const name of KEY_QUERY_PARAMETERS[vendor]) kept.delete(name);
  target.search = kept.toString();
  return target;
}

/** The vendor's name in messages. */
export const VENDOR_NAME: Readonly<Record<ModelVendor, string>> = { anthropic: "Anthropic", openai: "OpenAI", gemini: "Gemini" };

/** A model id is letters, digits, `.`, `-` and `_`: nothing a server could decode into another path. */
const GEMINI_CALL = /^\/v1beta\/models\/([A-Za-z0-9._-]+):(generateContent|streamGenerateContent|countTokens)$/;

/**
 * The endpoint a request is for, or null when the proxy does not forward it. Claude Code calls
 * the Messages API and counts tokens; Codex, given a provider `base_url` ending in `/v1`, posts
 * to `<base_url>/responses`; Gemini CLI calls the model's methods under `/v1beta/models/`.
 */
export function endpointOf(vendor: ModelVendor, method: string, path: string): Endpoint | null {
  if (method !== "POST") return null;
  switch (vendor) {
    case "anthropic":
      if (path === "/v1/messages") return { kind: "generate", model: null };
      if (path === "/v1/messages/count_tokens") return { kind: "count", model: null };
      return null;
    case "openai":
      return path === "/v1/responses" ? { kind: "generate", model: null } : null;
    case "gemini": {
      const call = GEMINI_CALL.exec(path);
      if (call === null) return null;
      return { kind: call[2] === "countTokens" ? "count" : "generate", model: call[1]! };
    }
  }
}

/**
 * The key the client sent, where the vendor's clients put it: Anthropic's `x-api-key` (or a
 * bearer token, as with an auth token), OpenAI's bearer token, Gemini's `x-goog-api-key` (or the
 * `key` query parameter).
 */
export function presentedKey(vendor: ModelVendor, headers: IncomingHttpHeaders, query: URLSearchParams): string | null {
  const bearer = /^Bearer\s+(\S+)$/i.exec(headers.authorization ?? "")?.[1] ?? null;
  const header = (name: string): string | null => {
    const value = headers[name];
    return typeof value === "string" ? value : null;
  };
  switch (vendor) {
    case "anthropic": return header("x-api-key") ?? bearer;
    case "openai": return bearer;
    case "gemini": return header("x-goog-api-key") ?? query.get("key");
  }
}

/** The real key, as the vendor's API takes it. */
export function keyHeaders(vendor: ModelVendor, apiKey: string): Record<string, string> {
  switch (vendor) {
    case "anthropic": return { "x-api-key": apiKey };
    case "openai": return { authorization: `Bearer ${apiKey}` };
    case "gemini": return { "x-goog-api-key": apiKey };
  }
}

/**
 * Request headers never forwarded: hop-by-hop ones, every header a client's key can travel in
 * (the dummy stays inside), cookies, and `accept-encoding`, so the answer comes back uncompressed
 * and its usage can be read as it passes.
 */
const DROPPED_REQUEST_HEADERS = new Set([
  "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "proxy-connection", "te", "trailer",
  "transfer-encoding", "upgrade", "host", "content-length", "expect",
  "authorization", "x-api-key", "x-goog-api-key", "api-key", "cookie", "accept-encoding",
]);

/** The headers to send upstream: the client's, less the dropped ones, with the real key. */
export function upstreamHeaders(vendor: ModelVendor, headers: IncomingHttpHeaders, apiKey: string, bodyBytes: number): Record<string, string | string[]> {
  const named = new Set((typeof headers.connection === "string" ? headers.connection : "").split(",").map((name) => name.trim().toLowerCase()));
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || DROPPED_REQUEST_HEADERS.has(name) || named.has(name)) continue;
    out[name] = value;
  }
  return { ...out, ...keyHeaders(vendor, apiKey), "accept-encoding": "identity", "content-length": String(bodyBytes) };
}

const HOP_BY_HOP = new Set(["connection", "keep-alive", "proxy-authenticate", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade"]);

/** The answer's headers to pass back to the client: all but the hop-by-hop ones. */
export function downstreamHeaders(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value;
  }
  return out;
}

/**
 * The statuses the proxy answers with itself. Claude Code, Codex and Gemini CLI retry 429 and 5xx,
 * so every refusal is a 4xx other than 429 (and 408/409, which Claude Code retries too); only an
 * upstream that cannot be reached answers 502, which is worth a retry.
 */
export type RefusalStatus = 400 | 403 | 404 | 413 | 502;

const ANTHROPIC_TYPES: Readonly<Record<RefusalStatus, string>> = {
  400: "invalid_request_error", 403: "permission_error", 404: "not_found_error", 413: "request_too_large", 502: "api_error",
};
const OPENAI_TYPES: Readonly<Record<RefusalStatus, string>> = {
  400: "invalid_request_error", 403: "invalid_request_error", 404: "invalid_request_error", 413: "invalid_request_error", 502: "server_error",
};
const GOOGLE_STATUSES: Readonly<Record<RefusalStatus, string>> = {
  400: "INVALID_ARGUMENT", 403: "PERMISSION_DENIED", 404: "NOT_FOUND", 413: "INVALID_ARGUMENT", 502: "UNAVAILABLE",
};

/** An error answer in the vendor's own JSON shape. */
export function errorBody(vendor: ModelVendor, status: RefusalStatus, message: string): unknown {
  switch (vendor) {
    case "anthropic": return { type: "error", error: { type: ANTHROPIC_TYPES[status], message } };
    case "openai": return { error: { message, type: OPENAI_TYPES[status], param: null, code: null } };
    case "gemini": return { error: { code: status, message, status: GOOGLE_STATUSES[status] } };
  }
}
