// `npm run bench`, last: what a polecat run costs in requests to GitHub, REST and git over HTTP,
// as the emulator counts them, set against the least this design needs for the run's start and
// for each step (README, "Requests per polecat step"). It runs as root (the agent runs as its own
// user) with the stand-in agent that does each step at once, so every request is the run's own
// bookkeeping. A run of one step and one of three give the start and the cost of a step.
import { AGENTS, startPolecatTown } from "../polecat/polecat-harness.js";
import { byOperation, offMinimum, totalOf, type Needed } from "./request-minimums.js";

const LEDGER_READ: readonly Needed[] = [
  { operationId: "git/get-ref", count: 1, why: "the ledger branch's commit" },
  { operationId: "git/get-commit", count: 1, why: "its tree" },
  { operationId: "git/get-tree", count: 1, why: "the ledger's blob" },
  { operationId: "git/get-blob", count: 1, why: "the ledger" },
];
const LEDGER_COMMIT = (what: string): Needed[] => [
  { operationId: "git/create-tree", count: 1, why: `${what}: the tree, the ledger inline` },
  { operationId: "git/create-commit", count: 1, why: `${what}: the commit` },
  { operationId: "git/update-ref", count: 1, why: `${what}: the ref moved without force` },
];

/** Once a run. */
export const RUN_START: readonly Needed[] = [
  { operationId: "repos/get-content", count: 1, why: ".github/gastown.yml on the default branch: the ledger's branch and prefix" },
  ...LEDGER_READ,
  ...LEDGER_COMMIT("the claim"),
  { operationId: "checks/create", count: 1, why: "the first heartbeat, on the work ref's tip" },
  { operationId: "git/get-ref", count: 1, why: "after the last step, the ledger read again: every step closed" },
  { operationId: "checks/update", count: 1, why: "the last heartbeat: done, with the exit" },
  { operationId: "repos/get-content", count: 1, why: "COMPLETED: the month's digest file, to append the work digest to" },
  ...LEDGER_COMMIT("the exit, the molecule squashed and its digest"),
  { operationId: "repos/create-dispatch-event", count: 1, why: "the mail: MERGE_READY" },
];

/** Each step. */
export const STEP: readonly Needed[] = [
  { operationId: "git/get-ref", count: 1, why: "before the step: the ledger (nudges, other writers, the claim); its ref alone while it has not moved" },
  { operationId: "checks/update", count: 1, why: "the heartbeat says the new step" },
  { operationId: "git/get-ref", count: 1, why: "before the push: the claim still holds" },
  { operationId: "checks/create", count: 1, why: "a heartbeat on the new tip (a check run belongs to its commit)" },
  { operationId: "checks/update", count: 1, why: "the last tip's heartbeat completed, neutral" },
  ...LEDGER_COMMIT("the step and its outbox"),
];

/**
 * git over smart HTTP. git asks without credentials first and sends them only after the 401
 * (it has no way to send a token up front but a URL or a header on its command line, both of
 * which would show the token to every process), so each conversation starts with one refusal.
 */
export const GIT_START: Readonly<Record<string, number>> = {
  // ls-remote (is there a work ref yet?), then the fetch of the base and the work ref: each a
  // refusal, the refs, and (protocol v2) a POST for the refs and one for the objects.
  "GET git-upload-pack": 4, "POST git-upload-pack": 3,
  // The work ref made: its first commit pushed.
  "GET git-receive-pack": 2, "POST git-receive-pack": 1,
};
export const GIT_STEP: Readonly<Record<string, number>> = { "GET git-receive-pack": 2, "POST git-receive-pack": 1 };

interface Measured {
  readonly rest: Record<string, number>;
  readonly git: Record<string, number>;
}

const formula = (steps: number) => [
  "formula: steps", "version: 1", "vars:", "  bead: { description: The bead, required: true }", "steps:",
  ...Array.from({ length: steps }, (_, i) => [`  - id: s${i + 1}`, `    title: Step ${i + 1}`, ...(i > 0 ? [`    needs: [s${i}]`] : [])]).flat(),
].join("\n") + "\n";

async function measure(steps: number): Promise<Measured> {
  const polecat = await startPolecatTown({ command: `${AGENTS}/diligent.sh`, label: "gt:sling/steps", files: { ".beads/formulas/steps.formula.yaml": formula(steps) } });
  try {
    const git: Record<string, number> = {};
    const stop = polecat.town.github.onArrival(({ method, url }) => {
      const kind = /\/info\/refs\?service=(git-[a-z-]+)/.exec(url)?.[1] ?? /\/(git-(?:upload|receive)-pack)$/.exec(url)?.[1];
      if (kind) git[`${method} ${kind}`] = (git[`${method} ${kind}`] ?? 0) + 1;
    });
    polecat.town.github.resetCounters();
    const { outcome } = await polecat.runPolecat();
    stop();
    if (outcome.kind !== "exited" || outcome.exit !== "COMPLETED") throw new Error(`the run ended ${JSON.stringify(outcome)}`);
    const rest = Object.fromEntries(Object.entries(polecat.town.github.counters).map(([id, c]) => [id, c.requests]));
    return { rest, git };
  } finally {
    await polecat.close();
  }
}

const sum = (counts: Readonly<Record<string, number>>) => Object.values(counts).reduce((a, b) => a + b, 0);
const times = (counts: Readonly<Record<string, number>>, n: number) => Object.fromEntries(Object.entries(counts).map(([k, v]) => [k, v * n]));
const plus = (a: Readonly<Record<string, number>>, b: Readonly<Record<string, number>>) => {
  const out: Record<string, number> = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = (out[k] ?? 0) + v;
  return out;
};

for (const steps of [1, 3]) {
  const measured = await measure(steps);
  const rest = plus(byOperation(RUN_START), times(byOperation(STEP), steps));
  const git = plus(GIT_START, times(GIT_STEP, steps));
  const beyond = { ...offMinimum(measured.rest, rest), ...offMinimum(measured.git, git) };
  const pass = Object.keys(beyond).length === 0;
  if (!pass) process.exitCode = 1;
  console.log(JSON.stringify({
    case: `polecat run of ${steps} step${steps === 1 ? "" : "s"}`,
    rest_requests: sum(measured.rest), rest_minimum: sum(rest), git_requests: sum(measured.git), git_minimum: sum(git),
    per_step_minimum: { rest: totalOf(STEP), git: sum(GIT_STEP) },
    target: "the listed minimum, no more", result: pass ? "pass" : "fail",
    ...(pass ? {} : { beyond_minimum: beyond }),
    rest: measured.rest, git: measured.git,
  }));
}
