// GitHub signs each delivery with the webhook secret: HMAC-SHA256 of the exact body bytes,
// hex, in x-hub-signature-256 (and the legacy SHA-1 in x-hub-signature).
// https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries
import { createHmac } from "node:crypto";

export function signatureSha256(secret: string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(body, "utf8").digest("hex")}`;
}

export function signatureSha1(secret: string, body: string): string {
  return `sha1=${createHmac("sha1", secret).update(body, "utf8").digest("hex")}`;
}
