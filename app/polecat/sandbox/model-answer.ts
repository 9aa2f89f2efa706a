// Reads a model answer's usage as its bytes pass through the proxy, without holding the answer:
// a streamed answer's server-sent events one by one, or a JSON answer whole at its end (a Gemini
// stream without `alt=sse` is a JSON array of chunks, read each in turn). Pure: fed by the proxy.
import { usageIn, withReading, type CallTokens } from "./model-usage.js";
import type { ModelVendor } from "./model-vendors.js";

/** The most of a JSON answer kept to read its usage; a bigger one is charged its reservation. */
export const MAX_JSON_ANSWER_BYTES = 16 * 1024 * 1024;

export class AnswerUsage {
  readonly #vendor: ModelVendor;
  readonly #events: boolean;
  readonly #decoder = new TextDecoder();
  #pending = "";
  #data: string[] = [];
  #json: Buffer[] = [];
  #jsonBytes = 0;
  #tokens: CallTokens | null = null;

  /** `events` when the answer is `text/event-stream`. */
  constructor(vendor: ModelVendor, events: boolean) {
    this.#vendor = vendor;
    this.#events = events;
  }

  push(chunk: Buffer): void {
    if (!this.#events) {
      this.#jsonBytes += chunk.length;
      if (this.#jsonBytes <= MAX_JSON_ANSWER_BYTES) this.#json.push(chunk);
      return;
    }
    this.#pending += this.#decoder.decode(chunk, { stream: true });
    const lines = this.#pending.split(/\r\n|\r|\n/);
    this.#pending = lines.pop() ?? "";
    for (const line of lines) this.#line(line);
  }

  /** The usage the answer reported, or null when it reported none (or could not be read). */
  end(): CallTokens | null {
    if (this.#events) {
      this.#pending += this.#decoder.decode();
      if (this.#pending !== "") this.#line(this.#pending);
      this.#line("");
    } else if (this.#jsonBytes <= MAX_JSON_ANSWER_BYTES) {
      const body = parsed(Buffer.concat(this.#json).toString("utf8"));
      for (const payload of Array.isArray(body) ? body : [body]) this.#read(payload);
    }
    return this.#tokens;
  }

  #line(line: string): void {
    if (line === "") {
      if (this.#data.length > 0) this.#read(parsed(this.#data.join("\n")));
      this.#data = [];
    } else if (line.startsWith("data:")) {
      this.#data.push(line.slice(line.startsWith("data: ") ? 6 : 5));
    }
  }

  #read(payload: unknown): void {
    const tokens = usageIn(this.#vendor, payload);
    if (tokens !== null) this.#tokens = withReading(this.#vendor, this.#tokens, tokens);
  }
}

function parsed(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
