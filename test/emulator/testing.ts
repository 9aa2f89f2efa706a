// Helpers for the emulator's own tests and for end-to-end tests that use it: a fixed clock,
// app JWTs signed with node:crypto, and clients with retry and throttle waits kept short.
import { execFile } from "node:child_process";
import { createSign, generateKeyPairSync } from "node:crypto";
import { promisify } from "node:util";
import { ProbotOctokit } from "probot";
import { startEmulator, type Emulator, type EmulatorOptions } from "./emulator.js";
import type { Delivery } from "./webhooks/deliveries.js";

/** The instant a fixed-clock emulator lives at, so timestamps can be asserted exactly. */
export const FIXED_NOW = new Date("2025-06-01T12:00:00Z");
export const fixedClock = (): Date => FIXED_NOW;

let sharedKey: string | undefined;

/** One App key per test worker: generating an RSA key takes a good part of a second. */
export function testAppKey(): string {
  sharedKey ??= generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs8", format: "pem" }).toString();
  return sharedKey;
}

/** An emulator at FIXED_NOW whose token and delivery ids count up, for exact assertions. */
export function startFixedEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  let secrets = 0;
  let deliveries = 0;
  return startEmulator({
    clock: fixedClock,
    random: () => String(++secrets).padStart(8, "0"),
    deliveryId: () => `00000000-0000-4000-8000-${String(++deliveries).padStart(12, "0")}`,
    ...options,
    app: { privateKey: testAppKey(), ...options.app },
  });
}

/** An RS256 app JWT, by default valid now (by the given clock) for nine minutes. */
export function signAppJwt(privateKey: string, claims: { iss: number | string; iat: number; exp: number }): string {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const unsigned = `${encode({ alg: "RS256", typ: "JWT" })}.${encode(claims)}`;
  const signer = createSign("RSA-SHA256");
  signer.update(unsigned);
  return `${unsigned}.${signer.sign(privateKey).toString("base64url")}`;
}

export function appJwt(emulator: Emulator, now: Date = FIXED_NOW): string {
  const seconds = Math.floor(now.getTime() / 1000);
  return signAppJwt(emulator.app.privateKey, { iss: emulator.app.id, iat: seconds - 30, exp: seconds + 9 * 60 });
}

/**
 * An Octokit as the App will make it (Probot's, with retry and throttling), talking to the
 * emulator. Retries wait a millisecond per second GitHub asks for, so tests never sleep long;
 * throttling's own pacing is off unless a test turns it on.
 */
export function octokitFor(emulator: Emulator, token: string, options: { throttle?: boolean; retries?: number } = {}): InstanceType<typeof ProbotOctokit> {
  return new ProbotOctokit({
    auth: { token },
    baseUrl: emulator.urls.api,
    log: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
    retry: { enabled: options.retries !== undefined, retries: options.retries ?? 0, retryAfterBaseValue: 1 },
    throttle: {
      enabled: options.throttle === true,
      retryAfterBaseValue: 1,
      fallbackSecondaryRateRetryAfter: 1,
      onRateLimit: () => true,
      onSecondaryRateLimit: () => true,
    },
  });
}

/** A raw request to the emulator's API, for asserting exact statuses, headers and bodies. */
export async function call(
  emulator: Emulator,
  method: string,
  path: string,
  options: { token?: string; jwt?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<{ status: number; headers: Headers; body: unknown }> {
  const headers: Record<string, string> = { accept: "application/vnd.github+json", ...options.headers };
  if (options.token !== undefined) headers["authorization"] = `token ${options.token}`;
  if (options.jwt !== undefined) headers["authorization"] = `Bearer ${options.jwt}`;
  if (options.body !== undefined) headers["content-type"] = "application/json";
  const response = await fetch(`${emulator.urls.api}${path}`, {
    method,
    headers,
    redirect: "manual",
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  const text = await response.text();
  const type = response.headers.get("content-type") ?? "";
  return { status: response.status, headers: response.headers, body: type.includes("json") && text !== "" ? (JSON.parse(text) as unknown) : text };
}

export type Received = { headers: Record<string, string | string[] | undefined>; body: string };

/** The installation's own events, sent when a test's setup installs the App. */
export const INSTALLATION_EVENTS: readonly string[] = ["installation", "installation_repositories"];

/** The deliveries a test's own actions caused: all but the installation's events. */
export function repoDeliveries(github: Emulator): Delivery[] {
  return github.deliveries.filter((d) => !INSTALLATION_EVENTS.includes(d.event));
}

/**
 * A webhook receiver on 127.0.0.1 that answers 202 (or what `answer` says, asked at each
 * delivery) and keeps what it is sent, but for the events named in `ignore` (by default the
 * installation's, which setup causes).
 */
export async function startReceiver(
  ignore: readonly string[] = INSTALLATION_EVENTS,
  answer: () => number = () => 202,
): Promise<{ url: string; received: Received[]; close: () => Promise<void> }> {
  const { createServer } = await import("node:http");
  const received: Received[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const event = request.headers["x-github-event"];
      if (typeof event !== "string" || !ignore.includes(event)) received.push({ headers: request.headers, body: Buffer.concat(chunks).toString("utf8") });
      response.writeHead(answer()).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("receiver has no port");
  return {
    url: `http://127.0.0.1:${address.port}/webhooks`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        // Idle keep-alive connections would hold close() for seconds.
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const execFileAsync = promisify(execFile);

/**
 * Runs a git client as a test's actor would (fixed identity and dates, no user config). It
 * runs asynchronously: the emulator serves from this same process, and a blocking git would
 * stop it from answering.
 */
export function gitClient(cwd: string, ...args: string[]): Promise<{ stdout: string; stderr: string }> {
  return execFileAsync("git", args, {
    cwd,
    env: {
      ...process.env,
      GIT_CONFIG_NOSYSTEM: "1",
      GIT_CONFIG_GLOBAL: "/dev/null",
      GIT_AUTHOR_NAME: "Nux",
      GIT_AUTHOR_EMAIL: "nux@example.com",
      GIT_COMMITTER_NAME: "Nux",
      GIT_COMMITTER_EMAIL: "nux@example.com",
      GIT_AUTHOR_DATE: String(Math.floor(FIXED_NOW.getTime() / 1000)) + " +0000",
      GIT_COMMITTER_DATE: String(Math.floor(FIXED_NOW.getTime() / 1000)) + " +0000",
      GIT_TERMINAL_PROMPT: "0",
    },
  });
}

/** Runs a git client that must fail; returns what it said on stderr. */
export async function gitClientFails(cwd: string, ...args: string[]): Promise<string> {
  try {
    await gitClient(cwd, ...args);
  } catch (error) {
    return (error as { stderr: string }).stderr;
  }
  throw new Error(`git ${args.join(" ")} succeeded`);
}

/** A free port on 127.0.0.1: Probot's Server reads port 0 as "the default, 3000". */
export async function freePort(): Promise<number> {
  const { createServer } = await import("node:net");
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const address = probe.address();
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no free port");
  return address.port;
}

/** A team's CI workflow: on every push but to Gas Town's own branches, and on pull requests. */
export const TEAM_CI = `name: CI
on:
  push:
    branches-ignore: ['gastown/**']
  pull_request:
jobs:
  test:
    runs-on: ubuntu-latest
    steps: [{ run: "true" }]
`;

/** The commit a ref ("heads/main") of `repo` points at, read through the API. */
export async function refSha(emulator: Emulator, repo: string, token: string, ref: string): Promise<string> {
  return ((await call(emulator, "GET", `/repos/${repo}/git/ref/${ref}`, { token })).body as { object: { sha: string } }).object.sha;
}

/**
 * Commits `files` on top of `branch` of `repo` (made from `from` when missing) through the Git
 * Data API, and moves the branch there; returns the commit.
 */
export async function commitOnBranch(
  emulator: Emulator,
  repo: string,
  token: string,
  change: { branch: string; files: Record<string, string>; message: string; from?: string },
): Promise<string> {
  const exists = (await call(emulator, "GET", `/repos/${repo}/git/ref/heads/${change.branch}`, { token })).status === 200;
  const parent = await refSha(emulator, repo, token, `heads/${exists ? change.branch : (change.from ?? "main")}`);
  const tree = await call(emulator, "POST", `/repos/${repo}/git/trees`, {
    token,
    body: { base_tree: parent, tree: Object.entries(change.files).map(([path, content]) => ({ path, mode: "100644", type: "blob", content })) },
  });
  const commit = await call(emulator, "POST", `/repos/${repo}/git/commits`, { token, body: { message: change.message, tree: (tree.body as { sha: string }).sha, parents: [parent] } });
  const next = (commit.body as { sha: string }).sha;
  if (exists) await call(emulator, "PATCH", `/repos/${repo}/git/refs/heads/${change.branch}`, { token, body: { sha: next } });
  else await call(emulator, "POST", `/repos/${repo}/git/refs`, { token, body: { ref: `refs/heads/${change.branch}`, sha: next } });
  return next;
}
