import { describe, expect, it } from "vitest";
import { signatureSha256 } from "./sign.js";

describe("signatureSha256", () => {
  // The test vector from GitHub's page on validating deliveries.
  // https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries#testing-the-webhook-payload-validation
  it("matches GitHub's published example", () => {
    expect(signatureSha256("It's a Secret to Everybody", "Hello, World!")).toBe(
      "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17",
    );
  });
});
