// The server name (SNI) a TLS client asks for, read from the first bytes it sends: its ClientHello.
// The egress proxy opens a tunnel to the host a CONNECT named, then holds the client's bytes until
// this says which name the TLS session is for; a session for another name is refused, so a tunnel
// to an allowed host cannot carry a session meant for a different one on the same address.
// Pure: bytes in, a verdict out (RFC 8446 §4.1.2 and RFC 5246 §6.2 for the layout, RFC 6066 §3 for
// the extension).
//
// The ClientHello may arrive in pieces and may span several handshake records; until all of it is
// there the answer is "incomplete" and the caller reads on. Encrypted Client Hello hides the real
// name inside; what is read here is the outer one, which a client using ECH sets to its provider's
// public name, so such a session is refused unless that name is the host asked for.

export type ServerNameReading =
  | { readonly kind: "name"; readonly serverName: string }
  | { readonly kind: "incomplete" }
  | { readonly kind: "none"; readonly why: string };

/** A ClientHello (with today's post-quantum key shares some 2 KB) never needs more; a hostile client gets no bigger buffer. */
export const MAX_CLIENT_HELLO_BYTES = 64 * 1024;

const RECORD_HEADER_BYTES = 5;
const HANDSHAKE_HEADER_BYTES = 4;
const CONTENT_HANDSHAKE = 22;
const HANDSHAKE_CLIENT_HELLO = 1;
const EXTENSION_SERVER_NAME = 0;
const NAME_TYPE_HOST_NAME = 0;
/** RFC 8446 §5.1: a plaintext record's fragment is at most 2^14 bytes. */
const MAX_RECORD_FRAGMENT = 16_384;

const INCOMPLETE: ServerNameReading = { kind: "incomplete" };
const none = (why: string): ServerNameReading => ({ kind: "none", why });

/** The server name in the ClientHello at the start of `bytes`, or that more bytes are needed, or why there is none. */
export function readServerName(bytes: Uint8Array): ServerNameReading {
  const handshake = clientHelloBytes(bytes);
  if (!(handshake instanceof Uint8Array)) return handshake;
  return clientHelloServerName(new Reader(handshake.subarray(HANDSHAKE_HEADER_BYTES)));
}

/**
 * The ClientHello handshake message, header included, joined from the fragments of the leading
 * handshake records; what follows it (early data, a change_cipher_spec) is not looked at.
 */
function clientHelloBytes(bytes: Uint8Array): Uint8Array | ServerNameReading {
  const fragments: Uint8Array[] = [];
  let collected = 0;
  /** The message's whole length, header included, once its header is in. */
  let needed: number | undefined;
  let at = 0;
  while (needed === undefined || collected < needed) {
    if (at + RECORD_HEADER_BYTES > bytes.length) {
      if (at < bytes.length && bytes[at] !== CONTENT_HANDSHAKE) return notHandshake(bytes[at] as number, at);
      // Records of one byte each could stretch a ClientHello sixfold; past the limit, wait no longer.
      return bytes.length >= MAX_CLIENT_HELLO_BYTES ? none(`the ClientHello does not end within ${MAX_CLIENT_HELLO_BYTES} bytes`) : INCOMPLETE;
    }
    if (bytes[at] !== CONTENT_HANDSHAKE) return notHandshake(bytes[at] as number, at);
    if (bytes[at + 1] !== 3) return none(`not a TLS handshake (record version ${bytes[at + 1]}.${bytes[at + 2]})`);
    const length = ((bytes[at + 3] as number) << 8) | (bytes[at + 4] as number);
    if (length === 0 || length > MAX_RECORD_FRAGMENT) return none(`a handshake record of ${length} bytes`);
    const end = Math.min(at + RECORD_HEADER_BYTES + length, bytes.length);
    fragments.push(bytes.subarray(at + RECORD_HEADER_BYTES, end));
    collected += end - at - RECORD_HEADER_BYTES;
    at = end;
    if (needed === undefined && collected >= HANDSHAKE_HEADER_BYTES) {
      const header = Buffer.concat(fragments);
      if (header[0] !== HANDSHAKE_CLIENT_HELLO) return none(`the first handshake message is type ${header[0]}, not a ClientHello`);
      needed = HANDSHAKE_HEADER_BYTES + (((header[1] as number) << 16) | ((header[2] as number) << 8) | (header[3] as number));
      if (needed > MAX_CLIENT_HELLO_BYTES) return none(`the ClientHello is ${needed} bytes, more than ${MAX_CLIENT_HELLO_BYTES}`);
    }
  }
  return Buffer.concat(fragments).subarray(0, needed);
}

function notHandshake(type: number, at: number): ServerNameReading {
  return at === 0 ? none(`not a TLS handshake (it begins with ${describeByte(type)})`)
    : none(`a record of type ${type} comes before the ClientHello ends`);
}

function describeByte(byte: number): string {
  const hex = `0x${byte.toString(16).padStart(2, "0")}`;
  return byte >= 0x20 && byte < 0x7f ? `${hex}, "${String.fromCharCode(byte)}": plain text, such as HTTP` : hex;
}

/** Reads a ClientHello's body; every read past the end throws, which means a malformed message. */
class Reader {
  private at = 0;
  constructor(private readonly bytes: Uint8Array) {}

  get done(): boolean {
    return this.at === this.bytes.length;
  }

  skip(n: number): void {
    if (this.at + n > this.bytes.length) throw new Malformed();
    this.at += n;
  }

  uint(width: 1 | 2 | 3): number {
    let value = 0;
    for (let i = 0; i < width; i++) value = value * 256 + (this.byte());
    return value;
  }

  /** A length-prefixed vector, as its own reader. */
  vector(lengthWidth: 1 | 2): Reader {
    const length = this.uint(lengthWidth);
    const start = this.at;
    this.skip(length);
    return new Reader(this.bytes.subarray(start, start + length));
  }

  rest(): Uint8Array {
    const rest = this.bytes.subarray(this.at);
    this.at = this.bytes.length;
    return rest;
  }

  private byte(): number {
    const byte = this.bytes[this.at];
    if (byte === undefined) throw new Malformed();
    this.at += 1;
    return byte;
  }
}

class Malformed extends Error {}

function clientHelloServerName(hello: Reader): ServerNameReading {
  try {
    hello.skip(2 + 32); // legacy_version, random
    if (hello.vector(1).rest().length > 32) return none("the ClientHello is malformed (session id over 32 bytes)");
    hello.vector(2); // cipher_suites
    hello.vector(1); // legacy_compression_methods
    if (hello.done) return none("the ClientHello has no extensions, so no server name");
    const extensions = hello.vector(2);
    if (!hello.done) return none("the ClientHello is malformed (bytes after its extensions)");
    let serverNames: Reader | undefined;
    while (!extensions.done) {
      const type = extensions.uint(2);
      const data = extensions.vector(2);
      if (type !== EXTENSION_SERVER_NAME) continue;
      if (serverNames !== undefined) return none("the ClientHello has two server_name extensions");
      serverNames = data.vector(2);
      if (!data.done) return none("the ClientHello is malformed (bytes after its server name list)");
    }
    if (serverNames === undefined) return none("the ClientHello names no server (no server_name extension)");
    return hostName(serverNames);
  } catch (error) {
    if (error instanceof Malformed) return none("the ClientHello is malformed (a length runs past its end)");
    throw error;
  }
}

function hostName(list: Reader): ServerNameReading {
  let name: string | undefined;
  while (!list.done) {
    const type = list.uint(1);
    const value = list.vector(2).rest();
    if (type !== NAME_TYPE_HOST_NAME) continue;
    // RFC 6066: at most one name of a type; a second could be read differently by the server.
    if (name !== undefined) return none("the ClientHello names two servers");
    name = Buffer.from(value).toString("latin1");
  }
  if (name === undefined) return none("the ClientHello names no server (no host_name in server_name)");
  // A DNS name is printable ASCII; a NUL or other byte that a server might cut the name at is refused.
  if (name === "" || /[^\x21-\x7e]/.test(name)) return none("the server name is not a host name");
  return { kind: "name", serverName: name };
}
