// Who is calling: the App itself (a verified JWT), a token (installation, a workflow's
// GITHUB_TOKEN, or a person's), or nobody.
import type { Actor } from "../state/events.js";
import type { EmulatorState, TokenRecord } from "../state/model.js";
import { ACTIONS_BOT } from "../state/accounts.js";
import { fail, type Failure } from "../state/result.js";
import { verifyAppJwt } from "./app-jwt.js";

export type Principal =
  | { kind: "anonymous" }
  | { kind: "app" }
  | { kind: "token"; token: TokenRecord; actor: Actor };

// A JWT is three base64url parts, the first a JSON header, so it starts with `eyJ` ("{").
const LOOKS_LIKE_JWT = /^eyJ[\w-]*\.[\w-]+\.[\w-]+$/;

export function actorOf(state: EmulatorState, token: TokenRecord): Actor {
  switch (token.kind) {
    case "installation":
      return { login: state.app.botLogin, via: "app" };
    case "actions":
      return { login: ACTIONS_BOT.login, via: "actions" };
    case "user":
      return { login: token.login, via: "user" };
  }
}

/**
 * Reads the Authorization header. GitHub accepts `Bearer` and `token` for tokens, and only
 * `Bearer` for a JWT; an unknown or expired token is 401 "Bad credentials".
 * https://docs.github.com/en/rest/authentication/authenticating-to-the-rest-api
 */
export function authenticate(state: EmulatorState, header: string | undefined, now: Date): Principal | Failure {
  if (header === undefined || header.trim() === "") return { kind: "anonymous" };
  const match = /^(bearer|token)\s+(\S+)$/i.exec(header.trim());
  if (!match) return fail(401, "Bad credentials");
  const scheme = (match[1] as string).toLowerCase();
  const credential = match[2] as string;
  if (LOOKS_LIKE_JWT.test(credential)) {
    if (scheme !== "bearer") return fail(401, "Bad credentials");
    const check = verifyAppJwt(credential, state.app, Math.floor(now.getTime() / 1000));
    return check.ok ? { kind: "app" } : fail(401, check.reason);
  }
  const token = state.tokens[credential];
  if (!token) return fail(401, "Bad credentials");
  if (token.kind !== "user" && Date.parse(token.expiresAt) <= now.getTime()) return fail(401, "Bad credentials");
  return { kind: "token", token, actor: actorOf(state, token) };
}
