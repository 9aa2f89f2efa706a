// `npm run bench`: what the agent's sandbox adds to each step's start. `true` runs as the agent's
// user, in turns, plainly (setpriv, as with `polecat.sandbox: off`) and in the sandbox (unshare,
// the new root's mounts, the init's node and bridges, then setpriv); the medians of the times to
// its exit are set side by side. Runs as root.
import type { ChildProcessWithoutNullStreams } from "node:child_process";
import { performance } from "node:perf_hooks";
import { spawnAsAgent } from "../../app/polecat/agent-user.js";
import { spawnInSandbox } from "../../app/polecat/sandbox/run-in-sandbox.js";
import { EGRESS_BRIDGE_PORT, MODEL_BRIDGE_PORT } from "../../app/polecat/sandbox/sandbox-plan.js";
import { makeSandboxWorkspace, NO_CGROUP } from "../sandbox/sandbox-workspace.js";
import { benchSize } from "./bench-scale.js";

/** Runs of each kind, after one warm-up of each. */
const RUNS = benchSize("BENCH_RUNS", 15, 5);

const round = (n: number, places = 1) => Math.round(n * 10 ** places) / 10 ** places;
const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

const made = await makeSandboxWorkspace((sockets) => [
  { port: EGRESS_BRIDGE_PORT, socket: `${sockets}/egress.sock` },
  { port: MODEL_BRIDGE_PORT, socket: `${sockets}/model.sock` },
]);
try {
  const how = { argv: ["/bin/true"], env: { PATH: "/usr/bin:/bin", HOME: made.workspace.home }, cwd: made.workspace.clone, cgroup: NO_CGROUP };
  const plain = () => spawnAsAgent(made.user, how);
  const sandboxed = () => spawnInSandbox(made.user, { ...how, sandbox: made.spec });
  await timed(plain);
  await timed(sandboxed);
  const plainMs: number[] = [];
  const sandboxMs: number[] = [];
  for (let run = 0; run < RUNS; run += 1) {
    plainMs.push(await timed(plain));
    sandboxMs.push(await timed(sandboxed));
  }
  console.log(JSON.stringify({
    case: "agent step start-up: `true` as the agent's user, in the sandbox and plainly",
    runs: RUNS,
    sandboxed_median_ms: round(median(sandboxMs)),
    plain_median_ms: round(median(plainMs)),
    sandbox_cost_ms: round(median(sandboxMs) - median(plainMs)),
    sandboxed_ms: sandboxMs.map((ms) => round(ms)),
    plain_ms: plainMs.map((ms) => round(ms)),
    target: "(no target)",
  }));
} finally {
  await made.close();
}

/** Milliseconds from the spawn to the exit; a failed run fails the bench. */
async function timed(start: () => ChildProcessWithoutNullStreams): Promise<number> {
  const began = performance.now();
  const child = start();
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => { stderr += chunk.toString(); });
  child.stdout.resume();
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  const ms = performance.now() - began;
  if (code !== 0) throw new Error(`\`true\` ended with ${code}: ${stderr}`);
  return ms;
}
