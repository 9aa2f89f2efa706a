// Checks an App's JSON Web Token the way GitHub does before it lets the App act as itself:
// RS256 signed with the App's private key, `iss` the App's id (or client id), issued no later
// than now and expiring no more than ten minutes after it was issued.
// https://docs.github.com/en/apps/creating-github-apps/authenticating-with-a-github-app/generating-a-json-web-token-jwt-for-a-github-app
import { createVerify } from "node:crypto";

// GitHub refuses a JWT whose lifetime exceeds ten minutes.
const MAX_LIFETIME_SECONDS = 10 * 60;
// Clocks drift; GitHub's docs advise back-dating `iat` 60 seconds, so accept that much skew.
const ALLOWED_SKEW_SECONDS = 60;

export type JwtCheck = { ok: true } | { ok: false; reason: string };

type Claims = { iat?: unknown; exp?: unknown; iss?: unknown };

function decodePart(part: string): unknown {
  return JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
}

/** Verifies `jwt` for the App; `nowSeconds` is the emulator's clock in Unix seconds. */
export function verifyAppJwt(
  jwt: string,
  app: { id: number; clientId: string; publicKeyPem: string },
  nowSeconds: number,
): JwtCheck {
  const parts = jwt.split(".");
  if (parts.length !== 3) return { ok: false, reason: "A JSON web token could not be decoded" };
  const [header, payload, signature] = parts as [string, string, string];
  let claims: Claims;
  try {
    const algorithm = (decodePart(header) as { alg?: unknown }).alg;
    if (algorithm !== "RS256") return { ok: false, reason: "A JSON web token could not be decoded" };
    claims = decodePart(payload) as Claims;
  } catch {
    return { ok: false, reason: "A JSON web token could not be decoded" };
  }
  const verifier = createVerify("RSA-SHA256");
  verifier.update(`${header}.${payload}`);
  if (!verifier.verify(app.publicKeyPem, Buffer.from(signature, "base64url"))) {
    return { ok: false, reason: "A JSON web token could not be decoded" };
  }
  if (String(claims.iss) !== String(app.id) && claims.iss !== app.clientId) {
    // Another App's id: its key did not sign this, and GitHub says only that it cannot decode
    // the token (octokit/auth-app.js#375 records the message).
    if (typeof claims.iss === "number" || /^\d+$/.test(String(claims.iss))) return { ok: false, reason: "A JSON web token could not be decoded" };
    return { ok: false, reason: "'Issuer' claim ('iss') must be an Integer" };
  }
  if (typeof claims.iat !== "number") {
    return { ok: false, reason: "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued" };
  }
  if (typeof claims.exp !== "number") {
    return { ok: false, reason: "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires" };
  }
  if (claims.iat > nowSeconds + ALLOWED_SKEW_SECONDS) {
    return { ok: false, reason: "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued" };
  }
  if (claims.exp <= nowSeconds) {
    return { ok: false, reason: "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires" };
  }
  if (claims.exp - claims.iat > MAX_LIFETIME_SECONDS) {
    return { ok: false, reason: "'Expiration time' claim ('exp') is too far in the future" };
  }
  return { ok: true };
}
