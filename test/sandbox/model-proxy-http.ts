// Talking to the model proxy as the sandbox's bridge does: HTTP over its Unix socket.
import { mkdtempSync, rmSync } from "node:fs";
import { request, type IncomingHttpHeaders } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface ProxyAnswer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly text: string;
  /** The body as JSON, or undefined when it is not JSON. */
  readonly json: unknown;
}

export function post(socket: string, path: string, body: unknown, headers: Record<string, string> = {}): Promise<ProxyAnswer> {
  return send(socket, "POST", path, JSON.stringify(body), headers);
}

export function send(socket: string, method: string, path: string, body: string | null, headers: Record<string, string> = {}): Promise<ProxyAnswer> {
  return new Promise((resolve, reject) => {
    const outgoing = request({ socketPath: socket, method, path, headers: { "content-type": "application/json", ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
      res.on("error", reject);
    });
    outgoing.on("error", reject);
    outgoing.end(body ?? undefined);
  });
}

/** Posts, and hangs up as soon as the first bytes of the answer arrive: what they were. */
export function postAndHangUp(socket: string, path: string, body: unknown, headers: Record<string, string> = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const outgoing = request({ socketPath: socket, method: "POST", path, headers: { "content-type": "application/json", ...headers } }, (res) => {
      res.once("data", (chunk: Buffer) => {
        outgoing.destroy();
        resolve(chunk.toString("utf8"));
      });
    });
    outgoing.on("error", () => undefined);
    outgoing.on("close", () => reject(new Error("closed before any answer")));
    outgoing.end(JSON.stringify(body));
  });
}

/** A directory for the proxy's socket, and how to remove it. */
export function socketDirectory(): { readonly socket: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), "gt-model-proxy-"));
  return { socket: join(dir, "model.sock"), remove: () => rmSync(dir, { recursive: true, force: true }) };
}
