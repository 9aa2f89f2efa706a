// The model proxy: the agent's only way to its model, run by the action outside the sandbox on a
// Unix socket (the sandbox's bridge reaches it as http://127.0.0.1:4180). The agent holds a
// per-run dummy key; the proxy checks it, forwards only the endpoints an agent needs, refuses the
// API's server-side tools and the models the run may not use, reserves each call's worst case
// against the budget, adds the real key only toward the vendor's API, and meters every call from
// the API's own usage, reading each answer to its end even when the agent hangs up. One proxy
// serves a whole run, all its steps.
import { randomBytes, timingSafeEqual } from "node:crypto";
import { Agent as HttpAgent, createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import { AnswerUsage } from "./model-answer.js";
import {
  estimatePromptTokens, ModelMeter, reservedOutputTokens, type MeterLimits, type ModelUsage, type Reservation,
} from "./model-meter.js";
import { modelRefusal, readModelRequest, type ModelRequest } from "./model-request.js";
import { callCostUsd, worstCaseUsd, type CallTokens } from "./model-usage.js";
import {
  DEFAULT_UPSTREAM, downstreamHeaders, endpointOf, errorBody, presentedKey, upstreamHeaders, upstreamUrl,
  VENDOR_NAME, type Endpoint, type ModelVendor, type RefusalStatus,
} from "./model-vendors.js";

export type { ModelVendor } from "./model-vendors.js";
export type { ModelUsage } from "./model-meter.js";

/** The largest request body forwarded (the Messages API's own limit is 32 MB). */
export const MAX_REQUEST_BYTES = 32 * 1024 * 1024;

export interface ModelCall {
  /** When the call ended, ISO. */
  readonly at: string;
  readonly endpoint: Endpoint["kind"];
  readonly model: string;
  /** The upstream's status. */
  readonly status: number;
  /** The usage the answer reported; null when it reported none. */
  readonly tokens: CallTokens | null;
  readonly costUsd: number;
}

export interface ModelRefusal {
  readonly at: string;
  readonly status: number;
  readonly message: string;
}

export interface ModelProxyOptions {
  /** The Unix socket path to listen on (in the action's root-only sockets directory). */
  readonly socket: string;
  readonly vendor: ModelVendor;
  /** The API's origin (and path prefix, for a gateway); the vendor's own host by default. */
  readonly upstream?: string;
  /** The real key: it goes to `upstream` only. */
  readonly apiKey: string;
  /** The models the config allows; null (the agent's own default) allows any (model-request.ts). */
  readonly allowedModels: readonly string[] | null;
  readonly limits: MeterLimits;
  readonly clock?: () => Date;
  /** Each call forwarded and ended, for the run's log. */
  readonly onCall?: (call: ModelCall) => void;
  /** Each request the proxy refused, for the run's log. */
  readonly onRefusal?: (refusal: ModelRefusal) => void;
}

export interface ModelProxy {
  readonly socket: string;
  /** The key the agent is given: worthless outside this proxy. */
  readonly dummyKey: string;
  /** The run's calls so far, across all its steps. */
  usage(): ModelUsage;
  close(): Promise<void>;
}

export async function startModelProxy(options: ModelProxyOptions): Promise<ModelProxy> {
  const { vendor, apiKey, allowedModels } = options;
  const clock = options.clock ?? (() => new Date());
  const upstream = new URL(options.upstream ?? DEFAULT_UPSTREAM[vendor]);
  if (upstream.protocol !== "https:" && upstream.protocol !== "http:") throw new Error(`the model API's URL must be http(s): ${upstream.href}`);
  const dummyKey = `gastown-dummy-${randomBytes(16).toString("hex")}`;
  const meter = new ModelMeter(options.limits);
  const secure = upstream.protocol === "https:";
  const agent = secure ? new HttpsAgent({ keepAlive: true }) : new HttpAgent({ keepAlive: true });

  const refuse = (res: ServerResponse, status: RefusalStatus, message: string, counted = false): void => {
    if (!counted) meter.refuse();
    options.onRefusal?.({ at: clock().toISOString(), status, message });
    sendJson(res, status, errorBody(vendor, status, message));
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? "/", "http://model-proxy");
    const endpoint = endpointOf(vendor, req.method ?? "", url.pathname);
    if (endpoint === null) {
      return refuse(res, 404, `Gas Town: the model proxy does not forward ${req.method} ${url.pathname}; it forwards only the ${VENDOR_NAME[vendor]} API's model calls.`);
    }
    if (!sameKey(presentedKey(vendor, req.headers, url.searchParams), dummyKey)) {
      return refuse(res, 403, "Gas Town: the model proxy takes only this run's key, which the agent was given.");
    }
    const raw = await bodyOf(req);
    if (raw === null) return refuse(res, 413, `Gas Town: the request is over the model proxy's ${MAX_REQUEST_BYTES / 1024 / 1024} MB.`);
    const reading = readModelRequest(vendor, endpoint, parsed(raw));
    if (!reading.ok) return refuse(res, 400, reading.message);
    const { request } = reading;
    const notAllowed = modelRefusal(request.model, allowedModels);
    if (notAllowed !== null) return refuse(res, 400, notAllowed);

    const worstCase = endpoint.kind === "count"
      ? 0
      : worstCaseUsd(vendor, request.model, estimatePromptTokens(raw.length), reservedOutputTokens(vendor, request.maxOutputTokens));
    const reserved = meter.reserve(worstCase, endpoint.kind === "generate");
    if (!reserved.ok) return refuse(res, 400, reserved.message, true);
    forward(req, res, url, raw, endpoint, request, reserved.reservation);
  };

  const forward = (req: IncomingMessage, res: ServerResponse, url: URL, raw: Buffer, endpoint: Endpoint, request: ModelRequest, reservation: Reservation): void => {
    const target = upstreamUrl(vendor, upstream, url.pathname, url.searchParams);
    const send = secure ? httpsRequest : httpRequest;
    let answered = false;
    const failed = (error: Error) => {
      // Once an answer has begun, its own end settles the call (relay).
      if (answered) return;
      meter.release(reservation);
      const message = `Gas Town: the model proxy could not reach ${target.origin}: ${error.message}`;
      options.onRefusal?.({ at: clock().toISOString(), status: 502, message });
      sendJson(res, 502, errorBody(vendor, 502, message));
    };
    try {
      const outgoing = send(target, { method: "POST", agent, headers: upstreamHeaders(vendor, req.headers, apiKey, raw.length) }, (answer) => {
        answered = true;
        relay(answer, res, endpoint, request, reservation);
      });
      outgoing.on("error", failed);
      outgoing.end(raw);
    } catch (error) {
      // A header Node will not send on (the agent's to write): the call is never made.
      failed(error as Error);
    }
  };

  /** Passes the answer on while the agent listens, and reads it to its end regardless. */
  const relay = (answer: IncomingMessage, res: ServerResponse, endpoint: Endpoint, request: ModelRequest, reservation: Reservation): void => {
    const status = answer.statusCode ?? 502;
    const answered = status >= 200 && status < 300;
    const usage = new AnswerUsage(vendor, /^text\/event-stream/i.test(answer.headers["content-type"] ?? ""));
    // An error answer is short: it is held whole, so any trace of the real key can be taken out.
    const held: Buffer[] = [];
    if (answered) res.writeHead(status, downstreamHeaders(answer.headers));
    const listening = () => !res.destroyed && !res.writableEnded;
    answer.on("data", (chunk: Buffer) => {
      usage.push(chunk);
      if (!answered) held.push(chunk);
      else if (listening() && !res.write(chunk)) {
        // Slow down for a slow reader, but never stop reading for one that left.
        answer.pause();
        const resume = () => {
          res.off("drain", resume);
          res.off("close", resume);
          answer.resume();
        };
        res.on("drain", resume);
        res.on("close", resume);
      }
    });
    let settled = false;
    const settle = () => {
      if (settled) return;
      settled = true;
      const tokens = usage.end();
      // A call that was answered but whose usage cannot be read costs what was reserved for it.
      const costUsd = !answered ? 0 : tokens === null ? reservation.usd : callCostUsd(vendor, request.model, tokens);
      meter.settle(reservation, costUsd, answered);
      options.onCall?.({ at: clock().toISOString(), endpoint: endpoint.kind, model: request.model, status, tokens, costUsd });
      if (!listening()) return;
      // An answer cut off upstream is cut off for the agent too, not ended as if whole.
      if (answered) {
        if (answer.complete) res.end();
        else res.destroy();
      } else {
        const headers = downstreamHeaders(answer.headers);
        delete headers["content-length"];
        res.writeHead(status, headers);
        res.end(withoutKey(Buffer.concat(held), apiKey));
      }
    };
    answer.on("end", settle);
    answer.on("error", settle);
    answer.on("close", settle);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) refuse(res, 400, `Gas Town: the model proxy could not read the request: ${(error as Error).message}`);
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.socket, () => {
      server.off("error", reject);
      resolve();
    });
  });

  return {
    socket: options.socket,
    dummyKey,
    usage: () => meter.usage(),
    close: () => new Promise((resolve, reject) => {
      server.closeAllConnections();
      agent.destroy();
      server.close((error) => (error ? reject(error) : resolve()));
    }),
  };
}

/** Compares keys in constant time, so the dummy cannot be guessed a byte at a time. */
function sameKey(presented: string | null, expected: string): boolean {
  if (presented === null) return false;
  const a = Buffer.from(presented);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The whole body, or null past MAX_REQUEST_BYTES (read to its end all the same, so the refusal reaches the client). */
async function bodyOf(req: IncomingMessage): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    bytes += chunk.length;
    if (bytes <= MAX_REQUEST_BYTES) chunks.push(chunk);
  }
  return bytes > MAX_REQUEST_BYTES ? null : Buffer.concat(chunks);
}

function parsed(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString("utf8"));
  } catch {
    return undefined;
  }
}

function withoutKey(body: Buffer, apiKey: string): Buffer {
  const text = body.toString("utf8");
  return text.includes(apiKey) ? Buffer.from(text.split(apiKey).join("[the model key]")) : body;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}
