// One REST request, start to end: match it to GitHub's operation, hold it to the contract,
// apply planned faults, authenticate, charge the rate limit, authorize, run the handler, and
// hold the answer to the contract too. Anything GitHub does not have, anything the emulator
// does not implement and any contract breach (either way) is reported, so tests fail loudly.
import { createHash } from "node:crypto";
import { authorize } from "../auth/authorize.js";
import { OPERATION_RULES } from "../auth/operation-rules.js";
import { authenticate, type Principal } from "../auth/principal.js";
import type { RequestFault } from "../faults/plan.js";
import type { Actor } from "../state/events.js";
import { checkRequest, checkResponse, ContractError, findOperation, splitUrl, type Operation } from "../../fidelity/rest-contract.js";
import type { Core, Handlers } from "./handler.js";
import { errorBody, json, type ApiResponse } from "./responses.js";
import { routeParams } from "./route-params.js";

export type RawRequest = { method: string; url: string; headers: Readonly<Record<string, string | undefined>>; body: Buffer };
export type RawResponse = { status: number; headers: Record<string, string>; body: Buffer };

export interface ApiHost {
  readonly core: Core;
  readonly handlers: Handlers;
  report(problem: string): void;
  takeRequestFault(operationId: string): Exclude<RequestFault, { kind: "lost-race" }> | undefined;
  sleep(ms: number): Promise<void>;
  chargeRateLimit(principal: Principal): { headers: Record<string, string>; exceeded: boolean; owner: string };
  /** Gives back what a request was charged: a conditional request answered 304 is free. */
  refundRateLimit(principal: Principal): void;
  count(operationId: string, requestBytes: number, responseBytes: number, status: number): void;
  requestId(): string;
}

const UNKNOWN_OPERATION = "(unknown)";

// The secondary rate limit's message; Octokit's throttling plugin recognises it by "secondary rate".
const SECONDARY_RATE_LIMIT_MESSAGE =
  "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. " +
  "If you reach out to GitHub Support for help, please include the request ID.";
const SECONDARY_RATE_LIMIT_DOCS = "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits";

function documentationUrlOf(operation: Operation): string {
  const docs = (operation.definition as { externalDocs?: { url?: string } }).externalDocs;
  return docs?.url ?? "https://docs.github.com/rest";
}

function parseJsonBody(raw: Buffer): { ok: true; body: unknown } | { ok: false } {
  if (raw.length === 0) return { ok: true, body: undefined };
  try {
    return { ok: true, body: JSON.parse(raw.toString("utf8")) as unknown };
  } catch {
    return { ok: false };
  }
}

function actorFor(core: Core, principal: Principal): Actor {
  if (principal.kind === "token") return principal.actor;
  return principal.kind === "app" ? { login: core.state.app.botLogin, via: "app" } : { login: "ghost", via: "user" };
}

export async function serveApi(host: ApiHost, request: RawRequest): Promise<RawResponse> {
  const method = request.method.toUpperCase();
  const { path, query } = splitUrl(request.url);
  const baseHeaders: Record<string, string> = { "x-github-request-id": host.requestId(), "x-github-api-version-selected": "2022-11-28" };
  const finish = (operationId: string, response: ApiResponse, extra: Record<string, string> = {}): RawResponse => {
    const raw = encode(response, { ...baseHeaders, ...extra });
    host.count(operationId, request.body.length, raw.body.length, raw.status);
    return raw;
  };

  const operation = findOperation(method, request.url);
  if (!operation) {
    host.report(`no GitHub REST operation for ${method} ${path}`);
    return finish(UNKNOWN_OPERATION, json(404, errorBody(404, "Not Found")));
  }
  const docs = documentationUrlOf(operation);
  const id = operation.operationId;
  const parsed = parseJsonBody(request.body);
  // GitHub's answers to a body it cannot read and to one its schema refuses.
  if (!parsed.ok) {
    host.report(`${id}: request body is not JSON`);
    return finish(id, json(400, errorBody(400, "Problems parsing JSON", docs)));
  }
  try {
    checkRequest({ method, url: request.url, body: parsed.body });
  } catch (error) {
    if (!(error instanceof ContractError)) throw error;
    host.report(`request breaks the contract: ${error.message}`);
    return finish(id, json(422, errorBody(422, `Invalid request.\n\n${error.message}`, docs)));
  }
  const rule = OPERATION_RULES[id];
  const handler = host.handlers[id];
  if (rule === undefined || handler === undefined) {
    host.report(`not implemented by the emulator: ${id} (${method} ${operation.pathTemplate})`);
    return finish(id, json(404, errorBody(404, "Not Found", docs)));
  }

  const fault = host.takeRequestFault(id);
  if (fault?.kind === "status") return finish(id, json(fault.status, errorBody(fault.status, faultMessage(fault.status), docs)));
  if (fault?.kind === "latency") await host.sleep(fault.ms);

  const principal = authenticate(host.core.state, request.headers["authorization"], host.core.now());
  if ("ok" in principal) return finish(id, json(principal.status, errorBody(principal.status, principal.message, docs)));
  const rate = host.chargeRateLimit(principal);
  if (fault?.kind === "secondary-rate-limit") {
    return finish(id, json(403, errorBody(403, SECONDARY_RATE_LIMIT_MESSAGE, SECONDARY_RATE_LIMIT_DOCS)), { ...rate.headers, "retry-after": String(fault.retryAfter) });
  }
  if (rate.exceeded) {
    const message = `API rate limit exceeded for ${rate.owner}.`;
    return finish(id, json(403, errorBody(403, message, "https://docs.github.com/rest/overview/resources-in-the-rest-api#rate-limiting")), rate.headers);
  }

  const params = routeParams(operation.pathTemplate, path);
  const repo = params["owner"] !== undefined && params["repo"] !== undefined ? `${params["owner"]}/${params["repo"]}` : undefined;
  const refused = authorize(host.core.state, principal, rule, repo);
  if (refused) return finish(id, json(refused.status, errorBody(refused.status, refused.message, docs)), rate.headers);

  let response: ApiResponse;
  try {
    response = await handler(
      { operationId: id, params, query, body: parsed.body, principal, actor: actorFor(host.core, principal), repo, accept: request.headers["accept"] ?? "", url: `${host.core.urls.api}${path}${query.size > 0 ? `?${query.toString()}` : ""}`, documentationUrl: docs },
      host.core,
    );
  } catch (error) {
    host.report(`${id} handler failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    response = json(500, errorBody(500, "Server Error", docs));
  }
  // A raw answer (a file's bytes) is a media type the description gives no schema for.
  if (response.text === undefined) {
    try {
      checkResponse(operation, response.status, response.body);
    } catch (error) {
      if (!(error instanceof ContractError)) throw error;
      host.report(`response breaks the contract: ${error.message}`);
    }
  }
  const tagged = withEntityTag(method, response);
  if (tagged.headers?.["etag"] !== undefined && tagged.headers["etag"] === request.headers["if-none-match"]) {
    // GitHub answers a conditional request whose ETag still matches with 304 and no body, and it
    // does not count against the primary rate limit.
    host.refundRateLimit(principal);
    return finish(id, { status: 304, headers: { etag: tagged.headers["etag"] } }, refunded(rate.headers));
  }
  return finish(id, tagged, rate.headers);
}

/** The rate-limit headers with the request given back. */
function refunded(headers: Record<string, string>): Record<string, string> {
  const used = Number(headers["x-ratelimit-used"] ?? 0);
  const remaining = Number(headers["x-ratelimit-remaining"] ?? 0);
  if (used === 0) return headers;
  return { ...headers, "x-ratelimit-used": String(used - 1), "x-ratelimit-remaining": String(remaining + 1) };
}

/** A read's JSON answer with the ETag GitHub gives it: a hash of what it says. */
function withEntityTag(method: string, response: ApiResponse): ApiResponse {
  if (method !== "GET" || response.status !== 200 || response.body === undefined || response.text !== undefined) return response;
  const tag = `"${createHash("sha256").update(JSON.stringify(response.body)).digest("hex").slice(0, 40)}"`;
  return { ...response, headers: { ...response.headers, etag: tag } };
}

function faultMessage(status: number): string {
  return status >= 500 ? "Server Error" : "Injected failure";
}

function encode(response: ApiResponse, headers: Record<string, string>): RawResponse {
  const all = { ...headers, ...response.headers };
  if (response.text !== undefined) {
    return { status: response.status, headers: { "content-type": "text/plain; charset=utf-8", ...all }, body: Buffer.from(response.text, "utf8") };
  }
  if (response.body === undefined) return { status: response.status, headers: all, body: Buffer.alloc(0) };
  return {
    status: response.status,
    headers: { "content-type": "application/json; charset=utf-8", "x-github-media-type": "github.v3; format=json", ...all },
    body: Buffer.from(JSON.stringify(response.body), "utf8"),
  };
}
