// GitHub's primary rate limit: each caller has a budget per hour, reported on every response in
// the x-ratelimit-* headers; past it, 403 with remaining 0.
// https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api
import type { Principal } from "./principal.js";

export type RateBucket = { used: number; resetAt: number };
export type RateBuckets = Readonly<Record<string, RateBucket>>;

export type RateLimits = { installation: number; actions: number; user: number; app: number; anonymous: number };

/** GitHub's figures: an installation's floor, GITHUB_TOKEN per repository, a person, no one. */
export const DEFAULT_RATE_LIMITS: RateLimits = { installation: 5_000, actions: 1_000, user: 5_000, app: 5_000, anonymous: 60 };

const WINDOW_SECONDS = 60 * 60;

/** The bucket a principal draws from, its limit and how GitHub's 403 names it. */
export function bucketOf(principal: Principal, limits: RateLimits): { key: string; limit: number; owner: string } {
  if (principal.kind === "anonymous") return { key: "anonymous", limit: limits.anonymous, owner: "your IP address" };
  if (principal.kind === "app") return { key: "app", limit: limits.app, owner: "the App" };
  const token = principal.token;
  switch (token.kind) {
    case "installation":
      return { key: `installation:${token.installationId}`, limit: limits.installation, owner: `installation ID ${token.installationId}` };
    case "actions":
      return { key: `actions:${token.repository}`, limit: limits.actions, owner: `repository ${token.repository}` };
    case "user":
      return { key: `user:${token.login}`, limit: limits.user, owner: `user ${token.login}` };
  }
}

export type RateCharge = { buckets: RateBuckets; headers: Record<string, string>; exceeded: boolean };

/** Charges one request to `key`; a request over the limit is refused and not counted. */
export function charge(buckets: RateBuckets, key: string, limit: number, nowSeconds: number): RateCharge {
  const current = buckets[key];
  const bucket = current === undefined || current.resetAt <= nowSeconds ? { used: 0, resetAt: nowSeconds + WINDOW_SECONDS } : current;
  const exceeded = bucket.used >= limit;
  const next = exceeded ? bucket : { ...bucket, used: bucket.used + 1 };
  return {
    buckets: { ...buckets, [key]: next },
    exceeded,
    headers: {
      "x-ratelimit-limit": String(limit),
      "x-ratelimit-remaining": String(limit - next.used),
      "x-ratelimit-reset": String(next.resetAt),
      "x-ratelimit-used": String(next.used),
      "x-ratelimit-resource": "core",
    },
  };
}

/** The bucket with one request given back (a 304 answer), never below none used. */
export function refund(buckets: RateBuckets, key: string): RateBuckets {
  const bucket = buckets[key];
  return bucket === undefined || bucket.used === 0 ? buckets : { ...buckets, [key]: { ...bucket, used: bucket.used - 1 } };
}
