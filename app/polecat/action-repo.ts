// The action's repository: a bare repository in the action's 0700 directory, fetched from GitHub
// with the run's token. It mirrors two branches of GitHub's, as last fetched or pushed: the base
// (`refs/heads/<base>`) and the work ref (`refs/heads/gastown/work/<polecat>/<bead>`). The work
// ref is made once from the base's tip with an empty commit (so the heartbeat has a commit of its
// own) and only ever moved forward: a push GitHub answers "not a fast-forward" is an error naming
// the ref, never retried with force.
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { makeActionCommit, treeOf } from "./action-commit.js";
import { ActionGit, GitError, type GitCredential } from "./action-git.js";
import { writeAskpass } from "./askpass.js";
import { nulFields } from "./git-objects.js";
import { agentBranch, checkBranchName, workBranch } from "./work-names.js";
import { workflowPaths } from "./workflow-paths.js";

export interface ActionRepoOptions {
  /** `<root>/action`: the action's own 0700 directory. */
  readonly actionDir: string;
  /** The repository's credential-free URL (work-names.ts `repositoryUrl`). */
  readonly remoteUrl: string;
  /** The run's token; it reaches git only through the askpass helper. */
  readonly token: string;
  readonly base: string;
  readonly polecat: string;
  readonly bead: string;
  readonly gitPath?: string;
}

export interface RemoteTips {
  readonly base: string;
  /** Undefined while GitHub has no work ref yet. */
  readonly work: string | undefined;
}

export interface WorkStart {
  readonly base: string;
  readonly work: string;
  /** True when this call made the work ref; false when an earlier attempt had pushed it. */
  readonly created: boolean;
}

/** GitHub refused to move the work ref because the push was not a fast-forward. */
export class NonFastForwardError extends Error {
  constructor(
    readonly ref: string,
    readonly summary: string,
  ) {
    super(`the push to ${ref} was refused: not a fast-forward (${summary}); the work ref is never force-pushed`);
    this.name = "NonFastForwardError";
  }
}

export class ActionRepo {
  readonly git: ActionGit;
  readonly base: string;
  /** `gastown/work/<polecat>/<bead>` */
  readonly workBranch: string;
  /** `polecat/<polecat>/<bead>`, the agent's local branch. */
  readonly agentBranch: string;
  readonly polecat: string;
  readonly bead: string;

  private constructor(
    readonly gitDir: string,
    /** The repository's URL, which never carries credentials. */
    readonly remoteUrl: string,
    private readonly credential: GitCredential,
    options: ActionRepoOptions,
  ) {
    this.git = new ActionGit({ gitDir, ...(options.gitPath === undefined ? {} : { gitPath: options.gitPath }) });
    this.base = checkBranchName(options.base);
    this.workBranch = workBranch(options.polecat, options.bead);
    this.agentBranch = agentBranch(options.polecat, options.bead);
    this.polecat = options.polecat;
    this.bead = options.bead;
  }

  /** Makes `repo.git` and the askpass helper in the action's directory, which must exist. */
  static async create(options: ActionRepoOptions): Promise<ActionRepo> {
    const gitDir = join(options.actionDir, "repo.git");
    await mkdir(gitDir, { mode: 0o700 });
    const askpass = await writeAskpass(join(options.actionDir, "askpass"));
    const repo = new ActionRepo(gitDir, options.remoteUrl, { askpass, token: options.token }, options);
    // No template: no sample hooks, no description, nothing but what git needs.
    await repo.git.run(["init", "--quiet", "--bare", "--template="]);
    return repo;
  }

  get baseRef(): string {
    return `refs/heads/${this.base}`;
  }

  get workRef(): string {
    return `refs/heads/${this.workBranch}`;
  }

  /** Fetches the base and, when GitHub has it, the work ref, into their mirror refs. */
  async fetch(): Promise<RemoteTips> {
    const listed = await this.git.text(["ls-remote", "--refs", this.remoteUrl, this.baseRef, this.workRef], { credential: this.credential });
    const remote = parseLsRemote(listed);
    if (!remote.has(this.baseRef)) throw new Error(`the base branch ${this.base} does not exist on GitHub`);
    const refspecs = [this.baseRef, ...(remote.has(this.workRef) ? [this.workRef] : [])].map((ref) => `+${ref}:${ref}`);
    await this.git.run(["fetch", "--quiet", "--no-tags", "--no-write-fetch-head", "--no-recurse-submodules", this.remoteUrl, ...refspecs], {
      credential: this.credential,
    });
    return { base: await this.resolve(this.baseRef) as string, work: remote.has(this.workRef) ? await this.resolve(this.workRef) : undefined };
  }

  /**
   * Fetches, and continues the work ref an earlier attempt pushed, or makes it: an empty commit
   * on the base's tip, pushed as a new branch.
   */
  async startWork(at: Date): Promise<WorkStart> {
    const tips = await this.fetch();
    if (tips.work !== undefined) return { base: tips.base, work: tips.work, created: false };
    const work = await makeActionCommit(this.git, {
      tree: await treeOf(this.git, tips.base),
      parents: [tips.base],
      message: `Gastown: start work on ${this.bead}\n\nGastown-Bead: ${this.bead}\n`,
      at,
    });
    await this.push(work);
    return { base: tips.base, work, created: true };
  }

  /** Pushes `tip` to the work ref, fast-forward only, and mirrors it locally once GitHub took it. */
  async push(tip: string): Promise<void> {
    const refspec = `${tip}:${this.workRef}`;
    const result = await this.git.run(["push", "--porcelain", this.remoteUrl, refspec], { credential: this.credential, allowExit: [1] });
    const status = parsePushStatus(result.stdout.toString("utf8"), this.workRef);
    if (result.code !== 0 || status === undefined || status.flag === "!") {
      if (status !== undefined && /non-fast-forward|fetch first|stale info/.test(status.summary)) throw new NonFastForwardError(this.workRef, status.summary);
      throw new GitError(["push", this.remoteUrl, refspec], result.code, result.stderr);
    }
    await this.git.run(["update-ref", this.workRef, tip]);
  }

  /**
   * Workflow files the base changed since the work ref's branch point. GitHub refuses any push
   * carrying such a change from a token without the `workflows` permission, so a step that
   * needs the base's changes cannot be pushed: the caller ends the run as ESCALATE with these.
   */
  async workflowChangesSinceBranchPoint(): Promise<string[]> {
    const mergeBase = await this.git.run(["merge-base", this.workRef, this.baseRef], { allowExit: [1] });
    if (mergeBase.code === 1) throw new Error(`${this.workBranch} shares no history with ${this.base}`);
    const names = await this.git.run(["diff-tree", "-r", "-z", "--no-renames", "--name-only", mergeBase.stdout.toString("utf8").trim(), this.baseRef]);
    return workflowPaths(nulFields(names.stdout));
  }

  /** A ref's commit, or undefined when the ref does not exist. */
  async resolve(ref: string): Promise<string | undefined> {
    const result = await this.git.run(["rev-parse", "--verify", "--quiet", "--end-of-options", `${ref}^{commit}`], { allowExit: [1] });
    return result.code === 0 ? result.stdout.toString("utf8").trim() : undefined;
  }
}

/** `git ls-remote` lines, `<sha>\t<ref>`, as a map from ref to sha. */
export function parseLsRemote(output: string): Map<string, string> {
  const refs = new Map<string, string>();
  for (const line of output.split("\n")) {
    const [sha, ref] = line.split("\t");
    if (sha !== undefined && ref !== undefined && /^[0-9a-f]{40}$/.test(sha)) refs.set(ref, sha);
  }
  return refs;
}

/**
 * The line `git push --porcelain` printed for `ref`: `<flag>\t<from>:<to>\t<summary>`, where the
 * flag `!` is a refusal and the summary says which (`[rejected] (non-fast-forward)`).
 * https://git-scm.com/docs/git-push#_output
 */
export function parsePushStatus(output: string, ref: string): { flag: string; summary: string } | undefined {
  for (const line of output.split("\n")) {
    const [flag, refs, summary] = line.split("\t");
    if (flag !== undefined && refs !== undefined && summary !== undefined && refs.endsWith(`:${ref}`)) return { flag, summary };
  }
  return undefined;
}
