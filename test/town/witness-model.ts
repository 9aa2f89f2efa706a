// A town in memory for the witness's property test (issue 16): the ledger, GitHub's polecat runs
// and their heartbeats as plain data, and a clock, moved only by the town's pure decisions
// (sling, unsling, claim, exit, publish, witness, promoteWaiting). Each decision's effects are
// made in the order the issue gives: the compare-and-swap commit first (a mutation that no
// longer applies ends the look), then the dispatch, then the cancel. Faults are injected where
// GitHub and the network make them: a looker that dies before its dispatch or its cancel, a lost
// ledger write, a dead runner, a dropped or duplicated `workflow_run` delivery, a look whose
// commit lands late. What the handlers do around a decision is copied from them, so the model
// tests the decisions, not the handlers.
import type { GastownConfig } from "../../app/config/config-schema.js";
import { beadStatus, type Bead } from "../../app/ledger/bead-schema.js";
import { beadByExternalRef } from "../../app/ledger/external-ref.js";
import type { Ledger } from "../../app/ledger/ledger.js";
import { cook } from "../../app/molecules/cook.js";
import { gastownMetadata, gastownString } from "../../app/molecules/gastown-metadata.js";
import { progress } from "../../app/molecules/next-steps.js";
import { openMoleculeOf } from "../../app/molecules/pour.js";
import type { Proto } from "../../app/molecules/proto.js";
import { closeStep } from "../../app/molecules/step-done.js";
import type { Heartbeat, HeartbeatExit, HeartbeatState } from "../../app/town/heartbeat.js";
import { claimBead, claimLost, type PolecatRun } from "../../app/town/polecat-claim.js";
import { polecatLimits, type PolecatAssignment } from "../../app/town/polecat-dispatch.js";
import { recordPolecatExit } from "../../app/town/polecat-exit.js";
import { hookedBeads } from "../../app/town/polecat-names.js";
import { exitToPublish, recordPublished } from "../../app/town/publish-exit.js";
import { attemptOf, dispatchedWithinGrace, sling } from "../../app/town/sling.js";
import { unsling } from "../../app/town/unsling.js";
import { promoteWaiting } from "../../app/town/waiting.js";
import { witnessLook, witnessMutation, type WitnessDecision, type WitnessInput, type WitnessRun } from "../../app/town/witness.js";
import { issue, library, slingInput } from "./town-builders.js";

export const RIG = "octo/town";
const WORK_TIP = "c".repeat(40);

/** One polecat run as GitHub shows it, and whether a runner still executes it. */
export interface ModelRun {
  readonly id: number;
  readonly bead: string;
  readonly polecat: string;
  readonly attempt: number;
  /** Dispatched by a person, not by the App: it may claim the attempt first. */
  readonly byHand: boolean;
  status: "queued" | "in_progress" | "completed";
  conclusion: string | null;
  readonly createdAt: Date;
  /** The runner vanished: GitHub still shows the run live, but nothing runs it or beats. */
  runnerDead: boolean;
  /** Asked to cancel, still running: GitHub ends it a little later. */
  cancelling: boolean;
  /** When it claimed its bead: its agent's progress until it beats some. */
  startedAt: Date | undefined;
}

/** Where a looker dies after its commit: before its dispatch, or before its cancel. */
export type Fault = "none" | "dispatch" | "cancel";

export type ExitKind = HeartbeatExit["exit"];

export interface ExitOptions {
  readonly exit: ExitKind;
  /** The ledger write of the exit is lost (its final heartbeat carries it). */
  readonly lost: boolean;
  /** With a lost COMPLETED exit: the step closes before it were lost too. */
  readonly stepsLost: boolean;
  /** The runner dies after the final heartbeat, so the run never completes. */
  readonly diesAfter: boolean;
  /** The mail that wakes the publisher is lost: the slot is refilled by the next patrol. */
  readonly mailLost: boolean;
}

/** A sling handler's read and observation, its commit not made yet. */
export interface PendingSling {
  readonly number: number;
  readonly retry: boolean;
  readonly now: Date;
  readonly observedRun: { readonly attempt: number; readonly live: boolean } | undefined;
  /** The run it observed, as it was then. */
  readonly seenRun: { readonly id: number; readonly live: boolean } | undefined;
}

/** A look decided from what it read, its commit not made yet. */
interface PendingLook {
  readonly input: WitnessInput;
  readonly decision: WitnessDecision;
}

export class ModelTown {
  runs: ModelRun[] = [];
  /** The newest heartbeat of each attempt, by its check run's external_id `<bead>@<attempt>`. */
  readonly heartbeats = new Map<string, Heartbeat>();
  /** `workflow_run` completed deliveries not yet made, by run id. */
  events: number[] = [];
  looks: PendingLook[] = [];
  slings: PendingSling[] = [];
  /** Whether each issue's last sling or unsling that committed slung it: what people asked for. */
  readonly slung = new Map<number, boolean>();
  /** Broken invariants seen while the town ran, with what happened before them. */
  readonly violations: string[] = [];
  readonly trace: string[] = [];
  private nextRunId = 1001;

  constructor(public ledger: Ledger, public now: Date, readonly config: GastownConfig) {}

  beadOfIssue(number: number): Bead | undefined {
    return beadByExternalRef(this.ledger, issue(number).url);
  }

  liveRuns(): ModelRun[] {
    return this.runs.filter((run) => run.status !== "completed");
  }

  /** Live runs a runner still executes: the ones that can act. */
  activeRuns(): ModelRun[] {
    return this.liveRuns().filter((run) => !run.runnerDead);
  }

  /** The bead's current attempt's run: by the id its claim recorded, else by its run-name (bead and attempt). */
  currentRun(bead: Bead): ModelRun | undefined {
    const claimed = gastownMetadata(bead).run_id;
    if (typeof claimed === "number") return this.runs.find((run) => run.id === claimed);
    const attempt = attemptOf(bead);
    return this.runs.filter((run) => run.bead === bead.id && run.attempt === attempt).at(-1);
  }

  /** Time passes; the cancels asked for land. */
  advance(minutes: number): void {
    this.now = new Date(this.now.getTime() + minutes * 60_000);
    if (minutes === 0) return;
    for (const run of this.liveRuns()) if (run.cancelling) this.complete(run, "cancelled");
  }

  // People

  /**
   * A sling, as sling-issue.ts makes it: read the ledger and observe the run of a bead hooked past
   * its grace period; then (at once, or later for a handler that raced others) commit, cancel the
   * run a /retry replaces, and dispatch.
   */
  observeSling(number: number, retry: boolean): PendingSling | undefined {
    const seen = this.beadOfIssue(number);
    const hooked = seen !== undefined && beadStatus(seen) === "hooked";
    const looked = hooked && (retry || !dispatchedWithinGrace(seen, this.now));
    if (retry && (!seen || attemptOf(seen) === 0)) return undefined;
    const run = looked ? this.currentRun(seen) : undefined;
    const seenRun = run && { id: run.id, live: run.status !== "completed" };
    const observedRun = looked ? { attempt: attemptOf(seen), live: seenRun?.live ?? false } : undefined;
    return { number, retry, now: this.now, observedRun, seenRun };
  }

  commitSling({ number, retry, now, observedRun, seenRun }: PendingSling, fault: Fault): void {
    const slung = sling(this.ledger, slingInput({
      issue: issue(number), now, config: this.config, cook: cookOnce, ...(observedRun ? { observedRun } : {}), ...(retry ? { retry: true } : {}),
    }));
    this.ledger = slung.ledger;
    const { outcome } = slung;
    this.trace.push(`  sling #${number}${retry ? " (retry)" : ""}: ${outcome.kind}`);
    if (outcome.kind !== "closed") this.slung.set(number, true);
    if (outcome.kind !== "dispatch") return;
    if (outcome.reason === "retry" && seenRun?.live) this.cancel(seenRun.id, fault);
    this.dispatch(outcome.assignment, fault);
  }

  /** Someone with write access dispatches the polecat workflow by hand, with the inputs of the bead's current attempt. */
  dispatchByHand(bead: Bead): void {
    const run = this.newRun({ bead: bead.id, polecat: gastownString(bead, "polecat") ?? "", attempt: attemptOf(bead) }, true);
    this.trace.push(`  run ${run.id} dispatched by hand for ${run.bead}@${run.attempt}`);
  }

  /** An unsling, as unsling-issue.ts makes it: commit, then cancel the claimed run, or the live run found by run-name. */
  unsling(number: number, abandon: boolean, fault: Fault): void {
    const { ledger, outcome } = unsling(this.ledger, issue(number).url, { abandon, now: this.now });
    this.ledger = ledger;
    this.trace.push(`  unsling #${number}: ${outcome.kind}`);
    this.slung.set(number, false);
    if (outcome.kind !== "released") return;
    const live = outcome.wasHooked ? this.currentRun(outcome.bead) : undefined;
    const runId = outcome.runId ?? (live && live.status !== "completed" ? live.id : undefined);
    if (runId !== undefined) this.cancel(runId, fault);
  }

  // Polecat runs

  /** A queued run gets a runner and claims its bead; refused, it stops. */
  start(run: ModelRun): boolean {
    if (run.status === "queued") run.status = "in_progress";
    if (run.startedAt !== undefined) return this.holdsClaim(run);
    const claimed = claimBead(this.ledger, this.polecatRun(run), this.now);
    if (!claimed.ok) {
      this.stop(run);
      return false;
    }
    this.ledger = claimed.ledger;
    run.startedAt = this.now;
    return true;
  }

  /** A heartbeat, after reading the ledger (where the nudges are): the run stops if it lost its claim. */
  beat(run: ModelRun, options: { readonly progress: boolean; readonly closeStep: boolean; readonly state: HeartbeatState }): void {
    if (!this.start(run)) return;
    if (options.closeStep) this.closeNextStep(run);
    const last = this.heartbeats.get(key(run.bead, run.attempt));
    this.heartbeats.set(key(run.bead, run.attempt), {
      at: this.now, progressAt: options.progress ? this.now : last?.progressAt ?? run.startedAt ?? this.now,
      state: options.state, step: 1, attempt: run.attempt,
    });
  }

  /** `gt done`: the final heartbeat carrying the exit, then its ledger write, the run's end, and the mail that wakes the publisher. */
  exit(run: ModelRun, options: ExitOptions): void {
    if (!this.start(run)) return;
    if (options.exit === "COMPLETED" && !(options.lost && options.stepsLost)) {
      while (this.closeNextStep(run));
    }
    const exit: HeartbeatExit = { exit: options.exit, reason: `${options.exit} by run ${run.id}`, attempt: run.attempt, workTip: WORK_TIP };
    this.heartbeats.set(key(run.bead, run.attempt), { at: this.now, progressAt: this.now, state: "done", step: 1, attempt: run.attempt, exit });
    if (!options.lost) {
      const bead = this.ledger.get(run.bead) as Bead;
      this.ledger = recordPolecatExit(this.ledger, { exit: exit.exit, reason: exit.reason, workTip: WORK_TIP, at: this.now }, {
        bead: run.bead, molecule: gastownString(bead, "molecule") ?? "", polecat: run.polecat, rig: RIG, turns: 1, costUsd: 0,
      }).ledger;
    }
    if (options.diesAfter) run.runnerDead = true;
    else this.complete(run, "success");
    if (!options.lost && !options.mailLost) this.publish(run.bead, run.attempt, "none");
  }

  crash(run: ModelRun, conclusion: "failure" | "timed_out"): void {
    this.complete(run, conclusion);
  }

  /**
   * The runner vanishes. A queued run has none to lose: it is given one (and claims its bead)
   * first. A run GitHub leaves queued is waiting, not dead, and the witness leaves it so.
   */
  die(run: ModelRun): void {
    if (run.status === "queued" && !this.start(run)) return;
    run.runnerDead = true;
  }

  // The witness

  /** A `workflow_run` completed delivery: a look at the run's bead with that run; `deferred`: its commit lands later. */
  deliver(runId: number, deferred: boolean, fault: Fault): void {
    const run = this.runs.find((r) => r.id === runId) as ModelRun;
    const look = this.decide(run.bead, run);
    this.trace.push(`  look at run ${runId}: ${look.decision.kind}${deferred ? " (commit deferred)" : ""}`);
    if (deferred) this.looks.push(look);
    else this.commit(look, fault);
  }

  /** A second replica's look at a hooked bead, its commit landing later. */
  beginLook(bead: Bead): void {
    const look = this.decide(bead.id, this.currentRun(bead));
    this.trace.push(`  racing look at ${bead.id}: ${look.decision.kind}`);
    this.looks.push(look);
  }

  finishLook(index: number, fault: Fault): void {
    const [look] = this.looks.splice(index, 1);
    if (look) this.commit(look, fault);
  }

  /**
   * A patrol pass: a look at every hooked bead with its current run and that attempt's newest
   * heartbeat; then a look at every run still live whose bead does not hold it, cancelling it
   * (issue 16, "Lost"); then waiting beads hooked while a slot is free, each in its own commit.
   */
  patrol(fault: Fault): void {
    for (const bead of hookedBeads(this.ledger)) {
      const current = this.ledger.get(bead.id) as Bead;
      if (beadStatus(current) !== "hooked") continue;
      const look = this.decide(bead.id, this.currentRun(current));
      if (look.decision.kind !== "nothing") this.trace.push(`  patrol: ${bead.id}: ${look.decision.kind}`);
      this.commit(look, fault);
    }
    for (const run of this.liveRuns()) {
      const look = this.decide(run.bead, run);
      if (look.decision.kind !== "cancel-run") continue;
      this.trace.push(`  patrol: run ${run.id}: cancel-run`);
      this.commit(look, fault);
    }
    this.promoteAll(fault);
  }

  // Effects

  private decide(bead: string, run: ModelRun | undefined): PendingLook {
    const heartbeat = run ? this.heartbeats.get(key(bead, run.attempt)) : undefined;
    const input: WitnessInput = {
      ledger: this.ledger, bead, now: this.now, config: this.config, rig: RIG,
      ...(run ? { run: witnessRun(run) } : {}), ...(heartbeat ? { heartbeat } : {}),
    };
    return { input, decision: witnessLook(input) };
  }

  /** The look's commit, then its dispatch, then its cancel. */
  private commit({ input, decision }: PendingLook, fault: Fault): void {
    const applied = witnessMutation(this.ledger, decision, input);
    if (!applied.applied) {
      this.trace.push(`  ${decision.kind} of ${"bead" in decision ? decision.bead : "?"}: not applied`);
      return;
    }
    this.ledger = applied.ledger;
    switch (decision.kind) {
      case "respawn":
        this.dispatch(decision.assignment, fault);
        if (decision.cancelRunId !== undefined) this.cancel(decision.cancelRunId, fault);
        return;
      case "repair-exit":
        this.publish(decision.bead, decision.seen.attempt, fault);
        if (decision.cancelRunId !== undefined) this.cancel(decision.cancelRunId, fault);
        return;
      case "escalate":
        if (decision.cancelRunId !== undefined) this.cancel(decision.cancelRunId, fault);
        this.promoteAll(fault);
        return;
      case "cancel-run":
        this.cancel(decision.runId, fault);
        return;
      case "nudge":
      case "nothing":
        return;
    }
  }

  /** The publisher, as polecat-mail.ts records it: the attempt published and the next waiting bead hooked in one commit, then dispatched. */
  private publish(bead: string, attempt: number, fault: Fault): void {
    const decision = exitToPublish(this.ledger.get(bead));
    if (decision.kind !== "publish" || decision.exit.attempt !== attempt) {
      this.violations.push(`the exit of ${bead}@${attempt} cannot be published: ${decision.kind === "nothing" ? decision.why : `attempt ${decision.exit.attempt}`}`);
    }
    const promoted = promoteWaiting(recordPublished(this.ledger, bead, attempt), this.config, this.now);
    this.ledger = promoted.ledger;
    if (promoted.hooked) this.dispatch(promoted.hooked.assignment, fault);
  }

  private promoteAll(fault: Fault): void {
    for (;;) {
      const promoted = promoteWaiting(this.ledger, this.config, this.now);
      if (!promoted.hooked) return;
      this.ledger = promoted.ledger;
      this.trace.push(`  promoted ${promoted.hooked.bead.id}`);
      this.dispatch(promoted.hooked.assignment, fault);
    }
  }

  /** `workflow_dispatch`: a queued run of the assignment's attempt. Each attempt is dispatched at most once. */
  private dispatch(assignment: PolecatAssignment, fault: Fault): void {
    if (fault === "dispatch") {
      this.trace.push(`  dispatch of ${assignment.bead}@${assignment.attempt} lost`);
      return;
    }
    const twice = this.runs.find((run) => !run.byHand && run.bead === assignment.bead && run.attempt === assignment.attempt);
    if (twice) this.violations.push(`${assignment.bead}'s attempt ${assignment.attempt} dispatched again (run ${twice.id} has it)`);
    const run = this.newRun(assignment, false);
    this.trace.push(`  dispatched run ${run.id} for ${run.bead}@${run.attempt}`);
  }

  private newRun(of: Pick<PolecatAssignment, "bead" | "polecat" | "attempt">, byHand: boolean): ModelRun {
    const run: ModelRun = {
      id: this.nextRunId++, bead: of.bead, polecat: of.polecat, attempt: of.attempt, byHand,
      status: "queued", conclusion: null, createdAt: this.now, runnerDead: false, cancelling: false, startedAt: undefined,
    };
    this.runs.push(run);
    return run;
  }

  /** A cancel: a queued run ends at once; one in progress lives on, and may act, until the clock moves. */
  private cancel(runId: number, fault: Fault): void {
    if (fault === "cancel") {
      this.trace.push(`  cancel of run ${runId} lost`);
      return;
    }
    const run = this.runs.find((r) => r.id === runId);
    if (run?.status === "queued") this.complete(run, "cancelled");
    else if (run?.status === "in_progress") run.cancelling = true;
  }

  private complete(run: ModelRun, conclusion: string): void {
    run.status = "completed";
    run.conclusion = conclusion;
    this.events.push(run.id);
    this.trace.push(`  run ${run.id} (${run.bead}@${run.attempt}) completed: ${conclusion}`);
  }

  /** A run refused its claim, or that lost it, stops at once and writes nothing: its job ends with a notice, as a success. */
  private stop(run: ModelRun): void {
    this.complete(run, "success");
  }

  private holdsClaim(run: ModelRun): boolean {
    if (claimLost(this.ledger, this.polecatRun(run)) === undefined) return true;
    this.stop(run);
    return false;
  }

  /** `gt step done` on the molecule's next step, in a write that checks the claim; false when none is left. */
  private closeNextStep(run: ModelRun): boolean {
    if (!this.holdsClaim(run)) return false;
    const molecule = openMoleculeOf(this.ledger, this.ledger.get(run.bead) as Bead);
    const next = molecule ? progress(this.ledger, molecule).next[0] : undefined;
    if (!molecule || !next) return false;
    this.ledger = closeStep(this.ledger, molecule.root.id, next.step, this.now);
    return true;
  }

  private polecatRun(run: ModelRun): PolecatRun {
    return {
      bead: run.bead, polecat: run.polecat, attempt: run.attempt, limits: polecatLimits(this.config.polecat),
      runId: run.id, runUrl: `https://github.com/${RIG}/actions/runs/${run.id}`,
    };
  }
}

const cooked = new Map<string, Proto>();

/** The work formula cooked once for each set of values: cooking is most of a sling's time, and the property slings thousands of times. */
function cookOnce(name: string, vars: Readonly<Record<string, string>>): Proto {
  const at = JSON.stringify([name, vars]);
  const proto = cooked.get(at) ?? cook(name, library, vars);
  cooked.set(at, proto);
  return proto;
}

function key(bead: string, attempt: number): string {
  return `${bead}@${attempt}`;
}

function witnessRun(run: ModelRun): WitnessRun {
  return { id: run.id, attempt: run.attempt, status: run.status, conclusion: run.conclusion, created_at: run.createdAt.toISOString() };
}
