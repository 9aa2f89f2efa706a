// The HTTP side of the scripted model servers for Codex (scripted-responses-server.ts) and Gemini
// CLI (scripted-gemini-server.ts): 127.0.0.1, JSON bodies, every request recorded with the answer's
// status, and an answer that is JSON or server-sent events.
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordedHttpRequest {
  readonly method: string;
  /** Path and query, as sent. */
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  /** The parsed JSON body, or the raw text when it was not JSON. */
  readonly body: unknown;
  readonly status: number;
  /** Why the script could not answer, when it threw. */
  readonly scriptError?: string;
}

export type HttpAnswer =
  | { readonly status: number; readonly json: unknown; readonly scriptError?: string }
  /** Each event's data, sent as `data: <json>` (with `event: <type>` when `named`). */
  | { readonly status: 200; readonly events: readonly Record<string, unknown>[]; readonly named: boolean };

export interface ScriptedHttpServer {
  readonly url: string;
  readonly requests: readonly RecordedHttpRequest[];
  close(): Promise<void>;
}

export interface HttpRequestSeen {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: unknown;
}

export async function startScriptedHttpServer(answer: (request: HttpRequestSeen) => HttpAnswer): Promise<ScriptedHttpServer> {
  const requests: RecordedHttpRequest[] = [];
  const server = createServer((req, res) => {
    withBody(req, (body) => {
      const path = new URL(req.url ?? "/", "http://localhost").pathname;
      const answered = answer({ method: req.method ?? "", path, headers: req.headers, body });
      requests.push({
        method: req.method ?? "", url: req.url ?? "", headers: req.headers, body, status: answered.status,
        ...("scriptError" in answered && answered.scriptError !== undefined ? { scriptError: answered.scriptError } : {}),
      });
      if ("json" in answered) return sendJson(res, answered.status, answered.json);
      res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
      for (const event of answered.events) {
        res.write(`${answered.named ? `event: ${String(event["type"])}\n` : ""}data: ${JSON.stringify(event)}\n\n`);
      }
      res.end();
    });
  });
  return { ...await listening(server), requests };
}

/** The server listening on a free port of 127.0.0.1: its URL, and how to close it with every connection. */
export async function listening(server: Server): Promise<{ readonly url: string; close(): Promise<void> }> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve, reject) => {
      server.closeAllConnections();
      server.close((error) => (error ? reject(error) : resolve()));
    }),
  };
}

/** Calls `then` with the request's body: parsed JSON, null when empty, or the raw text. */
export function withBody(req: IncomingMessage, then: (body: unknown) => void): void {
  const chunks: Buffer[] = [];
  req.on("data", (chunk: Buffer) => chunks.push(chunk));
  req.on("end", () => {
    const text = Buffer.concat(chunks).toString("utf8");
    let body: unknown = text;
    try {
      body = text === "" ? null : JSON.parse(text);
    } catch {
      // kept as text
    }
    then(body);
  });
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

/** One move of a scripted model: a shell command to run, or its last words. */
export type ShellMove = { readonly run: string } | { readonly say: string };

/**
 * Decides the model's next move from the conversation: the prompt's text, and what the shell
 * commands it ran so far printed, oldest first. It throws when it cannot go on.
 */
export type ShellScript = (prompt: string, outputs: readonly string[]) => ShellMove;

/** A request's usage, as the tests give it: the vendors name the counts differently. */
export interface ScriptedTokens {
  readonly input: number;
  readonly cached: number;
  readonly output: number;
  /** Reasoning ("thinking"), billed as output. */
  readonly reasoning: number;
}
