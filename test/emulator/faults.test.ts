// Planned faults do what they say — server errors, latency (through the injected sleep, never
// a real one), GitHub's secondary rate limit, dropped and duplicated deliveries — and the
// per-operation counters add up every request and byte.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Emulator } from "./emulator.js";
import { totalRequests } from "./faults/counters.js";
import { ProbotOctokit } from "probot";
import { call, repoDeliveries, octokitFor, startFixedEmulator, startReceiver } from "./testing.js";

let github: Emulator;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let token: string;
const slept: number[] = [];

beforeEach(async () => {
  slept.length = 0;
  receiver = await startReceiver();
  github = await startFixedEmulator({
    webhookUrl: receiver.url,
    sleep: async (ms) => {
      slept.push(ms);
    },
  });
  await github.addRepo({ owner: "octo", name: "town" });
  token = github.installationToken(github.install({ account: "octo" }));
  await call(github, "POST", "/repos/octo/town/issues", { token, body: { title: "Pumps" } });
  await github.settled();
  github.resetCounters();
  receiver.received.length = 0;
});

afterEach(async () => {
  await github.close();
  await receiver.close();
  expect(github.problems).toEqual([]);
});

describe("request faults", () => {
  it("answers a planned 5xx with GitHub's error body, as many times as planned", async () => {
    github.inject({ kind: "status", status: 502, operationId: "issues/get", times: 2 });

    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await call(github, "GET", "/repos/octo/town/issues/1", { token })).status);
    const other = await call(github, "GET", "/repos/octo/town", { token });

    expect(statuses).toEqual([502, 502, 200]);
    expect(other.status).toBe(200);
  });

  it("lets Probot's Octokit retry through server errors without waiting for real", async () => {
    github.inject({ kind: "status", status: 500, operationId: "issues/get", times: 2 });
    const octokit = octokitFor(github, token, { retries: 3 });

    const issue = await octokit.rest.issues.get({ owner: "octo", repo: "town", issue_number: 1 });

    expect(issue.data.title).toBe("Pumps");
    expect(github.counters["issues/get"]?.requests).toBe(3);
  });

  it("holds an answer for the planned latency through the injected sleep", async () => {
    github.inject({ kind: "latency", ms: 30_000, operationId: "issues/get" });

    const answer = await call(github, "GET", "/repos/octo/town/issues/1", { token });
    await call(github, "GET", "/repos/octo/town/issues/1", { token });

    expect(answer.status).toBe(200);
    expect(slept).toEqual([30_000]);
  });

  // https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api#about-secondary-rate-limits
  it("answers GitHub's secondary rate limit: 403 with retry-after", async () => {
    github.inject({ kind: "secondary-rate-limit", retryAfter: 60, operationId: "issues/get" });

    const answer = await call(github, "GET", "/repos/octo/town/issues/1", { token });

    expect(answer.status).toBe(403);
    expect(answer.headers.get("retry-after")).toBe("60");
    expect((answer.body as { message: string }).message).toContain("You have exceeded a secondary rate limit");
  });

  it("lets Probot's throttling wait out a secondary rate limit, a millisecond per second asked", async () => {
    github.inject({ kind: "secondary-rate-limit", retryAfter: 60, operationId: "issues/get" });
    const waits: number[] = [];
    const throttled = new ProbotOctokit({
      auth: { token },
      baseUrl: github.urls.api,
      log: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
      retry: { enabled: false },
      throttle: {
        enabled: true,
        retryAfterBaseValue: 1,
        onRateLimit: () => false,
        onSecondaryRateLimit: (retryAfter: number) => {
          waits.push(retryAfter);
          return waits.length === 1;
        },
      },
    });

    const issue = await throttled.rest.issues.get({ owner: "octo", repo: "town", issue_number: 1 });

    expect(issue.data.number).toBe(1);
    expect(waits).toEqual([60]);
    expect(github.counters["issues/get"]?.requests).toBe(2);
  });
});

describe("delivery faults", () => {
  it("drops a delivery: recorded as dropped, never sent, the next one goes", async () => {
    github.inject({ kind: "drop-delivery", event: "issues" });

    await call(github, "POST", "/repos/octo/town/issues", { token, body: { title: "Lost" } });
    await call(github, "POST", "/repos/octo/town/issues", { token, body: { title: "Found" } });
    await github.settled();

    expect(repoDeliveries(github).slice(1).map((d) => [d.fate, (d.payload["issue"] as { title: string }).title])).toEqual([
      ["dropped", "Lost"],
      ["sent", "Found"],
    ]);
    expect(receiver.received.map((r) => (JSON.parse(r.body) as { issue: { title: string } }).issue.title)).toEqual(["Found"]);
  });

  it("duplicates a delivery with the same delivery id and body, as a redelivery", async () => {
    github.inject({ kind: "duplicate-delivery" });

    await call(github, "POST", "/repos/octo/town/issues/1/comments", { token, body: { body: "/peek" } });
    await github.settled();

    expect(receiver.received).toHaveLength(2);
    const [first, second] = receiver.received;
    expect(second?.headers["x-github-delivery"]).toBe(first?.headers["x-github-delivery"]);
    expect(second?.body).toBe(first?.body);
    expect(repoDeliveries(github).at(-1)?.statuses).toEqual([202, 202]);
  });
});

describe("counters", () => {
  it("counts requests and bytes per operation", async () => {
    const body = { labels: ["gt:sling"] };
    const first = await fetch(`${github.urls.api}/repos/octo/town/issues/1/labels`, {
      method: "POST",
      headers: { authorization: `token ${token}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    const firstBytes = (await first.arrayBuffer()).byteLength;
    await call(github, "GET", "/repos/octo/town/issues/1", { token });

    expect(Object.keys(github.counters).sort()).toEqual(["issues/add-labels", "issues/get"]);
    expect(github.counters["issues/add-labels"]).toEqual({ requests: 1, requestBytes: JSON.stringify(body).length, responseBytes: firstBytes });
    expect(github.counters["issues/get"]?.requests).toBe(1);
    expect(totalRequests(github.counters)).toBe(2);
  });

  it("tells a listener of each request as it arrives, until it stops listening", async () => {
    const arrived: string[] = [];
    const stop = github.onArrival(({ method, url, body }) => arrived.push(`${method} ${url} ${body.toString("utf8")}`));
    await call(github, "POST", "/repos/octo/town/issues/1/labels", { token, body: { labels: ["gt:sling"] } });
    stop();
    await call(github, "GET", "/repos/octo/town/issues/1", { token });

    expect(arrived).toEqual(['POST /repos/octo/town/issues/1/labels {"labels":["gt:sling"]}']);
  });
});
