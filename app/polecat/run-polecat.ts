// A polecat's run, as a story (DESIGN §7; vision Idea 7, nondeterministic idempotence):
//   1. refuse a runner that is kept after the job, unless allowed
//   2. claim the bead for this attempt in one ledger commit, or stop at once saying why
//   3. make the workspace, the agent's user, the action's repository and the work ref, and beat
//   4. close the steps an earlier attempt pushed but never recorded
//   5. work the molecule, one agent process per step (polecat-steps.ts)
//   6. say how it ended on the heartbeat, and leave nothing of the agent's behind
// Every ledger write and every push checks the claim first; the first that finds it lost stops,
// as does the heartbeat's tick while the agent works, stopping the agent with it.
import { repositoryConfig } from "../config/repository-config.js";
import { fetchConfigTexts } from "../github/config-files.js";
import type { GitHubClient } from "../github/github-client.js";
import { LedgerStore } from "../github/ledger-store.js";
import type { Ledger } from "../ledger/ledger.js";
import { gastownMetadata } from "../molecules/gastown-metadata.js";
import { moleculeVars, readMolecule } from "../molecules/molecule.js";
import { prefixForRepository } from "../town/repository-prefix.js";
import { ActionRepo } from "./action-repo.js";
import { makeAgentCgroup, readCgroupMounts, removeAgentCgroup, type AgentCgroup } from "./agent-cgroup.js";
import { makeAgentClone } from "./agent-clone.js";
import { agentUserName, checkAgentUserIsolated, createAgentUser, removeAgentUser, stopAgentProcesses, type AgentUser } from "./agent-user.js";
import { ClaimedLedger, ClaimLostError } from "./claimed-ledger.js";
import { NudgeWatch } from "./nudge-watch.js";
import { repairFromMarkers } from "./outbox-records.js";
import type { SavedName } from "./post-step.js";
import { PolecatHeartbeat } from "./polecat-heartbeat.js";
import type { PolecatOptions } from "./polecat-options.js";
import { resolveAgentProgram, type AgentProgram } from "./polecat-agent.js";
import { workSteps, type StepsEnd } from "./polecat-steps.js";
import { agentHome, makeWorkspace, removeWorkspace, workspaceRoot, type PolecatWorkspace } from "./polecat-workspace.js";
import { Redactor } from "./redact.js";
import { runnerPolicy } from "./runner-environment.js";
import { repositoryUrl } from "./work-names.js";
import type { AgentPackage } from "./agent-packages.js";
import type { InstalledAgent } from "./install-agent.js";
import { ringMail } from "../github/repository-dispatch.js";
import { appendDigest, digestFileFor } from "../molecules/digest-file.js";
import type { Exit } from "../molecules/runner-commands.js";
import { polecatMail } from "../town/polecat-mail.js";
import { recordPolecatExit, type PolecatExit } from "../town/polecat-exit.js";
import type { EgressProxyOptions } from "./sandbox/egress-proxy.js";
import { prepareSandbox, probeSandbox } from "./sandbox/run-in-sandbox.js";
import { RunSandbox, type ModelAccess } from "./sandbox/run-sandbox.js";
import type { SandboxSpec } from "./sandbox/sandbox-plan.js";

export interface PolecatLog {
  info(line: string): void;
  warning(line: string): void;
  /** Hides a secret in the job's log (`::add-mask::`). */
  mask(secret: string): void;
}

export interface PolecatDependencies {
  readonly github: GitHubClient;
  readonly clock: () => Date;
  readonly log: PolecatLog;
  /** Where run workspaces are made; the agent's user must be able to search it. */
  readonly workRoot: string;
  /** The node the agent's `gt` runs on, and the bundled `gt`. */
  readonly node: string;
  readonly gtBundle: string;
  /** The bundled init the sandbox runs as its PID 1 (action/polecat/dist/sandbox-init.js). */
  readonly sandboxInit: string;
  /** Whether this machine can make the sandbox; probeSandbox unless given. */
  readonly probeSandbox?: () => Promise<{ ok: true } | { ok: false; why: string }>;
  /** More to bind into the sandbox (the tests' stand-in agents and their report directories). */
  readonly sandboxPaths?: { readonly readOnly: readonly string[]; readonly writable: readonly string[] };
  /** Where the egress proxy resolves names and connects; the system's resolver and TCP unless given. */
  readonly egress?: Pick<EgressProxyOptions, "resolve" | "connect">;
  readonly installAgent: (pkg: AgentPackage, cacheRoot: string | undefined) => Promise<InstalledAgent>;
  /** A user made beforehand (the tests' own); otherwise the run makes one for itself. */
  readonly agentUser?: AgentUser;
  /** Calls `beat` every `ms` until the returned function is called. */
  readonly every: (ms: number, beat: () => void) => () => void;
  /** Calls `fire` once after `ms`, unless the returned function is called first. */
  readonly after: (ms: number, fire: () => void) => () => void;
  /** git, when not the one on PATH. */
  readonly gitPath?: string;
  /** Waits between ledger compare-and-swap attempts. */
  readonly sleep?: (ms: number) => Promise<void>;
  /**
   * Keeps what a post step needs should this process be killed (a job's timeout, a cancel): the
   * action's `core.saveState`. See post-step.ts.
   */
  readonly saveState?: (name: SavedName, value: string) => void;
}

export type PolecatOutcome =
  /** The run did not start: a kept runner, or no claim (a newer attempt, unslung, other limits). */
  | { readonly kind: "refused"; readonly reason: string; readonly failed: boolean }
  /** The run lost its claim midway and stopped. */
  | { readonly kind: "claim-lost"; readonly reason: string }
  /** The run ended by one of the four exits, recorded on the bead, with the mail rung. */
  | { readonly kind: "exited"; readonly exit: Exit; readonly reason: string };

export async function runPolecat(options: PolecatOptions, given: PolecatDependencies): Promise<PolecatOutcome> {
  const redactor = new Redactor([options.token, options.apiKey]);
  for (const form of redactor.masks()) given.log.mask(form);
  // Lines quote the agent (its output, its commits' subjects, its outbox): none carries a secret,
  // whether or not the runner masks it.
  const deps: PolecatDependencies = { ...given, log: redactedLog(given.log, redactor) };

  // 1. The runner.
  const policy = runnerPolicy(options.runnerEnvironment, options.allowPersistentRunner);
  if (policy.kind === "refuse") return { kind: "refused", reason: policy.message, failed: true };

  // The sandbox, or a clear refusal before anything is claimed: the agent never runs unisolated
  // unless the repository says `polecat.sandbox: off`.
  if (options.limits.sandbox === "on") {
    const probe = await (deps.probeSandbox ?? probeSandbox)();
    if (!probe.ok) return { kind: "refused", reason: `The agent's sandbox cannot be made on this runner: ${probe.why}`, failed: true };
  }

  // 2. The claim.
  const ledger = await claimedLedger(options, deps);
  const claimed = await ledger.claim();
  if (claimed.kind === "refused") {
    // A run of a newer attempt, or one unslung, stops quietly; one dispatched with other limits is misuse.
    const failed = /limits|claimed by run/.test(claimed.reason);
    return { kind: "refused", reason: claimed.reason, failed };
  }
  deps.log.info(`Polecat ${options.polecat} claimed ${options.bead}, attempt ${options.attempt} (run ${options.runId}).`);

  const started = new Started(options, deps, redactor, ledger);
  try {
    return await started.run(claimed.state.ledger, policy.cleanUpAtEnd);
  } catch (error) {
    if (!(error instanceof ClaimLostError)) {
      await started.crashed(error).catch(() => undefined);
      throw error;
    }
    deps.log.warning(error.message);
    await started.heartbeat?.finish("done", "cancelled").catch(() => undefined);
    return { kind: "claim-lost", reason: error.message };
  } finally {
    // The post step has nothing left to do once this run has ended by itself, crashed or not.
    deps.saveState?.("ended", "true");
    await started.cleanUp(policy.cleanUpAtEnd);
  }
}

function redactedLog(log: PolecatLog, redactor: Redactor): PolecatLog {
  return {
    info: (line) => log.info(redactor.redact(line)),
    warning: (line) => log.warning(redactor.redact(line)),
    mask: (secret) => log.mask(secret),
  };
}

async function claimedLedger(options: PolecatOptions, deps: PolecatDependencies): Promise<ClaimedLedger> {
  const store = await polecatLedgerStore(options, deps.github, deps.sleep);
  return new ClaimedLedger(store, {
    bead: options.bead, polecat: options.polecat, attempt: options.attempt, limits: options.limitsText, runId: options.runId, runUrl: options.runUrl,
  }, deps.clock);
}

/**
 * The repository's ledger, by its settings on the default branch (the ledger's branch and prefix):
 * never from a checkout an agent edits.
 */
export async function polecatLedgerStore(options: PolecatOptions, github: GitHubClient, sleep?: (ms: number) => Promise<void>): Promise<LedgerStore> {
  const decided = repositoryConfig(await fetchConfigTexts(github, options.owner, options.repo));
  if (!decided.enabled) throw new Error(`Gas Town is not switched on in ${options.owner}/${options.repo}: ${decided.reason}`);
  const { ledger } = decided.config;
  return new LedgerStore(github, {
    owner: options.owner, repo: options.repo, branch: ledger.branch, prefix: ledger.prefix ?? prefixForRepository(options.repo),
    ...(sleep ? { sleep } : {}),
  });
}

/** A run that holds its claim: what it made, so the end can take it all away again. */
class Started {
  heartbeat: PolecatHeartbeat | undefined;
  private workspace: PolecatWorkspace | undefined;
  private user: AgentUser | undefined;
  private madeUser = false;
  private cgroup: AgentCgroup | undefined;
  private sandbox: RunSandbox | undefined;

  constructor(
    private readonly options: PolecatOptions,
    private readonly deps: PolecatDependencies,
    private readonly redactor: Redactor,
    private readonly ledger: ClaimedLedger,
  ) {}

  async run(claimedLedger: Ledger, removeEverything: boolean): Promise<PolecatOutcome> {
    const { options, deps } = this;
    const molecule = readMolecule(claimedLedger, options.molecule);
    if (gastownMetadata(molecule.root).bead !== options.bead) {
      throw new Error(`${options.molecule} is not the molecule of ${options.bead}`);
    }
    const base = moleculeVars(molecule).base_branch ?? "main";

    // 3. The workspace, the agent's user, the work ref, the heartbeat.
    const key = `${options.runId}-${options.runAttempt}`;
    const root = workspaceRoot(deps.workRoot, key);
    const user = this.deps.agentUser ?? await this.makeUser(key, agentHome(root));
    this.user = user;
    // A machine may hand every new user a group or a sudo rule; the agent's user gets neither.
    // (The action's own user, without root, is kept apart by the sandbox's namespaces instead.)
    if (!user.own) await checkAgentUserIsolated(user);
    this.cgroup = await makeAgentCgroup(key, await readCgroupMounts());
    deps.saveState?.("agent", JSON.stringify({ user, made: this.madeUser, cgroup: this.cgroup, workspace: root, cleanUp: removeEverything }));
    const workspace = await makeWorkspace(root, user, { node: deps.node, gtBundle: deps.gtBundle });
    this.workspace = workspace;
    const repo = await ActionRepo.create({
      actionDir: workspace.actionDir, remoteUrl: repositoryUrl(options.serverUrl, `${options.owner}/${options.repo}`),
      token: options.token, base, polecat: options.polecat, bead: options.bead,
      ...(deps.gitPath ? { gitPath: deps.gitPath } : {}),
    });
    const work = await repo.startWork(deps.clock());
    const heartbeat = new PolecatHeartbeat({
      github: deps.github, owner: options.owner, repo: options.repo, bead: options.bead, polecat: options.polecat,
      attempt: options.attempt, runUrl: options.runUrl, redactor: this.redactor, clock: deps.clock,
      remember: (checkRun, step) => deps.saveState?.("heartbeat", JSON.stringify({ checkRun, step })),
    }, { id: molecule.steps[0]?.step ?? "?", index: 1, of: molecule.steps.length });
    this.heartbeat = heartbeat;
    await heartbeat.startOn(work.work);
    deps.log.info(`${work.created ? "Made" : "Continuing"} the work ref ${repo.workBranch} at ${work.work.slice(0, 12)}.`);

    // A base that changed a workflow file since the work's branch point can never be merged into
    // it and pushed (no token of the run may push such a change): a person has to.
    const workflows = await repo.workflowChangesSinceBranchPoint();
    if (workflows.length > 0) {
      const reason = `${base} changed ${workflows.join(", ")} since this work branched from it; the polecat's token cannot push a change to workflow files, so a person must bring ${base} into ${repo.workBranch}`;
      deps.log.warning(`Escalated: ${reason}`);
      return this.exit({ exit: "ESCALATE", reason, workTip: work.work, turns: 0, costUsd: 0 });
    }

    // 4. Steps an earlier attempt pushed but never recorded (its runner died between push and ledger).
    const repaired = await repairFromMarkers(this.ledger, repo, {
      bead: options.bead, molecule: options.molecule, polecat: options.polecat, workTip: work.work, baseTip: work.base, now: deps.clock(),
    });
    if (repaired > 0) deps.log.info(`Recorded ${repaired} step${repaired === 1 ? "" : "s"} an earlier attempt had pushed but not recorded.`);

    // 5. The molecule's steps, in the sandbox unless it is off.
    const { program, sandbox } = await this.agentAndSandbox(repo, work.base, workspace, heartbeat);
    await makeAgentClone({
      repo, cloneDir: workspace.clone, baseTip: work.base, workTip: work.work, owner: user,
      ...(deps.gitPath ? { gitPath: deps.gitPath } : {}),
    });
    const nudges = new NudgeWatch(async () => (await this.ledger.readAsIs()).ledger, this.ledger.run, deps.log);
    const stop = deps.every(options.limits.heartbeat_minutes * 60_000, () => {
      void heartbeat.beat().catch((error) => deps.log.warning(`heartbeat: ${String(error)}`));
      nudges.tick();
    });
    try {
      const end = await workSteps({
        options, deps, ledger: this.ledger, repo, workspace, user, cgroup: this.cgroup, heartbeat, nudges, program, redactor: this.redactor,
        pushedTip: work.work, baseTip: work.base, ...(sandbox ? { sandbox } : {}),
      });
      return await this.exit(end);
    } finally {
      stop();
    }
  }

  /**
   * 6. How it ended: the final heartbeat carries the exit first, then one ledger commit records it
   * (the hook released; for COMPLETED the molecule squashed and its digest appended), then the
   * mail rings, so whoever publishes looks now. A lost ledger write can be repaired from the
   * heartbeat; a lost mail changes nothing the next look would not do.
   */
  private async exit(end: StepsEnd): Promise<PolecatOutcome> {
    const { options, deps } = this;
    const at = deps.clock();
    const exit: PolecatExit = { exit: end.exit, reason: end.reason, workTip: end.workTip, at, ...(end.blocker ? { blocker: end.blocker } : {}) };
    await this.heartbeat?.finish("done", end.exit === "COMPLETED" ? "success" : "neutral", {
      exit: end.exit, reason: end.reason, attempt: options.attempt, workTip: end.workTip, ...(end.blocker ? { blocker: end.blocker } : {}),
    });
    const context = {
      bead: options.bead, molecule: options.molecule, polecat: options.polecat, rig: `${options.owner}/${options.repo}`,
      turns: end.turns, costUsd: end.costUsd,
    };
    await this.ledger.write(`${options.bead}: polecat ${options.polecat} ends attempt ${options.attempt} as ${end.exit}`,
      (ledger) => recordPolecatExit(ledger, exit, context).ledger,
      async (state, next) => {
        // The digest of the molecule the mutation squashed: squashing it again gives it back.
        const { digest } = recordPolecatExit(next, exit, context);
        if (digest === undefined) return [];
        const file = digestFileFor(digest.finished_at);
        return [{ path: file, content: appendDigest(await this.ledger.readFile(state, file) ?? "", digest) }];
      });
    deps.log.info(`Recorded the exit on ${options.bead}: ${end.exit}.`);
    await ringMail(deps.github, {
      owner: options.owner, repo: options.repo,
      payload: polecatMail({ exit: end.exit, bead: options.bead, attempt: options.attempt, polecat: options.polecat, runId: options.runId, reason: end.reason }),
    }).catch((error: unknown) => deps.log.warning(`The mail did not ring (${this.redactor.redact(String(error))}); the next look will find the exit all the same.`));
    return { kind: "exited", exit: end.exit, reason: end.reason };
  }

  /**
   * The agent's program and, unless `polecat.sandbox` is off, the sandbox it runs in: its proxies
   * started, the dummy key and their addresses given to the agent in place of the real key, the
   * heartbeat watching the spend and the refusals.
   */
  private async agentAndSandbox(
    repo: ActionRepo, baseTip: string, workspace: PolecatWorkspace, heartbeat: PolecatHeartbeat,
  ): Promise<{ program: AgentProgram; sandbox?: { readonly run: RunSandbox; readonly spec: SandboxSpec } }> {
    const { options, deps } = this;
    if (options.limits.sandbox === "off") {
      deps.log.warning("polecat.sandbox is off: the agent runs unisolated, with the model's key and the runner's network.");
      // A `command` agent is given no key: the team's program holds no credential of the run.
      const model: ModelAccess | null = options.apiKey === "" || options.limits.agent === "command"
        ? null
        : { apiKey: options.apiKey, ...(options.modelBaseUrl ? { baseUrl: options.modelBaseUrl } : {}) };
      return { program: await resolveAgentProgram(options, deps, repo, baseTip, workspace, model) };
    }
    const run = await RunSandbox.start({
      workspace, limits: options.limits, apiKey: options.apiKey, modelBaseUrl: options.modelBaseUrl, clock: deps.clock, log: deps.log,
      ...(deps.egress ? { egress: deps.egress } : {}),
    });
    this.sandbox = run;
    deps.log.info(`The agent runs in its sandbox, with ${run.describe()}.`);
    const program = await resolveAgentProgram(options, deps, repo, baseTip, workspace, run.modelAccess());
    const spec = run.spec({ readOnly: [...program.paths, ...deps.sandboxPaths?.readOnly ?? []], writable: deps.sandboxPaths?.writable ?? [] });
    await prepareSandbox(workspace, spec, deps.sandboxInit);
    heartbeat.watchSandbox(() => run.view());
    return { program, sandbox: { run, spec } };
  }

  private async makeUser(key: string, home: string): Promise<AgentUser> {
    const user = await createAgentUser(agentUserName(key), { home });
    this.madeUser = true;
    return user;
  }

  /** A step that threw: the heartbeat says crashed, so nobody takes it for a working polecat. */
  async crashed(error: unknown): Promise<void> {
    this.heartbeat?.note(`Crashed: ${this.redactor.redact(error instanceof Error ? error.message : String(error))}`);
    await this.heartbeat?.finish("crashed", "failure");
  }

  /** Nothing of the agent's outlives the run; on a kept runner, neither its user nor its files. */
  async cleanUp(removeEverything: boolean): Promise<void> {
    if (this.user !== undefined && this.cgroup !== undefined) await stopAgentProcesses(this.user, this.cgroup);
    await this.sandbox?.close();
    if (this.cgroup !== undefined) await removeAgentCgroup(this.cgroup).catch(() => undefined);
    if (!removeEverything) return;
    if (this.user !== undefined && this.madeUser) {
      await removeAgentUser(this.user, { paths: this.workspace ? [this.workspace.agentDir] : [] });
    }
    if (this.workspace !== undefined) await removeWorkspace(this.workspace);
  }
}
