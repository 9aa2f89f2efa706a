// A whole town on this machine: the GitHub emulator, the App as `npm start` runs it (Probot's
// server, fed the emulator's signed webhooks), a local runner for our workflows, and a scripted
// reviewer; the harbor repository seeded, its issues opened by ann and three slung by the mayor.
// What happens is told line by line through `tell`. The CLI (town.ts) and the test use this.
import { gastownApp } from "../app/gastown-app.js";
import { realDependencies, type AppDependencies } from "../app/handlers/app-dependencies.js";
import { removeUsersOfDeadRuns } from "../test/agents/test-agent-users.js";
import { REPO, startTown, type Town } from "../test/app/app-harness.js";
import type { PolecatJobOptions } from "./polecat-job.js";
import { startLocalRunner, type LocalRunner, type RunnerEvent } from "./local-runner.js";
import { pullsToApprove } from "./reviewer.js";
import { seedFiles, SEED_ISSUES, type SeedAgent } from "./seed.js";
import { Story } from "./story.js";

export const REVIEWER = "mayor";

export interface LocalTownOptions {
  readonly agent: SeedAgent;
  readonly sandbox: boolean;
  /** How the runner runs the polecat action: what the agent reads besides its own, the agent cache, inputs set over the workflow's. */
  readonly polecat: PolecatJobOptions;
  /** The repository's secrets (ANTHROPIC_API_KEY for the polecat workflow). */
  readonly secrets: Readonly<Record<string, string>>;
  readonly tell: (line: string) => void;
  /** The App's patrol clock; a minute unless given. */
  readonly patrolEveryMs?: number;
  /** Jobs the runner runs at once; 3 unless given. */
  readonly parallel?: number;
  /** The sling label: `gt:sling` (mol-polecat-work) unless given, `gt:sling/harbor-quick` for a quicker town. */
  readonly label?: string;
}

export interface LocalTown {
  readonly town: Town;
  /** The issues slung at the start. */
  readonly slung: readonly number[];
  /** Resolves once every slung issue is closed and its bead closed as merged; rejects after `ms`. */
  landed(ms: number): Promise<void>;
  /** What runs now, for the progress line. */
  running(): string[];
  /** Stops the runner and the watcher, then the App and the emulator. */
  close(): Promise<void>;
}

export async function startLocalTown(options: LocalTownOptions): Promise<LocalTown> {
  // The agent users of a town that was killed midway, named after its process (polecat-job.ts).
  await removeUsersOfDeadRuns();
  options.tell("Starting GitHub (the emulator), the App server and the local runner…");
  const deps: AppDependencies = { ...realDependencies };
  // The mirror on, as a new town has it: the issues become beads, and the beads' changes issues'.
  const town = await startTown({ files: seedFiles(options.agent, options.sandbox), deps, mirror: true });
  await town.serve(gastownApp(deps, { patrolEveryMs: options.patrolEveryMs ?? 60_000 }));

  const story = new Story();
  const jobs = new Map<number, string>();
  const runner: LocalRunner = startLocalRunner({
    github: town.github, repo: REPO, secrets: options.secrets, parallel: options.parallel ?? 3,
    polecat: options.polecat,
    report: (event: RunnerEvent) => {
      if (event.kind === "started") jobs.set(event.run.id, event.run.displayTitle);
      if (event.kind === "completed") jobs.delete(event.run.id);
      if (event.kind === "log") for (const line of story.fromJobLine(event.run.displayTitle, event.line)) options.tell(line);
    },
  });

  let told = 0;
  const approving = new Set<number>();
  const watch = setInterval(() => {
    const deliveries = town.github.deliveries;
    for (; told < deliveries.length; told++) {
      const delivery = deliveries[told];
      if (delivery === undefined || delivery.event.startsWith("installation")) continue;
      for (const line of story.fromDelivery(delivery)) options.tell(line);
    }
    for (const number of pullsToApprove(town.github.state.repos[REPO]?.issues ?? [], REVIEWER)) {
      if (approving.has(number)) continue;
      approving.add(number);
      void town.as(REVIEWER, "POST", `/repos/${REPO}/pulls/${number}/reviews`, { event: "APPROVE", body: "The batch is green: approved." })
        .catch((error: unknown) => options.tell(`the reviewer could not approve #${number}: ${String(error)}`))
        .finally(() => approving.delete(number));
    }
  }, 100);

  options.tell(`Seeding ${REPO}: ann opens ${SEED_ISSUES.length} issues, the mayor slings ${SEED_ISSUES.filter((i) => i.slung).length}.`);
  const slung: number[] = [];
  for (const issue of SEED_ISSUES) {
    const opened = await town.as("ann", "POST", `/repos/${REPO}/issues`, { title: issue.title, body: issue.body }) as { number: number };
    if (issue.slung) slung.push(opened.number);
  }
  for (const number of slung) await town.as("mayor", "POST", `/repos/${REPO}/issues/${number}/labels`, { labels: [options.label ?? "gt:sling"] });

  const allLanded = async (): Promise<boolean> => {
    if (!slung.every((number) => town.issue(number).state === "closed")) return false;
    const ledger = await town.ledger();
    return slung.every((number) => {
      const bead = ledger?.beads().find((b) => b.external_ref?.endsWith(`/${REPO}/issues/${number}`));
      return bead?.status === "closed";
    });
  };

  return {
    town,
    slung,
    async landed(ms) {
      const until = Date.now() + ms;
      while (!(await allLanded())) {
        if (Date.now() > until) throw new Error(`not everything landed within ${Math.round(ms / 1000)} s`);
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    },
    running: () => [...jobs.values()],
    async close() {
      clearInterval(watch);
      await runner.stop();
      await town.close();
    },
  };
}
