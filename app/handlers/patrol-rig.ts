// One patrol pass of the witness over one rig (issue 16), as the patrol workflow and the App's
// own timer both run it. The story:
//   1. the rig's settings (a repository switched off, or whose settings do not read, is left alone)
//   2. the ledger, in one request
//   3. per hooked bead past its dispatch grace: its heartbeat, and its run only when the
//      heartbeat does not vouch for it (stale, stuck, crashed, an exit, no claim)
//   4. the witness's look at each (app/town/witness.ts)
//   5. when any look acts, or a waiting sling has a free slot: one commit of everything, with the
//      round's `patrol` digest, and then the effects (witness-act.ts)
//   6. what lost mail should have done (town/patrol.ts lostMail): a claimed run's mail to the
//      overseer escalated (a HELP lost, or written mid-run), an exit its mail never published
//      published, each as the mail's own look does it
//   7. the mirror's backlog continued: issues opened for work beads that have none, as far as
//      GitHub's secondary limits allow (mirror-beads.ts)
// An idle pass costs the settings' request, the ledger's, and one per hooked bead, and writes
// nothing (a mirror with no backlog costs nothing more). Two passes at once (two replicas, or
// the App and the workflow) act once: each commit applies a look only while its bead shows the
// hook that look saw.
import { shippedFormulas } from "../github/repository-formulas.js";
import { listLiveRuns, type RunSummary } from "../github/polecat-runs.js";
import type { Bead } from "../ledger/bead-schema.js";
import { ledgerPrefix } from "../ledger/id-prefix.js";
import { cook } from "../molecules/cook.js";
import {
  lostMail, patrolActionOf, patrolDigest, patrolTargets, runVouchedFor, WITNESS_PATROL_FORMULA, type LostMail, type PatrolAction,
} from "../town/patrol.js";
import type { Ledger } from "../ledger/ledger.js";
import { parsePolecatRunName } from "../town/polecat-dispatch.js";
import { attemptOf } from "../town/sling.js";
import { promoteWaiting } from "../town/waiting.js";
import { witnessLook, type WitnessDecision, type WitnessRun } from "../town/witness.js";
import type { AppDependencies } from "./app-dependencies.js";
import { patrolConvoys } from "./convoy-run.js";
import { mirrorPending } from "./mirror-beads.js";
import { findBeadRun, readHeartbeat } from "./observe-polecat.js";
import { escalateMail, publishExit } from "./polecat-mail.js";
import { openTown, type RepositoryRef, type Town, type TownEvent } from "./repository-town.js";
import { refineTown } from "./refinery-run.js";
import { actOnWitness } from "./witness-act.js";
import { describeDrift, repairDrift } from "./mirror-drift.js";
import type { PageCache } from "../github/issue-pages.js";

export type PatrolReport =
  | { readonly kind: "off"; readonly why: string }
  | {
      readonly kind: "patrolled"; readonly rig: string;
      /** Hooked beads looked at. */
      readonly looked: number;
      readonly actions: readonly PatrolAction[];
      /** Waiting beads hooked in freed slots. */
      readonly promoted: readonly string[];
      /** What the refinery did with the merge queue, when anything was queued. */
      readonly refinery: readonly string[];
      /**
       * What the mirror did: its backlog of issues to open continued on every pass (mirror-beads.ts),
       * and the drift repair's findings on the passes that run it.
       */
      readonly mirror?: readonly string[];
    };

export interface PatrolOptions {
  /**
   * Also list the polecat workflow's live runs (one request more) and cancel those that hold no
   * hook: a run whose bead was let go while its runner was gone, which nothing else stops before
   * GitHub's own time-out. Events cancel the others as they start.
   */
  readonly sweepRuns?: boolean;
  /**
   * Also repair the mirror's drift (mirror-drift.ts): every issue against the ledger, for what
   * missed webhooks and pushes left apart. Slower than the witness's clock needs; the pages of
   * issues seen last time are kept in `pages`, so unchanged ones cost nothing.
   */
  readonly mirror?: { readonly pages?: PageCache };
}

export async function patrolRig(ref: RepositoryRef, deps: AppDependencies, botLogin: string, options: PatrolOptions = {}): Promise<PatrolReport> {
  const opened = await openTown(ref, deps);
  if (opened.kind === "off") return { kind: "off", why: opened.reason };
  if (opened.kind === "invalid") return { kind: "off", why: opened.error.message };
  const town: TownEvent = { ...opened.town, botLogin };
  const report = await witnessPass(town, deps, options);
  return options.mirror === undefined ? report : { ...report, mirror: [...(report.mirror ?? []), ...await mirrorPass(town, options.mirror.pages)] };
}

/** The drift repair's lines; a failure is said, not thrown, so the witness's work still reports. */
async function mirrorPass(town: TownEvent, pages: PageCache | undefined): Promise<string[]> {
  try {
    return describeDrift(await repairDrift(town, pages)).split("\n");
  } catch (error) {
    return [`The mirror's drift repair failed: ${error instanceof Error ? error.message : String(error)}; the next pass tries again.`];
  }
}

type Patrolled = Extract<PatrolReport, { kind: "patrolled" }>;

async function witnessPass(town: TownEvent, deps: AppDependencies, options: PatrolOptions): Promise<Patrolled> {
  const rig = `${town.owner}/${town.repo}`;
  const startedAt = deps.clock();
  const ledger = await town.store.peek();
  const targets = patrolTargets(ledger, startedAt);
  const decisions: WitnessDecision[] = [];
  for (const bead of targets) {
    const heartbeat = await readHeartbeat(town, bead, attemptOf(bead));
    const run = runVouchedFor(bead, heartbeat, startedAt, town.config.witness.stuck_minutes) ?? await currentRun(town, bead);
    decisions.push(witnessLook({
      ledger, bead: bead.id, now: startedAt, config: town.config, rig, ...(run ? { run } : {}), ...(heartbeat ? { heartbeat } : {}),
    }));
  }
  if (options.sweepRuns) decisions.push(...await orphanRuns(town, ledger, startedAt));
  const mail = lostMail(ledger, startedAt);
  const idle = decisions.every((d) => d.kind === "nothing") && promoteWaiting(ledger, town.config, startedAt).hooked === undefined &&
    mail.publish.length === 0 && mail.overseer.length === 0;
  if (idle) {
    const refinery = await refineTown(town, ledger);
    await patrolConvoys(town, ledger);
    return withMirror({ kind: "patrolled", rig, looked: targets.length, actions: [], promoted: [], refinery }, await mirrorPending(town, ledger));
  }

  const acted = await actOnWitness(town, decisions, {
    why: `Witness patrol of ${rig}`,
    patrolDigest: (done, promoted, next) => patrolDigest({
      committed: next, proto: cook(WITNESS_PATROL_FORMULA, shippedFormulas(), patrolVars(town)),
      prefix: ledgerPrefix(town.config.ledger.prefix ?? undefined, next.records.keys()) ?? town.fallbackPrefix,
      rig, startedAt, finishedAt: deps.clock(), looked: targets.length,
      actions: done.map(patrolActionOf).filter((a) => a !== undefined), promoted,
    }),
  });
  const actions = [...acted.acted.map(patrolActionOf).filter((a) => a !== undefined), ...await deliverLostMail(town, mail)];
  // The refinery's waits are level-triggered: in Actions-only mode no event wakes it, so each pass carries the queue on.
  const refinery = await refineTown(town, ledger);
  // So are convoys': a landing or a sub-issue closed that woke none is seen here.
  await patrolConvoys(town, ledger);
  return withMirror({ kind: "patrolled", rig, looked: targets.length, promoted: acted.promoted, actions, refinery }, await mirrorPending(town, ledger));
}

function withMirror<R extends PatrolReport>(report: R, mirror: string | undefined): R {
  return mirror === undefined ? report : { ...report, mirror: [mirror] };
}

/**
 * What lost mail should have done, done now as its look would have: the claimed runs' mail to the
 * overseer escalated, then the unpublished exits published (each look makes its own commits, and
 * finds on GitHub what an earlier one made).
 */
async function deliverLostMail(town: TownEvent, mail: LostMail): Promise<PatrolAction[]> {
  const actions: PatrolAction[] = [];
  if (mail.overseer.length === 0 && mail.publish.length === 0) return actions;
  const botLogin = () => Promise.resolve(town.botLogin);
  let state = await town.store.read();
  for (const claim of mail.overseer) {
    const escalated = await escalateMail(town, botLogin, claim, state);
    state = escalated.state;
    if (escalated.outcome.kind === "escalated") {
      actions.push({ bead: claim.bead, text: `escalated its polecat's mail to the overseer as ${escalated.outcome.issues.map((n) => `#${n}`).join(", ")}` });
    }
  }
  for (const bead of mail.publish) {
    const published = await publishExit(town, bead);
    if (published.kind === "published") actions.push({ bead, text: `published attempt ${published.exit.attempt}'s exit ${published.exit.exit}, whose mail was lost` });
  }
  return actions;
}

/** Cancel decisions for the polecat workflow's live runs that hold no hook. */
async function orphanRuns(town: Town, ledger: Ledger, now: Date): Promise<WitnessDecision[]> {
  const live = await listLiveRuns(town.github, { owner: town.owner, repo: town.repo, workflow: town.config.polecat.workflow });
  return live.flatMap((run) => {
    const named = parsePolecatRunName(run.display_title);
    if (named === undefined) return [];
    const decision = witnessLook({
      ledger, bead: named.bead, now, config: town.config, rig: `${town.owner}/${town.repo}`,
      run: { id: run.id, attempt: named.attempt, status: run.status, conclusion: run.conclusion, created_at: run.created_at },
    });
    // A live run's health needs its heartbeat: the looks above judged those that hold their hooks.
    return decision.kind === "cancel-run" ? [decision] : [];
  });
}

/** The bead's current attempt's run as GitHub shows it, or undefined when it shows none. */
async function currentRun(town: Town, bead: Bead): Promise<WitnessRun | undefined> {
  const run: RunSummary | undefined = await findBeadRun(town, bead, attemptOf(bead));
  return run === undefined ? undefined : { id: run.id, attempt: attemptOf(bead), status: run.status, conclusion: run.conclusion, created_at: run.created_at };
}

/** The formula's vars, from the rig's settings, so its digest says what the round judged by. */
function patrolVars(town: Town): Record<string, string> {
  return {
    stuck_minutes: String(town.config.witness.stuck_minutes),
    max_attempts: String(town.config.witness.max_attempts),
    heartbeat_minutes: String(town.config.polecat.heartbeat_minutes),
  };
}
