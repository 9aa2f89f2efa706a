// The run's heartbeat on GitHub (DESIGN §7): a `gastown/polecat` check run on the work ref's tip,
// made with the run's own token, beaten on a timer and at every change of step. A check run
// belongs to its commit, so after each push the old one is completed as neutral and a fresh one
// starts on the new tip; readers take the newest. Everything it shows has passed the redactor.
import type { GitHubClient } from "../github/github-client.js";
import { createCheckRun, updateCheckRun } from "../github/heartbeat-check-runs.js";
import { HEARTBEAT_CHECK_NAME, heartbeatExternalId, type HeartbeatExit, type HeartbeatState } from "../town/heartbeat.js";
import { heartbeatOutput, type HeartbeatView, type SandboxView } from "./heartbeat-output.js";
import type { Redactor } from "./redact.js";

export interface HeartbeatOptions {
  readonly github: GitHubClient;
  readonly owner: string;
  readonly repo: string;
  readonly bead: string;
  readonly polecat: string;
  readonly attempt: number;
  readonly runUrl: string;
  readonly redactor: Redactor;
  readonly clock: () => Date;
  /** Told the check run and step each time either changes, so a post step can conclude it. */
  readonly remember?: (checkRun: number, step: HeartbeatStep) => void;
}

export type HeartbeatStep = HeartbeatView["step"];

export class PolecatHeartbeat {
  private checkRun: number | undefined;
  private state: HeartbeatState = "working";
  private step: HeartbeatStep;
  private progressAt: Date;
  private tail = "";
  private notes: string[] = [];
  private exit: HeartbeatExit | undefined;
  private sandbox: (() => SandboxView) | undefined;

  constructor(private readonly options: HeartbeatOptions, firstStep: HeartbeatStep) {
    this.step = firstStep;
    this.progressAt = options.clock();
  }

  /** Starts beating on `tip`, completing the check run of the tip before, if any. */
  async startOn(tip: string): Promise<void> {
    const previous = this.checkRun;
    const { owner, repo } = this.options;
    this.checkRun = await createCheckRun(this.options.github, {
      owner, repo, name: HEARTBEAT_CHECK_NAME, headSha: tip, externalId: heartbeatExternalId(this.options.bead, this.options.attempt),
      detailsUrl: this.options.runUrl, output: this.output(),
    });
    this.options.remember?.(this.checkRun, this.step);
    if (previous !== undefined) await updateCheckRun(this.options.github, { owner, repo, id: previous, output: this.output(), conclusion: "neutral" });
  }

  /** The agent did something: its output, a tool call, a commit. */
  progress(at: Date, tail?: string): void {
    this.progressAt = at;
    if (tail !== undefined) this.tail = tail;
  }

  /** A new step; its agent has not done anything yet. */
  onStep(step: HeartbeatStep): void {
    this.step = step;
    this.progressAt = this.options.clock();
    this.notes = [];
    if (this.checkRun !== undefined) this.options.remember?.(this.checkRun, step);
  }

  /** Where each beat reads the sandbox's spend and refusals from, once the proxies run. */
  watchSandbox(view: () => SandboxView): void {
    this.sandbox = view;
  }

  note(line: string): void {
    this.notes.push(line);
  }

  /** Beats: the check run's output says what the run is doing now. */
  async beat(): Promise<void> {
    if (this.checkRun === undefined) return;
    await updateCheckRun(this.options.github, { owner: this.options.owner, repo: this.options.repo, id: this.checkRun, output: this.output() });
  }

  /** The last beat, which completes the check run; with the exit the run is about to record. */
  async finish(state: HeartbeatState, conclusion: "success" | "failure" | "neutral" | "cancelled", exit?: HeartbeatExit): Promise<void> {
    this.state = state;
    this.exit = exit;
    if (this.checkRun === undefined) return;
    await updateCheckRun(this.options.github, { owner: this.options.owner, repo: this.options.repo, id: this.checkRun, output: this.output(), conclusion });
  }

  private output() {
    const { redactor } = this.options;
    return heartbeatOutput({
      state: this.state, polecat: this.options.polecat, bead: this.options.bead, attempt: this.options.attempt,
      step: this.step, at: this.options.clock(), progressAt: this.progressAt,
      tail: redactor.redact(this.tail), notes: this.notes.map((line) => redactor.redact(line)),
      ...(this.exit ? { exit: { ...this.exit, reason: redactor.redact(this.exit.reason) } } : {}),
      ...(this.sandbox ? { sandbox: redactedSandbox(this.sandbox(), redactor) } : {}),
    });
  }
}

/** A refused host is the agent's choice: it could carry a secret, so it passes the redactor too. */
function redactedSandbox(view: SandboxView, redactor: Redactor): SandboxView {
  return { ...view, refusals: view.refusals.map((refusal) => ({ ...refusal, host: redactor.redact(refusal.host), reason: redactor.redact(refusal.reason) })) };
}
