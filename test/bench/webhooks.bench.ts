// `npm run bench`, after the sling's: the App as `npm start` runs it (Probot's HTTP server),
// taking a fixed, seeded mix of signed deliveries over HTTP as GitHub sends them, held to four
// targets (README, "Webhook throughput"). Each is a JSON line with its figure, its target and
// "pass" or "fail"; a fail fails the bench.
//
// 1. Deliveries that need no GitHub request (the kinds whose minimum is none, in
//    delivery-minimums.ts): their mean latency within 1.5× a bare Probot app's, which only
//    acknowledges them (`app.onAny(async () => {})`), 8 in flight, in a run of those
//    deliveries alone. In the mixed run they share the one event loop with the commands and
//    the in-process emulator; that contention is its own line, with no target.
// 2. GitHub requests per delivery, by kind: every delivery of a kind at the least that kind
//    needs, counted with each delivery handled alone; and the token and the App's login asked
//    at most once a run.
// 3. No ledger commit lost to the same process with 8 deliveries in flight.
// 4. A sling's latency from its label's delivery to the polecat's dispatch reaching GitHub,
//    under the mixed load, next to the same with the sling alone. The latency has no bound (it
//    grows with the ledger lane's queue, and with the machine's load); what passes or fails is
//    that every sling dispatched its polecat exactly once.
//
// The mix (webhook-mix.ts) is acted out in three towns built alike, because replaying slings
// changes the ledger and starts runs: one takes the deliveries one at a time (2, 4 alone), one
// the App's mixed run (3, 4 under load) and then the no-request run (1), one the bare app. Both
// servers come from the harness with the same Probot and Octokit options, throttling off:
// Probot paces an installation's writes a second apart, which would only measure that constant.
//
// "Handled" is the server's answer: Probot 14's node middleware (@octokit/webhooks) awaits every
// handler of the event before it answers 200, and answers 202 "still processing" only after 9
// seconds; a 202 or an error is reported, and fails the bench.
//
// Everything runs in this one process, on one thread: the emulator serving the App's requests
// (with its contract checks and real git), the App, the bare app and the client replaying.
// BENCH_PROFILE=<file>.cpuprofile keeps a CPU profile of the App's mixed run.
import { writeFile } from "node:fs/promises";
import { Session } from "node:inspector/promises";
import type { Probot } from "probot";
import { realDependencies } from "../../app/handlers/app-dependencies.js";
import type { Town } from "../app/app-harness.js";
import { totalRequests, type Counters } from "../emulator/faults/counters.js";
import type { Delivery } from "../emulator/webhooks/deliveries.js";
import { deliveryRequests, DELIVERY_MINIMUMS, minimumOf, ONCE_A_PROCESS, QUIET_KINDS } from "./delivery-minimums.js";
import { benchSize } from "./bench-scale.js";
import { offMinimum } from "./request-minimums.js";
import { seededRandom } from "./synthetic-ledger.js";
import { ledgerCommits, replay, serialPass, slingDispatches, watchDispatches, type Answer, type Pass } from "./webhook-replay.js";
import { buildMix, mixKind, SEED, SLING_KIND, type MixKind } from "./webhook-mix.js";

/** Blocks of 100 deliveries in the mix. */
const BLOCKS = benchSize("BENCH_BLOCKS", 3, 1);
/**
 * Deliveries in flight at once. GitHub sends deliveries concurrently, not one after another: a
 * label, the push and the pull request and workflow events it sets off arrive together. 8 is a
 * busy repository's burst, and more than the 2 cores here can overlap once every handler is
 * waiting for GitHub's answers.
 */
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
/** Passes of the bare app's mixed run (after one warm-up); its median is shown. */
const BARE_PASSES = 3;
/** Passes of the no-request run, App and bare app taking turns after a warm-up each; the medians are compared. */
const QUIET_PASSES = benchSize("BENCH_QUIET_PASSES", 7, 3);
const QUIET_TARGET = 1.5;

// ---------------------------------------------------------------------------------------------
// Figures.

const round = (n: number, places = 1) => Math.round(n * 10 ** places) / 10 ** places;
const mean = (xs: readonly number[]) => (xs.length === 0 ? 0 : xs.reduce((s, x) => s + x, 0) / xs.length);
const percentile = (xs: readonly number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))] ?? 0;
const median = (xs: readonly number[]) => percentile(xs, 0.5);
const total = (counts: Readonly<Record<string, number>>) => Object.values(counts).reduce((sum, n) => sum + n, 0);
/** The answers' times at the given places. */
const msAt = (answers: readonly Answer[], at: readonly number[]) => at.map((i) => answers[i]?.ms ?? 0);

/** "pass" or "fail"; a fail fails the bench. */
function verdict(met: boolean): "pass" | "fail" {
  if (!met) process.exitCode = 1;
  return met ? "pass" : "fail";
}

function handled(pass: Pass): number {
  return pass.answers.filter((a) => a.status === 200).length;
}

function passFigures(pass: Pass): Record<string, unknown> {
  const statuses: Record<string, number> = {};
  for (const { status } of pass.answers) statuses[status] = (statuses[status] ?? 0) + 1;
  // A delivery not answered 200 was not handled (202: still processing after 9 s).
  if (handled(pass) !== pass.answers.length) process.exitCode = 1;
  return {
    deliveries: pass.answers.length,
    handled: handled(pass),
    statuses,
    concurrency: CONCURRENCY,
    seconds: round(pass.seconds, 3),
    deliveries_per_s: round(handled(pass) / pass.seconds),
    mean_ms: round(mean(pass.answers.map((a) => a.ms))),
    cpu_s: round(pass.cpuSeconds, 3),
    event_loop_utilization: round(pass.eventLoopUtilization, 2),
  };
}

function operationCounts(counters: Counters): Record<string, number> {
  return Object.fromEntries(Object.entries(counters).sort(([, a], [, b]) => b.requests - a.requests).map(([id, c]) => [id, c.requests]));
}

function onceCounts(counters: readonly Counters[]): Record<string, number> {
  return Object.fromEntries(ONCE_A_PROCESS.map(({ operationId }) => [operationId, counters.reduce((sum, c) => sum + (c[operationId]?.requests ?? 0), 0)]));
}

// ---------------------------------------------------------------------------------------------
// The towns and their servers.

// The App as it runs in a server: the real clock and waits (a ledger write that loses a race
// backs off for real), and seeded jitter.
const benchDeps = () => ({ clock: () => new Date(), sleep: realDependencies.sleep, random: seededRandom(SEED + 1) });
const { town: soloTown, deliveries } = await buildMix(BLOCKS, benchDeps());
const { town: appTown, deliveries: appMix } = await buildMix(BLOCKS, benchDeps());
const { town: bareTown, deliveries: bareMix } = await buildMix(BLOCKS, benchDeps());
const kinds = deliveries.map(mixKind);
for (const other of [appMix, bareMix]) if (other.map(mixKind).join() !== kinds.join()) throw new Error("the towns were not built alike");
const at = (wanted: (kind: MixKind) => boolean) => kinds.flatMap((kind, i) => (wanted(kind) ? [i] : []));
const quietAt = at((kind) => QUIET_KINDS.has(kind));
const slingAt = at((kind) => kind === SLING_KIND);

// The App's own answers (labels, comments) would come back as deliveries too; the emulator
// keeps them, so each server gets the mix and nothing else.
const serve = async (town: Town, appFn?: (app: Probot) => void): Promise<string> => {
  const url = await town.serve(appFn);
  town.github.webhookUrl = undefined;
  return url;
};
const bareApp = (app: Probot): void => {
  app.onAny(async () => undefined);
};

// ---------------------------------------------------------------------------------------------
// Alone: each delivery by itself, for its requests, its time and a sling's time to dispatch.

const soloUrl = await serve(soloTown);
const soloDispatches = watchDispatches(soloTown);
const solo = await serialPass(soloTown, soloUrl, deliveries);
soloDispatches.stop();
const slingsAlone = await slingDispatches(soloTown, slingAt.map((i) => ({ delivery: deliveries[i] as Delivery, answer: solo.answers[i] as Answer })), soloDispatches);

// ---------------------------------------------------------------------------------------------
// The mixed run, 8 in flight: the App's one pass (a second would find the slings done), the
// bare app's after a warm-up.

const bareUrl = await serve(bareTown, bareApp);
await replay(bareUrl, bareMix, CONCURRENCY);
const appUrl = await serve(appTown);
appTown.github.resetCounters();
const profile = process.env.BENCH_PROFILE;
const session = profile === undefined ? undefined : new Session();
if (session) {
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.start");
}
const appDispatches = watchDispatches(appTown);
const mixed = await replay(appUrl, appMix, CONCURRENCY);
appDispatches.stop();
if (session && profile !== undefined) {
  const { profile: taken } = await session.post("Profiler.stop");
  await writeFile(profile, JSON.stringify(taken));
  session.disconnect();
}
await appTown.github.settled();
const mixedRequests = appTown.github.counters;
const slingsUnderLoad = await slingDispatches(appTown, slingAt.map((i) => ({ delivery: appMix[i] as Delivery, answer: mixed.answers[i] as Answer })), appDispatches);
const barePasses: Pass[] = [];
for (let i = 0; i < BARE_PASSES; i++) barePasses.push(await replay(bareUrl, bareMix, CONCURRENCY));
const bare = [...barePasses].sort((a, b) => a.seconds - b.seconds)[Math.floor(BARE_PASSES / 2)] as Pass;

// ---------------------------------------------------------------------------------------------
// The no-request deliveries alone, 8 in flight: the App (done with the mix) and the bare app
// take turns, so the machine's drift falls on both.

const quietApp = quietAt.map((i) => appMix[i] as Delivery);
const quietBare = quietAt.map((i) => bareMix[i] as Delivery);
await replay(appUrl, quietApp, CONCURRENCY);
await replay(bareUrl, quietBare, CONCURRENCY);
appTown.github.resetCounters();
const quietAppPasses: Pass[] = [];
const quietBarePasses: Pass[] = [];
for (let i = 0; i < QUIET_PASSES; i++) {
  quietAppPasses.push(await replay(appUrl, quietApp, CONCURRENCY));
  quietBarePasses.push(await replay(bareUrl, quietBare, CONCURRENCY));
}
await appTown.github.settled();
const quietRequests = totalRequests(appTown.github.counters);

// ---------------------------------------------------------------------------------------------
// The lines.

console.log(JSON.stringify({
  case: "webhooks, mixed run, bare Probot app (onAny, acknowledges)", ...passFigures(bare),
  passes_s: barePasses.map((p) => round(p.seconds, 3)), target: "(no target)",
}));
console.log(JSON.stringify({
  case: "webhooks, mixed run, Gas Town App", ...passFigures(mixed),
  github_requests: totalRequests(mixedRequests), github_requests_by_operation: operationCounts(mixedRequests), target: "(no target)",
}));

// 1. The deliveries that need no request, alone; then what the mixed run's contention cost them.
const quietAppMs = quietAppPasses.map((p) => mean(p.answers.map((a) => a.ms)));
const quietBareMs = quietBarePasses.map((p) => mean(p.answers.map((a) => a.ms)));
const quietRatio = median(quietAppMs) / median(quietBareMs);
for (const pass of [...quietAppPasses, ...quietBarePasses]) if (handled(pass) !== pass.answers.length) process.exitCode = 1;
console.log(JSON.stringify({
  case: "webhooks, deliveries that need no request, alone",
  deliveries: quietAt.length,
  concurrency: CONCURRENCY,
  app_mean_ms: round(median(quietAppMs), 2),
  bare_mean_ms: round(median(quietBareMs), 2),
  ratio: round(quietRatio, 2),
  app_passes_ms: quietAppMs.map((ms) => round(ms, 2)),
  bare_passes_ms: quietBareMs.map((ms) => round(ms, 2)),
  github_requests: quietRequests,
  target: `<= ${QUIET_TARGET}x bare mean latency, no GitHub request`,
  result: verdict(quietRatio <= QUIET_TARGET && quietRequests === 0),
}));
// In the mixed run most of the 8 places in flight are held by commands waiting on GitHub, so a
// no-request delivery there shares the thread with their work and the emulator's rather than
// with its own kind: set against the same deliveries one at a time.
const commandsInFlight = msAt(mixed.answers, at((kind) => !QUIET_KINDS.has(kind))).reduce((sum, ms) => sum + ms, 0) / (mixed.seconds * 1000);
const quietMixedMs = msAt(mixed.answers, quietAt);
const quietAloneMs = msAt(solo.answers, quietAt);
console.log(JSON.stringify({
  case: "webhooks, deliveries that need no request, in the mixed run",
  deliveries: quietAt.length,
  mixed_mean_ms: round(mean(quietMixedMs), 2),
  mixed_p95_ms: round(percentile(quietMixedMs, 0.95), 2),
  mixed_max_ms: round(Math.max(...quietMixedMs), 2),
  one_at_a_time_mean_ms: round(mean(quietAloneMs), 2),
  contention: round(mean(quietMixedMs) / mean(quietAloneMs), 2),
  commands_in_flight: round(commandsInFlight, 1),
  target: "(no target: the cost of sharing one thread with the commands and the emulator)",
}));

// 2. Requests per delivery, by kind, each delivery alone.
const madeBy = kinds.map((_, i) => deliveryRequests(solo.requests[i] ?? {}));
const leastBy = kinds.map((kind, i) => minimumOf(kind, solo.ledgerBranch[i] ?? true));
for (const kind of Object.keys(DELIVERY_MINIMUMS) as MixKind[]) {
  const of = at((k) => k === kind);
  const made = of.reduce((sum, i) => sum + total(madeBy[i] ?? {}), 0);
  const least = of.reduce((sum, i) => sum + total(leastBy[i] ?? {}), 0);
  const off: Record<string, number> = {};
  let offDeliveries = 0;
  for (const i of of) {
    const mine = Object.entries(offMinimum(madeBy[i] ?? {}, leastBy[i] ?? {}));
    if (mine.length > 0) offDeliveries++;
    for (const [id, n] of mine) off[id] = (off[id] ?? 0) + n;
  }
  console.log(JSON.stringify({
    case: "webhooks, requests by kind",
    kind,
    deliveries: of.length,
    requests: made,
    minimum: least,
    requests_each: round(made / of.length, 2),
    ...(offDeliveries > 0 ? { deliveries_off_minimum: offDeliveries, off_minimum: off } : {}),
    target: "= minimum (README, Requests per delivery)",
    result: verdict(offDeliveries === 0),
    mixed_mean_ms: round(mean(msAt(mixed.answers, of))),
    alone_mean_ms: round(mean(msAt(solo.answers, of))),
    bare_mixed_mean_ms: round(mean(msAt(bare.answers, of))),
  }));
}
const onceAlone = onceCounts(solo.requests);
const onceMixed = onceCounts([mixedRequests]);
console.log(JSON.stringify({
  case: "webhooks, requests once a process",
  alone: onceAlone,
  mixed_run: onceMixed,
  target: "<= 1 each a run (the token lasts an hour)",
  result: verdict([...Object.values(onceAlone), ...Object.values(onceMixed)].every((n) => n <= 1)),
}));

// 3. Ledger commits in the mixed run. Every ledger write is a compare-and-swap on one branch: a
// commit made but not landed lost a race.
const landed = await ledgerCommits(appTown);
const made = mixedRequests["git/create-commit"]?.requests ?? 0;
console.log(JSON.stringify({
  case: "webhooks, ledger commits, mixed run",
  concurrency: CONCURRENCY,
  commits_made: made,
  commits_landed: landed,
  commits_lost: made - landed,
  // GitHub does not keep deliveries in order, and neither do 8 in flight: a /nudge handled before
  // its issue's sling has landed finds no bead, says so, and writes nothing.
  nudges_before_their_sling: appTown.sent.filter((r) => JSON.stringify(r.body ?? "").includes("has never been slung")).length,
  target: "0 lost",
  result: verdict(made === landed),
}));

// 4. A sling, label to dispatch: the latency is shown next to alone; what passes or fails is
// that each sling dispatched its polecat exactly once, alone and under load.
const dispatchMs = (slings: readonly { ms: number | undefined }[]) => slings.flatMap(({ ms }) => (ms === undefined ? [] : [ms]));
const underLoadMs = dispatchMs(slingsUnderLoad);
const aloneMs = dispatchMs(slingsAlone);
console.log(JSON.stringify({
  case: "webhooks, sling label to dispatch",
  slings: slingAt.length,
  under_load_mean_ms: round(mean(underLoadMs)),
  alone_mean_ms: round(mean(aloneMs)),
  ratio: round(mean(underLoadMs) / mean(aloneMs), 2),
  under_load_max_ms: round(Math.max(...underLoadMs)),
  alone_max_ms: round(Math.max(...aloneMs)),
  dispatches_under_load: slingsUnderLoad.map(({ count }) => count),
  dispatches_alone: slingsAlone.map(({ count }) => count),
  target: "each sling dispatched once (latency: no target, shown next to alone)",
  result: verdict([...slingsUnderLoad, ...slingsAlone].every(({ count }) => count === 1)),
}));

for (const town of [appTown, bareTown, soloTown]) {
  await town.close();
  if (town.github.problems.length > 0) throw new Error(`the emulator reported problems:\n${town.github.problems.join("\n")}`);
}
