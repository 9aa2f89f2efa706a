import { describe, expect, it } from "vitest";
import { parseCgiOutput } from "./git-http.js";

describe("parseCgiOutput", () => {
  it("takes the status from the Status header and keeps the body's bytes", () => {
    const parsed = parseCgiOutput(Buffer.from("Status: 403 Forbidden\r\nContent-Type: text/plain\r\n\r\nno\n"));
    expect(parsed).toEqual({ status: 403, headers: { "content-type": "text/plain" }, body: Buffer.from("no\n") });
  });

  it("answers 200 without a Status header", () => {
    expect(parseCgiOutput(Buffer.from("Content-Type: x\r\n\r\n")).status).toBe(200);
  });
});
