// The patrol clock of an App running as a server (DESIGN §2, Patrol clock): on its own timer,
// for each installation, the witness's pass over each repository (patrol-rig.ts, the same code
// the patrol workflow runs) and, every few ticks, the deacon's pass over them all
// (deacon-town.ts). Replicas each run a clock; their ticks are jittered so they rarely collide,
// and when they do, every write is a compare-and-swap that applies a look only while the
// ledger still shows what it saw, so the town is repaired once.
import type { GitHubClient } from "../github/github-client.js";
import { memoryPageCache, type PageCache } from "../github/issue-pages.js";
import { listInstallationRepositories } from "../github/installation-repositories.js";
import { deliveriesSince, redeliver } from "../github/webhook-deliveries.js";
import { deliveriesToRedeliver, REDELIVER_WITHIN_MS } from "../town/redeliveries.js";
import type { AppDependencies } from "./app-dependencies.js";
import { deaconPass } from "./deacon-town.js";
import { patrolRig, type PatrolReport } from "./patrol-rig.js";

/** How often the witness patrols, on average: the patrol workflow's best is every 5 minutes too. */
export const PATROL_EVERY_MS = 5 * 60_000;
/** The deacon's round, every this many ticks: what it looks for changes over hours, not minutes. */
export const DEACON_EVERY_TICKS = 6;

/** What the clock needs of the App: its installations, a client for each, its own login, and a client as the App itself. */
export interface PatrolApp {
  readonly installations: () => Promise<readonly number[]>;
  readonly installationClient: (id: number) => Promise<GitHubClient>;
  readonly botLogin: () => Promise<string>;
  /** The App's own client (its JWT), for its webhook deliveries; without it, failed deliveries are not asked for again. */
  readonly appClient?: () => Promise<GitHubClient>;
}

export interface TickReport {
  readonly rigs: readonly { readonly installation: number; readonly repository: string; readonly report: PatrolReport | { readonly kind: "failed"; readonly why: string } }[];
  readonly deacon: boolean;
  /** Failed webhook deliveries asked for again, or why they could not be. */
  readonly redelivered: number | { readonly failed: string };
}

/** One tick: every repository of every installation patrolled; with `deacon`, the deacon's round too. */
export async function patrolTick(app: PatrolApp, deps: AppDependencies, deacon: boolean, pages?: PageCache): Promise<TickReport> {
  const botLogin = await app.botLogin();
  // First the events the App missed, so what they do is done before the patrol repairs around them.
  const redelivered = await redeliverFailed(app, deps);
  const rigs: TickReport["rigs"][number][] = [];
  for (const installation of await app.installations()) {
    const github = await app.installationClient(installation);
    const repositories = await listInstallationRepositories(github);
    for (const repository of repositories) {
      const name = `${repository.owner}/${repository.repo}`;
      try {
        // The deacon's ticks also sweep for runs that hold no hook, and repair the mirror's drift:
        // webhooks deliver nearly everything, so these repair what was missed, every half hour.
        const options = deacon ? { sweepRuns: true, mirror: pages ? { pages } : {} } : {};
        rigs.push({ installation, repository: name, report: await patrolRig({ github, ...repository }, deps, botLogin, options) });
      } catch (error) {
        // One rig's failure is its own: the others are still patrolled, and the next tick tries it again.
        rigs.push({ installation, repository: name, report: { kind: "failed", why: error instanceof Error ? error.message : String(error) } });
      }
    }
    if (deacon) await deaconPass({ github, repositories }, deps, botLogin);
  }
  return { rigs, deacon, redelivered };
}

/** The App's failed webhook deliveries of the last hour asked for again (app/town/redeliveries.ts decides which). */
async function redeliverFailed(app: PatrolApp, deps: AppDependencies): Promise<TickReport["redelivered"]> {
  if (app.appClient === undefined) return 0;
  try {
    const github = await app.appClient();
    const now = deps.clock();
    const again = deliveriesToRedeliver(await deliveriesSince(github, new Date(now.getTime() - REDELIVER_WITHIN_MS)), now);
    for (const attempt of again) await redeliver(github, attempt);
    return again.length;
  } catch (error) {
    // The patrol goes on without: the next tick asks again.
    return { failed: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * The clock's setting from GASTOWN_PATROL_MINUTES: the default when unset, off at 0. Anything else
 * is an error naming the variable, since a server that silently never patrols repairs nothing.
 */
export function patrolEveryMs(minutes: string | undefined): { patrolEveryMs?: number } {
  if (minutes === undefined || minutes.trim() === "") return { patrolEveryMs: PATROL_EVERY_MS };
  const value = Number(minutes);
  if (!Number.isFinite(value) || value < 0) {
    throw new Error(`GASTOWN_PATROL_MINUTES is ${JSON.stringify(minutes)}: give the minutes between patrols (5 unless set), or 0 for none`);
  }
  return value === 0 ? {} : { patrolEveryMs: value * 60_000 };
}

/** The wait before the next tick: the interval, give or take a quarter, so replicas drift apart. */
export function nextTickDelay(everyMs: number, random: () => number): number {
  return Math.round(everyMs * (0.75 + 0.5 * random()));
}

export interface ClockOptions {
  readonly everyMs: number;
  /** Told of each tick's outcome, or its failure. */
  readonly log: { info(message: string): void; warn(message: string): void };
  /** `setTimeout` unless given; the timer must not keep the process alive. */
  readonly setTimer?: (run: () => void, ms: number) => { unref?(): unknown };
}

/** Starts the clock; the answer stops it. A tick never overlaps the one before. */
export function startPatrolClock(app: PatrolApp, deps: AppDependencies, options: ClockOptions): () => void {
  let ticks = 0;
  let stopped = false;
  // The issue pages the drift repair saw, kept between ticks so unchanged ones cost nothing.
  const pages = memoryPageCache();
  const setTimer = options.setTimer ?? ((run, ms) => setTimeout(run, ms));
  const arm = () => {
    if (stopped) return;
    setTimer(() => void tick(), nextTickDelay(options.everyMs, deps.random)).unref?.();
  };
  const tick = async () => {
    if (stopped) return;
    const deacon = ticks % DEACON_EVERY_TICKS === 0;
    ticks++;
    try {
      const report = await patrolTick(app, deps, deacon, pages);
      const acted = report.rigs.filter((r) => r.report.kind === "patrolled" && (r.report.actions.length > 0 || r.report.promoted.length > 0));
      const failed = report.rigs.filter((r) => r.report.kind === "failed");
      const redelivered = typeof report.redelivered === "number" && report.redelivered > 0 ? `; ${report.redelivered} failed webhook deliveries asked for again` : "";
      options.log.info(`Patrol: ${report.rigs.length} repositories, ${acted.length} repaired, ${failed.length} failed${redelivered}${deacon ? "; the deacon's round too" : ""}.`);
      if (typeof report.redelivered !== "number") options.log.warn(`Asking for failed webhook deliveries again failed: ${report.redelivered.failed}`);
      for (const rig of failed) options.log.warn(`Patrol of ${rig.repository} failed: ${(rig.report as { why: string }).why}`);
    } catch (error) {
      options.log.warn(`The patrol tick failed: ${error instanceof Error ? error.message : String(error)}; the next tick tries again.`);
    }
    arm();
  };
  arm();
  return () => { stopped = true; };
}
