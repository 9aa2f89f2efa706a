// One level-triggered step of the refinery over one rig's merge queue (issue 17): whatever woke it
// (a queued pull request, a check or status on a staging commit, a review of a refinery pull
// request, the refinery workflow or the patrol clock), it reads the queue and the batch under test
// from the ledger and carries them on as far as it can without waiting:
//   1. no batch: the next one begun (app/town/refinery.ts startTrial), its staging branch built
//      through the API, one merge commit per pull request (staging-build.ts); what does not merge
//      is ejected, what the base holds already recorded as landed; in review mode the refinery
//      pull request opened; command gates dispatched
//   2. testing: the verdict read from the staging commit (staging-verdict.ts); pending waits
//      for the next wake, past `refinery.timeout_minutes` it is given up and said
//   3. green: review mode waits for approval on the refinery pull request; direct mode lands
//   4. landing: the refinery pull request merged, or the base moved to the staging commit
//      without force (refused by a rule: the batch falls back to a refinery pull request), then
//      the landed pull requests' beads closed and `merge` digests written
//   5. red: the same tree again, a bisection, or the culprit ejected and sent back
// A batch about to be built again is first looked at for a landing another run made meanwhile.
// Every change to the ledger is one compare-and-swap commit made before the effect it permits,
// and applies only while the slot shows the trial its writer saw, so two refinery runs racing on
// one base act once. The job that does this runs no repository code and trusts only the gates'
// verdict; text it shows from them is fenced.
import { branchTip } from "../github/branch-refs.js";
import { replyToIssue } from "../github/issue-comments.js";
import { dispatchWorkflow } from "../github/polecat-runs.js";
import { showQueueState } from "../github/queue-check-run.js";
import { baseHolds, buildStaging, deleteStaging } from "../github/staging-build.js";
import { baseRules, checkRunsOn, gatesRunOn, statusesOn, type BaseRules } from "../github/staging-facts.js";
import { beadStatus } from "../ledger/bead-schema.js";
import { ledgerPrefix } from "../ledger/id-prefix.js";
import { timestamp } from "../molecules/pour.js";
import type { Ledger } from "../ledger/ledger.js";
import { MERGE_REQUEST_TYPE, mergeRequestOf, pullTitleOf, queueOrder, type MergeRequest } from "../town/merge-queue.js";
import {
  abandonTrial, advanceTrial, dequeueTrial, noteTrial, rebuildTrial, recordBuild, recordLanded, recordVerdict, slotOf, startTrial,
  trialOutdated, trialRequests, type Landed, type TrialState,
} from "../town/refinery.js";
import { gatesText, mergeDigest, refineryPullBody, refineryPullTitle, type BatchLine, type RefineryPullState } from "../town/refinery-texts.js";
import { queuedDisplay, type QueueDisplay, type RefineryPull as RefineryPullLink } from "../town/queue-display.js";
import { DISPATCH_GRACE_MS } from "../town/sling.js";
import { stagingBranch } from "../town/staging-branch.js";
import { stagingVerdict, type StagingVerdict } from "../town/staging-verdict.js";
import type { AppDependencies } from "./app-dependencies.js";
import { finishSendBacks, sendBack, tellLanded } from "./refinery-outcomes.js";
import { landBatch, readRefineryPull, type RefineryPull } from "./refinery-landing.js";
import { openTown, type RepositoryRef, type TownEvent } from "./repository-town.js";
import { appendDigests } from "./ledger-digests.js";

export interface RefineryWake {
  /** The base branch whose queue to carry on; every base with queued pull requests when left out. */
  readonly base?: string;
}

export type RefineryReport =
  | { readonly kind: "off"; readonly why: string }
  | { readonly kind: "refined"; readonly rig: string; readonly said: readonly string[] };

/** Moves one step may make on a base: enough to go from a verdict through landing to the next batch's start. */
const MOST_MOVES = 8;

/**
 * A batch still `building` this long after it began lost its builder (a runner gone, a request
 * that failed midway): it is built again. A build is a few API requests, done in seconds; were
 * two builders to overlap, the first's record of its build finds the trial moved on.
 */
const BUILD_GRACE_MS = 2 * 60_000;

export async function runRefinery(ref: RepositoryRef, deps: AppDependencies, botLogin: string, wake: RefineryWake = {}): Promise<RefineryReport> {
  const opened = await openTown(ref, deps);
  if (opened.kind === "off") return { kind: "off", why: opened.reason };
  if (opened.kind === "invalid") return { kind: "off", why: opened.error.message };
  const town: TownEvent = { ...opened.town, botLogin };
  const rig = `${town.owner}/${town.repo}`;
  if (wake.base !== undefined) return { kind: "refined", rig, said: await new BaseRefinery(town, wake.base).carryOn() };
  return { kind: "refined", rig, said: await refineTown(town, await town.store.peek()) };
}

/**
 * The refinery carried on for every base with work in `ledger`, and the send-backs of runs cut
 * short finished; nothing, and no request, when there is none.
 */
export async function refineTown(town: TownEvent, ledger: Ledger): Promise<string[]> {
  const said = await finishSendBacks(town, ledger);
  for (const base of basesWithWork(ledger, `${town.owner}/${town.repo}`)) said.push(...await new BaseRefinery(town, base).carryOn());
  return said;
}

/** The bases with a queued pull request or a batch under way. */
function basesWithWork(ledger: Ledger, rig: string): string[] {
  const bases = new Set<string>();
  for (const bead of ledger.beads()) {
    if (bead.issue_type !== MERGE_REQUEST_TYPE || beadStatus(bead) === "closed") continue;
    const request = mergeRequestOf(bead);
    if (request !== undefined && request.repo === rig) bases.add(request.base);
  }
  for (const bead of ledger.beads()) {
    const base = bead.external_ref?.startsWith(`gastown:refinery/${rig}@`) ? bead.external_ref.slice(`gastown:refinery/${rig}@`.length) : undefined;
    if (base !== undefined && slotOf(ledger, rig, base).trial !== undefined) bases.add(base);
  }
  return [...bases].sort();
}

/** The refinery of one base, for one step. */
class BaseRefinery {
  private readonly said: string[] = [];
  private readonly rig: string;
  private readonly repo: { owner: string; repo: string };
  private rules: BaseRules | undefined;

  constructor(private readonly town: TownEvent, private readonly base: string) {
    this.rig = `${town.owner}/${town.repo}`;
    this.repo = { owner: town.owner, repo: town.repo };
  }

  async carryOn(): Promise<string[]> {
    for (let move = 0; move < MOST_MOVES; move++) {
      const ledger = (await this.town.store.read()).ledger;
      const slot = slotOf(ledger, this.rig, this.base);
      const trial = slot.trial;
      const moved = trial === undefined ? await this.begin(ledger) : await this.advance(ledger, trial);
      if (!moved) break;
    }
    return this.said;
  }

  private get now(): Date {
    return this.town.deps.clock();
  }

  private write(ledger: Ledger) {
    return { now: this.now, prefix: ledgerPrefix(this.town.config.ledger.prefix ?? undefined, ledger.records.keys()) ?? this.town.fallbackPrefix, actor: this.town.botLogin };
  }

  private update(trial: Pick<TrialState, "attempt" | "stage">) {
    return { repo: this.rig, base: this.base, seen: { attempt: trial.attempt, stage: trial.stage } };
  }

  /** A commit of one mutation; whether it changed the ledger (false: another run got there first). */
  private async commit(message: string, mutate: (ledger: Ledger) => Ledger): Promise<{ changed: boolean; ledger: Ledger }> {
    const written = await this.town.store.update(message, mutate);
    return { changed: written.changed, ledger: written.state.ledger };
  }

  /** 1. The next batch begun and built; false when nothing is queued. */
  private async begin(ledger: Ledger): Promise<boolean> {
    if (queueOrder(ledger, this.base).every((request) => request.repo !== this.rig)) return false;
    const baseSha = await branchTip(this.town.github, this.repo, this.base);
    if (baseSha === undefined) {
      this.said.push(`${this.base}: the base branch is gone, so its queue waits.`);
      return false;
    }
    let begun: TrialState | undefined;
    const { changed, ledger: begunIn } = await this.commit(`Refinery: begin a batch into ${this.base}`, (current) => {
      const started = startTrial(current, { repo: this.rig, base: this.base, baseSha, config: this.town.config, ...this.write(current) });
      begun = started.trial;
      return started.ledger;
    });
    if (!changed || begun === undefined) return changed;
    await this.build(begun, begunIn);
    return true;
  }

  /** The staging branch of a trial in `building` (as `ledger`, just written, has it), its refinery pull request and gates under way. */
  private async build(trial: TrialState, ledger: Ledger): Promise<void> {
    const branch = stagingBranch(this.base, trial.attempt);
    const heads = trialRequests(ledger, trial).map((request) => ({ id: request.id, number: request.number, sha: trial.heads[request.id] ?? request.headSha, title: pullTitleOf(titleOf(ledger, request)) }));
    const built = await buildStaging(this.town.github, this.repo, { branch, baseSha: trial.baseSha, heads });
    const where = `\`${this.base}\``;
    let found: ReturnType<typeof recordBuild> | undefined;
    const mergedAt = this.now;
    const written = await this.town.store.update(`Refinery: batch ${trial.attempt} into ${this.base} built at ${built.sha.slice(0, 12)}`, (current) => {
      const out = recordBuild(current, { ...this.update(trial), ...this.write(current), ejected: built.leftOut, inBase: built.inBase, where });
      found = out;
      const still = slotOf(out.ledger, this.rig, this.base).trial;
      if (still === undefined || still.attempt !== trial.attempt) return out.ledger;
      return advanceTrial(out.ledger, { ...this.update(trial), ...this.write(current), to: "testing", set: { stagingSha: built.sha } });
    }, {
      files: (state) => appendDigests(this.town.store, state, mergeDigests(found?.landed ?? [], mergedAt, where)),
    });
    const after = written.state.ledger;
    if (written.changed && found !== undefined) {
      await sendBack(this.town, found.ejected, after);
      if (found.landed.length > 0) {
        this.said.push(`${this.base}: ${found.landed.map((l) => `#${l.request.number}`).join(", ")} found in ${where} already, so recorded as landed.`);
        await tellLanded(this.town, { landed: found.landed, where, sha: trial.baseSha, closeEach: false });
      }
    }
    const testing = slotOf(after, this.rig, this.base).trial;
    if (testing === undefined || testing.attempt !== trial.attempt || testing.stage !== "testing") {
      await deleteStaging(this.town.github, this.repo, branch);
      return;
    }
    this.said.push(`${this.base}: batch ${trial.attempt} (${this.numbers(after, testing)}) built on \`${branch}\` at ${built.sha.slice(0, 12)}.`);
    const pull = this.town.config.refinery.mode === "review" ? await this.openRefineryPull(after, testing, { kind: "testing" }) : undefined;
    await this.show(testing, { kind: "testing", base: this.base, attempt: testing.attempt, staging: branch, ...(pull ? { refineryPull: pull } : {}) }, trialRequests(after, testing));
    await this.dispatchGates(trial);
  }

  /** The command gates' workflow dispatched at the trial's staging branch, when there are command gates. */
  private async dispatchGates(trial: TrialState): Promise<void> {
    const { commands, workflow } = this.town.config.refinery.gates;
    if (commands.length === 0) return;
    await dispatchWorkflow(this.town.github, {
      ...this.repo, workflow, ref: stagingBranch(this.base, trial.attempt),
      inputs: { commands: JSON.stringify(commands), attempt: String(trial.attempt), base: this.base },
    });
  }

  /**
   * The gates dispatched again when, past DISPATCH_GRACE_MS since they were last dispatched, no run
   * of them has started: the dispatch failed (a 5xx after the batch was recorded built) or its run
   * was lost. Once a grace, and by whichever run records it first. Otherwise the batch would wait
   * out `refinery.timeout_minutes` for gates that never run.
   */
  private async askGatesAgain(trial: TrialState): Promise<void> {
    if (this.now.getTime() - Date.parse(trial.gatesAskedAt ?? trial.since) < DISPATCH_GRACE_MS) return;
    const { changed } = await this.commit(`Refinery: batch ${trial.attempt} into ${this.base}: its gates dispatched again`, (current) =>
      noteTrial(current, { ...this.update(trial), ...this.write(current), set: { gatesAskedAt: timestamp(this.now) } }));
    if (!changed) return;
    this.said.push(`${this.base}: batch ${trial.attempt}'s gates had not started, so they were dispatched again.`);
    await this.dispatchGates(trial);
  }

  /** Opens (or refreshes) the refinery pull request of a trial, and records it. */
  private async openRefineryPull(ledger: Ledger, trial: TrialState, state: RefineryPullState): Promise<RefineryPullLink> {
    const lines = this.lines(ledger, trial);
    const tested = slotOf(ledger, this.rig, this.base).tested;
    const body = refineryPullBody({ base: this.base, trial, lines, state, gates: await this.gates(), tested });
    if (trial.pr !== undefined) {
      const { data } = await this.town.github.request("PATCH /repos/{owner}/{repo}/pulls/{pull_number}", { ...this.repo, pull_number: trial.pr, body });
      return { number: trial.pr, url: trial.prUrl ?? (data as { html_url: string }).html_url };
    }
    const { data } = await this.town.github.request("POST /repos/{owner}/{repo}/pulls", {
      ...this.repo, head: stagingBranch(this.base, trial.attempt), base: this.base, title: refineryPullTitle(this.base, lines), body,
    });
    const pull = { number: (data as { number: number }).number, url: (data as { html_url: string }).html_url };
    await this.commit(`Refinery: batch ${trial.attempt} into ${this.base} is pull request #${pull.number}`, (current) =>
      advanceTrial(current, { ...this.update(trial), ...this.write(current), to: trial.stage, set: { pr: pull.number, prUrl: pull.url } }));
    return pull;
  }

  /** A batch in review shown green: its refinery pull request says so, and each of its pull requests waits for the review. */
  private async showGreen(ledger: Ledger, trial: TrialState): Promise<void> {
    const pull = await this.openRefineryPull(ledger, trial, { kind: "green" });
    await this.show(trial, { kind: "awaiting-review", base: this.base, refineryPull: pull }, trialRequests(ledger, trial));
  }

  /** The queue's check run on each pull request of the trial, at the head it was tested at. */
  private async show(trial: TrialState, display: QueueDisplay, requests: readonly MergeRequest[]): Promise<void> {
    for (const request of requests) {
      await showQueueState(this.town.github, { ...this.repo, number: request.number, headSha: trial.heads[request.id] ?? request.headSha, display, botLogin: this.town.botLogin });
    }
  }

  private lines(ledger: Ledger, trial: TrialState): BatchLine[] {
    return trialRequests(ledger, trial).map((request) => ({ request, title: titleOf(ledger, request) }));
  }

  private numbers(ledger: Ledger, trial: TrialState): string {
    return trialRequests(ledger, trial).map((request) => `#${request.number}`).join(", ");
  }

  /** The base's rules, read once a step. */
  private async baseRules(): Promise<BaseRules> {
    this.rules ??= await baseRules(this.town.github, this.repo, this.base);
    return this.rules;
  }

  /** Whether the commit that landed a batch keeps the staging commit (and so every head) as a parent: a merge, not a squash or rebase. */
  private async keptHeads(trial: TrialState, landed: string): Promise<boolean> {
    const { data } = await this.town.github.request("GET /repos/{owner}/{repo}/git/commits/{commit_sha}", { ...this.repo, commit_sha: landed });
    return (data as { parents: { sha: string }[] }).parents.some((parent) => parent.sha === trial.stagingSha);
  }

  private async requiredContexts(): Promise<readonly string[]> {
    return (await this.baseRules()).required;
  }

  /**
   * How the refinery pull request merges: `refinery.merge_method`, except that a base that takes no
   * merge commits gets the batch squashed (a rebase cannot replay its merge commits), which lands
   * the same tested tree.
   */
  private async mergeMethod(): Promise<"merge" | "squash" | "rebase"> {
    const method = this.town.config.refinery.merge_method;
    return method === "merge" && (await this.baseRules()).linear ? "squash" : method;
  }

  private async gates(): Promise<string> {
    const { gates } = this.town.config.refinery;
    const checks = gates.checks === "required";
    return gatesText({ checks, required: checks ? await this.requiredContexts() : [], commands: gates.commands, workflow: gates.workflow });
  }

  /** 2–5: carries a trial on by its stage; false when it waits for something else. */
  private async advance(ledger: Ledger, trial: TrialState): Promise<boolean> {
    const waited = this.now.getTime() - Date.parse(trial.since);
    switch (trial.stage) {
      case "building":
        if (waited < BUILD_GRACE_MS) return false;
        return await this.rebuild(ledger, trial, `its build was never finished`);
      case "testing": {
        const outdated = trialOutdated(ledger, trial);
        if (outdated !== undefined) return await this.rebuild(ledger, trial, outdated);
        const { verdict, gatesMissing } = await this.verdict(trial);
        if (gatesMissing) await this.askGatesAgain(trial);
        return await this.onVerdict(ledger, trial, verdict, waited);
      }
      case "review": {
        const outdated = trialOutdated(ledger, trial);
        if (outdated !== undefined) return await this.rebuild(ledger, trial, outdated);
        const pull = trial.pr === undefined ? undefined : await readRefineryPull(this.town, trial.pr);
        // Merged: by a person, or by another pass.
        if (pull?.merged) return await this.landedBy(trial, pull);
        if (pull?.state === "closed") return await this.closedByPerson(trial, pull);
        const baseSha = await branchTip(this.town.github, this.repo, this.base);
        if (baseSha !== undefined && baseSha !== trial.baseSha) return await this.rebuild(ledger, trial, `\`${this.base}\` moved to ${baseSha.slice(0, 12)}`);
        if (pull === undefined || !pull.approved) {
          // Green on record but shown as still testing (the edit that says so failed: a 5xx, the App
          // killed), or its pull request never opened: shown now, or no person would know to approve it.
          if (pull === undefined ? trial.pr === undefined : pull.showsTesting) {
            await this.showGreen(ledger, trial);
            this.said.push(`${this.base}: batch ${trial.attempt} is green, as its refinery pull request now says.`);
          }
          if (waited < this.town.config.refinery.timeout_minutes * 60_000) return false;
          return await this.giveUp(trial, `the refinery pull request #${trial.pr ?? "?"} was not approved within ${this.town.config.refinery.timeout_minutes} minutes`);
        }
        // Approved: merged now. Merging a pull request is its own record, so no stage is written first:
        // a step that dies after the merge finds it merged.
        return await this.land(ledger, trial);
      }
      case "landing":
        return await this.land(ledger, trial);
    }
  }

  /** The batch's verdict from its checks and gates, and whether its command gates have no run at all. */
  private async verdict(trial: TrialState): Promise<{ readonly verdict: StagingVerdict; readonly gatesMissing: boolean }> {
    const sha = trial.stagingSha as string;
    const { gates } = this.town.config.refinery;
    const checks = gates.checks === "required";
    const checkRuns = checks ? await checkRunsOn(this.town.github, this.repo, sha) : [];
    const statuses = checks ? await statusesOn(this.town.github, this.repo, sha) : [];
    if (statuses === undefined) {
      this.said.push(`${this.base}: GitHub refused to show commit statuses: accept the App's \`statuses: read\` permission, or external CI's statuses are never seen.`);
    }
    const required = checks ? await this.requiredContexts() : [];
    const commands = gates.commands.length > 0;
    const gatesRun = commands ? await gatesRunOn(this.town.github, this.repo, gates.workflow, sha) : undefined;
    return {
      verdict: stagingVerdict({ checkRuns, statuses: statuses ?? [], required, checks, commands, ...(gatesRun ? { gatesRun } : {}) }),
      gatesMissing: commands && gatesRun === undefined,
    };
  }

  private async onVerdict(ledger: Ledger, trial: TrialState, verdict: StagingVerdict, waited: number): Promise<boolean> {
    if (verdict.kind === "pending" || verdict.kind === "person") {
      if (waited < this.town.config.refinery.timeout_minutes * 60_000) {
        this.said.push(`${this.base}: batch ${trial.attempt} waits: ${verdict.waiting}.`);
        return false;
      }
      return await this.giveUp(trial, `its gates had no verdict within ${this.town.config.refinery.timeout_minutes} minutes (${verdict.waiting})`);
    }
    let outcome: ReturnType<typeof recordVerdict> | undefined;
    const { changed, ledger: after } = await this.commit(`Refinery: batch ${trial.attempt} into ${this.base} is ${verdict.kind}`, (current) => {
      outcome = recordVerdict(current, { ...this.update(trial), ...this.write(current), config: this.town.config,
        verdict: verdict.kind === "green" ? { kind: "green" } : { kind: "red", failing: verdict.red.map((gate) => gate.name), red: verdict.red } });
      return outcome.ledger;
    });
    if (!changed || outcome === undefined) return changed;
    if (verdict.kind === "green") {
      this.said.push(`${this.base}: batch ${trial.attempt} (${this.numbers(ledger, trial)}) is green.`);
      const green = outcome.trial;
      if (green?.stage === "review") await this.showGreen(after, green);
      return true;
    }
    const numbers = this.numbers(ledger, trial);
    this.said.push(`${this.base}: batch ${trial.attempt} (${numbers}) is red (${verdict.red.map((g) => g.name).join(", ")}); ` +
      (outcome.retried ? "the same tree is tested again." : outcome.ejected.length > 0 ? `${outcome.ejected.map((e) => `#${e.request.number}`).join(", ")} ejected.` : "bisecting."));
    await this.retire(trial, outcome.retried ? `Red (${verdict.red.map((g) => g.name).join(", ")}): the same tree is tested again in a fresh batch, to tell a flake from a failure.`
      : outcome.ejected.length > 0 ? `Red: ${outcome.ejected.map((e) => `#${e.request.number}`).join(", ")} failed and left the queue.`
      : `Red: the batch is split in two to find the pull request that fails.`);
    await sendBack(this.town, outcome.ejected, after);
    return true;
  }

  /** A trial's staging branch and refinery pull request put away once a later attempt or verdict replaced it. */
  private async retire(trial: TrialState, why: string): Promise<void> {
    if (trial.pr !== undefined) {
      await replyToIssue(this.town.github, { ...this.repo, issue_number: trial.pr }, why);
      await this.town.github.request("PATCH /repos/{owner}/{repo}/pulls/{pull_number}", { ...this.repo, pull_number: trial.pr, state: "closed" });
    }
    await deleteStaging(this.town.github, this.repo, stagingBranch(this.base, trial.attempt));
  }

  private async rebuild(ledger: Ledger, trial: TrialState, why: string): Promise<boolean> {
    const baseSha = await branchTip(this.town.github, this.repo, this.base);
    if (baseSha === undefined) return false;
    // Landed meanwhile by another pass (a replica, an approval's event beside a patrol's wake),
    // which moved the base itself: recorded as landed, not built again without it.
    const pull = trial.pr === undefined ? undefined : await readRefineryPull(this.town, trial.pr);
    if (pull?.merged) return await this.landedBy(trial, pull);
    // The base holds the staging commit: landed by a merge, its pull request perhaps not shown merged yet.
    if (trial.stagingSha !== undefined && await baseHolds(this.town.github, this.repo, baseSha, trial.stagingSha)) {
      return await this.landed(trial, baseSha, trial.pr === undefined ? `\`${this.base}\` at ${baseSha.slice(0, 12)}` : `#${trial.pr}`);
    }
    let rebuilt: TrialState | undefined;
    const { changed, ledger: rebuiltIn } = await this.commit(`Refinery: batch ${trial.attempt} into ${this.base} built again: ${why}`, (current) => {
      const out = rebuildTrial(current, { ...this.update(trial), ...this.write(current), baseSha });
      rebuilt = out.trial;
      return out.ledger;
    });
    if (!changed) return false;
    this.said.push(`${this.base}: batch ${trial.attempt} (${this.numbers(ledger, trial)}) is built again: ${why}.`);
    await this.retire(trial, `Superseded: ${why}, so the batch is built again${rebuilt ? ` as batch ${rebuilt.attempt}` : ""}.`);
    if (rebuilt !== undefined) await this.build(rebuilt, rebuiltIn);
    return true;
  }

  private async giveUp(trial: TrialState, why: string): Promise<boolean> {
    const { changed, ledger } = await this.commit(`Refinery: batch ${trial.attempt} into ${this.base} given up: ${why}`, (current) =>
      abandonTrial(current, { ...this.update(trial), ...this.write(current), why }));
    if (!changed) return false;
    this.said.push(`${this.base}: batch ${trial.attempt} given up: ${why}.`);
    await this.retire(trial, `Given up: ${why}. Its pull requests stay queued and go into the next batch.`);
    for (const request of trialRequests(ledger, trial)) {
      const queued = queuedDisplay(ledger, this.rig, request.number);
      if (queued !== undefined) await this.show(trial, { ...queued.display, stalled: why }, [request]);
    }
    // Given up, the queue would start the same batch at once; the next wake (a pass, an event) does.
    return false;
  }

  private async closedByPerson(trial: TrialState, pull: RefineryPull): Promise<boolean> {
    const { data } = await this.town.github.request("GET /repos/{owner}/{repo}/issues/{issue_number}", { ...this.repo, issue_number: pull.number });
    const by = (data as { closed_by?: { login: string } | null }).closed_by?.login;
    const why = `the refinery pull request #${pull.number} was closed unmerged${by === undefined ? "" : ` by @${by}`}`;
    let dequeued: MergeRequest[] = [];
    const { changed } = await this.commit(`Refinery: batch ${trial.attempt} into ${this.base} closed by hand`, (current) => {
      const out = dequeueTrial(current, { ...this.update(trial), ...this.write(current), why });
      dequeued = out.dequeued;
      return out.ledger;
    });
    if (!changed) return false;
    for (const request of dequeued) {
      await replyToIssue(this.town.github, { ...this.repo, issue_number: request.number }, `#${request.number} is out of the merge queue: ${why}. \`/queue\` puts it back.`);
    }
    await this.show(trial, { kind: "dequeued", by: by ?? "closing its refinery pull request" }, dequeued);
    await deleteStaging(this.town.github, this.repo, stagingBranch(this.base, trial.attempt));
    return true;
  }

  /** 4. The green batch landed, or already landed by a person or an earlier step. */
  private async land(ledger: Ledger, trial: TrialState): Promise<boolean> {
    const method = await this.mergeMethod();
    const landing = await landBatch(this.town, { base: this.base, trial, lines: this.lines(ledger, trial), method });
    switch (landing.kind) {
      case "landed":
        return await this.landed(trial, landing.sha, landing.where, method);
      case "base-moved":
        return await this.rebuild(ledger, trial, `\`${this.base}\` moved before the batch landed`);
      case "to-review": {
        const { changed, ledger: after } = await this.commit(`Refinery: batch ${trial.attempt} into ${this.base} needs a pull request: ${landing.why}`, (current) =>
          advanceTrial(current, { ...this.update(trial), ...this.write(current), to: "review" }));
        if (!changed) return false;
        this.said.push(`${this.base}: batch ${trial.attempt} could not move \`${this.base}\` (${landing.why}); it waits for review on a refinery pull request instead.`);
        const review = slotOf(after, this.rig, this.base).trial;
        if (review !== undefined) {
          const pull = await this.openRefineryPull(after, review, { kind: "waiting", why: `\`${this.base}\` could not be moved directly (${landing.why}), so the green batch waits for approval here.` });
          await this.show(review, { kind: "awaiting-review", base: this.base, refineryPull: pull }, trialRequests(after, review));
        }
        return true;
      }
      case "refused":
        return await this.refused(trial, landing.why);
    }
  }

  /** GitHub would not merge the approved refinery pull request yet: said once, on it, until it changes. */
  private async refused(trial: TrialState, why: string): Promise<boolean> {
    if (trial.refused === why) return false;
    this.said.push(`${this.base}: batch ${trial.attempt} cannot land yet: ${why}.`);
    const { changed, ledger } = await this.commit(`Refinery: batch ${trial.attempt} into ${this.base} waits: ${why}`, (current) =>
      noteTrial(current, { ...this.update(trial), ...this.write(current), set: { refused: why } }));
    const review = slotOf(ledger, this.rig, this.base).trial;
    if (changed && review !== undefined) await this.openRefineryPull(ledger, review, { kind: "waiting", why: `GitHub would not merge it yet: ${why}.` });
    return false;
  }

  /** Landed by its refinery pull request's merge: whether its heads stayed reachable is read from how GitHub merged it. */
  private async landedBy(trial: TrialState, pull: RefineryPull): Promise<boolean> {
    const kept = pull.mergeSha !== undefined && await this.keptHeads(trial, pull.mergeSha);
    return await this.landed(trial, pull.mergeSha ?? trial.stagingSha ?? "", `#${pull.number}`, kept ? "merge" : "squash");
  }

  private async landed(trial: TrialState, sha: string, where: string, method: "merge" | "squash" | "rebase" = "merge"): Promise<boolean> {
    const mergedAt = this.now;
    let landed: ReturnType<typeof recordLanded>["landed"] = [];
    const written = await this.town.store.update(`Refinery: batch ${trial.attempt} into ${this.base} landed at ${sha.slice(0, 12)}`, (current) => {
      const out = recordLanded(current, { ...this.update(trial), ...this.write(current), where });
      landed = out.landed;
      return out.ledger;
    }, {
      // Made from the same state the mutation just was, so `landed` is this attempt's.
      files: (state) => appendDigests(this.town.store, state, mergeDigests(landed, mergedAt, where)),
    });
    if (!written.changed) return false;
    this.said.push(`${this.base}: batch ${trial.attempt} landed in ${where}: ${landed.map((l) => `#${l.request.number}`).join(", ")}.`);
    const pull = trial.pr === undefined ? undefined : { number: trial.pr, url: trial.prUrl ?? "" };
    await this.show(trial, { kind: "landed", base: this.base, commit: sha, ...(pull ? { refineryPull: pull } : {}) }, landed.map((l) => l.request));
    // A merge commit keeps every head reachable, so GitHub marks each pull request merged; a squash or rebase does not.
    await tellLanded(this.town, { landed, where, sha, closeEach: trial.pr !== undefined && method !== "merge" });
    if (trial.pr === undefined) await deleteStaging(this.town.github, this.repo, stagingBranch(this.base, trial.attempt));
    return true;
  }
}

/** The `merge` digest of each landed merge request. */
function mergeDigests(landed: readonly Landed[], mergedAt: Date, where: string) {
  return landed.map((l) => mergeDigest({ request: l.request, ...(l.work ? { work: l.work } : {}), mergedAt, where }));
}

/** The merge request bead's title (`Merge #N: <title>`). */
function titleOf(ledger: Ledger, request: MergeRequest): string {
  return ledger.get(request.id)?.title ?? `Merge #${request.number}`;
}

