// Recorded deliveries sent again over HTTP to a Probot server, as GitHub sends them: many in
// flight at once, or one at a time with each one's GitHub requests counted apart.
import { Agent, request } from "node:http";
import { performance } from "node:perf_hooks";
import { REPO, type Town } from "../app/app-harness.js";
import type { Counters } from "../emulator/faults/counters.js";
import type { Delivery } from "../emulator/webhooks/deliveries.js";

const LEDGER_REF = "refs/heads/gastown/ledger";

export interface Answer {
  readonly status: number;
  /** When the first byte was sent (performance.now()), and from then to the answer's last, in milliseconds. */
  readonly start: number;
  readonly ms: number;
}

export interface Pass {
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
      res.on("end", () => resolve({ status: res.statusCode ?? 0, start, ms: performance.now() - start }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(delivery.body);
  });
}

/** Sends every delivery, `concurrency` in flight, and waits for every answer. */
export async function replay(url: string, deliveries: readonly Delivery[], concurrency: number): Promise<Pass> {
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

export interface Serial {
  readonly answers: readonly Answer[];
  /** Per delivery: the GitHub requests it made, as the emulator counted them. */
  readonly requests: readonly Counters[];
  /** Per delivery: whether the ledger branch was there before it. */
  readonly ledgerBranch: readonly boolean[];
}

/** Each delivery alone, one after another, so its time and its requests are its own. */
export async function serialPass(town: Town, url: string, deliveries: readonly Delivery[]): Promise<Serial> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const target = new URL(url);
  const answers: Answer[] = [];
  const requests: Counters[] = [];
  const ledgerBranch: boolean[] = [];
  for (const delivery of deliveries) {
    await town.github.settled();
    ledgerBranch.push((await town.github.git(REPO).resolveRef(LEDGER_REF)) !== undefined);
    town.github.resetCounters();
    const answer = await post(agent, target, delivery);
    await town.github.settled();
    if (answer.status !== 200) throw new Error(`${delivery.event} ${delivery.id}: ${answer.status}`);
    answers.push(answer);
    requests.push(town.github.counters);
  }
  agent.destroy();
  return { answers, requests, ledgerBranch };
}

/** Commits on the ledger branch: the ledger writes that landed. */
export async function ledgerCommits(town: Town): Promise<number> {
  const git = town.github.git(REPO);
  let count = 0;
  for (let sha = await git.resolveRef(LEDGER_REF); sha !== undefined; sha = (await git.readCommit(sha)).parents[0]) count++;
  return count;
}

/** The polecat workflow's dispatches as they reach the emulator: when, and for which bead. */
export interface DispatchWatch {
  readonly seen: readonly { readonly at: number; readonly bead: string }[];
  stop(): void;
}

const DISPATCH = /^\/repos\/[^/]+\/[^/]+\/actions\/workflows\/[^/]+\/dispatches$/;

export function watchDispatches(town: Town): DispatchWatch {
  const seen: { at: number; bead: string }[] = [];
  const stop = town.github.onArrival(({ method, url, body }) => {
    if (method !== "POST" || !DISPATCH.test(url)) return;
    const at = performance.now();
    const bead = (JSON.parse(body.toString("utf8")) as { inputs?: { bead?: string } }).inputs?.bead;
    if (bead !== undefined) seen.push({ at, bead });
  });
  return { seen, stop };
}

/**
 * Each sling delivery's dispatches, in the deliveries' order: how many reached the emulator, and
 * the first one's time from the delivery's sending, in milliseconds. A dispatch is matched to its
 * issue through the bead's external_ref in the ledger.
 */
export async function slingDispatches(
  town: Town, slings: readonly { delivery: Delivery; answer: Answer }[], watch: DispatchWatch,
): Promise<{ count: number; ms: number | undefined }[]> {
  const ledger = await town.ledger();
  const byIssue = new Map<number, number[]>();
  for (const { at, bead } of watch.seen) {
    const issue = Number(/\/issues\/(\d+)$/.exec(ledger?.get(bead)?.external_ref ?? "")?.[1]);
    byIssue.set(issue, [...(byIssue.get(issue) ?? []), at]);
  }
  return slings.map(({ delivery, answer }) => {
    const times = byIssue.get((delivery.payload as { issue: { number: number } }).issue.number) ?? [];
    return { count: times.length, ms: times[0] === undefined ? undefined : times[0] - answer.start };
  });
}
