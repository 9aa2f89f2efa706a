// The webhook bench's fixed mix. People act through the emulator's API (labels, comments with
// and without commands, pull requests, workflow runs) in a fixed, seeded order, and the emulator
// records the deliveries it would send: headers and the exact signed body. Per 100:
//
//   issues.opened                         3   a person opens an issue
//   issues.labeled, plain                15   bug, docs, enhancement, question, wontfix
//   issues.labeled, gt:sling              4   each on its own issue, under limits.max_polecats
//   issue_comment.created, no command    30   prose, code, quotes, other bots' slash words: 24 on
//                                              issues, 6 on pull requests
//   issue_comment.created, command        8   /peek ×3, /gt help ×2, /nudge ×3 on slung issues
//   pull_request                         20   4 opened, 8 labeled, 8 synchronize
//   workflow_run + workflow_job          20   3 runs of the team's CI queued → started → done
//                                              (6 each), 1 only queued (2)
import { parseCommands } from "../../app/commands/parse-commands.js";
import type { AppDependencies } from "../../app/handlers/app-dependencies.js";
import { REPO, startTown, type Town } from "../app/app-harness.js";
import { call } from "../emulator/testing.js";
import type { Delivery } from "../emulator/webhooks/deliveries.js";
import { seededRandom } from "./synthetic-ledger.js";

export const SEED = 20261124;
/** The events the installation subscribes to: the mix's, and no `push` or `create` from branches made. */
const MIX_EVENTS = ["issues", "issue_comment", "pull_request", "workflow_run", "workflow_job"] as const;
const PEOPLE = { mayor: "maintain", ann: "write", bob: "read" } as const;
const PLAIN_LABELS = ["bug", "docs", "enhancement", "question", "wontfix"];

/** The kinds of delivery in the mix, and how many of each per 100; the recording must match exactly. */
export const PLANNED = {
  "issues.opened": 3,
  "issues.labeled (plain)": 15,
  "issues.labeled (gt:sling)": 4,
  "issue_comment.created (no command)": 24,
  "issue_comment.created (no command, pull request)": 6,
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
} as const;

export type MixKind = keyof typeof PLANNED;
export const SLING_KIND: MixKind = "issues.labeled (gt:sling)";

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

/** What a delivery is, in the mix's terms; a kind the plan does not have fails checkMix. */
export function kindOf(delivery: Delivery): string {
  const name = `${delivery.event}.${delivery.action ?? ""}`;
  const payload = delivery.payload as { label?: { name: string }; comment?: { body: string }; issue?: { pull_request?: unknown } };
  if (name === "issues.labeled") return `${name} (${payload.label?.name === "gt:sling" ? "gt:sling" : "plain"})`;
  if (name === "issue_comment.created") {
    const parsed = parseCommands(payload.comment?.body ?? "");
    const [first] = parsed.commands;
    if (parsed.problems.length > 0) return `${name} (command problem)`;
    if (first === undefined) return payload.issue?.pull_request === undefined ? `${name} (no command)` : `${name} (no command, pull request)`;
    return `${name} /${first.name === "help" ? "gt" : first.name}`;
  }
  return name;
}

/** The delivery's kind, which must be one the plan has. */
export function mixKind(delivery: Delivery): MixKind {
  const kind = kindOf(delivery);
  if (!(kind in PLANNED)) throw new Error(`delivery ${delivery.id} is not in the plan: ${kind}`);
  return kind as MixKind;
}

// ---------------------------------------------------------------------------------------------
// Threads of acts, interleaved by a seeded choice; an act's order within its thread holds.

type Act = () => Promise<void>;

interface Actors {
  readonly town: Town;
  readonly as: (login: string, method: string, path: string, body?: unknown) => Promise<unknown>;
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

/** A run of the team's CI, dispatched by a person, then (when `finished`) started and done by the runner. */
function runThread(a: Actors, finished: boolean): Act[] {
  let runId = 0;
  const dispatch: Act = async () => {
    const answer = await call(a.town.github, "POST", `/repos/${REPO}/actions/workflows/ci.yml/dispatches`, {
      token: a.town.github.userToken("ann"), body: { ref: "main", return_run_details: true },
    });
    if (answer.status !== 200) throw new Error(`dispatch: ${answer.status} ${JSON.stringify(answer.body)}`);
    runId = (answer.body as { workflow_run_id: number }).workflow_run_id;
  };
  if (!finished) return [dispatch];
  return [
    dispatch,
    async () => { a.town.github.startJob(REPO, runId, "test"); },
    async () => { a.town.github.completeJob(REPO, runId, "test", "success", "2026-11-24T12:00:00.0000000Z done\n"); },
  ];
}

/** The team's CI, run by hand here: most of a busy repository's workflow events are its CI's. */
const CI_WORKFLOW = "name: CI\non: workflow_dispatch\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps: [{ run: npm test }]\n";

/** One block of 100 deliveries (see the table at the top), as threads of acts. */
function blockThreads(a: Actors, random: () => number, pool: number, block: number, labelPairs: readonly [number, string][]): Act[][] {
  const threads: Act[][] = [];
  for (let k = 0; k < 3; k++) {
    threads.push([async () => { await a.as("ann", "POST", `/repos/${REPO}/issues`, { title: `Pump ${block}-${k} hums`, body: "Since Tuesday." }); }]);
  }
  for (const [number, name] of labelPairs) threads.push([label(a, pick(random, ["mayor", "ann"]), () => number, name)]);
  for (let k = 0; k < 24; k++) {
    const number = 1 + Math.floor(random() * pool);
    threads.push([comment(a, pick(random, ["mayor", "ann", "bob"]), () => number, pick(random, PROSE))]);
  }
  for (let k = 0; k < 4; k++) {
    const number = pool + 1 + 4 * block + k;
    threads.push([
      label(a, "mayor", () => number, "gt:sling"),
      ...(SLUNG_COMMANDS[k] ?? []).map((word) => comment(a, COMMANDS[word].login, () => number, COMMANDS[word].body)),
    ]);
  }
  for (let k = 0; k < 4; k++) threads.push(pullThread(a, random, block, k, k < 2 ? 2 : 1));
  for (let k = 0; k < 4; k++) threads.push(runThread(a, k < 3));
  return threads;
}

export interface Mix {
  readonly town: Town;
  /** The mix's deliveries, in the order they happened; the App has seen none of them. */
  readonly deliveries: Delivery[];
}

/**
 * A town with its issues, then `blocks` blocks of the mix acted out; the emulator records, and
 * sends nothing. The same blocks and dependencies make the same deliveries.
 */
export async function buildMix(blocks: number, deps: Partial<AppDependencies> = {}): Promise<Mix> {
  const random = seededRandom(SEED);
  // Issues plain labels and plain comments go to: enough for each (issue, label) pair to be new.
  const pool = 3 * blocks + 4;
  const town = await startTown({
    // Room for every sling to dispatch: at the cap a sling only marks its bead waiting.
    files: { ".github/gastown.yml": `limits:\n  max_polecats: ${4 * blocks + 10}\n`, ".github/workflows/ci.yml": CI_WORKFLOW },
    people: PEOPLE,
    events: MIX_EVENTS,
    deps,
  });
  const installation = town.github.state.installations[0];
  if (installation === undefined) throw new Error("the App is not installed");
  const missing = MIX_EVENTS.filter((event) => !installation.events.includes(event));
  if (missing.length > 0) throw new Error(`the installation does not subscribe to ${missing.join(", ")}`);
  const tokens = new Map<string, string>();
  const actors: Actors = {
    town,
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
  for (let n = 1; n <= pool + 4 * blocks; n++) {
    await actors.as(n % 2 === 0 ? "ann" : "mayor", "POST", `/repos/${REPO}/issues`, { title: `Issue ${n}: the pumps`, body: "They leak." });
  }
  await town.newDeliveries();
  const pairs = shuffled(random, Array.from({ length: pool }, (_, i) => PLAIN_LABELS.map((name) => [i + 1, name] as [number, string])).flat());
  for (let block = 0; block < blocks; block++) {
    const threads = blockThreads(actors, random, pool, block, pairs.slice(15 * block, 15 * block + 15));
    for (let live = threads.filter((t) => t.length > 0); live.length > 0; live = live.filter((t) => t.length > 0)) {
      const act = pick(random, live).shift() as Act;
      await act();
      // Each act's deliveries are made before the next act, so their order is the plan's.
      await town.github.settled();
    }
  }
  const deliveries = await town.newDeliveries();
  checkMix(deliveries, blocks);
  if (town.github.problems.length > 0) throw new Error(`the emulator reported problems:\n${town.github.problems.join("\n")}`);
  return { town, deliveries };
}

function checkMix(deliveries: readonly Delivery[], blocks: number): void {
  const counted: Record<string, number> = {};
  for (const d of deliveries) counted[kindOf(d)] = (counted[kindOf(d)] ?? 0) + 1;
  const planned = Object.fromEntries(Object.entries(PLANNED).map(([kind, n]) => [kind, n * blocks]));
  const sorted = (r: Record<string, number>) => JSON.stringify(Object.entries(r).sort(([a], [b]) => a.localeCompare(b)));
  if (sorted(counted) !== sorted(planned)) throw new Error(`the mix is not the plan:\n  made    ${sorted(counted)}\n  planned ${sorted(planned)}`);
}
