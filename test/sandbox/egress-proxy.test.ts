// The egress proxy with real sockets: a Unix socket in a temporary directory, and an HTTPS server on
// 127.0.0.1 with a certificate made here for the registry names, to which the test's `connect`
// sends every allowed name. What a client gets back and what the proxy records are asserted whole.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import https from "node:https";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Duplex } from "node:stream";
import tls from "node:tls";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { NetworkPolicy } from "../../app/polecat/sandbox/egress-policy.js";
import {
  MAX_KEPT_REFUSALS, connectTcp, resolveHost, startEgressProxy, type EgressProxy, type EgressProxyOptions, type EgressRefusal,
} from "../../app/polecat/sandbox/egress-proxy.js";

const AT = "2026-12-03T06:00:00.000Z";
const NAMES = ["registry.npmjs.org", "unlisted.example"];

let dir: string;
let cert: string;
let registry: https.Server;
let registryPort: number;
/** The server name of each TLS session the registry accepted. */
let served: string[];
let proxies: EgressProxy[] = [];
let sockets = 0;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "egress-proxy-"));
  // A self-signed certificate for the names the tests tunnel to, so the client checks it as it would a registry's.
  execFileSync("openssl", [
    "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
    "-subj", "/CN=registry.npmjs.org", "-addext", `subjectAltName=${NAMES.map((name) => `DNS:${name}`).join(",")}`,
    "-keyout", join(dir, "key.pem"), "-out", join(dir, "cert.pem"),
  ], { stdio: "ignore" });
  cert = readFileSync(join(dir, "cert.pem"), "utf8");
  registry = https.createServer({ key: readFileSync(join(dir, "key.pem")), cert }, (request, response) => {
    response.end(`${request.method} ${request.url} for ${request.headers.host}`);
  });
  registry.on("secureConnection", (socket: tls.TLSSocket) => served.push(String(socket.servername)));
  await new Promise<void>((resolve) => registry.listen(0, "127.0.0.1", resolve));
  registryPort = (registry.address() as net.AddressInfo).port;
});

afterEach(async () => {
  await Promise.all(proxies.map((proxy) => proxy.close()));
  proxies = [];
});

afterAll(async () => {
  await new Promise<void>((resolve) => registry.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
});

interface Started {
  readonly proxy: EgressProxy;
  /** The hosts the proxy looked up. */
  readonly resolved: string[];
  /** The address:port the proxy connected to. */
  readonly connected: string[];
  /** What onRefusal was told. */
  readonly told: EgressRefusal[];
}

/** A proxy whose names resolve from `addresses` and whose every connection goes to the local registry. */
async function start(policy: NetworkPolicy, addresses: Record<string, string[]>, options: Partial<EgressProxyOptions> = {}): Promise<Started> {
  served = [];
  const resolved: string[] = [];
  const connected: string[] = [];
  const told: EgressRefusal[] = [];
  sockets += 1;
  const proxy = await startEgressProxy({
    socket: join(dir, `egress-${sockets}.sock`),
    policy,
    resolve: async (host) => {
      resolved.push(host);
      const found = addresses[host];
      if (found === undefined) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: "ENOTFOUND" });
      return found;
    },
    connect: (address, port) => {
      connected.push(`${address}:${port}`);
      return connectTcp("127.0.0.1", registryPort);
    },
    clock: () => new Date(AT),
    onRefusal: (refusal) => told.push(refusal),
    ...options,
  });
  proxies.push(proxy);
  return { proxy, resolved, connected, told };
}

const allow = (...hosts: string[]): NetworkPolicy => ({ kind: "allow", hosts });
const NPM = { "registry.npmjs.org": ["104.16.1.35"] };

/** Everything the proxy answers to `text`, up to its closing the connection. */
function exchange(proxy: EgressProxy, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(proxy.socket, () => socket.write(text));
    let answer = "";
    socket.on("data", (chunk: Buffer) => {
      answer += chunk.toString("latin1");
    });
    socket.on("close", () => resolve(answer));
    socket.on("error", reject);
  });
}

const connectRequest = (authority: string) => `CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\n\r\n`;

/** A CONNECT's response head, and the socket to go on with. */
function openTunnel(proxy: EgressProxy, authority: string): Promise<{ head: string; socket: net.Socket }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(proxy.socket, () => socket.write(connectRequest(authority)));
    let head = "";
    const onData = (chunk: Buffer) => {
      head += chunk.toString("latin1");
      if (head.includes("\r\n\r\n")) {
        socket.off("data", onData);
        resolve({ head, socket });
      }
    };
    socket.on("data", onData);
    socket.on("error", reject);
  });
}

/** An HTTPS GET of `path` at `host` over `socket`, checked against the test's certificate. */
function getOver(socket: Duplex, host: string, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const secure = tls.connect({ socket, servername: host, ca: cert });
    secure.on("error", reject);
    // No agent: with one (even `agent: false`) node makes its own connection and ignores this.
    const request = https.get({ host, path, headers: { host }, createConnection: () => secure }, (response) => {
      let body = "";
      response.on("data", (chunk: Buffer) => {
        body += chunk.toString();
      });
      response.on("end", () => resolve(`${response.statusCode} ${body}`));
    });
    request.on("error", reject);
  });
}

/** The error a TLS client over `socket` asking for `servername` ends with. */
function tlsFailure(socket: net.Socket, servername: string): Promise<string> {
  return new Promise((resolve) => {
    const secure = tls.connect({ socket, servername, ca: cert });
    secure.on("secureConnect", () => resolve("connected"));
    secure.on("error", (error: NodeJS.ErrnoException) => resolve(String(error.code)));
  });
}

const closed = (socket: net.Socket) => new Promise<void>((resolve) => {
  if (socket.destroyed) resolve();
  else socket.on("close", () => resolve());
});

const LIST_LINE = "The sandbox reaches only the hosts in polecat.network.allow in .github/gastown.yml (names or *.suffix), " +
  "by HTTPS on port 443 through this proxy; IP addresses and loopback, private and link-local addresses are refused whatever the setting.\n";
const OPEN_LINE = "polecat.network is open in .github/gastown.yml, so the sandbox may reach any host name, " +
  "by HTTPS on port 443 through this proxy; IP addresses and loopback, private and link-local addresses are refused whatever the setting.\n";

function response(status: string, body: string): string {
  return `HTTP/1.1 ${status}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
    `Connection: close\r\n\r\n${body}`;
}

const forbidden = (request: string, reason: string, line = LIST_LINE) =>
  response("403 Forbidden", `The sandbox's egress proxy refused ${request}: ${reason}.\n${line}`);

const refusal = (host: string, port: number, reason: string): EgressRefusal => ({ at: AT, host, port, reason });

/** A TLS fatal alert, access_denied: what a tunnel refused after its 200 gets. */
const ACCESS_DENIED = "\x15\x03\x03\x00\x02\x02\x31";

describe("the egress proxy", () => {
  it("tunnels an HTTPS request to an allowed host, resolved and connected by the proxy", async () => {
    const { proxy, resolved, connected, told } = await start(allow("registry.npmjs.org"), NPM);
    expect(statSync(proxy.socket).mode & 0o777).toBe(0o600);
    const tunnel = await openTunnel(proxy, "Registry.NPMJS.org:443");
    expect(tunnel.head).toBe("HTTP/1.1 200 Connection Established\r\n\r\n");
    expect(await getOver(tunnel.socket, "registry.npmjs.org", "/left-pad")).toBe("200 GET /left-pad for registry.npmjs.org");
    expect(resolved).toEqual(["registry.npmjs.org"]);
    expect(connected).toEqual(["104.16.1.35:443"]);
    expect(served).toEqual(["registry.npmjs.org"]);
    expect(proxy.refusals()).toEqual([]);
    expect(told).toEqual([]);
  });

  it("tunnels a client that sends its ClientHello with the CONNECT, not waiting for the 200", async () => {
    const { proxy } = await start(allow("registry.npmjs.org"), NPM);
    const raw = net.connect(proxy.socket);
    await new Promise<void>((resolve) => raw.on("connect", () => resolve()));
    let head: string | undefined;
    let seen = "";
    let first = true;
    // What TLS writes goes out after the CONNECT in the same write; what comes back reaches TLS after the proxy's head.
    const stream = new Duplex({
      write(chunk: Buffer, _encoding, done) {
        raw.write(first ? Buffer.concat([Buffer.from(connectRequest("registry.npmjs.org:443")), chunk]) : chunk, done);
        first = false;
      },
      read() {},
      final(done) {
        raw.end();
        done();
      },
    });
    raw.on("data", (chunk: Buffer) => {
      if (head !== undefined) return void stream.push(chunk);
      seen += chunk.toString("latin1");
      const end = seen.indexOf("\r\n\r\n");
      if (end < 0) return;
      head = seen.slice(0, end + 4);
      if (seen.length > end + 4) stream.push(Buffer.from(seen.slice(end + 4), "latin1"));
    });
    raw.on("end", () => stream.push(null));
    raw.on("error", (error) => stream.destroy(error));
    expect(await getOver(stream, "registry.npmjs.org", "/early")).toBe("200 GET /early for registry.npmjs.org");
    expect(head).toBe("HTTP/1.1 200 Connection Established\r\n\r\n");
    expect(served).toEqual(["registry.npmjs.org"]);
    expect(proxy.refusals()).toEqual([]);
  });

  it("connects to the next address when one fails", async () => {
    const { proxy, connected } = await start(allow("registry.npmjs.org"), { "registry.npmjs.org": ["2606:4700::6810:123", "104.16.1.35"] }, {
      connect: (address, port) => {
        connected.push(`${address}:${port}`);
        if (address.includes(":")) return Promise.reject(Object.assign(new Error("connect ENETUNREACH"), { code: "ENETUNREACH" }));
        return connectTcp("127.0.0.1", registryPort);
      },
    });
    const tunnel = await openTunnel(proxy, "registry.npmjs.org:443");
    expect(await getOver(tunnel.socket, "registry.npmjs.org", "/")).toBe("200 GET / for registry.npmjs.org");
    expect(connected).toEqual(["2606:4700::6810:123:443", "104.16.1.35:443"]);
  });

  it("resolves with the system's resolver by default (offline: /etc/hosts answers for localhost)", async () => {
    const names = await Promise.all(["localhost", "localhost", "localhost"].map(resolveHost));
    for (const addresses of names) expect(addresses).toContain("127.0.0.1");
  });

  it("refuses a host not on the list, without looking it up, and lists it", async () => {
    const { proxy, resolved, connected, told } = await start(allow("registry.npmjs.org"), { "evil.example": ["104.16.1.36"] });
    expect(await exchange(proxy, connectRequest("evil.example:443"))).toBe(
      forbidden("CONNECT evil.example:443", "evil.example is not in polecat.network.allow"));
    expect(resolved).toEqual([]);
    expect(connected).toEqual([]);
    expect(proxy.refusals()).toEqual([refusal("evil.example", 443, "evil.example is not in polecat.network.allow")]);
    expect(told).toEqual(proxy.refusals());
    expect(proxy.droppedRefusals()).toBe(0);
  });

  it("refuses an IP literal in any spelling, and a request with no port", async () => {
    const { proxy, resolved, connected } = await start({ kind: "open" }, {});
    const ip = "is an IP address: the sandbox reaches host names only, which the proxy resolves itself";
    for (const [authority, host] of [["0x7f000001:443", "0x7f000001"], ["2130706433:443", "2130706433"],
      ["[::1]:443", "::1"], ["169.254.169.254:443", "169.254.169.254"]] as const) {
      expect(await exchange(proxy, connectRequest(authority))).toBe(forbidden(`CONNECT ${authority}`, `"${host}" ${ip}`, OPEN_LINE));
    }
    expect(await exchange(proxy, connectRequest("registry.npmjs.org"))).toBe(
      forbidden("CONNECT registry.npmjs.org", "the request names no port", OPEN_LINE));
    expect(proxy.refusals()).toEqual([
      refusal("0x7f000001", 443, `"0x7f000001" ${ip}`),
      refusal("2130706433", 443, `"2130706433" ${ip}`),
      refusal("::1", 443, `"::1" ${ip}`),
      refusal("169.254.169.254", 443, `"169.254.169.254" ${ip}`),
      refusal("registry.npmjs.org", 0, "the request names no port"),
    ]);
    expect(resolved).toEqual([]);
    expect(connected).toEqual([]);
  });

  it("refuses a name that resolves to a loopback, private or metadata address, any one of its addresses", async () => {
    const hosts = ["loopback.example", "private.example", "metadata.example", "mixed.example"];
    const { proxy, resolved, connected } = await start(allow(...hosts), {
      "loopback.example": ["127.0.0.1"],
      "private.example": ["10.0.0.8"],
      "metadata.example": ["169.254.169.254"],
      "mixed.example": ["104.16.1.35", "::ffff:192.168.0.1"],
    });
    const reasons = [
      "loopback.example resolves to 127.0.0.1, a loopback address",
      "private.example resolves to 10.0.0.8, a private address",
      "metadata.example resolves to 169.254.169.254, the cloud metadata address",
      "mixed.example resolves to ::ffff:192.168.0.1, a private address (IPv4-mapped)",
    ];
    for (const [i, host] of hosts.entries()) {
      expect(await exchange(proxy, connectRequest(`${host}:443`))).toBe(forbidden(`CONNECT ${host}:443`, reasons[i] as string));
    }
    expect(resolved).toEqual(hosts);
    expect(connected).toEqual([]);
    expect(proxy.refusals()).toEqual(hosts.map((host, i) => refusal(host, 443, reasons[i] as string)));
  });

  it("refuses a port other than 443", async () => {
    const { proxy, resolved } = await start(allow("registry.npmjs.org"), NPM);
    const reason = "port 80 is not allowed: the sandbox reaches HTTPS on port 443 only";
    expect(await exchange(proxy, connectRequest("registry.npmjs.org:80"))).toBe(forbidden("CONNECT registry.npmjs.org:80", reason));
    expect(proxy.refusals()).toEqual([refusal("registry.npmjs.org", 80, reason)]);
    expect(resolved).toEqual([]);
  });

  it("refuses plain HTTP, to an allowed host too", async () => {
    const { proxy, resolved } = await start(allow("registry.npmjs.org"), NPM);
    const reason = "plain HTTP (GET) is not allowed: the sandbox reaches HTTPS only, through CONNECT";
    expect(await exchange(proxy, "GET http://registry.npmjs.org/left-pad HTTP/1.1\r\nHost: registry.npmjs.org\r\n\r\n")).toBe(
      forbidden("GET http://registry.npmjs.org/left-pad", reason));
    const post = "plain HTTP (POST) is not allowed: the sandbox reaches HTTPS only, through CONNECT";
    expect(await exchange(proxy, "POST /upload HTTP/1.1\r\nHost: evil.example:8080\r\nContent-Length: 0\r\n\r\n")).toBe(
      forbidden("POST /upload", post));
    expect(proxy.refusals()).toEqual([refusal("registry.npmjs.org", 80, reason), refusal("evil.example", 8080, post)]);
    expect(resolved).toEqual([]);
  });

  it("refuses a TLS session for another name than the host asked for, before a byte of it reaches the host", async () => {
    const { proxy, connected } = await start(allow("registry.npmjs.org"), NPM);
    const tunnel = await openTunnel(proxy, "registry.npmjs.org:443");
    expect(tunnel.head).toBe("HTTP/1.1 200 Connection Established\r\n\r\n");
    expect(await tlsFailure(tunnel.socket, "unlisted.example")).toBe("ERR_SSL_TLSV1_ALERT_ACCESS_DENIED");
    expect(proxy.refusals()).toEqual([
      refusal("registry.npmjs.org", 443, 'the TLS server name is "unlisted.example", not registry.npmjs.org'),
    ]);
    expect(connected).toEqual(["104.16.1.35:443"]);
    expect(served).toEqual([]);
  });

  it("refuses a tunnel whose first bytes are no TLS, sent with the CONNECT or after it", async () => {
    const { proxy } = await start(allow("registry.npmjs.org"), NPM);
    const plain = "GET / HTTP/1.1\r\nHost: registry.npmjs.org\r\n\r\n";
    expect(await exchange(proxy, connectRequest("registry.npmjs.org:443") + plain)).toBe(
      `HTTP/1.1 200 Connection Established\r\n\r\n${ACCESS_DENIED}`);
    const tunnel = await openTunnel(proxy, "registry.npmjs.org:443");
    tunnel.socket.write("SSH-2.0-OpenSSH_9.6\r\n");
    await closed(tunnel.socket);
    expect(proxy.refusals()).toEqual([
      refusal("registry.npmjs.org", 443,
        'no TLS session for registry.npmjs.org: not a TLS handshake (it begins with 0x47, "G": plain text, such as HTTP)'),
      refusal("registry.npmjs.org", 443,
        'no TLS session for registry.npmjs.org: not a TLS handshake (it begins with 0x53, "S": plain text, such as HTTP)'),
    ]);
    expect(served).toEqual([]);
  });

  it("lets go of a tunnel that sends no ClientHello in time", async () => {
    const { proxy } = await start(allow("registry.npmjs.org"), NPM, { timeouts: { clientHelloMs: 50 } });
    const tunnel = await openTunnel(proxy, "registry.npmjs.org:443");
    tunnel.socket.write(Buffer.from([22, 3, 1, 1, 0, 1]));
    await closed(tunnel.socket);
    expect(proxy.refusals()).toEqual([refusal("registry.npmjs.org", 443, "sent no whole TLS ClientHello within 0.05 s")]);
  });

  it("under open, tunnels to a host not on any list, and still refuses a private address", async () => {
    const { proxy, connected } = await start({ kind: "open" }, { "unlisted.example": ["151.101.0.223"], "private.example": ["172.16.5.4"] });
    const tunnel = await openTunnel(proxy, "unlisted.example:443");
    expect(await getOver(tunnel.socket, "unlisted.example", "/")).toBe("200 GET / for unlisted.example");
    expect(await exchange(proxy, connectRequest("private.example:443"))).toBe(
      forbidden("CONNECT private.example:443", "private.example resolves to 172.16.5.4, a private address", OPEN_LINE));
    expect(connected).toEqual(["151.101.0.223:443"]);
    expect(proxy.refusals()).toEqual([refusal("private.example", 443, "private.example resolves to 172.16.5.4, a private address")]);
  });

  it("answers 502 for a name that does not resolve and 504 for a host that does not answer, refusing nothing", async () => {
    const { proxy } = await start(allow("registry.npmjs.org", "nowhere.example"), NPM, {
      connect: () => new Promise(() => undefined),
      timeouts: { connectMs: 50 },
    });
    expect(await exchange(proxy, connectRequest("nowhere.example:443"))).toBe(response("502 Bad Gateway",
      "The sandbox's egress proxy could not reach nowhere.example:443: its name did not resolve (ENOTFOUND).\n"));
    expect(await exchange(proxy, connectRequest("registry.npmjs.org:443"))).toBe(response("504 Gateway Timeout",
      "The sandbox's egress proxy could not reach registry.npmjs.org:443: no connection within 0.05 s.\n"));
    expect(proxy.refusals()).toEqual([]);
  });

  it("answers 400 to what is no HTTP request", async () => {
    const { proxy } = await start(allow("registry.npmjs.org"), NPM);
    expect(await exchange(proxy, "\x16\x03\x01\x00\x05hello\r\n\r\n")).toBe(response("400 Bad Request",
      "The sandbox's egress proxy could not read that request.\n"));
    expect(proxy.refusals()).toEqual([]);
  });

  it(`keeps the first ${MAX_KEPT_REFUSALS} refusals and counts the rest, telling onRefusal of each`, async () => {
    const { proxy, told } = await start(allow("registry.npmjs.org"), NPM);
    for (let i = 0; i < MAX_KEPT_REFUSALS + 2; i++) await exchange(proxy, connectRequest(`host-${i}.example:443`));
    expect(proxy.refusals()).toHaveLength(MAX_KEPT_REFUSALS);
    expect(proxy.refusals()[MAX_KEPT_REFUSALS - 1]).toEqual(
      refusal(`host-${MAX_KEPT_REFUSALS - 1}.example`, 443, `host-${MAX_KEPT_REFUSALS - 1}.example is not in polecat.network.allow`));
    expect(proxy.droppedRefusals()).toBe(2);
    expect(told).toHaveLength(MAX_KEPT_REFUSALS + 2);
    expect(told.at(-1)).toEqual(refusal(`host-${MAX_KEPT_REFUSALS + 1}.example`, 443,
      `host-${MAX_KEPT_REFUSALS + 1}.example is not in polecat.network.allow`));
  });

  it("lets go of a connection that sends no request in time, and not of an idle tunnel", async () => {
    const { proxy } = await start(allow("registry.npmjs.org"), NPM, { timeouts: { requestHeadMs: 250 } });
    const tunnel = await openTunnel(proxy, "registry.npmjs.org:443");
    const secure = tls.connect({ socket: tunnel.socket, servername: "registry.npmjs.org", ca: cert });
    await new Promise<void>((resolve) => secure.on("secureConnect", () => resolve()));
    const silent = net.connect(proxy.socket);
    await closed(silent);
    // Well past the head timeout and the server's checks of it (every 250 ms here), the tunnel still carries a request.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const answer = new Promise<string>((resolve) => secure.once("data", (chunk: Buffer) => resolve(chunk.toString())));
    secure.write("GET /is-odd HTTP/1.1\r\nHost: registry.npmjs.org\r\nConnection: close\r\n\r\n");
    expect(await answer).toMatch(/^HTTP\/1\.1 200 OK\r\n[^]*\r\n\r\nGET \/is-odd for registry\.npmjs\.org$/);
    expect(proxy.refusals()).toEqual([]);
  });

  it("ends the agent's side of a tunnel whose host resets it", async () => {
    const resetting = net.createServer((socket) => socket.once("data", () => socket.resetAndDestroy()));
    await new Promise<void>((resolve) => resetting.listen(0, "127.0.0.1", resolve));
    const { proxy } = await start(allow("registry.npmjs.org"), NPM, {
      connect: () => connectTcp("127.0.0.1", (resetting.address() as net.AddressInfo).port),
    });
    const tunnel = await openTunnel(proxy, "registry.npmjs.org:443");
    expect(await tlsFailure(tunnel.socket, "registry.npmjs.org")).toBe("ECONNRESET");
    await closed(tunnel.socket);
    expect(proxy.refusals()).toEqual([]);
    await new Promise<void>((resolve) => resetting.close(() => resolve()));
  });

  it("ends every open tunnel and removes its socket when closed", async () => {
    const { proxy } = await start(allow("registry.npmjs.org"), NPM);
    const tunnel = await openTunnel(proxy, "registry.npmjs.org:443");
    const secure = tls.connect({ socket: tunnel.socket, servername: "registry.npmjs.org", ca: cert });
    await new Promise<void>((resolve) => secure.on("secureConnect", () => resolve()));
    const waiting = net.connect(proxy.socket);
    await new Promise<void>((resolve) => waiting.on("connect", () => resolve()));
    await proxy.close();
    await Promise.all([closed(tunnel.socket), closed(waiting)]);
    expect(existsSync(proxy.socket)).toBe(false);
    expect(served).toEqual(["registry.npmjs.org"]);
  });
});
