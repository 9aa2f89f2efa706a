// `npm run bench`, after the sling's: webhook deliveries handled per second by the App as `npm
// start` runs it (Probot's HTTP server), set against a bare Probot app that only acknowledges
// the same deliveries, measured in the same run (README, "Webhook throughput").
//
// 1. Record. People act through the emulator's API (labels, comments with and without
//    commands, pull requests, workflow runs) in a fixed, seeded order, and the emulator records
//    the deliveries it would send: headers and the exact signed body. The mix, per 100:
//
//      issues.opened                         3   a person opens an issue
//      issues.labeled, plain                15   bug, docs, enhancement, question, wontfix
//      issues.labeled, gt:sling              4   each on its own issue, under limits.max_polecats
//      issue_comment.created, no command    30   prose, code, quotes, other bots' slash words
//      issue_comment.created, command        8   /peek ×3, /gt help ×2, /nudge ×3 on slung issues
//      pull_request                         20   4 opened, 8 labeled, 8 synchronize
//      workflow_run + workflow_job          20   3 polecat runs queued → started → done (6 each),
//                                                 1 only queued (2)
//
// 2. Replay the same deliveries over HTTP, CONCURRENCY in flight, to (a) Probot's Server
//    running gastownApp and (b) a Server running `app.onAny(async () => {})`, both built by the
//    harness with the same Probot and Octokit options. Throttling is off for both: Probot paces
//    an installation's writes a second apart, which would only measure that constant. Each
//    server has its own town built the same way from the same seed, because replaying the
//    slings changes the ledger and starts runs; the bare app never calls GitHub, so its town
//    only keeps the two processes alike.
//
// "Handled" is the server's answer: Probot 14's node middleware (@octokit/webhooks) awaits
// every handler of the event before it answers 200, and answers 202 "still processing" only
// after 9 seconds; a 202 or an error is reported, not counted as handled.
//
// Everything runs in this one process, on one thread: the emulator serving the App's requests
// (with its contract checks and real git), the App, the bare app and the client replaying.
//
// 3. Trace. A third town takes the same deliveries one at a time, so each one's time and GitHub
//    requests are its own; one JSON line per kind sets that against the timed passes.
//    BENCH_PROFILE=<file>.cpuprofile keeps a CPU profile of the App's timed pass.
import { writeFile } from "node:fs/promises";
import { Agent, request } from "node:http";
import { Session } from "node:inspector/promises";
import { performance } from "node:perf_hooks";
import type { Probot } from "probot";
import { parseCommands } from "../../app/commands/parse-commands.js";
import { realDependencies } from "../../app/handlers/app-dependencies.js";
import { REPO, startTown, type Town } from "../app/app-harness.js";
import type { Counters } from "../emulator/faults/counters.js";
import { call } from "../emulator/testing.js";
import type { Delivery } from "../emulator/webhooks/deliveries.js";
import { seededRandom } from "./synthetic-ledger.js";

/** Blocks of 100 deliveries in the mix. */
const BLOCKS = Number(process.env.BENCH_BLOCKS ?? 3);
/**
 * Deliveries in flight at once. GitHub sends deliveries concurrently, not one after another: a
 * label, the push and the pull request and workflow events it sets off arrive together. 8 is a
 * busy repository's burst, and more than the 2 cores here can overlap once every handler is
 * waiting for GitHub's answers.
 */
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
/** Passes of the bare app (after one warm-up); its median is the baseline. */
const BARE_PASSES = 3;
const TARGET_RATIO = 0.5;
const SEED = 20261124;
/** The events the installation subscribes to: the mix's, and no `push` or `create` from branches made. */
const MIX_EVENTS = ["issues", "issue_comment", "pull_request", "workflow_run", "workflow_job"] as const;
/** Room for every sling to dispatch: at the cap a sling only marks its bead waiting. */
const CONFIG = `limits:\n  max_polecats: ${4 * BLOCKS + 10}\n`;
const PEOPLE = { mayor: "maintain", ann: "write", bob: "read" } as const;
const PLAIN_LABELS = ["bug", "docs", "enhancement", "question", "wontfix"];
/** Issues plain labels and plain comments go to: enough for each (issue, label) pair to be new. */
const POOL = 3 * BLOCKS + 4;

/** Comments that hold no Gas Town command; some look like one to a careless reader. */
const PROSE = [
  "Thanks, I can reproduce this on main.",
  "Looks good to me.\n\nOne nit: the log line could name the valve.",
  "Is this the same as the leak in the east pump?",
  "```sh\n/sling mol-polecat-work\n```\nThat is what I ran, for the record.",
  "> /nudge try the west pump\n\nQuoting the mayor: the west pump first.",
  "/cc @ann for a second look",
  "+1",
  "I'll take a look after lunch.",
  "<!-- /peek -->\nA note for later.",
  "Here is the trace:\n\n```\nError: valve stuck\n    at open (valve.js:12:7)\n    at main (pump.js:40:3)\n```",
];

/** The commands, each with who says it: /peek and /gt help need read, /nudge write. */
const COMMANDS = {
  peek: { login: "bob", body: "/peek" },
  help: { login: "bob", body: "/gt help" },
  nudge: { login: "ann", body: "/nudge check the east valve before the pipes" },
} as const;
/** Two commands for each of a block's four slung issues: 3 /peek, 2 /gt help, 3 /nudge. */
const SLUNG_COMMANDS: readonly (readonly (keyof typeof COMMANDS)[])[] = [["peek", "nudge"], ["nudge", "peek"], ["help", "nudge"], ["peek", "help"]];

// ---------------------------------------------------------------------------------------------
// The mix: threads of acts, interleaved by a seeded choice; an act's order within its thread holds.

type Act = () => Promise<void>;

interface Actors {
  readonly town: Town;
  readonly as: (login: string, method: string, path: string, body?: unknown) => Promise<unknown>;
  /** The App's installation token, for dispatching polecat runs as the App does. */
  readonly appToken: string;
}

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

function shuffled<T>(random: () => number, items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

const comment = (a: Actors, login: string, number: () => number, body: string): Act =>
  async () => { await a.as(login, "POST", `/repos/${REPO}/issues/${number()}/comments`, { body }); };
const label = (a: Actors, login: string, number: () => number, name: string): Act =>
  async () => { await a.as(login, "POST", `/repos/${REPO}/issues/${number()}/labels`, { labels: [name] }); };

/** Commits a file on `branch` through the Git Data API (the branch made from main when new). */
async function commitOn(a: Actors, branch: string, path: string, content: string, fresh: boolean): Promise<void> {
  const ref = (await a.as("ann", "GET", `/repos/${REPO}/git/ref/heads/${fresh ? "main" : branch}`)) as { object: { sha: string } };
  const parent = ref.object.sha;
  const tree = (await a.as("ann", "POST", `/repos/${REPO}/git/trees`, { base_tree: parent, tree: [{ path, mode: "100644", type: "blob", content }] })) as { sha: string };
  const commit = (await a.as("ann", "POST", `/repos/${REPO}/git/commits`, { message: `Work on ${path}`, tree: tree.sha, parents: [parent] })) as { sha: string };
  if (fresh) await a.as("ann", "POST", `/repos/${REPO}/git/refs`, { ref: `refs/heads/${branch}`, sha: commit.sha });
  else await a.as("ann", "PATCH", `/repos/${REPO}/git/refs/heads/${branch}`, { sha: commit.sha });
}

/** A pull request's life: opened, 2 labels, 2 pushes (synchronize), and `comments` comments. */
function pullThread(a: Actors, random: () => number, block: number, k: number, comments: number): Act[] {
  let number = 0;
  const branch = `fix/pumps-${block}-${k}`;
  const file = `pumps/${block}-${k}.txt`;
  const acts: Act[] = [
    async () => {
      await commitOn(a, branch, file, "first try\n", true);
      const pull = (await a.as("ann", "POST", `/repos/${REPO}/pulls`, { title: `Fix pump ${block}-${k}`, head: branch, base: "main", body: "Fixes the leak." })) as { number: number };
      number = pull.number;
    },
    label(a, "mayor", () => number, "needs review"),
    async () => { await commitOn(a, branch, file, "second try\n", false); },
    label(a, "mayor", () => number, pick(random, PLAIN_LABELS)),
    async () => { await commitOn(a, branch, file, "third try\n", false); },
  ];
  // Comments go after the opening, in a seeded place.
  for (let c = 0; c < comments; c++) acts.splice(1 + Math.floor(random() * acts.length), 0, comment(a, pick(random, ["mayor", "bob"]), () => number, pick(random, PROSE)));
  return acts;
}

/** A polecat run as the App dispatches it, then (when `finished`) started and done by the runner. */
function runThread(a: Actors, block: number, k: number, finished: boolean): Act[] {
  let runId = 0;
  const dispatch: Act = async () => {
    const inputs = { bead: `gt-${block}${k}`, molecule: `gt-${block}${k}.1`, polecat: "nux", attempt: "1", limits: "{}" };
    const answer = await call(a.town.github, "POST", `/repos/${REPO}/actions/workflows/gastown-polecat.yml/dispatches`, {
      token: a.appToken, body: { ref: "main", inputs, return_run_details: true },
    });
    if (answer.status !== 200) throw new Error(`dispatch: ${answer.status} ${JSON.stringify(answer.body)}`);
    runId = (answer.body as { workflow_run_id: number }).workflow_run_id;
  };
  if (!finished) return [dispatch];
  return [
    dispatch,
    async () => { a.town.github.startJob(REPO, runId, "polecat"); },
    async () => { a.town.github.completeJob(REPO, runId, "polecat", "success", "2026-11-24T12:00:00.0000000Z done\n"); },
  ];
}

/** One block of 100 deliveries (see the table at the top), as threads of acts. */
function blockThreads(a: Actors, random: () => number, block: number, labelPairs: readonly [number, string][]): Act[][] {
  const threads: Act[][] = [];
  for (let k = 0; k < 3; k++) {
    threads.push([async () => { await a.as("ann", "POST", `/repos/${REPO}/issues`, { title: `Pump ${block}-${k} hums`, body: "Since Tuesday." }); }]);
  }
  for (const [number, name] of labelPairs) threads.push([label(a, pick(random, ["mayor", "ann"]), () => number, name)]);
  for (let k = 0; k < 24; k++) {
    const number = 1 + Math.floor(random() * POOL);
    threads.push([comment(a, pick(random, ["mayor", "ann", "bob"]), () => number, pick(random, PROSE))]);
  }
  for (let k = 0; k < 4; k++) {
    const number = POOL + 1 + 4 * block + k;
    threads.push([
      label(a, "mayor", () => number, "gt:sling"),
      ...(SLUNG_COMMANDS[k] ?? []).map((word) => comment(a, COMMANDS[word].login, () => number, COMMANDS[word].body)),
    ]);
  }
  for (let k = 0; k < 4; k++) threads.push(pullThread(a, random, block, k, k < 2 ? 2 : 1));
  for (let k = 0; k < 4; k++) threads.push(runThread(a, block, k, k < 3));
  return threads;
}

/** The plan's kinds and counts, per 100 deliveries; the recording must match them exactly. */
const PLANNED: Readonly<Record<string, number>> = {
  "issues.opened": 3,
  "issues.labeled (plain)": 15,
  "issues.labeled (gt:sling)": 4,
  "issue_comment.created (no command)": 30,
  "issue_comment.created /peek": 3,
  "issue_comment.created /gt": 2,
  "issue_comment.created /nudge": 3,
  "pull_request.opened": 4,
  "pull_request.labeled": 8,
  "pull_request.synchronize": 8,
  "workflow_run.requested": 4,
  "workflow_job.queued": 4,
  "workflow_run.in_progress": 3,
  "workflow_job.in_progress": 3,
  "workflow_run.completed": 3,
  "workflow_job.completed": 3,
};

/** What a delivery is, in the mix's terms. */
function kindOf(delivery: Delivery): string {
  const name = `${delivery.event}.${delivery.action ?? ""}`;
  const payload = delivery.payload as { label?: { name: string }; comment?: { body: string } };
  if (name === "issues.labeled") return `${name} (${payload.label?.name === "gt:sling" ? "gt:sling" : "plain"})`;
  if (name === "issue_comment.created") {
    const parsed = parseCommands(payload.comment?.body ?? "");
    const [first] = parsed.commands;
    if (parsed.problems.length > 0) return `${name} (command problem)`;
    return first === undefined ? `${name} (no command)` : `${name} /${first.name === "help" ? "gt" : first.name}`;
  }
  return name;
}

interface Built {
  readonly town: Town;
  /** The mix's deliveries, in the order they happened. */
  readonly deliveries: Delivery[];
}

/** A town with its issues, then the mix acted out; the emulator records, and sends nothing. */
async function buildTown(): Promise<Built> {
  const random = seededRandom(SEED);
  const town = await startTown({
    files: { ".github/gastown.yml": CONFIG },
    people: PEOPLE,
    events: MIX_EVENTS,
    // The App as it runs in a server: the real clock and waits (a ledger write that loses a race
    // backs off for real), and seeded jitter.
    deps: { clock: () => new Date(), sleep: realDependencies.sleep, random: seededRandom(SEED + 1) },
  });
  const installation = town.github.state.installations[0];
  if (installation === undefined) throw new Error("the App is not installed");
  const missing = MIX_EVENTS.filter((event) => !installation.events.includes(event));
  if (missing.length > 0) throw new Error(`the installation does not subscribe to ${missing.join(", ")}`);
  const tokens = new Map<string, string>();
  const actors: Actors = {
    town,
    appToken: town.github.installationToken(installation.id),
    async as(login, method, path, body) {
      // One token a person, as a person's own token is, rather than one a request.
      let token = tokens.get(login);
      if (token === undefined) tokens.set(login, (token = town.github.userToken(login)));
      const answer = await call(town.github, method, path, { token, ...(body === undefined ? {} : { body }) });
      if (answer.status >= 400) throw new Error(`${method} ${path} as ${login}: ${answer.status} ${JSON.stringify(answer.body)}`);
      return answer.body;
    },
  };
  // The issues the mix works on, before recording: the pool for plain labels and comments, then
  // one issue a sling.
  for (let n = 1; n <= POOL + 4 * BLOCKS; n++) {
    await actors.as(n % 2 === 0 ? "ann" : "mayor", "POST", `/repos/${REPO}/issues`, { title: `Issue ${n}: the pumps`, body: "They leak." });
  }
  await town.newDeliveries();
  const pairs = shuffled(random, Array.from({ length: POOL }, (_, i) => PLAIN_LABELS.map((name) => [i + 1, name] as [number, string])).flat());
  for (let block = 0; block < BLOCKS; block++) {
    const threads = blockThreads(actors, random, block, pairs.slice(15 * block, 15 * block + 15));
    for (let live = threads.filter((t) => t.length > 0); live.length > 0; live = live.filter((t) => t.length > 0)) {
      const act = pick(random, live).shift() as Act;
      await act();
      // Each act's deliveries are made before the next act, so their order is the plan's.
      await town.github.settled();
    }
  }
  const deliveries = await town.newDeliveries();
  checkMix(deliveries);
  if (town.github.problems.length > 0) throw new Error(`the emulator reported problems:\n${town.github.problems.join("\n")}`);
  return { town, deliveries };
}

function checkMix(deliveries: readonly Delivery[]): void {
  const counted: Record<string, number> = {};
  for (const d of deliveries) counted[kindOf(d)] = (counted[kindOf(d)] ?? 0) + 1;
  const planned = Object.fromEntries(Object.entries(PLANNED).map(([kind, n]) => [kind, n * BLOCKS]));
  const sorted = (r: Record<string, number>) => JSON.stringify(Object.entries(r).sort(([a], [b]) => a.localeCompare(b)));
  if (sorted(counted) !== sorted(planned)) throw new Error(`the mix is not the plan:\n  made    ${sorted(counted)}\n  planned ${sorted(planned)}`);
}

// ---------------------------------------------------------------------------------------------
// Replay.

interface Answer {
  readonly status: number;
  /** From the first byte sent to the answer's last, in milliseconds. */
  readonly ms: number;
}

interface Pass {
  readonly seconds: number;
  readonly answers: readonly Answer[];
  /** CPU time of the whole process (App or bare app, emulator, client), and how busy its event loop was. */
  readonly cpuSeconds: number;
  readonly eventLoopUtilization: number;
}

function post(agent: Agent, url: URL, delivery: Delivery): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const req = request(url, { method: "POST", agent, headers: { ...delivery.headers, "content-length": String(Buffer.byteLength(delivery.body)) } }, (res) => {
      res.resume();
      res.on("end", () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - start }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(delivery.body);
  });
}

/** Sends every delivery, `concurrency` in flight, and waits for every answer. */
async function replay(url: string, deliveries: readonly Delivery[], concurrency: number): Promise<Pass> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const target = new URL(url);
  const answers: Answer[] = new Array<Answer>(deliveries.length);
  let next = 0;
  const cpu = process.cpuUsage();
  const loop = performance.eventLoopUtilization();
  const start = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < deliveries.length) {
      const i = next++;
      answers[i] = await post(agent, target, deliveries[i] as Delivery);
    }
  }));
  const seconds = (performance.now() - start) / 1000;
  const used = process.cpuUsage(cpu);
  const eventLoopUtilization = performance.eventLoopUtilization(loop).utilization;
  agent.destroy();
  return { seconds, answers, cpuSeconds: (used.user + used.system) / 1e6, eventLoopUtilization };
}

/** The emulator's request count by operation, and what changed between two readings. */
function requestCount(counters: Counters): number {
  return Object.values(counters).reduce((sum, c) => sum + c.requests, 0);
}

function delta(after: Counters, before: Counters): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [id, c] of Object.entries(after)) {
    const n = c.requests - (before[id]?.requests ?? 0);
    if (n > 0) out[id] = n;
  }
  return out;
}

interface Serial {
  /** Per delivery: its handling time alone, and the GitHub requests it made, by operation. */
  readonly ms: readonly number[];
  readonly requests: readonly Record<string, number>[];
}

/** Each delivery alone, one after another, so its time and its requests are its own. */
async function serialPass(town: Town, url: string, deliveries: readonly Delivery[]): Promise<Serial> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const target = new URL(url);
  const ms: number[] = [];
  const requests: Record<string, number>[] = [];
  for (const delivery of deliveries) {
    await town.github.settled();
    const before = structuredClone(town.github.counters);
    const answer = await post(agent, target, delivery);
    await town.github.settled();
    if (answer.status !== 200) throw new Error(`${delivery.event} ${delivery.id}: ${answer.status}`);
    ms.push(answer.ms);
    requests.push(delta(town.github.counters, before));
  }
  agent.destroy();
  return { ms, requests };
}

/** Commits on the ledger branch: the ledger writes that landed. */
async function ledgerCommits(town: Town): Promise<number> {
  const git = town.github.git(REPO);
  let count = 0;
  for (let sha = await git.resolveRef("refs/heads/gastown/ledger"); sha !== undefined; sha = (await git.readCommit(sha)).parents[0]) count++;
  return count;
}

// ---------------------------------------------------------------------------------------------
// Reporting.

const round = (n: number, places = 1) => Math.round(n * 10 ** places) / 10 ** places;
const mean = (xs: readonly number[]) => (xs.length === 0 ? 0 : xs.reduce((s, x) => s + x, 0) / xs.length);
const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

function statuses(pass: Pass): Record<string, number> {
  const out: Record<string, number> = {};
  for (const { status } of pass.answers) out[status] = (out[status] ?? 0) + 1;
  return out;
}

function passLine(server: string, pass: Pass, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const handled = pass.answers.filter((a) => a.status === 200).length;
  if (handled !== pass.answers.length) process.exitCode = 1;
  return {
    case: `webhooks, ${server}`,
    deliveries: pass.answers.length,
    handled,
    statuses: statuses(pass),
    concurrency: CONCURRENCY,
    seconds: round(pass.seconds, 3),
    deliveries_per_s: round(handled / pass.seconds),
    mean_ms: round(mean(pass.answers.map((a) => a.ms))),
    cpu_s: round(pass.cpuSeconds, 3),
    event_loop_utilization: round(pass.eventLoopUtilization, 2),
    ...extra,
  };
}

// ---------------------------------------------------------------------------------------------
// The run.

const bareApp = (app: Probot): void => {
  app.onAny(async () => undefined);
};

// Three towns built the same way: one for the App's timed pass, one for the bare app, one for
// the App alone, delivery by delivery (what each kind costs, and warm-up for the App's code).
const { town: appTown, deliveries } = await buildTown();
const { town: bareTown, deliveries: bareMix } = await buildTown();
const { town: soloTown } = await buildTown();
if (bareMix.map(kindOf).join() !== deliveries.map(kindOf).join()) throw new Error("the towns were not built alike");
const kinds = deliveries.map(kindOf);

// The App's own answers (labels, comments) would come back as deliveries too; the emulator
// keeps them, so each server gets the mix and nothing else.
const serve = async (town: Town, appFn?: (app: Probot) => void): Promise<string> => {
  const url = await town.serve(appFn);
  town.github.webhookUrl = undefined;
  return url;
};

const solo = await serialPass(soloTown, await serve(soloTown), deliveries);
const bareUrl = await serve(bareTown, bareApp);
await replay(bareUrl, deliveries, CONCURRENCY);
const appUrl = await serve(appTown);
appTown.github.resetCounters();
// BENCH_PROFILE=<file>.cpuprofile keeps a CPU profile of the App's timed pass, to trace a shortfall.
const profile = process.env.BENCH_PROFILE;
const session = profile === undefined ? undefined : new Session();
if (session) {
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.start");
}
const app = await replay(appUrl, deliveries, CONCURRENCY);
if (session && profile !== undefined) {
  const { profile: taken } = await session.post("Profiler.stop");
  await writeFile(profile, JSON.stringify(taken));
  session.disconnect();
}
await appTown.github.settled();
const appRequests = appTown.github.counters;
const barePasses: Pass[] = [];
for (let i = 0; i < BARE_PASSES; i++) barePasses.push(await replay(bareUrl, deliveries, CONCURRENCY));
const bare = [...barePasses].sort((a, b) => a.seconds - b.seconds)[Math.floor(BARE_PASSES / 2)] as Pass;

const appRate = app.answers.filter((a) => a.status === 200).length / app.seconds;
const bareRate = bare.answers.filter((a) => a.status === 200).length / bare.seconds;
const ratio = appRate / bareRate;
const byOperation = Object.entries(appRequests).sort(([, a], [, b]) => b.requests - a.requests);
console.log(JSON.stringify(passLine("bare Probot app (onAny, acknowledges)", bare, {
  passes_s: barePasses.map((p) => round(p.seconds, 3)),
})));
const soloSeconds = solo.ms.reduce((sum, ms) => sum + ms, 0) / 1000;
const landed = await ledgerCommits(appTown);
console.log(JSON.stringify(passLine("Gas Town App", app, {
  alone_s: round(soloSeconds, 3),
  alone_per_s: round(deliveries.length / soloSeconds),
  // Every ledger write is a compare-and-swap on one branch: a commit made but not landed lost a race.
  ledger_commits_landed: landed,
  ledger_commits_lost: (appRequests["git/create-commit"]?.requests ?? 0) - landed,
  // GitHub does not keep deliveries in order, and neither do 8 in flight: a /nudge handled before
  // its issue's sling has landed finds no bead, says so, and writes nothing.
  nudges_before_their_sling: appTown.sent.filter((r) => JSON.stringify(r.body ?? "").includes("has never been slung")).length,
  github_requests: requestCount(appRequests),
  github_requests_by_operation: Object.fromEntries(byOperation.map(([id, c]) => [id, c.requests])),
})));
console.log(JSON.stringify({
  case: "webhooks, App against bare",
  deliveries: deliveries.length,
  app_per_s: round(appRate),
  bare_per_s: round(bareRate),
  ratio: round(ratio, 2),
  target: `>= ${TARGET_RATIO}x bare`,
}));

// Per kind: the time under load in the timed passes, and alone (with its GitHub requests).
for (const kind of [...new Set(kinds)].sort()) {
  const at = kinds.flatMap((k, i) => (k === kind ? [i] : []));
  const requests: Record<string, number> = {};
  for (const i of at) for (const [id, n] of Object.entries(solo.requests[i] ?? {})) requests[id] = (requests[id] ?? 0) + n;
  const total = Object.values(requests).reduce((s, n) => s + n, 0);
  console.log(JSON.stringify({
    case: "webhooks, by kind",
    kind,
    deliveries: at.length,
    app_mean_ms: round(mean(at.map((i) => app.answers[i]?.ms ?? 0))),
    bare_mean_ms: round(mean(at.map((i) => bare.answers[i]?.ms ?? 0))),
    alone_mean_ms: round(mean(at.map((i) => solo.ms[i] ?? 0))),
    alone_median_ms: round(median(at.map((i) => solo.ms[i] ?? 0))),
    github_requests_each: round(total / at.length, 2),
    github_requests: Object.fromEntries(Object.entries(requests).sort(([, a], [, b]) => b - a).map(([id, n]) => [id, round(n / at.length, 2)])),
  }));
}

for (const town of [appTown, bareTown, soloTown]) {
  await town.close();
  if (town.github.problems.length > 0) throw new Error(`the emulator reported problems:\n${town.github.problems.join("\n")}`);
}
