// The action's own git: every git the polecat action runs goes through here, so none of it reads
// a configuration, hook or credential it did not choose. The environment is built from nothing
// (no user, system or XDG config, no inherited GIT_* variables), hooks and fsmonitor are turned
// off on every command line, and the token reaches git only through GIT_ASKPASS and the
// environment of the one git process that talks to GitHub: never in an argument or a URL, since
// `/proc/<pid>/cmdline` is world-readable.
import { spawn } from "node:child_process";
import { Readable } from "node:stream";
import { ASKPASS_TOKEN_VARIABLE } from "./askpass.js";

/** Options every command carries, whatever configuration the repository holds. */
export const SAFE_GIT_OPTIONS: readonly string[] = [
  "-c", "core.hooksPath=/dev/null",
  "-c", "core.fsmonitor=false",
  // No helper may store or hand out the token (the action's own config sets none; this says so).
  "-c", "credential.helper=",
  // No background gc or maintenance spawned from the action's commands.
  "-c", "gc.auto=0",
  "-c", "maintenance.auto=false",
];

/** Where git may reach GitHub with the token: the askpass helper and the token itself. */
export interface GitCredential {
  readonly askpass: string;
  readonly token: string;
}

export interface GitRunOptions {
  /** Standard input: bytes, or a stream (an agent's pack, read as it is checked). */
  readonly input?: Buffer | string | Readable;
  /** Extra variables for this command alone (the quarantine's object directories). */
  readonly env?: Readonly<Record<string, string>>;
  /** Gives this command the token, through the askpass helper; only network commands need it. */
  readonly credential?: GitCredential;
  /** Exit statuses answered instead of thrown, for commands whose "no" is an answer. */
  readonly allowExit?: readonly number[] | "any";
}

export interface GitResult {
  readonly code: number;
  readonly stdout: Buffer;
  readonly stderr: string;
}

/** The environment of one action git process: a fixed set of variables, nothing inherited but PATH. */
export function actionGitEnvironment(path: string, options: Pick<GitRunOptions, "env" | "credential"> = {}): Record<string, string> {
  const env: Record<string, string> = {
    PATH: path,
    LC_ALL: "C",
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_CONFIG_GLOBAL: "/dev/null",
    GIT_ATTR_NOSYSTEM: "1",
    GIT_TERMINAL_PROMPT: "0",
    ...options.env,
  };
  if (options.credential !== undefined) {
    env["GIT_ASKPASS"] = options.credential.askpass;
    env[ASKPASS_TOKEN_VARIABLE] = options.credential.token;
  }
  return env;
}

/** Hides every copy of the token in text git printed. */
export function redactToken(text: string, token: string | undefined): string {
  if (token === undefined || token === "") return text;
  return text.split(token).join("***");
}

/** A git command that failed; its message and stderr never hold the token. */
export class GitError extends Error {
  constructor(
    readonly args: readonly string[],
    readonly code: number,
    readonly stderr: string,
  ) {
    super(`git ${args.join(" ")} failed (exit ${code}): ${stderr.trim() || "no message"}`);
    this.name = "GitError";
  }
}

export interface ActionGitOptions {
  /** The repository every command runs in (a bare repository's directory, or a clone's `.git`). */
  readonly gitDir: string;
  /** The work tree, for a clone the action checks out before its agent owns it. */
  readonly workTree?: string;
  /** The git program; tests give a wrapper that records each command line. */
  readonly gitPath?: string;
  /** PATH for git and what it runs (git-remote-http, the askpass helper's shell). */
  readonly path?: string;
}

const DEFAULT_PATH = "/usr/local/bin:/usr/bin:/bin";

export class ActionGit {
  readonly gitDir: string;
  private readonly workTree: string | undefined;
  private readonly gitPath: string;
  private readonly path: string;

  constructor(options: ActionGitOptions) {
    this.gitDir = options.gitDir;
    this.workTree = options.workTree;
    this.gitPath = options.gitPath ?? "git";
    this.path = options.path ?? process.env["PATH"] ?? DEFAULT_PATH;
  }

  /** The full argument list of a command in this repository: the safe options, then `args`. */
  argv(args: readonly string[]): string[] {
    const workTree = this.workTree === undefined ? [] : [`--work-tree=${this.workTree}`];
    return [...SAFE_GIT_OPTIONS, `--git-dir=${this.gitDir}`, ...workTree, ...args];
  }

  /** Runs git and returns its output; a non-zero exit throws a GitError with the token redacted. */
  run(args: readonly string[], options: GitRunOptions = {}): Promise<GitResult> {
    return this.runArgv(this.argv(args), this.gitDir, args, options);
  }

  /** Runs a command that makes a repository (`git clone`), in `cwd` and with no repository of its own. */
  runWithoutRepository(cwd: string, args: readonly string[], options: GitRunOptions = {}): Promise<GitResult> {
    return this.runArgv([...SAFE_GIT_OPTIONS, ...args], cwd, args, options);
  }

  private async runArgv(argv: readonly string[], cwd: string, args: readonly string[], options: GitRunOptions): Promise<GitResult> {
    const result = await this.spawnGit(argv, cwd, options);
    const allowed = options.allowExit === "any" || (options.allowExit ?? []).includes(result.code);
    if (result.code !== 0 && !allowed) {
      throw new GitError(args, result.code, result.stderr);
    }
    return result;
  }

  /** Runs git and returns its standard output as text without the last newline. */
  async text(args: readonly string[], options: GitRunOptions = {}): Promise<string> {
    return (await this.run(args, options)).stdout.toString("utf8").replace(/\n$/, "");
  }

  private spawnGit(argv: readonly string[], cwd: string, options: GitRunOptions): Promise<GitResult> {
    const token = options.credential?.token;
    return new Promise((resolve, reject) => {
      // Asynchronous on purpose: a git that waits on a server in this same process (the tests'
      // GitHub) must not stop that server from answering.
      const child = spawn(this.gitPath, argv, {
        cwd,
        env: actionGitEnvironment(this.path, options),
        stdio: ["pipe", "pipe", "pipe"],
      });
      const stdout: Buffer[] = [];
      const stderr: Buffer[] = [];
      child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
      child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
      child.on("error", reject);
      // git may exit before reading all its input (a refused pack); the exit status says why.
      child.stdin.on("error", () => undefined);
      child.on("close", (code) =>
        resolve({
          code: code ?? 128,
          stdout: Buffer.concat(stdout),
          stderr: redactToken(Buffer.concat(stderr).toString("utf8"), token),
        }),
      );
      const input = options.input ?? "";
      if (input instanceof Readable) {
        input.on("error", (error) => {
          child.kill();
          reject(error);
        });
        input.pipe(child.stdin);
      } else {
        child.stdin.end(input);
      }
    });
  }
}
