// `npm run bench`, the patrol's part: what one pass of the witness costs over a rig, in GitHub
// requests as the emulator counts them, set against the least the design needs (README, "The
// patrol clock"). An idle pass (every hooked bead's heartbeat fresh) must be at its minimum: the
// settings, the ledger in one request, one heartbeat a hooked bead; the bench fails when it is not.
// A pass that repairs a dead runner is printed beside it, with no target, and so is the time a
// pass takes in the in-process emulator.
import { performance } from "node:perf_hooks";
import { startTown, type Town } from "../app/app-harness.js";
import { beat, patrol, slungIssue, startAndClaim } from "../app/witness-harness.js";
import { minutesAfter } from "../town/town-builders.js";
import { benchSize } from "./bench-scale.js";
import { byOperation, idlePatrol, offMinimum, totalOf } from "./request-minimums.js";

const HOOKED = 3;
const PASSES = benchSize("BENCH_PASSES", 20, 5);

/** A town with `HOOKED` polecats at work, each with a fresh heartbeat; the App's token already asked for. */
async function busyTown(): Promise<{ town: Town; runs: number[] }> {
  const town = await startTown({ files: { ".github/gastown.yml": `limits:\n  max_polecats: ${HOOKED}\n` } });
  const runs: number[] = [];
  for (let n = 0; n < HOOKED; n++) {
    const { runId } = await slungIssue(town, `Pump ${n} leaks`);
    await startAndClaim(town, runId);
    runs.push(runId);
  }
  town.clock.now = minutesAfter(town.clock.now, 5);
  for (const runId of runs) await beat(town, runId);
  await patrol(town);
  await town.github.settled();
  return { town, runs };
}

function requestsOf(town: Town): Record<string, number> {
  return Object.fromEntries(Object.entries(town.github.counters).filter(([, c]) => c.requests > 0).map(([id, c]) => [id, c.requests]));
}

{
  const { town } = await busyTown();
  town.github.resetCounters();
  await patrol(town);
  const made = requestsOf(town);
  const minimum = idlePatrol(HOOKED);
  const beyond = offMinimum(made, byOperation(minimum));
  const requests = Object.values(made).reduce((sum, n) => sum + n, 0);
  const pass = Object.keys(beyond).length === 0;
  if (!pass) process.exitCode = 1;
  const started = performance.now();
  for (let i = 0; i < PASSES; i++) await patrol(town);
  const ms = (performance.now() - started) / PASSES;
  console.log(JSON.stringify({
    case: `idle patrol pass, ${HOOKED} hooked beads`, requests, minimum_requests: totalOf(minimum), target: "the minimum, no more",
    beyond_minimum: beyond, result: pass ? "pass" : "fail", mean_ms: Math.round(ms * 10) / 10,
  }));
  await town.close();
}

{
  const { town, runs } = await busyTown();
  // One runner dies: its heartbeat stops while the others beat on.
  town.clock.now = minutesAfter(town.clock.now, 25);
  for (const runId of runs.slice(1)) await beat(town, runId);
  town.github.resetCounters();
  const report = await patrol(town);
  await town.github.settled();
  const made = requestsOf(town);
  console.log(JSON.stringify({
    case: `patrol pass that restarts one dead runner of ${HOOKED}`, acted: report.kind === "patrolled" ? report.actions.length : 0,
    requests: Object.values(made).reduce((sum, n) => sum + n, 0), by_operation: made,
  }));
  await town.close();
}
