// A real Probot server, pointed at the emulator through its base-URL setting: it takes the
// emulator's signed webhooks, acts back through the installation token it mints with the
// App's JWT, and turns away a delivery with a wrong signature.
import { pino } from "pino";
import { Probot, ProbotOctokit, Server } from "probot";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startEmulator, type Emulator } from "./emulator.js";
import { call, freePort, repoDeliveries, testAppKey } from "./testing.js";

let github: Emulator;
let server: Server;
let seen: { event: string; sender: string; title: string }[];

beforeEach(async () => {
  // Probot signs its JWTs with the real clock, so this emulator keeps the real clock too.
  github = await startEmulator({ app: { privateKey: testAppKey(), webhookSecret: "town-secret" } });
  await github.addRepo({ owner: "octo", name: "town" });
  github.install({ account: "octo" });
  github.setCollaborator("octo/town", "mayor", "write");
  seen = [];
  const port = await freePort();
  const log = pino({ level: "silent" });
  server = new Server({
    port,
    host: "127.0.0.1",
    log,
    enableStaticFiles: false,
    Probot: Probot.defaults({
      appId: github.app.id,
      privateKey: github.app.privateKey,
      secret: "town-secret",
      baseUrl: github.urls.api,
      log,
      // Throttling paces writes a second apart; the emulator needs no pacing.
      Octokit: ProbotOctokit.defaults({ throttle: { enabled: false }, retry: { enabled: false } }),
    }),
  });
  await server.load((app) => {
    app.on("issues.opened", async (context) => {
      seen.push({ event: context.name, sender: context.payload.sender.login, title: context.payload.issue.title });
      await context.octokit.rest.issues.addLabels(context.issue({ labels: ["gt:seen"] }));
    });
  });
  await server.start();
  github.webhookUrl = `http://127.0.0.1:${port}/api/github/webhooks`;
});

afterEach(async () => {
  await server.stop();
  await github.close();
  expect(github.problems).toEqual([]);
});

describe("a Probot App against the emulator", () => {
  it("accepts the emulator's webhook and acts back through the API", async () => {
    const mayor = github.userToken("mayor");

    await call(github, "POST", "/repos/octo/town/issues", { token: mayor, body: { title: "Fix the pumps" } });
    await github.settled();

    expect(seen).toEqual([{ event: "issues", sender: "mayor", title: "Fix the pumps" }]);
    expect(repoDeliveries(github).map((d) => [d.event, d.action, d.statuses])).toEqual([
      ["issues", "opened", [200]],
      ["issues", "labeled", [200]],
    ]);
    expect(github.state.repos["octo/town"]?.issues[0]?.labels).toEqual(["gt:seen"]);
    expect(repoDeliveries(github).at(-1)?.payload).toMatchObject({ action: "labeled", sender: { login: "gastown[bot]" } });
    expect(Object.keys(github.counters).sort()).toEqual(["apps/create-installation-access-token", "issues/add-labels", "issues/create"]);
  });

  it("turns away a delivery whose signature does not match", async () => {
    await call(github, "POST", "/repos/octo/town/issues", { token: github.userToken("mayor"), body: { title: "Real" } });
    await github.settled();
    const real = repoDeliveries(github)[0];
    if (!real || github.webhookUrl === undefined) throw new Error("setup");

    const forged = await fetch(github.webhookUrl, {
      method: "POST",
      headers: { ...real.headers, "x-hub-signature-256": `sha256=${"0".repeat(64)}`, "x-github-delivery": "forged" },
      body: real.body.replace("Real", "Forged"),
    });

    expect(forged.status).toBe(400);
    expect(seen.map((s) => s.title)).toEqual(["Real"]);
  });
});
