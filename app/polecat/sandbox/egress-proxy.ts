// The sandbox's only way out: an HTTP proxy, run by the action outside the sandbox, that a bridge
// inside reaches through a Unix socket (the sandbox's network namespace has nothing but loopback).
// It serves `CONNECT host:443` and nothing else, for hosts the policy allows (egress-policy.ts):
// it resolves the name itself (no DNS happens inside), refuses a name that resolves to a loopback,
// private, link-local or other non-public address, connects, answers 200, and then lets no byte
// through until the client's TLS ClientHello names that same host (tls-server-name.ts). What
// passes after that is the client's TLS session with the host, piped both ways and never read.
//
// Every refusal is kept (the first MAX_KEPT_REFUSALS of them, and a count of the rest) for the
// heartbeat's summary; the agent gets a 403 saying why and where the list is set. A host's or
// reason's text is the agent's choice: whoever shows them fences them.

import { chmod } from "node:fs/promises";
import { promises as dns } from "node:dns";
import http from "node:http";
import net from "node:net";
import type { Duplex } from "node:stream";
import {
  EGRESS_PORT, NETWORK_ALLOW_SETTING, clip, normalHost, refusedAddressKind, requestRefusal, type NetworkPolicy,
} from "./egress-policy.js";
import { readServerName, type ServerNameReading } from "./tls-server-name.js";

export interface EgressRefusal {
  /** ISO 8601, from the proxy's clock. */
  readonly at: string;
  /** As the client asked for it (a name lower-cased), clipped; "" when it named none. */
  readonly host: string;
  /** 0 when the request named none. */
  readonly port: number;
  readonly reason: string;
}

export interface EgressProxy {
  /** The Unix socket it listens on. */
  readonly socket: string;
  /** The first MAX_KEPT_REFUSALS refusals, oldest first. */
  refusals(): readonly EgressRefusal[];
  /** How many refusals came after those and were not kept. */
  droppedRefusals(): number;
  /** Stops listening, ends every open tunnel and removes the socket. */
  close(): Promise<void>;
}

export interface EgressTimeouts {
  /** From a client's connection to the end of its request's head. */
  readonly requestHeadMs: number;
  /** For resolving the host's name, and again for connecting to it. */
  readonly connectMs: number;
  /** From the 200 to the whole ClientHello. */
  readonly clientHelloMs: number;
}

export interface EgressProxyOptions {
  /** Where to listen; the file must not exist. Made readable and writable by its owner (root) only. */
  readonly socket: string;
  readonly policy: NetworkPolicy;
  /** Every address of `host`; default: the system's resolver (getaddrinfo), as any client would. */
  readonly resolve?: (host: string) => Promise<readonly string[]>;
  /** A socket connected to `address:port`; default: TCP. Tests send a name to a local server. */
  readonly connect?: (address: string, port: number) => Promise<Duplex>;
  readonly clock?: () => Date;
  /** Told of every refusal, the ones past MAX_KEPT_REFUSALS too; it must not throw. */
  readonly onRefusal?: (refusal: EgressRefusal) => void;
  readonly timeouts?: Partial<EgressTimeouts>;
}

/** Enough to show what an agent tried; a hostile agent refused in a loop is one count, not a heap. */
export const MAX_KEPT_REFUSALS = 100;

/**
 * Long enough for a slow resolver or a distant registry, short enough that a client (or a host)
 * that holds a socket and sends nothing lets it go.
 */
export const DEFAULT_EGRESS_TIMEOUTS: EgressTimeouts = { requestHeadMs: 10_000, connectMs: 10_000, clientHelloMs: 10_000 };

/** Far more than a package manager opens at once (npm's default is 15 per host); each costs the action file descriptors. */
const MAX_CONNECTIONS = 256;

/** TLS fatal alert access_denied (RFC 8446 §6): a client told why, not just cut off. */
const TLS_ACCESS_DENIED = Buffer.from([21, 3, 3, 0, 2, 2, 49]);

/**
 * getaddrinfo runs on libuv's thread pool (4 threads), which the action's file system calls share;
 * under `network: open` an agent could fill it with names that never answer. Lookups past this
 * many wait their turn, so the agent slows only itself.
 */
const MAX_LOOKUPS_AT_ONCE = 2;
let lookups = 0;
const waitingLookups: Array<() => void> = [];

/** The system's resolver, every address it has for `host`, in the order it prefers them. */
export async function resolveHost(host: string): Promise<readonly string[]> {
  if (lookups >= MAX_LOOKUPS_AT_ONCE) await new Promise<void>((turn) => waitingLookups.push(turn));
  lookups += 1;
  try {
    const addresses = await dns.lookup(host, { all: true, verbatim: true });
    return addresses.map((entry) => entry.address);
  } finally {
    lookups -= 1;
    waitingLookups.shift()?.();
  }
}

/** A TCP connection to `address:port`, once it is open. */
export function connectTcp(address: string, port: number): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: address, port });
    socket.once("error", reject);
    socket.once("connect", () => {
      socket.off("error", reject);
      resolve(socket);
    });
  });
}

/** The body of a refusal: what was refused, why, and where the allowed hosts are set. */
export function refusalText(policy: NetworkPolicy, request: string, reason: string): string {
  const scope = policy.kind === "open"
    ? "polecat.network is open in .github/gastown.yml, so the sandbox may reach any host name"
    : `The sandbox reaches only the hosts in ${NETWORK_ALLOW_SETTING} in .github/gastown.yml (names or *.suffix)`;
  return `The sandbox's egress proxy refused ${request}: ${reason}.\n${scope}, by HTTPS on port ${EGRESS_PORT} ` +
    "through this proxy; IP addresses and loopback, private and link-local addresses are refused whatever the setting.\n";
}

/** Listens on `options.socket` until closed. */
export async function startEgressProxy(options: EgressProxyOptions): Promise<EgressProxy> {
  const { policy } = options;
  const resolve = options.resolve ?? resolveHost;
  const connect = options.connect ?? connectTcp;
  const clock = options.clock ?? (() => new Date());
  const timeouts = { ...DEFAULT_EGRESS_TIMEOUTS, ...options.timeouts };
  const kept: EgressRefusal[] = [];
  let dropped = 0;
  const open = new Set<Duplex>();
  let closed = false;

  const track = (socket: Duplex) => {
    open.add(socket);
    socket.on("close", () => open.delete(socket));
    // A socket's error ends only that socket; it must never reach the action as an uncaught one.
    socket.on("error", () => socket.destroy());
    if (closed) socket.destroy();
  };

  const refuse = (host: string, port: number, reason: string): void => {
    const refusal: EgressRefusal = { at: clock().toISOString(), host: clip(host), port, reason };
    if (kept.length < MAX_KEPT_REFUSALS) kept.push(refusal);
    else dropped += 1;
    options.onRefusal?.(refusal);
  };

  const server = http.createServer({
    requestTimeout: timeouts.requestHeadMs, headersTimeout: timeouts.requestHeadMs,
    connectionsCheckingInterval: Math.min(1000, timeouts.requestHeadMs),
  });
  server.maxConnections = MAX_CONNECTIONS;
  server.on("connection", (socket: net.Socket) => {
    track(socket);
    // The server's own head timeout counts from a request's first byte; one that never sends any
    // is let go here. A tunnel is not timed (a package manager keeps idle ones for reuse).
    socket.setTimeout(timeouts.requestHeadMs, () => socket.destroy());
  });

  server.on("request", (request: http.IncomingMessage, response: http.ServerResponse) => {
    const target = plainTarget(request);
    const reason = `plain HTTP (${clip(request.method ?? "")}) is not allowed: the sandbox reaches HTTPS only, through CONNECT`;
    refuse(target.host, target.port, reason);
    const body = refusalText(policy, `${clip(request.method ?? "")} ${clip(request.url ?? "")}`, reason);
    response.sendDate = false;
    response.writeHead(403, textHeaders(body)).end(body);
  });

  server.on("connect", (request: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    client.setTimeout(0);
    // Bytes sent before the 200 wait with the ClientHello; nothing is read until the host is known good.
    client.pause();
    tunnel(request.url ?? "", client, head).catch(() => client.destroy());
  });

  server.on("clientError", (_error: Error, socket: Duplex) => {
    endWith(socket, rawResponse(400, "Bad Request", "The sandbox's egress proxy could not read that request.\n"));
  });

  async function tunnel(authority: string, client: Duplex, head: Buffer): Promise<void> {
    const target = parseAuthority(authority);
    const request = `CONNECT ${clip(authority)}`;
    const refuseRequest = (host: string, port: number, reason: string) => {
      refuse(host, port, reason);
      endWith(client, rawResponse(403, "Forbidden", refusalText(policy, request, reason)));
    };
    if (target === undefined) return refuseRequest(authority, 0, "the request names no port");
    const host = normalHost(target.host);
    const refused = requestRefusal(policy, target.host, target.port);
    if (refused !== undefined) return refuseRequest(host, target.port, refused);

    const fail = (status: number, text: string, why: string) =>
      endWith(client, rawResponse(status, text, `The sandbox's egress proxy could not reach ${host}:${target.port}: ${why}.\n`));
    const found = await within(timeouts.connectMs, resolve(host));
    if (found === TIMED_OUT) return fail(504, "Gateway Timeout", `no address for it within ${seconds(timeouts.connectMs)}`);
    if (found instanceof Error) return fail(502, "Bad Gateway", `its name did not resolve (${errorCode(found)})`);
    if (found.length === 0) return fail(502, "Bad Gateway", "its name has no address");
    // Every address is checked, not only the one used: a name with one good address and one bad is
    // a name someone pointed inward.
    for (const address of found) {
      const kind = refusedAddressKind(address);
      if (kind !== undefined) return refuseRequest(host, target.port, `${host} resolves to ${address}, ${kind}`);
    }

    const upstream = await within(timeouts.connectMs, connectToAny(connect, found, target.port), (late) => late.destroy());
    if (upstream === TIMED_OUT) return fail(504, "Gateway Timeout", `no connection within ${seconds(timeouts.connectMs)}`);
    if (upstream instanceof Error) return fail(502, "Bad Gateway", `the connection failed (${errorCode(upstream)})`);
    track(upstream);
    upstream.pause();
    if (client.destroyed) return void upstream.destroy();
    client.write("HTTP/1.1 200 Connection Established\r\n\r\n");

    const hello = await readClientHello(client, head, timeouts.clientHelloMs);
    const refuseTunnel = (reason: string) => {
      refuse(host, target.port, reason);
      upstream.destroy();
      endWith(client, TLS_ACCESS_DENIED);
    };
    if (hello.reading === undefined) return void upstream.destroy();
    if (hello.reading.kind === "incomplete") return refuseTunnel(`sent no whole TLS ClientHello within ${seconds(timeouts.clientHelloMs)}`);
    if (hello.reading.kind === "none") return refuseTunnel(`no TLS session for ${host}: ${hello.reading.why}`);
    if (normalHost(hello.reading.serverName) !== host) {
      return refuseTunnel(`the TLS server name is ${JSON.stringify(clip(hello.reading.serverName))}, not ${host}`);
    }
    upstream.write(hello.bytes);
    // An end is passed on (either side may half-close); a failure ends both.
    const both = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on("error", both);
    upstream.on("error", both);
    client.pipe(upstream);
    upstream.pipe(client);
    client.resume();
    upstream.resume();
  }

  await new Promise<void>((resolveListen, rejectListen) => {
    server.once("error", rejectListen);
    server.listen(options.socket, () => {
      server.off("error", rejectListen);
      resolveListen();
    });
  });
  // The sockets' directory is root's alone already; the socket is too, in case it is ever not.
  await chmod(options.socket, 0o600);

  return {
    socket: options.socket,
    refusals: () => [...kept],
    droppedRefusals: () => dropped,
    close: async () => {
      closed = true;
      const stopped = new Promise<void>((done) => server.close(() => done()));
      for (const socket of open) socket.destroy();
      await stopped;
    },
  };
}

/** What the client sent first after the 200, and what it says; `reading` undefined: the client went away. */
interface ClientHello {
  readonly reading: ServerNameReading | undefined;
  readonly bytes: Buffer;
}

function readClientHello(client: Duplex, head: Buffer, timeoutMs: number): Promise<ClientHello> {
  return new Promise((resolve) => {
    if (client.destroyed) return resolve({ reading: undefined, bytes: head });
    // A ClientHello sent with the CONNECT is whole already; the client stays paused for the pipe.
    const early = readServerName(head);
    if (head.length > 0 && early.kind !== "incomplete") return resolve({ reading: early, bytes: head });
    let bytes = head;
    const finish = (reading: ServerNameReading | undefined) => {
      clearTimeout(timer);
      client.off("data", onData);
      client.off("close", onClose);
      client.pause();
      resolve({ reading, bytes });
    };
    const onData = (chunk: Buffer) => {
      bytes = Buffer.concat([bytes, chunk]);
      const reading = readServerName(bytes);
      if (reading.kind !== "incomplete") finish(reading);
    };
    const onClose = () => finish(undefined);
    const timer = setTimeout(() => finish({ kind: "incomplete" }), timeoutMs);
    client.on("data", onData);
    client.on("close", onClose);
    client.resume();
  });
}

/**
 * A connection to the first of `addresses` that takes one, in the resolver's order: a runner with
 * no IPv6 route fails an IPv6 address at once and goes on to the next.
 */
async function connectToAny(connect: (address: string, port: number) => Promise<Duplex>, addresses: readonly string[], port: number): Promise<Duplex> {
  let failure: unknown;
  for (const address of addresses) {
    try {
      return await connect(address, port);
    } catch (error) {
      failure = error;
    }
  }
  throw failure;
}

const TIMED_OUT = Symbol("timed out");

/** `work`'s value or error, or TIMED_OUT after `ms`; a value that comes later goes to `late`. */
async function within<T>(ms: number, work: Promise<T>, late?: (value: T) => void): Promise<T | Error | typeof TIMED_OUT> {
  let timer: NodeJS.Timeout | undefined;
  let timedOut = false;
  const settled = work.then((value) => {
    if (timedOut) late?.(value);
    return value;
  }, (error: unknown) => (error instanceof Error ? error : new Error(String(error))));
  const deadline = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => {
      timedOut = true;
      resolve(TIMED_OUT);
    }, ms);
  });
  try {
    return await Promise.race([settled, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** `host:port` or `[v6]:port` as a CONNECT names it; undefined when it names no port. */
function parseAuthority(authority: string): { host: string; port: number } | undefined {
  const match = /^(?:\[([^\]]*)\]|([^:]*)):([0-9]{1,5})$/.exec(authority);
  if (match === null) return undefined;
  return { host: match[1] ?? match[2] ?? "", port: Number(match[3]) };
}

/** The host and port a plain HTTP request was for: its absolute URL's, else its Host header's. */
function plainTarget(request: http.IncomingMessage): { host: string; port: number } {
  try {
    const url = new URL(request.url ?? "");
    return { host: url.hostname.replace(/^\[(.*)\]$/, "$1"), port: Number(url.port || (url.protocol === "https:" ? 443 : 80)) };
  } catch {
    const header = request.headers.host ?? "";
    return parseAuthority(header) ?? { host: header, port: header === "" ? 0 : 80 };
  }
}

/**
 * Writes `last` and closes: the client's own end is not waited for (its socket is half-open and
 * paused), so a client that never hangs up holds nothing.
 */
function endWith(socket: Duplex, last: string | Buffer): void {
  if (!socket.writable) return void socket.destroy();
  socket.end(last, () => socket.destroy());
}

function seconds(ms: number): string {
  return `${ms / 1000} s`;
}

function errorCode(error: Error): string {
  return (error as NodeJS.ErrnoException).code ?? error.message;
}

function textHeaders(body: string): http.OutgoingHttpHeaders {
  return { "Content-Type": "text/plain; charset=utf-8", "Content-Length": Buffer.byteLength(body), Connection: "close" };
}

/** A whole response written on a socket the HTTP server has let go of (CONNECT, a bad request). */
function rawResponse(status: number, statusText: string, body: string): string {
  const headers = Object.entries(textHeaders(body)).map(([name, value]) => `${name}: ${value}\r\n`).join("");
  return `HTTP/1.1 ${status} ${statusText}\r\n${headers}\r\n${body}`;
}
