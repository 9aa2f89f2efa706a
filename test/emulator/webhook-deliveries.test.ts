// GitHub's record of the App's webhook deliveries: every attempt at the webhook URL listed as
// GitHub lists it (newest first, by cursor, filtered by outcome), and a failed one sent again
// on the App's request. The emulator holds each answer to GitHub's REST description (a breach
// would land in `problems`).
// https://docs.github.com/en/rest/apps/webhooks
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Emulator } from "./emulator.js";
import { appJwt, call, FIXED_NOW, INSTALLATION_EVENTS, startFixedEmulator, startReceiver } from "./testing.js";

const LIST_DOCS = "https://docs.github.com/rest/apps/webhooks#list-deliveries-for-an-app-webhook";
const REDELIVER_DOCS = "https://docs.github.com/rest/apps/webhooks#redeliver-a-delivery-for-an-app-webhook";

let github: Emulator;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
/** What the receiver answers the next delivery. */
let answer: number;
let token: string;
let installationId: number;
let repositoryId: number;

beforeEach(async () => {
  answer = 202;
  receiver = await startReceiver(INSTALLATION_EVENTS, () => answer);
  github = await startFixedEmulator({ webhookUrl: receiver.url });
  await github.addRepo({ owner: "octo", name: "town" });
  installationId = github.install({ account: "octo" });
  token = github.installationToken(installationId);
  repositoryId = github.state.repos["octo/town"]?.id ?? 0;
  await github.settled();
});

afterEach(async () => {
  await github.close();
  await receiver.close();
  expect(github.problems).toEqual([]);
});

const guid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;

/** The attempt GitHub records for the installation's own `installation.created`, made in setup. */
const installed = () => ({
  id: 1,
  guid: guid(1),
  delivered_at: "2025-06-01T12:00:00Z",
  redelivery: false,
  duration: 0,
  status: "OK",
  status_code: 202,
  event: "installation",
  action: "created",
  installation_id: installationId,
  repository_id: null,
  throttled_at: null,
});

/** An attempt at an `issues.opened` delivery, as GitHub lists it. */
const opened = (id: number, delivery: number, outcome: { status: string; status_code: number; redelivery?: boolean }) => ({
  id,
  guid: guid(delivery),
  delivered_at: "2025-06-01T12:00:00Z",
  redelivery: outcome.redelivery ?? false,
  duration: 0,
  status: outcome.status,
  status_code: outcome.status_code,
  event: "issues",
  action: "opened",
  installation_id: installationId,
  repository_id: repositoryId,
  throttled_at: null,
});

async function openIssue(title: string): Promise<void> {
  expect((await call(github, "POST", "/repos/octo/town/issues", { token, body: { title } })).status).toBe(201);
  await github.settled();
}

async function list(query = ""): Promise<{ items: unknown[]; link: string | null }> {
  const answered = await call(github, "GET", `/app/hook/deliveries${query}`, { jwt: appJwt(github) });
  expect(answered.status).toBe(200);
  return { items: answered.body as unknown[], link: answered.headers.get("link") };
}

/** The path and query of a Link header's rel="next" URL, which must be on the emulator's API. */
function nextPath(link: string | null): string {
  const match = /^<([^>]+)>; rel="next"$/.exec(link ?? "");
  if (!match?.[1]?.startsWith(github.urls.api)) throw new Error(`no next link in ${String(link)}`);
  return match[1].slice(github.urls.api.length);
}

describe("listing the App's deliveries", () => {
  it("lists every attempt, newest first: one served, one the receiver failed with 500", async () => {
    await openIssue("Served");
    answer = 500;
    await openIssue("Failed");

    expect((await list()).items).toEqual([
      opened(3, 3, { status: "Invalid HTTP Response: 500", status_code: 500 }),
      opened(2, 2, { status: "OK", status_code: 202 }),
      installed(),
    ]);
  });

  it("records a dropped delivery as one attempt that failed to connect, and sends nothing", async () => {
    github.inject({ kind: "drop-delivery", event: "issues" });

    await openIssue("Lost");

    expect((await list()).items).toEqual([opened(2, 2, { status: "failed to connect", status_code: 0 }), installed()]);
    expect(receiver.received).toEqual([]);
    expect(github.deliveries.at(-1)?.fate).toBe("dropped");
  });

  it("records each delivery made while the App is down as an attempt that failed to connect, sending nothing and reporting no problem", async () => {
    github.webhookDown = true;
    await openIssue("While it restarts");
    github.webhookDown = false;
    await openIssue("Back");

    expect((await list()).items).toEqual([opened(3, 3, { status: "OK", status_code: 202 }), opened(2, 2, { status: "failed to connect", status_code: 0 }), installed()]);
    expect(receiver.received).toHaveLength(1);
  });

  it("records a duplicate as two attempts with one guid, neither a redelivery", async () => {
    github.inject({ kind: "duplicate-delivery", event: "issues" });

    await openIssue("Twice");

    expect((await list()).items).toEqual([opened(3, 2, { status: "OK", status_code: 202 }), opened(2, 2, { status: "OK", status_code: 202 }), installed()]);
    expect(github.deliveries.at(-1)?.statuses).toEqual([202, 202]);
  });

  it("records nothing for deliveries made with no webhook URL", async () => {
    github.webhookUrl = undefined;

    await openIssue("Handed over");

    expect((await list()).items).toEqual([installed()]);
    expect(github.deliveries.at(-1)?.fate).toBe("unsent");
  });

  it("pages by the cursor in the Link header, unmoved by deliveries made meanwhile", async () => {
    for (const title of ["One", "Two", "Three", "Four"]) await openIssue(title);

    const first = await list("?per_page=2");
    await openIssue("Five");
    const second = await call(github, "GET", nextPath(first.link), { jwt: appJwt(github) });
    const third = await call(github, "GET", nextPath(second.headers.get("link")), { jwt: appJwt(github) });

    expect((first.items as { id: number }[]).map((item) => item.id)).toEqual([5, 4]);
    expect(first.link).toBe(`<${github.urls.api}/app/hook/deliveries?per_page=2&cursor=v1_3>; rel="next"`);
    expect((second.body as { id: number }[]).map((item) => item.id)).toEqual([3, 2]);
    expect(second.headers.get("link")).toBe(`<${github.urls.api}/app/hook/deliveries?per_page=2&cursor=v1_1>; rel="next"`);
    expect(third.body).toEqual([installed()]);
    expect(third.headers.get("link")).toBeNull();
  });

  it("gives 30 a page unless asked, and no more than 100", async () => {
    for (let n = 0; n < 30; n++) await openIssue(`Issue ${n}`);

    const byDefault = await list();
    const tooMany = await list("?per_page=500");

    expect(byDefault.items).toHaveLength(30);
    expect(byDefault.link).toBe(`<${github.urls.api}/app/hook/deliveries?per_page=30&cursor=v1_1>; rel="next"`);
    expect(tooMany.items).toHaveLength(31);
    expect(tooMany.link).toBeNull();
  });

  it("filters by outcome: success for a 2xx, failure for an error status or no answer, kept across pages", async () => {
    await openIssue("Served");
    answer = 500;
    await openIssue("Failed");
    github.inject({ kind: "drop-delivery", event: "issues" });
    await openIssue("Lost");

    const success = await list("?status=success");
    const failure = await list("?status=failure&per_page=1");
    const failureNext = await call(github, "GET", nextPath(failure.link), { jwt: appJwt(github) });

    expect(success.items).toEqual([opened(2, 2, { status: "OK", status_code: 202 }), installed()]);
    expect(failure.items).toEqual([opened(4, 4, { status: "failed to connect", status_code: 0 })]);
    expect(failure.link).toBe(`<${github.urls.api}/app/hook/deliveries?status=failure&per_page=1&cursor=v1_3>; rel="next"`);
    expect(failureNext.body).toEqual([opened(3, 3, { status: "Invalid HTTP Response: 500", status_code: 500 })]);
    expect(failureNext.headers.get("link")).toBeNull();
  });

  it("refuses a cursor it never gave with 400", async () => {
    const answered = await call(github, "GET", "/app/hook/deliveries?cursor=page-2", { jwt: appJwt(github) });

    expect(answered.status).toBe(400);
    expect(answered.body).toEqual({ message: "Bad Request", documentation_url: LIST_DOCS, status: "400" });
  });
});

describe("redelivering", () => {
  it("sends a failed delivery again, same guid, body and signatures, recorded as a redelivery", async () => {
    answer = 500;
    await openIssue("Retry me");
    answer = 202;

    const accepted = await call(github, "POST", "/app/hook/deliveries/2/attempts", { jwt: appJwt(github) });
    await github.settled();

    expect([accepted.status, accepted.body]).toEqual([202, {}]);
    expect((await list()).items).toEqual([
      opened(3, 2, { status: "OK", status_code: 202, redelivery: true }),
      opened(2, 2, { status: "Invalid HTTP Response: 500", status_code: 500 }),
      installed(),
    ]);
    const [first, again] = receiver.received;
    expect(receiver.received).toHaveLength(2);
    for (const header of ["x-github-delivery", "x-github-event", "x-hub-signature", "x-hub-signature-256"]) expect(again?.headers[header], header).toBe(first?.headers[header]);
    expect(again?.headers["x-github-delivery"]).toBe(guid(2));
    expect(again?.body).toBe(first?.body);
    expect(github.deliveries.at(-1)?.statuses).toEqual([500, 202]);
  });

  it("sends a dropped delivery for the first time, its fate left as GitHub's sending made it", async () => {
    github.inject({ kind: "drop-delivery", event: "issues" });
    await openIssue("Lost");

    const accepted = await call(github, "POST", "/app/hook/deliveries/2/attempts", { jwt: appJwt(github) });
    await github.settled();

    expect(accepted.status).toBe(202);
    expect((await list()).items.slice(0, 2)).toEqual([opened(3, 2, { status: "OK", status_code: 202, redelivery: true }), opened(2, 2, { status: "failed to connect", status_code: 0 })]);
    expect(receiver.received.map((r) => r.headers["x-github-delivery"])).toEqual([guid(2)]);
    expect(github.deliveries.at(-1)).toMatchObject({ fate: "dropped", statuses: [202] });
  });

  it("accepts a redelivery with no webhook URL and sends and records nothing", async () => {
    await openIssue("Once");
    github.webhookUrl = undefined;

    const accepted = await call(github, "POST", "/app/hook/deliveries/2/attempts", { jwt: appJwt(github) });
    await github.settled();

    expect(accepted.status).toBe(202);
    expect(github.deliveryAttempts.map((attempt) => attempt.id)).toEqual([1, 2]);
    expect(receiver.received).toHaveLength(1);
  });

  it("answers 404 for an attempt there never was", async () => {
    const answered = await call(github, "POST", "/app/hook/deliveries/99/attempts", { jwt: appJwt(github) });
    await github.settled();

    expect(answered.status).toBe(404);
    expect(answered.body).toEqual({ message: "Not Found", documentation_url: REDELIVER_DOCS, status: "404" });
    expect(github.deliveryAttempts).toHaveLength(1);
  });
});

describe("authentication", () => {
  it.each([
    ["an installation token", () => token],
    ["a person's token", () => github.userToken("mayor")],
  ])("refuses %s on both, as on GET /app, and sends nothing", async (_name, credential) => {
    await openIssue("Guarded");

    const listed = await call(github, "GET", "/app/hook/deliveries", { token: credential() });
    const redelivered = await call(github, "POST", "/app/hook/deliveries/2/attempts", { token: credential() });
    await github.settled();

    expect([listed.status, listed.body]).toEqual([401, { message: "A JSON web token could not be decoded", documentation_url: LIST_DOCS, status: "401" }]);
    expect([redelivered.status, redelivered.body]).toEqual([401, { message: "A JSON web token could not be decoded", documentation_url: REDELIVER_DOCS, status: "401" }]);
    expect(github.deliveryAttempts).toHaveLength(2);
  });

  it("refuses a JWT that has expired", async () => {
    const expired = appJwt(github, new Date(FIXED_NOW.getTime() - 3_600_000));

    const answered = await call(github, "GET", "/app/hook/deliveries", { jwt: expired });

    expect(answered.status).toBe(401);
  });
});
