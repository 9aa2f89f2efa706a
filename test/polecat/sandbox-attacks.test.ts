// The sandbox (DESIGN invariant 6), attacked: a slung issue's polecat run whose hostile stand-in
// agent (test/fixtures/agents/hostile.mjs, attack `sandbox`) tries every way out it can from
// inside: the internet and the runner's ports directly, its own name lookups, hosts the network
// proxy does not allow, the model past the run's budget; and looks for the real model key, the
// action's processes and the runner's files. The run has a real model key and a scripted model
// server upstream of the model proxy, so what reached the model, with which key, is on record.
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import * as https from "node:https";
import { tmpdir } from "node:os";
import { createServer, type Server } from "node:net";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { gastownMetadata } from "../../app/molecules/gastown-metadata.js";
import { connectTcp, type EgressProxyOptions } from "../../app/polecat/sandbox/egress-proxy.js";
import { startScriptedModelServer, type ScriptedModelServer } from "../agents/scripted-model-server.js";
import { hostileAgent, type HostileAgent } from "./hostile-agent.js";
import { startPolecatTown, type PolecatTown } from "./polecat-harness.js";

const RUN_TIMEOUT_MS = 120_000;
const MODEL = "claude-sonnet-4-5";
/** Sonnet 4.5 at $3 in and $15 out per million: the scripted server's usage, 100 in and 20 out. */
const ONE_CALL_USD = (100 * 3 + 20 * 15) / 1_000_000;

let polecat: PolecatTown | undefined;
let agent: HostileAgent | undefined;
let model: ScriptedModelServer | undefined;
let runnerPort: Server | undefined;
let registry: { readonly server: https.Server; readonly dir: string } | undefined;
afterEach(async () => {
  await polecat?.close();
  await agent?.close();
  await model?.close();
  await new Promise((resolve) => runnerPort ? runnerPort.close(resolve) : resolve(undefined));
  if (registry) {
    await new Promise((resolve) => registry!.server.close(resolve));
    rmSync(registry.dir, { recursive: true, force: true });
  }
  polecat = agent = model = runnerPort = registry = undefined;
});

/**
 * A stand-in for registry.npmjs.org on 127.0.0.1, with a certificate of its own: the egress
 * proxy is told the name resolves to a public address and connects there instead.
 */
async function fakeRegistry(): Promise<{ ca: string; egress: Pick<EgressProxyOptions, "resolve" | "connect">; served: string[] }> {
  const dir = mkdtempSync(join(tmpdir(), "gastown-registry-"));
  execFileSync("openssl", [
    "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
    "-subj", "/CN=registry.npmjs.org", "-addext", "subjectAltName=DNS:registry.npmjs.org",
    "-keyout", join(dir, "key.pem"), "-out", join(dir, "cert.pem"),
  ], { stdio: "ignore" });
  const ca = readFileSync(join(dir, "cert.pem"), "utf8");
  const served: string[] = [];
  const server = https.createServer({ key: readFileSync(join(dir, "key.pem")), cert: ca }, (request, response) => {
    served.push(`${request.method} ${request.url} for ${request.headers.host}`);
    response.end(`{"name":"left-pad"}`);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  registry = { server, dir };
  const port = (server.address() as { port: number }).port;
  return {
    ca, served,
    egress: {
      resolve: async (host) => (host === "registry.npmjs.org" ? ["104.16.0.35"] : []),
      connect: (address) => connectTcp(address === "104.16.0.35" ? "127.0.0.1" : address, port),
    },
  };
}

interface SandboxReport {
  readonly step: string;
  readonly error?: string;
  readonly key: { readonly variable: string | null; readonly baseUrl: string | null; readonly proxy: string | null };
  readonly found: readonly string[];
  readonly processes: readonly { readonly pid: number; readonly uid: number; readonly command: string }[];
  readonly rootEntries: readonly string[];
  readonly runnerPaths: Readonly<Record<string, boolean>>;
  readonly direct: { readonly outside: string; readonly runnerPort: string };
  readonly dns: string;
  readonly proxied: Readonly<Record<string, { readonly status: number; readonly body: string }>>;
  readonly model: readonly { readonly status: number; readonly error?: string }[];
  readonly allowed: unknown;
}

describe("a hostile agent in the sandbox", () => {
  it("gets nowhere: no route out but the proxies, no real key, no budget past the limit, nothing of the runner's to see", async () => {
    const realKey = `sk-ant-api03-${randomBytes(24).toString("hex")}`;
    model = await startScriptedModelServer({ apiKey: realKey, mainModel: MODEL, script: () => ({ content: [{ type: "text", text: "Spent." }] }) });
    let runnerConnections = 0;
    runnerPort = createServer((socket) => {
      runnerConnections++;
      socket.destroy();
    });
    await new Promise<void>((resolve) => runnerPort!.listen(0, "127.0.0.1", resolve));
    const port = (runnerPort.address() as { port: number }).port;

    const npm = await fakeRegistry();
    agent = await hostileAgent("sandbox");
    polecat = await startPolecatTown({
      command: agent.command, sandboxWritable: [agent.reportDir], polecat: `  model: ${MODEL}\n  max_cost_usd: 0.05\n`,
    });
    await agent.handTo(polecat.user);
    const token = polecat.runs().at(-1)?.token as string;
    await agent.orders({
      canaries: { modelKey: realKey, token },
      // The action's own directory in the workspace, this checkout, the runner's homes and tools.
      runnerPaths: [join(polecat.workRoot, `run-${polecat.runs().at(-1)?.id}-1`, "action"), process.cwd(), "/root", "/home", "/opt", "/var/lib"],
      outside: "192.0.2.1",
      runnerPort: port,
      name: "registry.npmjs.org",
      proxied: ["evil.example:443", "169.254.169.254:443", "registry.npmjs.org:80"],
      // A small call the budget has room for, then one whose worst case ($1.50 of output) it has not.
      model: MODEL,
      maxTokens: [16, 100_000],
      allowed: { url: "https://registry.npmjs.org/left-pad", ca: npm.ca },
    });

    const { outcome, log } = await polecat.runPolecat({
      inputs: { "api-key": realKey, "model-base-url": model.url }, overrides: { egress: npm.egress },
    });
    const [plan, build] = await agent.reports(polecat.user.uid) as unknown as SandboxReport[];
    expect(build?.error).toBeUndefined();
    expect(plan?.error).toBeUndefined();
    const report = plan!;

    // The key it holds is the run's dummy; the real one is in no process it can read.
    expect(report.key).toEqual({ variable: expect.stringMatching(/^gastown-dummy-[0-9a-f]{32}$/), baseUrl: "http://127.0.0.1:4180", proxy: "http://127.0.0.1:3128" });
    expect(report.found).toEqual([]);

    // It sees only the sandbox's processes: root's shell and init, and its own.
    expect(report.processes.map(({ pid, uid, command }) => ({ pid, uid, command: command.split(" ").slice(0, 2).join(" ") }))).toEqual([
      { pid: 1, uid: 0, command: expect.stringMatching(/^\/(usr\/)?bin\/sh -c$/) },
      { pid: expect.any(Number), uid: 0, command: expect.stringMatching(/\/agent\/bin\/node \/.*\/agent\/bin\/sandbox-init\.js$/) },
      { pid: expect.any(Number), uid: polecat.user.uid, command: expect.stringMatching(/^node \/.*\/hostile\.mjs$/) },
    ]);

    // The runner's directories are not there at all.
    expect(Object.values(report.runnerPaths)).toEqual(Object.values(report.runnerPaths).map(() => false));
    expect(report.rootEntries.filter((entry) => ["home", "root", "opt", "srv", "mnt", "boot", "sys", "media"].includes(entry))).toEqual([]);

    // No route out: not to the internet, not to the runner's own ports, no name lookups of its own.
    expect(report.direct).toEqual({ outside: "ENETUNREACH", runnerPort: "ECONNREFUSED" });
    expect(runnerConnections).toBe(0);
    expect(report.dns).toBe("EAI_AGAIN");

    // Through the proxy, nothing polecat.network does not allow.
    const refusedBecause = (target: string, reason: string) => ({
      status: 403,
      body: `The sandbox's egress proxy refused CONNECT ${target}: ${reason}\nThe sandbox reaches only the hosts in polecat.network.allow in .github/gastown.yml (names or *.suffix), by HTTPS on port 443 through this proxy; IP addresses and loopback, private and link-local addresses are refused whatever the setting.`,
    });
    expect(report.proxied).toEqual({
      "evil.example:443": refusedBecause("evil.example:443", "evil.example is not in polecat.network.allow."),
      "169.254.169.254:443": refusedBecause("169.254.169.254:443", '"169.254.169.254" is an IP address: the sandbox reaches host names only, which the proxy resolves itself.'),
      "registry.npmjs.org:80": refusedBecause("registry.npmjs.org:80", "port 80 is not allowed: the sandbox reaches HTTPS on port 443 only."),
    });
    const refusals = log.filter((line) => line.startsWith("warning: The network proxy refused"));
    expect(refusals).toEqual([
      "warning: The network proxy refused evil.example:443: evil.example is not in polecat.network.allow",
      'warning: The network proxy refused 169.254.169.254:443: "169.254.169.254" is an IP address: the sandbox reaches host names only, which the proxy resolves itself',
      "warning: The network proxy refused registry.npmjs.org:80: port 80 is not allowed: the sandbox reaches HTTPS on port 443 only",
    ]);
    const summary = polecat.town.github.state.repos["octo/town"]?.checkRuns.at(-1)?.output?.summary ?? "";
    expect(summary).toContain("The network proxy refused 3 connections");
    expect(summary.split("\n").filter((line) => line.startsWith("* ")).map((line) => line.replace(/^\* \S+ /, "* <at> "))).toEqual([
      "* <at> `evil.example:443`: evil.example is not in polecat.network.allow",
      '* <at> `169.254.169.254:443`: "169.254.169.254" is an IP address: the sandbox reaches host names only, which the proxy resolves itself',
      "* <at> `registry.npmjs.org:80`: port 80 is not allowed: the sandbox reaches HTTPS on port 443 only",
    ]);

    // What is allowed gets through, by a client that honours HTTPS_PROXY, end to end over TLS.
    expect(report.allowed).toEqual({ status: 0, stdout: '{"name":"left-pad"}', stderr: "" });
    expect(npm.served).toEqual(["GET /left-pad for registry.npmjs.org"]);

    // The model: one call within the budget, with the real key added by the proxy; the next refused before it left.
    expect(report.model).toEqual([
      { status: 200 },
      { status: 400, error: "Gas Town: this call could cost up to $1.65, and the run has spent $0.0006 of its budget of $0.0500; raise polecat.max_cost_usd in .github/gastown.yml for more." },
    ]);
    expect(model.requests.map((request) => [request.route, request.headers["x-api-key"]])).toEqual([["main", realKey]]);
    expect(summary).toContain(`Spent so far, by the model proxy: 1 turn, $${ONE_CALL_USD.toFixed(2)}.`);

    // The run itself went on, and the cost on record is the proxy's.
    expect(outcome).toMatchObject({ kind: "exited", exit: "COMPLETED" });
    expect(log).toContain("The agent runs in its sandbox, with the network proxy and the model proxy in front of Anthropic's API.");
    expect(log.filter((line) => line.startsWith("The agent ended")).map((line) => line.split(" The end")[0])).toEqual([
      `The agent ended (exit 0); 1 turns, $${ONE_CALL_USD.toFixed(2)} by the model proxy so far.`,
      `The agent ended (exit 0); 1 turns, $${ONE_CALL_USD.toFixed(2)} by the model proxy so far.`,
    ]);
    const git = polecat.town.github.git("octo/town");
    const months = (await git.git(["ls-tree", "--name-only", "gastown/ledger", ".beads/digests/"])).split("\n").filter(Boolean);
    const digests = (await Promise.all(months.map((month) => git.git(["show", `gastown/ledger:${month}`]))))
      .flatMap((text) => text.split("\n").filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>));
    expect(digests.map((digest) => [digest["kind"], digest["turns"], digest["cost_usd"]])).toEqual([["work", 1, ONE_CALL_USD]]);
    expect(gastownMetadata(await polecat.bead())).toMatchObject({ exit: "COMPLETED" });
  }, RUN_TIMEOUT_MS);

  it("cannot push even the dummy key it holds: the scan knows it as the run's own", async () => {
    agent = await hostileAgent("planted-key");
    polecat = await startPolecatTown({ command: agent.command, sandboxWritable: [agent.reportDir] });
    await agent.handTo(polecat.user);
    const { outcome } = await polecat.runPolecat({ inputs: { "api-key": `sk-ant-api03-${randomBytes(24).toString("hex")}` } });
    const [first] = await agent.reports(polecat.user.uid);
    const commit = String(first?.["head"]).slice(0, 7);
    expect(outcome).toEqual({
      kind: "exited", exit: "ESCALATE",
      reason: `the agent's work on step plan was refused twice: commit ${commit} ("Keep the model key") puts what looks like a secret in src/model.ts: this run's own secret (line 1). No secret is pushed: take it out of every commit`,
    });
    const bead = await polecat.bead();
    expect(await polecat.commits(`gastown/work/furiosa/${bead.id}`)).toEqual([`Gastown: start work on ${bead.id}\nGastown-Bead: ${bead.id}`]);
  }, RUN_TIMEOUT_MS);

  it("is never started where the sandbox cannot be made: the run fails before it claims the bead", async () => {
    polecat = await startPolecatTown({ command: "/bin/true" });
    const before = (await polecat.bead()).updated_at;
    const { outcome, log } = await polecat.runPolecat({ overrides: { probeSandbox: async () => ({ ok: false, why: "no CAP_SYS_ADMIN here" }) } });
    const reason = "The agent's sandbox cannot be made on this runner: no CAP_SYS_ADMIN here";
    expect(outcome).toEqual({ kind: "refused", reason, failed: true });
    expect(log).toEqual([`failed: This polecat run stops without working: ${reason}`]);
    expect((await polecat.bead()).updated_at).toBe(before);
  }, RUN_TIMEOUT_MS);
});
