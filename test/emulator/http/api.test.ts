// The server's gate: every request matched to GitHub's operation and held to its contract,
// app auth and installation tokens, rate-limit headers, and a loud 404 for what is missing.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Emulator } from "../emulator.js";
import { appJwt, call, FIXED_NOW, signAppJwt, startFixedEmulator } from "../testing.js";

let github: Emulator;
let installationId: number;
const NOW = Math.floor(FIXED_NOW.getTime() / 1000);

beforeEach(async () => {
  github = await startFixedEmulator();
  await github.addRepo({ owner: "octo", name: "town" });
  await github.addRepo({ owner: "octo", name: "elsewhere" });
  installationId = github.install({ account: "octo", repositories: ["town"] });
});

afterEach(async () => {
  await github.close();
});

describe("app authentication", () => {
  it("lets the App in with a JWT signed by its key, and says who it is", async () => {
    const answer = await call(github, "GET", "/app", { jwt: appJwt(github) });

    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ id: 4242, slug: "gastown", name: "Gas Town", owner: { login: "gastown-dev", type: "Organization" } });
    expect(github.problems).toEqual([]);
  });

  it.each([
    ["no credentials", undefined, "A JSON web token could not be decoded"],
    ["a JWT signed by another key", "other-key", "A JSON web token could not be decoded"],
    ["an expired JWT", "expired", "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires"],
    ["a JWT living over ten minutes", "long", "'Expiration time' claim ('exp') is too far in the future"],
    ["a JWT naming another App", "other-app", "A JSON web token could not be decoded"],
    ["a JWT whose issuer is not an App id", "not-an-id", "'Issuer' claim ('iss') must be an Integer"],
  ])("refuses %s with 401", async (_name, variant, message) => {
    const { generateKeyPairSync } = await import("node:crypto");
    const key = github.app.privateKey;
    const variants: Record<string, () => string> = {
      "other-key": () => signAppJwt(generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs8", format: "pem" }).toString(), { iss: 4242, iat: NOW - 30, exp: NOW + 60 }),
      expired: () => signAppJwt(key, { iss: 4242, iat: NOW - 700, exp: NOW - 100 }),
      long: () => signAppJwt(key, { iss: 4242, iat: NOW - 30, exp: NOW + 11 * 60 }),
      "other-app": () => signAppJwt(key, { iss: 99, iat: NOW - 30, exp: NOW + 60 }),
      "not-an-id": () => signAppJwt(key, { iss: "gastown", iat: NOW - 30, exp: NOW + 60 }),
    };
    const jwt = variants[variant ?? ""]?.();

    const answer = await call(github, "GET", "/app", jwt === undefined ? {} : { jwt });

    expect(answer.status).toBe(401);
    expect(answer.body).toEqual({ message, documentation_url: "https://docs.github.com/rest/apps/apps#get-the-authenticated-app", status: "401" });
  });

  it("mints an installation token that reaches the installation's repositories only", async () => {
    const minted = await call(github, "POST", `/app/installations/${installationId}/access_tokens`, { jwt: appJwt(github) });

    expect(minted.status).toBe(201);
    expect(minted.body).toEqual({
      token: "ghs_00000001",
      expires_at: "2025-06-01T13:00:00Z",
      permissions: { actions: "write", checks: "write", contents: "write", issues: "write", metadata: "read", pull_requests: "write" },
      repository_selection: "selected",
    });
    expect((await call(github, "GET", "/repos/octo/town", { token: "ghs_00000001" })).status).toBe(200);
    expect((await call(github, "GET", "/repos/octo/elsewhere", { token: "ghs_00000001" })).status).toBe(404);
  });

  it("narrows a token to fewer permissions, and refuses one asking for more than installed", async () => {
    const narrowed = await call(github, "POST", `/app/installations/${installationId}/access_tokens`, {
      jwt: appJwt(github),
      body: { permissions: { issues: "read" } },
    });
    const token = (narrowed.body as { token: string }).token;

    const write = await call(github, "POST", "/repos/octo/town/labels", { token, body: { name: "gt:sling" } });
    expect(write.status).toBe(403);
    expect((write.body as { message: string }).message).toBe("Resource not accessible by integration");

    const greedy = await call(github, "POST", `/app/installations/${installationId}/access_tokens`, {
      jwt: appJwt(github),
      body: { permissions: { workflows: "write" } },
    });
    expect(greedy.status).toBe(422);
    expect((greedy.body as { message: string }).message).toBe("The permissions requested are not granted to this installation.");
  });

  it("narrows a token to named repositories, refusing one the installation does not reach", async () => {
    await github.addRepo({ owner: "octo", name: "annex" });
    const narrowed = await call(github, "POST", `/app/installations/${installationId}/access_tokens`, { jwt: appJwt(github), body: { repositories: ["town"] } });
    const outside = await call(github, "POST", `/app/installations/${installationId}/access_tokens`, { jwt: appJwt(github), body: { repositories: ["annex"] } });

    expect(narrowed.body).toMatchObject({ repository_selection: "selected", repositories: [{ full_name: "octo/town" }] });
    expect([outside.status, (outside.body as { message: string }).message]).toEqual([
      422,
      "There is at least one repository that does not exist or is not accessible to the parent installation.",
    ]);
  });

  it("lets anyone read a public repository, and asks for credentials to change it", async () => {
    await github.addRepo({ owner: "octo", name: "square", private: false });

    expect((await call(github, "GET", "/repos/octo/square")).status).toBe(200);
    expect((await call(github, "GET", "/repos/octo/town")).status).toBe(404);
    const write = await call(github, "POST", "/repos/octo/square/labels", { body: { name: "x" } });
    expect([write.status, (write.body as { message: string }).message]).toEqual([401, "Requires authentication"]);
  });

  it("answers 401 Bad credentials for an unknown token and for an expired one", async () => {
    let now = FIXED_NOW;
    const timed = await startFixedEmulator({ clock: () => now });
    try {
      await timed.addRepo({ owner: "octo", name: "town" });
      const token = timed.installationToken(timed.install({ account: "octo" }));
      expect((await call(timed, "GET", "/repos/octo/town", { token })).status).toBe(200);
      now = new Date(FIXED_NOW.getTime() + 60 * 60 * 1000);

      const expired = await call(timed, "GET", "/repos/octo/town", { token });
      const unknown = await call(timed, "GET", "/repos/octo/town", { token: "ghs_nope" });

      expect([expired.status, (expired.body as { message: string }).message]).toEqual([401, "Bad credentials"]);
      expect([unknown.status, (unknown.body as { message: string }).message]).toEqual([401, "Bad credentials"]);
    } finally {
      await timed.close();
    }
  });
});

describe("rate-limit headers", () => {
  it("counts each request against the caller's hourly budget", async () => {
    const token = github.installationToken(installationId);
    await call(github, "GET", "/repos/octo/town", { token });
    const second = await call(github, "GET", "/repos/octo/town", { token });

    expect(Object.fromEntries([...second.headers].filter(([name]) => name.startsWith("x-ratelimit-")))).toEqual({
      "x-ratelimit-limit": "5000",
      "x-ratelimit-remaining": "4998",
      "x-ratelimit-reset": String(NOW + 3600),
      "x-ratelimit-resource": "core",
      "x-ratelimit-used": "2",
    });
  });

  it("answers a conditional read whose ETag still matches with 304, free of the budget", async () => {
    const token = github.installationToken(installationId);
    const first = await call(github, "GET", "/repos/octo/town/issues?state=all", { token });
    const etag = first.headers.get("etag") ?? "";
    expect(etag).toMatch(/^"[0-9a-f]{40}"$/);

    const unchanged = await call(github, "GET", "/repos/octo/town/issues?state=all", { token, headers: { "if-none-match": etag } });
    expect(unchanged.status).toBe(304);
    expect(unchanged.body).toBe("");
    expect(unchanged.headers.get("x-ratelimit-used")).toBe("1");

    await call(github, "POST", "/repos/octo/town/issues", { token, body: { title: "New" } });
    const changed = await call(github, "GET", "/repos/octo/town/issues?state=all", { token, headers: { "if-none-match": etag } });
    expect(changed.status).toBe(200);
    expect(changed.headers.get("etag")).not.toBe(etag);
    expect(github.counters["issues/list-for-repo"]).toMatchObject({ requests: 3, notModified: 1 });
  });

  it("refuses with 403 and remaining 0 once the budget is spent", async () => {
    const small = await startFixedEmulator({ rateLimits: { installation: 2 } });
    try {
      await small.addRepo({ owner: "octo", name: "town" });
      const id = small.install({ account: "octo" });
      const token = small.installationToken(id);
      await call(small, "GET", "/repos/octo/town", { token });
      await call(small, "GET", "/repos/octo/town", { token });

      const third = await call(small, "GET", "/repos/octo/town", { token });

      expect(third.status).toBe(403);
      expect((third.body as { message: string }).message).toBe(`API rate limit exceeded for installation ID ${id}.`);
      expect(third.headers.get("x-ratelimit-remaining")).toBe("0");
    } finally {
      await small.close();
    }
  });
});

describe("what the emulator does not serve", () => {
  it("answers 404 for a path GitHub does not have, and reports it", async () => {
    const answer = await call(github, "GET", "/repos/octo/town/beads", { token: github.installationToken(installationId) });

    expect(answer.status).toBe(404);
    expect(github.problems).toEqual(["no GitHub REST operation for GET /repos/octo/town/beads"]);
    github.problems.length = 0;
  });

  it("answers 404 for a GitHub operation it does not implement, and reports it", async () => {
    const answer = await call(github, "GET", "/repos/octo/town/releases", { token: github.installationToken(installationId) });

    expect(answer.status).toBe(404);
    expect(github.problems).toEqual(["not implemented by the emulator: repos/list-releases (GET /repos/{owner}/{repo}/releases)"]);
    github.problems.length = 0;
  });

  it("refuses a request body GitHub's description does not allow (422), and reports it", async () => {
    const token = github.installationToken(installationId);
    const answer = await call(github, "POST", "/repos/octo/town/labels", { token, body: { name: "x", colour: "red" } });

    expect(answer.status).toBe(422);
    expect(github.problems).toEqual([
      "request breaks the contract: issues/create-label (POST /repos/{owner}/{repo}/labels): invalid request body: / must NOT have additional properties (colour)",
    ]);
    github.problems.length = 0;
  });
});

afterEach(() => {
  expect(github.problems).toEqual([]);
});

describe("installations", () => {
  it("lists the App's installations and finds a repository's, for the App only", async () => {
    const list = await call(github, "GET", "/app/installations", { jwt: appJwt(github) });
    const forRepo = await call(github, "GET", "/repos/octo/town/installation", { jwt: appJwt(github) });
    const notInstalled = await call(github, "GET", "/repos/octo/elsewhere/installation", { jwt: appJwt(github) });
    const withToken = await call(github, "GET", "/app/installations", { token: github.installationToken(installationId) });

    expect(list.body).toMatchObject([{ id: installationId, account: { login: "octo" }, app_id: 4242, repository_selection: "selected" }]);
    expect(forRepo.body).toMatchObject({ id: installationId });
    expect([notInstalled.status, withToken.status]).toEqual([404, 401]);
  });

  it("lists the repositories an installation token reaches", async () => {
    const answer = await call(github, "GET", "/installation/repositories", { token: github.installationToken(installationId) });

    expect(answer.body).toMatchObject({ total_count: 1, repositories: [{ full_name: "octo/town" }] });
  });
});
