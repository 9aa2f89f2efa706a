// A scripted model server for running the real Claude Code CLI in tests: the Anthropic Messages
// API on 127.0.0.1, answering the main model's turns from a script that reads each request (so it
// can follow the conversation), and the small model's side calls (routed by `model`) with a fixed
// short answer. Streaming replies are server-sent events in the API's own order and shapes:
// message_start, ping, then per block content_block_start / content_block_delta (text_delta or
// input_json_delta, in pieces) / content_block_stop, then message_delta with the stop reason and
// usage, and message_stop; a reply may pause after message_start, as a model writing for a while
// does, so a client can be stopped in the middle of one. It checks the API key, so a test can
// prove which key the CLI used, and records every request, so a test can assert what the CLI
// sent; anything else is answered 404.
import { createServer, type IncomingHttpHeaders, type ServerResponse } from "node:http";
import { listening, sendJson, withBody } from "./scripted-http.js";

export interface ScriptedText {
  readonly type: "text";
  readonly text: string;
}

export interface ScriptedToolUse {
  readonly type: "tool_use";
  readonly name: string;
  readonly input: Readonly<Record<string, unknown>>;
}

export interface ReplyUsage {
  readonly input_tokens: number;
  readonly output_tokens: number;
  readonly cache_creation_input_tokens: number;
  readonly cache_read_input_tokens: number;
}

export interface ScriptedReply {
  readonly content: readonly (ScriptedText | ScriptedToolUse)[];
  /** `tool_use` when the content calls a tool, else `end_turn`, unless given. */
  readonly stopReason?: "end_turn" | "tool_use" | "max_tokens";
  readonly usage?: Partial<ReplyUsage>;
  /**
   * A streamed reply's pause after message_start, as a real model writes for a while before its
   * reply is whole: a client that hangs up meanwhile gets nothing more of it.
   */
  readonly holdMs?: number;
}

export interface MessagesRequest {
  readonly model: string;
  readonly messages: readonly { readonly role: string; readonly content: string | readonly ContentBlockParam[] }[];
  readonly tools?: readonly { readonly name: string; readonly input_schema?: { readonly properties?: Record<string, unknown>; readonly required?: string[] } }[];
  readonly stream?: boolean;
  readonly system?: unknown;
}

export interface ContentBlockParam {
  readonly type: string;
  readonly text?: string;
  readonly tool_use_id?: string;
  readonly content?: string | readonly { readonly type: string; readonly text?: string }[];
  readonly is_error?: boolean;
}

/** Decides the main model's reply; `turn` counts the main model's requests from 0. */
export type ModelScript = (request: MessagesRequest, turn: number) => ScriptedReply;

export type Route = "main" | "side" | "count_tokens" | "unauthorized" | "bad_request" | "not_found";

export interface RecordedRequest {
  readonly method: string;
  /** Path and query, as sent. */
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  /** The parsed JSON body, or the raw text when it was not JSON. */
  readonly body: unknown;
  readonly route: Route;
  readonly status: number;
  /** Why the script could not answer, when it threw. */
  readonly scriptError?: string;
}

export interface ScriptedModelServerOptions {
  readonly apiKey: string;
  readonly mainModel: string;
  readonly script: ModelScript;
  /** What every side call answers. */
  readonly sideAnswer?: string;
}

export interface ScriptedModelServer {
  readonly url: string;
  readonly requests: readonly RecordedRequest[];
  close(): Promise<void>;
}

export const DEFAULT_USAGE: ReplyUsage = {
  input_tokens: 100, output_tokens: 20, cache_creation_input_tokens: 0, cache_read_input_tokens: 0,
};
const SIDE_USAGE: ReplyUsage = { input_tokens: 10, output_tokens: 2, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 };

export async function startScriptedModelServer(options: ScriptedModelServerOptions): Promise<ScriptedModelServer> {
  const requests: RecordedRequest[] = [];
  let mainTurns = 0;
  let replies = 0;

  const server = createServer((req, res) => {
    withBody(req, (body) => {
      const record = (route: Route, status: number, scriptError?: string) => {
        requests.push({
          method: req.method ?? "", url: req.url ?? "", headers: req.headers, body, route, status,
          ...(scriptError === undefined ? {} : { scriptError }),
        });
      };
      const path = new URL(req.url ?? "/", "http://localhost").pathname;
      const known = req.method === "POST" && (path === "/v1/messages" || path === "/v1/messages/count_tokens");
      if (!known) {
        record("not_found", 404);
        return sendError(res, 404, "not_found_error", `${req.method} ${path} is not scripted`);
      }
      if (req.headers["x-api-key"] !== options.apiKey) {
        record("unauthorized", 401);
        return sendError(res, 401, "authentication_error", "invalid x-api-key");
      }
      if (!isMessagesRequest(body)) {
        record("bad_request", 400);
        return sendError(res, 400, "invalid_request_error", "the body is not a Messages API request");
      }
      if (path === "/v1/messages/count_tokens") {
        record("count_tokens", 200);
        return sendJson(res, 200, { input_tokens: Math.ceil(JSON.stringify(body.messages).length / 4) });
      }
      let reply: ScriptedReply;
      let route: Route;
      if (body.model === options.mainModel) {
        route = "main";
        try {
          reply = options.script(body, mainTurns++);
        } catch (error) {
          record("main", 400, (error as Error).message);
          return sendError(res, 400, "invalid_request_error", `script: ${(error as Error).message}`);
        }
      } else {
        route = "side";
        reply = { content: [{ type: "text", text: options.sideAnswer ?? "OK" }], usage: SIDE_USAGE };
      }
      record(route, 200);
      const message = messageOf(reply, body.model, ++replies);
      if (body.stream === true) sendEvents(res, message, reply.holdMs ?? 0);
      else sendJson(res, 200, message);
    });
  });
  return { ...await listening(server), requests };
}

interface Message {
  readonly id: string;
  readonly type: "message";
  readonly role: "assistant";
  readonly model: string;
  readonly content: readonly Record<string, unknown>[];
  readonly stop_reason: string;
  readonly stop_sequence: null;
  readonly usage: ReplyUsage;
}

/** The reply as a Messages API Message: ids numbered from 1 for each server. */
function messageOf(reply: ScriptedReply, model: string, n: number): Message {
  const number = String(n).padStart(4, "0");
  const content = reply.content.map((block, index) => block.type === "text"
    ? { type: "text", text: block.text }
    : { type: "tool_use", id: `toolu_scripted_${number}_${index}`, name: block.name, input: block.input });
  return {
    id: `msg_scripted_${number}`,
    type: "message",
    role: "assistant",
    model,
    content,
    stop_reason: reply.stopReason ?? (reply.content.some((block) => block.type === "tool_use") ? "tool_use" : "end_turn"),
    stop_sequence: null,
    usage: { ...DEFAULT_USAGE, ...reply.usage },
  };
}

function sendEvents(res: ServerResponse, message: Message, holdMs: number): void {
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", "request-id": `req_${message.id}` });
  const event = (type: string, data: Record<string, unknown>) => {
    res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
  };
  const { usage } = message;
  event("message_start", {
    message: {
      ...message, content: [], stop_reason: null,
      // As the API does: the prompt's counts at the start, one output token so far.
      usage: { ...usage, output_tokens: 1 },
    },
  });
  event("ping", {});
  const finish = () => {
    message.content.forEach((block, index) => {
      if (block["type"] === "text") {
        event("content_block_start", { index, content_block: { type: "text", text: "" } });
        for (const piece of pieces(String(block["text"]))) {
          event("content_block_delta", { index, delta: { type: "text_delta", text: piece } });
        }
      } else {
        event("content_block_start", { index, content_block: { ...block, input: {} } });
        for (const piece of ["", ...pieces(JSON.stringify(block["input"]))]) {
          event("content_block_delta", { index, delta: { type: "input_json_delta", partial_json: piece } });
        }
      }
      event("content_block_stop", { index });
    });
    event("message_delta", {
      delta: { stop_reason: message.stop_reason, stop_sequence: null },
      usage: {
        input_tokens: usage.input_tokens,
        cache_creation_input_tokens: usage.cache_creation_input_tokens,
        cache_read_input_tokens: usage.cache_read_input_tokens,
        output_tokens: usage.output_tokens,
      },
    });
    event("message_stop", {});
    res.end();
  };
  if (holdMs <= 0) return finish();
  const held = setTimeout(finish, holdMs);
  res.on("close", () => clearTimeout(held));
}

/** Text in three pieces (fewer when short), as a stream delivers it. */
function pieces(text: string): string[] {
  if (text.length < 3) return [text];
  const third = Math.ceil(text.length / 3);
  return [text.slice(0, third), text.slice(third, 2 * third), text.slice(2 * third)];
}

function sendError(res: ServerResponse, status: number, type: string, message: string): void {
  sendJson(res, status, { type: "error", error: { type, message } });
}

function isMessagesRequest(body: unknown): body is MessagesRequest {
  return typeof body === "object" && body !== null
    && typeof (body as { model?: unknown }).model === "string"
    && Array.isArray((body as { messages?: unknown }).messages);
}

/** The last tool result the client sent: what the agent's last tool call gave. */
export function lastToolResult(request: MessagesRequest): { readonly text: string; readonly isError: boolean } | null {
  for (const message of [...request.messages].reverse()) {
    if (message.role !== "user" || typeof message.content === "string") continue;
    for (const block of [...message.content].reverse()) {
      if (block.type !== "tool_result") continue;
      const text = typeof block.content === "string"
        ? block.content
        : (block.content ?? []).map((part) => part.text ?? "").join("");
      return { text, isError: block.is_error === true };
    }
  }
  return null;
}
