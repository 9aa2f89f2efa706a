// The GitHub client of code that runs outside Probot (the polecat action): @octokit/rest with
// the retry and throttling plugins, as Probot's own client has them. GitHub asks integrations to
// back off when it says so (a `retry-after` on a rate limit) and to retry server errors; both
// plugins do, and the GitHub modules take this client as they take Probot's.
import { retry } from "@octokit/plugin-retry";
import { throttling } from "@octokit/plugin-throttling";
import { Octokit } from "@octokit/rest";

const RestClient = Octokit.plugin(retry, throttling);
export type RestClient = InstanceType<typeof RestClient>;

/** How many times a request GitHub rate-limited is tried again before it fails. */
const RATE_LIMIT_RETRIES = 3;

export interface RestClientOptions {
  readonly token: string;
  /** `GITHUB_API_URL`: https://api.github.com, a GitHub Enterprise Server's, or an emulator's. */
  readonly baseUrl: string;
  /** Told when a request waits on a rate limit. */
  readonly warn?: (message: string) => void;
  /** Retries of server errors; 3 unless given (tests that inject failures pass 0). */
  readonly retries?: number;
  /**
   * Whether writes wait about a second apart, as GitHub asks of integrations (the throttling
   * plugin's default). True unless given; a test against the emulator, which needs no pacing,
   * turns it off.
   */
  readonly paced?: boolean;
}

export function restClient(options: RestClientOptions): RestClient {
  const waitOrFail = (kind: string) => (retryAfter: number, request: { method: string; url: string }, _octokit: unknown, retryCount: number) => {
    const again = retryCount < RATE_LIMIT_RETRIES;
    options.warn?.(`${kind} on ${request.method} ${request.url}: ${again ? `trying again in ${retryAfter} s` : "giving up"}`);
    return again;
  };
  return new RestClient({
    auth: options.token,
    baseUrl: options.baseUrl.replace(/\/+$/, ""),
    userAgent: "gastown-polecat",
    retry: { retries: options.retries ?? 3 },
    throttle: options.paced === false
      ? { enabled: false }
      : { onRateLimit: waitOrFail("rate limit"), onSecondaryRateLimit: waitOrFail("secondary rate limit") },
    // Octokit's own log would print every retry on the console; the warnings above say enough.
    log: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
  });
}
