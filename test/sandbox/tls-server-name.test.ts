// Reading the server name from a ClientHello: real ones, as node's TLS client sends them (captured
// by a local server that only listens), in pieces, across records, and hand-made bad ones.
import net from "node:net";
import tls from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_CLIENT_HELLO_BYTES, readServerName } from "../../app/polecat/sandbox/tls-server-name.js";

let capture: net.Server;
let port: number;
/** Who waits for the next connection's first bytes. */
const waiting: Array<(bytes: Buffer) => void> = [];

beforeAll(async () => {
  capture = net.createServer((socket) => {
    let bytes = Buffer.alloc(0);
    socket.on("data", (chunk: Buffer) => {
      bytes = Buffer.concat([bytes, chunk]);
      // What the client sent before waiting for a ServerHello, once it is whole, or never.
      if (readServerName(bytes).kind !== "incomplete") {
        waiting.shift()?.(bytes);
        socket.destroy();
      }
    });
    socket.on("error", () => socket.destroy());
  });
  await new Promise<void>((resolve) => capture.listen(0, "127.0.0.1", resolve));
  port = (capture.address() as net.AddressInfo).port;
});

afterAll(() => new Promise<void>((resolve) => capture.close(() => resolve())));

/** The bytes node's TLS client sends first for `options`. */
function clientHello(options: tls.ConnectionOptions): Promise<Buffer> {
  const captured = new Promise<Buffer>((resolve) => waiting.push(resolve));
  tls.connect({ ...options, host: "127.0.0.1", port }).on("error", () => undefined);
  return captured;
}

const u16 = (n: number) => [n >> 8, n & 0xff];
const u24 = (n: number) => [n >> 16, (n >> 8) & 0xff, n & 0xff];
const vector16 = (bytes: number[]) => [...u16(bytes.length), ...bytes];
const ascii = (text: string) => [...Buffer.from(text, "latin1")];

function record(fragment: number[] | Buffer, type = 22): Buffer {
  return Buffer.from([type, 3, 1, ...u16(fragment.length), ...fragment]);
}

function handshake(body: number[], type = 1): number[] {
  return [type, ...u24(body.length), ...body];
}

/** A ClientHello body with `extensions` (raw bytes, or none at all). */
function helloBody(extensions: number[] | undefined): number[] {
  const fixed = [3, 3, ...new Array<number>(32).fill(7), 0, ...vector16([0x13, 0x01]), 1, 0];
  return extensions === undefined ? fixed : [...fixed, ...vector16(extensions)];
}

function serverNameExtension(names: ReadonlyArray<readonly [number, string]>): number[] {
  const list = names.flatMap(([type, name]) => [type, ...vector16(ascii(name))]);
  return [...u16(0), ...vector16(vector16(list))];
}

/** The handshake message inside `bytes`' one record, split into records of `size` bytes. */
function refragment(bytes: Buffer, size: number): Buffer {
  const message = bytes.subarray(5, 5 + bytes.readUInt16BE(3));
  const records: Buffer[] = [];
  for (let at = 0; at < message.length; at += size) records.push(record(message.subarray(at, at + size)));
  return Buffer.concat(records);
}

describe("a real ClientHello", () => {
  it("gives the server name a TLS 1.3 client asks for, and only when all of it is there", async () => {
    const hello = await clientHello({ servername: "registry.npmjs.org" });
    expect(hello[0]).toBe(22);
    expect(hello.length).toBe(5 + hello.readUInt16BE(3));
    expect(readServerName(hello)).toEqual({ kind: "name", serverName: "registry.npmjs.org" });
    for (let length = 0; length < hello.length; length++) {
      expect(readServerName(hello.subarray(0, length)), `${length} bytes`).toEqual({ kind: "incomplete" });
    }
  });

  it("gives the server name a TLS 1.2 client asks for", async () => {
    const hello = await clientHello({ servername: "files.pythonhosted.org", maxVersion: "TLSv1.2" });
    expect(readServerName(hello)).toEqual({ kind: "name", serverName: "files.pythonhosted.org" });
  });

  it("has none when the client connects by address and names no server", async () => {
    const hello = await clientHello({});
    expect(readServerName(hello)).toEqual({ kind: "none", why: "the ClientHello names no server (no server_name extension)" });
  });

  it("is read across handshake records of any size, and what follows it is left alone", async () => {
    const hello = await clientHello({ servername: "static.crates.io" });
    const name = { kind: "name", serverName: "static.crates.io" };
    expect(readServerName(refragment(hello, 100))).toEqual(name);
    const bytewise = refragment(hello, 1);
    expect(readServerName(bytewise)).toEqual(name);
    expect(readServerName(bytewise.subarray(0, bytewise.length - 1))).toEqual({ kind: "incomplete" });
    const changeCipherSpec = record([1], 20);
    const earlyData = record([1, 2, 3], 23);
    expect(readServerName(Buffer.concat([hello, changeCipherSpec, earlyData]))).toEqual(name);
  });
});

describe("bytes that are no ClientHello with a name", () => {
  const none = (why: string) => ({ kind: "none", why });

  it("are not TLS at all", () => {
    expect(readServerName(Buffer.from("GET / HTTP/1.1\r\n"))).toEqual(
      none('not a TLS handshake (it begins with 0x47, "G": plain text, such as HTTP)'));
    expect(readServerName(Buffer.from([0x16]))).toEqual({ kind: "incomplete" });
    expect(readServerName(Buffer.from([0x80, 0x2e, 0x01]))).toEqual(none("not a TLS handshake (it begins with 0x80)"));
    expect(readServerName(Buffer.from([22, 2, 0, 0, 4]))).toEqual(none("not a TLS handshake (record version 2.0)"));
    expect(readServerName(Buffer.from([22, 3, 1, 0, 0]))).toEqual(none("a handshake record of 0 bytes"));
    expect(readServerName(Buffer.from([22, 3, 1, 0x40, 1]))).toEqual(none("a handshake record of 16385 bytes"));
  });

  it("begin with another handshake message, or another record before the ClientHello ends", () => {
    expect(readServerName(record(handshake(helloBody(undefined), 2)))).toEqual(
      none("the first handshake message is type 2, not a ClientHello"));
    const message = handshake(helloBody(serverNameExtension([[0, "pypi.org"]])));
    const split = Buffer.concat([record(message.slice(0, 10)), record([1], 21), record(message.slice(10))]);
    expect(readServerName(split)).toEqual(none("a record of type 21 comes before the ClientHello ends"));
  });

  it("name no server, or two, or one that is no host name", () => {
    expect(readServerName(record(handshake(helloBody(undefined))))).toEqual(
      none("the ClientHello has no extensions, so no server name"));
    expect(readServerName(record(handshake(helloBody([...u16(10), ...vector16([])]))))).toEqual(
      none("the ClientHello names no server (no server_name extension)"));
    const two = [...serverNameExtension([[0, "pypi.org"]]), ...serverNameExtension([[0, "evil.example"]])];
    expect(readServerName(record(handshake(helloBody(two))))).toEqual(none("the ClientHello has two server_name extensions"));
    expect(readServerName(record(handshake(helloBody(serverNameExtension([[0, "pypi.org"], [0, "evil.example"]])))))).toEqual(
      none("the ClientHello names two servers"));
    expect(readServerName(record(handshake(helloBody(serverNameExtension([[1, "pypi.org"]])))))).toEqual(
      none("the ClientHello names no server (no host_name in server_name)"));
    expect(readServerName(record(handshake(helloBody(serverNameExtension([[0, "pypi.org\u0000.evil.example"]])))))).toEqual(
      none("the server name is not a host name"));
    expect(readServerName(record(handshake(helloBody(serverNameExtension([[0, ""]])))))).toEqual(
      none("the server name is not a host name"));
    expect(readServerName(record(handshake(helloBody(serverNameExtension([[0, "pypi.org"]])))))).toEqual(
      { kind: "name", serverName: "pypi.org" });
  });

  it("are malformed: a length runs past its end, or bytes follow the extensions", () => {
    const body = helloBody(serverNameExtension([[0, "pypi.org"]]));
    expect(readServerName(record(handshake(body.slice(0, -1))))).toEqual(none("the ClientHello is malformed (a length runs past its end)"));
    expect(readServerName(record(handshake([...body, 0])))).toEqual(none("the ClientHello is malformed (bytes after its extensions)"));
    const longSession = [3, 3, ...new Array<number>(32).fill(7), 33, ...new Array<number>(33).fill(1), ...vector16([0x13, 0x01]), 1, 0];
    expect(readServerName(record(handshake(longSession)))).toEqual(none("the ClientHello is malformed (session id over 32 bytes)"));
  });

  it("are bigger than any ClientHello, declared or dribbled", () => {
    expect(readServerName(record([1, ...u24(MAX_CLIENT_HELLO_BYTES)]))).toEqual(
      none(`the ClientHello is ${MAX_CLIENT_HELLO_BYTES + 4} bytes, more than ${MAX_CLIENT_HELLO_BYTES}`));
    const dribble = Buffer.concat([record([1, ...u24(20_000)]), ...new Array<Buffer>(11_000).fill(record([0]))]);
    expect(readServerName(dribble)).toEqual(none(`the ClientHello does not end within ${MAX_CLIENT_HELLO_BYTES} bytes`));
  });
});
