// One chaos seed: the local town with the stand-in agent on the quick formula, its patrol clock
// short, the seed's faults thrown at it as scheduled (schedule.ts), then time to converge, then
// the invariants checked (invariants.ts). The CLI (chaos.ts) and the test run it.
import { join } from "node:path";
import { REPO } from "../../test/app/app-harness.js";
import { ESCALATED_LABEL } from "../../app/town/state-labels.js";
import { QUICK_FORMULA } from "../seed.js";
import { startLocalTown, type LocalTown } from "../start-local-town.js";
import { applyFault } from "./apply-fault.js";
import { ledgerHistory } from "./ledger-history.js";
import { brokenInvariants, type IssueSeen } from "./invariants.js";
import { chaosSchedule, DEFAULT_SCHEDULE, type ScheduleOptions } from "./schedule.js";

/**
 * Time to converge once the faults stop: a publish or dispatch claimed by an App or a runner that
 * was killed holds for two minutes (PUBLISH_CLAIM_MS, DISPATCH_GRACE_MS) before another takes it up.
 */
export const CONVERGE_MS = 240_000;

const LOST_DELIVERY = /^webhook \S+ \S+ could not be delivered: /;

export interface ChaosRunOptions {
  /** A copy of local-town/agents the agent users can read (town-paths.ts reachableCopy). */
  readonly agents: string;
  readonly schedule?: ScheduleOptions;
  /** How long the town has to converge once the faults stop. */
  readonly convergeMs?: number;
  /** The App's patrol clock: short, so lost webhooks are found soon. */
  readonly patrolEveryMs?: number;
}

export interface ChaosResult {
  readonly seed: number;
  /** What broke; empty when the town converged with nothing lost. */
  readonly broken: readonly string[];
  /** Each slung issue's outcome. */
  readonly slung: readonly IssueSeen[];
  /** The faults as applied, and the town's story, interleaved as they happened. */
  readonly story: readonly string[];
  readonly faults: number;
  readonly ms: number;
}

export async function runChaosSeed(seed: number, options: ChaosRunOptions): Promise<ChaosResult> {
  const started = Date.now();
  const story: string[] = [];
  const tell = (line: string) => story.push(`${((Date.now() - started) / 1000).toFixed(1).padStart(6)}s ${line}`);
  const schedule = chaosSchedule(seed, options.schedule ?? DEFAULT_SCHEDULE);
  const town = await startLocalTown({
    agent: { kind: "command", command: join(options.agents, "hasty.sh") }, sandbox: true, polecat: { readOnly: [options.agents] }, secrets: {},
    tell, label: `gt:sling/${QUICK_FORMULA}`, patrolEveryMs: options.patrolEveryMs ?? 3_000,
  });
  let result: Omit<ChaosResult, "ms">;
  try {
    const slungAt = Date.now();
    for (const { atMs, fault } of schedule) {
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, slungAt + atMs - Date.now())));
      tell(`chaos: ${await applyFault(town, fault)}`);
    }
    // Faults planned but not yet met (a delivery of an event that has not come) stop too.
    town.town.github.clearFaults();
    tell("chaos: the faults stop; the town converges.");
    const slung = await converged(town, options.convergeMs ?? CONVERGE_MS);
    await town.town.github.settled();
    const broken = brokenInvariants({
      slung,
      history: await ledgerHistory(town.town.github.git(REPO)),
      pulls: (town.town.github.state.repos[REPO]?.issues ?? []).flatMap((i) => (i.pull === null ? [] : [{ number: i.number, headRef: i.pull.headRef }])),
      // A delivery under way when the App is killed fails, as GitHub records it: the fault, not a breach.
      githubProblems: town.town.github.problems.filter((problem) => !LOST_DELIVERY.test(problem)),
    });
    if (broken.length > 0) for (const line of await standing(town)) tell(`at the end: ${line}`);
    result = { seed, broken, slung, story, faults: schedule.length };
  } catch (error) {
    result = { seed, broken: [`the run failed: ${error instanceof Error ? error.message : String(error)}`], slung: [], story, faults: schedule.length };
    await town.close().catch(() => undefined);
    return { ...result, ms: Date.now() - started };
  }
  // Closing checks every request the App made against its permissions (app-harness.ts).
  const closing = await town.close().then(() => [], (error: unknown) => [`closing the town: ${error instanceof Error ? error.message : String(error)}`]);
  return { ...result, broken: [...result.broken, ...closing], ms: Date.now() - started };
}

/** Each slung issue's outcome once every one is merged or escalated, or as they stand after `ms`. */
async function converged(town: LocalTown, ms: number): Promise<IssueSeen[]> {
  const until = Date.now() + ms;
  for (;;) {
    const seen = await outcomes(town);
    if (seen.every((issue) => issue.outcome !== "open") || Date.now() > until) return seen;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

async function outcomes(town: LocalTown): Promise<IssueSeen[]> {
  const ledger = await town.town.ledger();
  return town.slung.map((number) => {
    const issue = town.town.issue(number);
    if (issue.labels.includes(ESCALATED_LABEL)) return { number, outcome: "escalated" };
    const bead = ledger?.beads().find((b) => b.external_ref?.endsWith(`/${REPO}/issues/${number}`));
    return { number, outcome: issue.state === "closed" && bead?.status === "closed" ? "merged" : "open" };
  });
}

/** What stands at the end of a broken seed: runs not done, pull requests open, beads not closed. */
async function standing(town: LocalTown): Promise<string[]> {
  const repo = town.town.github.state.repos[REPO];
  const ledger = await town.town.ledger();
  return [
    ...(repo?.runs ?? []).filter((run) => run.status !== "completed").map((run) => `run ${run.id} “${run.displayTitle}” ${run.status}`),
    ...(repo?.issues ?? []).filter((i) => i.pull !== null && i.state === "open").map((i) => `pull request #${i.number} open (${i.pull?.headRef}): ${i.labels.join(", ")}`),
    ...(ledger?.beads() ?? []).filter((b) => b.status !== "closed").map((b) => `${b.id} ${b.issue_type ?? ""} ${b.status ?? ""}: ${b.title}`),
  ];
}
