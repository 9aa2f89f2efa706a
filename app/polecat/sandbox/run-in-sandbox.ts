// Starts the agent's process in its sandbox: `unshare` (as root) makes new PID, mount, network and
// IPC namespaces and runs the script sandbox-plan.ts builds, which makes the new root and runs the
// init (sandbox-init.ts), which starts the agent as its user. The init's config, the agent's
// environment with it, goes on a pipe (fd 3): the command line every user can read holds paths only.
//
// Without root (the local town run by an ordinary user, own-user.ts), unshare first makes a user
// namespace where that user is root, which owns the others: the same script and init run in it,
// and the init starts the agent in a nested user namespace as a user that is not root there.
//
// util-linux and not bubblewrap: unshare, setpriv, mount and pivot_root are on every runner
// (GitHub's images, this machine), so nothing is installed. bwrap, as @anthropic-ai/sandbox-runtime
// runs it, would run as the agent's user and make an unprivileged user namespace: that needs the
// bubblewrap and socat packages installed, and the AppArmor restriction below lifted, on every
// runner. Root making the namespaces directly needs neither.
//
// AppArmor: `kernel.apparmor_restrict_unprivileged_userns` (GitHub's Ubuntu 24.04 runners) applies
// to creating a *user* namespace without CAP_SYS_ADMIN. Here root, with CAP_SYS_ADMIN, makes PID,
// mount, network and IPC namespaces and no user namespace, so nothing has to be lifted. Where
// something else refuses (a container's root without CAP_SYS_ADMIN, a seccomp profile),
// probeSandbox says what.
import { execFile, execFileSync, spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { chmod, copyFile, mkdir } from "node:fs/promises";
import { join } from "node:path";
import type { Writable } from "node:stream";
import { promisify } from "node:util";
import { argvInCgroup, type AgentCgroup } from "../agent-cgroup.js";
import type { AgentSpawn, AgentUser } from "../agent-user.js";
import { trackOwnProcess } from "../own-user.js";
import type { PolecatWorkspace } from "../polecat-workspace.js";
import { systemTool } from "../system-tools.js";
import type { UserIds } from "../user-processes.js";
import { SANDBOX_CONFIG_FD, type SandboxInitConfig } from "./sandbox-init-config.js";
import { SANDBOX_INIT_FILE, sandboxScript, socketInside, type SandboxSpec } from "./sandbox-plan.js";

const run = promisify(execFile);

/**
 * unshare's options: the PID, mount and network namespaces, and the PID namespace's init killed if
 * unshare dies. Also a new IPC namespace: the host's System V shared memory, semaphores and message
 * queues are not the agent's to reach. (The network namespace also takes the host's abstract Unix
 * sockets, D-Bus's and systemd's among them, out of reach.)
 */
const UNSHARE_OPTIONS = ["--pid", "--fork", "--kill-child", "--mount", "--net", "--ipc", "--propagation", "private"];

/**
 * Without root, first a user namespace where the action's user is root; it owns the namespaces
 * made with it. setpriv's death signal: the sandbox ends with the action, as no cgroup or uid
 * could find it afterwards.
 */
function ownUserPrefix(): string[] {
  return [systemTool("setpriv"), "--pdeathsig=KILL", "--", systemTool("unshare"), "--user", "--map-root-user"];
}

/** The argv that builds the sandbox and runs its init, in the agent's cgroup. */
export function sandboxArgv(spec: SandboxSpec, cgroup: AgentCgroup, options: { readonly ownUser?: boolean } = {}): string[] {
  return argvInCgroup(cgroup, [
    ...options.ownUser ? ownUserPrefix() : [systemTool("unshare")], ...UNSHARE_OPTIONS, "--", systemTool("sh"), "-c", sandboxScript(spec), "gastown-sandbox",
  ]);
}

/** What the init is told for this agent process. */
export function sandboxInitConfig(user: UserIds & Pick<AgentUser, "own">, spec: AgentSpawn & { readonly sandbox: SandboxSpec }): SandboxInitConfig {
  return {
    bridges: spec.sandbox.bridges.map((bridge) => ({ port: bridge.port, socket: socketInside(spec.sandbox, bridge.socket) })),
    uid: user.uid,
    gid: user.gid,
    argv: spec.argv,
    env: spec.env,
    cwd: spec.cwd,
    setpriv: systemTool("setpriv"),
    dropCapabilities: setprivDropsCapabilities(),
    userNamespace: user.own ? { unshare: systemTool("unshare") } : null,
  };
}

/** spawnAsAgent's counterpart: the agent in its sandbox, its status the agent's (128 + n for signal n). */
export function spawnInSandbox(user: UserIds & Pick<AgentUser, "home" | "own">, spec: AgentSpawn & { readonly sandbox: SandboxSpec }): ChildProcessWithoutNullStreams {
  const child = startSandbox(sandboxArgv(spec.sandbox, spec.cgroup, { ownUser: user.own === true }), sandboxInitConfig(user, spec));
  if (user.own) trackOwnProcess(user, child, "sandbox");
  return child;
}

/** Runs a sandbox's argv with its init's config on the pipe. */
export function startSandbox(argv: readonly string[], config: SandboxInitConfig): ChildProcessWithoutNullStreams {
  // Nothing of the action's environment: the script sets its own PATH, the init takes the agent's from the pipe.
  const child = spawn(argv[0]!, argv.slice(1), { env: {}, cwd: "/", stdio: ["pipe", "pipe", "pipe", "pipe"] });
  const pipe = child.stdio[SANDBOX_CONFIG_FD] as Writable;
  // The sandbox may fail before its init reads: its stderr says why, not a broken pipe here.
  pipe.on("error", () => undefined);
  pipe.end(JSON.stringify(config));
  return child as ChildProcessWithoutNullStreams;
}

/**
 * The sandbox's root mount point (empty, root's only) and its init beside the agent's `gt`, where
 * the read-only workspace bind makes it visible inside.
 */
export async function prepareSandbox(workspace: PolecatWorkspace, spec: SandboxSpec, initBundle: string): Promise<void> {
  await mkdir(spec.root, { recursive: true, mode: 0o700 });
  await chmod(spec.root, 0o700);
  const init = join(workspace.bin, SANDBOX_INIT_FILE);
  await copyFile(initBundle, init);
  await chmod(init, 0o644);
}

let dropsCapabilities: boolean | undefined;

/** Whether this setpriv can clear the inheritable and bounding sets (util-linux 2.31 and later can). */
function setprivDropsCapabilities(): boolean {
  if (dropsCapabilities === undefined) {
    const help = execFileSync(systemTool("setpriv"), ["--help"], { encoding: "utf8", env: {} });
    dropsCapabilities = help.includes("--inh-caps") && help.includes("--bounding-set");
  }
  return dropsCapabilities;
}

const PROBE_TIMEOUT_MS = 10_000;

/**
 * Whether this machine lets the action make the sandbox: as root, the tools and the kernel allowing
 * new PID, mount and network namespaces with a tmpfs and a fresh /proc in them; as another user,
 * the same in a user namespace of its own, and an unshare that maps a user in a nested one.
 */
export async function probeSandbox(options: {
  /** A command the probe runs under (the tests take CAP_SYS_ADMIN away with setpriv). */
  readonly under?: readonly string[];
  /** This process's uid; its own unless given. */
  readonly uid?: number;
} = {}): Promise<{ ok: true } | { ok: false; why: string }> {
  const uid = options.uid ?? process.getuid?.() ?? 0;
  const ownUser = uid !== 0;
  let argv: string[];
  try {
    for (const tool of ["setpriv", "ip", "mount", "umount", "pivot_root"]) systemTool(tool);
    if (ownUser && !execFileSync(systemTool("unshare"), ["--help"], { encoding: "utf8", env: {} }).includes("--map-user")) {
      return { ok: false, why: "without root the sandbox needs an unshare that maps a user (--map-user: util-linux 2.38 or later)" };
    }
    argv = [...(options.under ?? []), ...ownUser ? ownUserPrefix() : [systemTool("unshare")], ...UNSHARE_OPTIONS, "--", systemTool("sh"), "-c",
      "mount -n --make-rprivate / && mount -n -t tmpfs gastown-probe /mnt && mount -n -t proc proc /proc", "gastown-probe"];
  } catch (error) {
    return { ok: false, why: (error as Error).message };
  }
  try {
    await run(argv[0]!, argv.slice(1), { env: { PATH: "/usr/sbin:/usr/bin:/sbin:/bin" }, timeout: PROBE_TIMEOUT_MS });
    return { ok: true };
  } catch (error) {
    const said = ((error as { stderr?: string }).stderr ?? (error as Error).message).trim();
    return {
      ok: false,
      why: ownUser
        ? `this machine does not let uid ${uid} make the agent's sandbox (a user namespace, and PID, mount and network namespaces in it): ${said}. `
          + "Unprivileged user namespaces may be switched off (kernel.unprivileged_userns_clone, or AppArmor's kernel.apparmor_restrict_unprivileged_userns); run as root instead."
        : `this machine does not let root make the agent's sandbox (new PID, mount and network namespaces): ${said}. `
          + "A container needs CAP_SYS_ADMIN (docker run --privileged) for it; set `polecat.sandbox: off` to run the agent unisolated.",
    };
  }
}
