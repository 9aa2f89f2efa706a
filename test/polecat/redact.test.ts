import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { REDACTED, Redactor } from "../../app/polecat/redact.js";

const TOKEN = "ghs_16C7e42F292c6912E7710c838347Ae178B4a";
const KEY = "sk-ant-api03-Zx9/+ab==cd";

describe("redacting a run's secrets", () => {
  const redactor = new Redactor([TOKEN, KEY, ""]);

  it("hides each as written, URL-encoded and in basic auth", () => {
    expect(redactor.redact(`token=${TOKEN} key=${KEY}`)).toBe(`token=${REDACTED} key=${REDACTED}`);
    expect(redactor.redact(`?k=${encodeURIComponent(KEY)}`)).toBe(`?k=${REDACTED}`);
    const basic = Buffer.from(`x-access-token:${TOKEN}`).toString("base64");
    expect(redactor.redact(`Authorization: Basic ${basic}`)).not.toContain(basic.slice(4, 40));
  });

  it("hides a secret in base64 at any place inside a longer text, in either alphabet", () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 40 }), fc.uint8Array({ maxLength: 40 }), fc.boolean(), (before, after, url) => {
      let encoded = Buffer.concat([Buffer.from(before), Buffer.from(KEY), Buffer.from(after)]).toString("base64");
      if (url) encoded = encoded.replace(/\+/g, "-").replace(/\//g, "_");
      const shown = redactor.redact(encoded);
      expect(shown).toContain(REDACTED);
      // What is left cannot decode back to the key.
      expect(Buffer.from(shown.replace(/\*/g, ""), url ? "base64url" : "base64").toString("latin1")).not.toContain(KEY);
    }), { numRuns: 300 });
  });

  it("leaves other text alone, and gives every form to mask", () => {
    expect(redactor.redact("nothing secret here")).toBe("nothing secret here");
    expect(redactor.masks()).toContain(TOKEN);
    expect(redactor.masks()).toContain(Buffer.from(KEY).toString("base64"));
    expect(redactor.masks().every((m) => m.length >= 6)).toBe(true);
  });
});
