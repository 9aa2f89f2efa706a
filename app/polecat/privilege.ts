// The polecat action does a few things only root can (make the agent's user, run a process as it,
// make a cgroup, kill what the agent left). On a GitHub-hosted runner it starts as `runner`, who
// has passwordless sudo; elsewhere it may start as root. One decision covers both: go on as root,
// or re-execute this same process once under `sudo -n -E`, so every later privileged step is a
// plain call and no secret ever goes into an argv (sudo -E carries the environment, where the
// token and the model key are), or stop and say how to run it.
import { spawn, spawnSync } from "node:child_process";
import { constants } from "node:os";

/** Set in the re-executed process, so it can tell that sudo did not make it root. */
export const REEXECUTED_VARIABLE = "GASTOWN_PRIVILEGED_REEXEC";

export interface PrivilegeFacts {
  readonly uid: number;
  /** Whether `sudo -n true` succeeds, and what it says when it does not; asked only when needed. */
  readonly sudo: () => SudoProbe;
  readonly reexecuted: boolean;
  /** node, its own options (`--enable-source-maps`…), and the script with its arguments. */
  readonly execPath: string;
  readonly execArgv: readonly string[];
  readonly argv: readonly string[];
}

export type SudoProbe = { readonly works: true } | { readonly works: false; readonly why: string };

export type PrivilegePlan =
  | { readonly kind: "privileged" }
  | { readonly kind: "reexecute"; readonly command: "sudo"; readonly args: readonly string[] }
  | { readonly kind: "refuse"; readonly message: string };

const HOW_TO_RUN = "Run it as root, or as a user with passwordless sudo (as on GitHub-hosted runners).";

export function planPrivilege(facts: PrivilegeFacts): PrivilegePlan {
  if (facts.uid === 0) return { kind: "privileged" };
  if (facts.reexecuted) {
    return {
      kind: "refuse",
      message: `The polecat action needs root, and after re-executing itself under \`sudo -n -E\` it still runs as uid ${facts.uid}. ${HOW_TO_RUN}`,
    };
  }
  const sudo = facts.sudo();
  if (!sudo.works) {
    return {
      kind: "refuse",
      message: `The polecat action needs root to run the agent as a user of its own; it runs as uid ${facts.uid}, and \`sudo -n true\` failed (${sudo.why}). ${HOW_TO_RUN}`,
    };
  }
  return {
    kind: "reexecute",
    command: "sudo",
    args: ["-n", "-E", "--", facts.execPath, ...facts.execArgv, ...facts.argv],
  };
}

export interface PrivilegeDependencies {
  readonly facts: () => PrivilegeFacts;
  /** Runs the plan's command with this process's stdio and environment; resolves to its exit status. */
  readonly reexecute: (command: string, args: readonly string[], env: NodeJS.ProcessEnv) => Promise<number>;
  readonly env: NodeJS.ProcessEnv;
  readonly exit: (code: number) => never;
}

/**
 * Returns when this process is root. Otherwise re-executes it under sudo and exits with the
 * copy's status, or throws saying how to run it (the action's entry turns that into the step's
 * failure).
 */
export async function ensurePrivileged(deps: PrivilegeDependencies = processPrivilegeDependencies()): Promise<void> {
  const plan = planPrivilege(deps.facts());
  if (plan.kind === "privileged") return;
  if (plan.kind === "refuse") throw new Error(plan.message);
  const status = await deps.reexecute(plan.command, plan.args, { ...deps.env, [REEXECUTED_VARIABLE]: "1" });
  deps.exit(status);
}

export function processPrivilegeDependencies(): PrivilegeDependencies {
  return {
    facts: () => ({
      uid: process.getuid?.() ?? 0,
      sudo: probeSudo,
      reexecuted: process.env[REEXECUTED_VARIABLE] === "1",
      execPath: process.execPath,
      execArgv: process.execArgv,
      argv: process.argv.slice(1),
    }),
    reexecute: runForwardingSignals,
    env: process.env,
    exit: (code) => process.exit(code),
  };
}

const SUDO_PROBE_TIMEOUT_MS = 10_000;

function probeSudo(): SudoProbe {
  // Nothing secret goes to the probe: only PATH, to find sudo.
  const probe = spawnSync("sudo", ["-n", "true"], {
    env: { PATH: process.env["PATH"] ?? "/usr/bin:/bin" },
    encoding: "utf8",
    timeout: SUDO_PROBE_TIMEOUT_MS,
    stdio: ["ignore", "ignore", "pipe"],
  });
  if (probe.error !== undefined) {
    const code = (probe.error as NodeJS.ErrnoException).code;
    return { works: false, why: code === "ENOENT" ? "there is no sudo" : probe.error.message };
  }
  if (probe.status === 0) return { works: true };
  return { works: false, why: probe.stderr.trim() || `exit status ${probe.status ?? probe.signal}` };
}

const FORWARDED_SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

/** Runs the command in the foreground, passing on the signals a runner sends to cancel a step. */
function runForwardingSignals(command: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { env, stdio: "inherit" });
    const forward = (signal: NodeJS.Signals) => { child.kill(signal); };
    for (const signal of FORWARDED_SIGNALS) process.on(signal, forward);
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      for (const name of FORWARDED_SIGNALS) process.off(name, forward);
      resolvePromise(code ?? 128 + signalNumber(signal));
    });
  });
}

function signalNumber(signal: NodeJS.Signals | null): number {
  return signal === null ? 1 : constants.signals[signal];
}
