// What the agent's sandbox is made of, as the shell script that makes it: run as root by `unshare`
// in new PID, mount and network namespaces, it builds a new root from a tmpfs and bind mounts,
// pivots into it, and runs the init (sandbox-init.ts), which starts the agent as its user.
//
// The new root holds the system (/usr, /etc and the usrmerge links), the paths the spec lists
// (read-only, or writable: the clone, the home, the outbox, the agent's tmp), a minimal /dev, a
// /proc of the new PID namespace, private /tmp and /var/tmp, and the proxies' sockets directory at
// /run/gastown. Nothing else of the runner is there: not /home, /root, /opt, the rest of /var and
// /run, the action's own directory, the host's /proc or /sys.
//
// The script is on unshare's command line, which every user may read: it holds paths only. What
// the init needs to start the agent (its environment) reaches it on a pipe (run-in-sandbox.ts).
import { join, posix } from "node:path";
import type { PolecatWorkspace } from "../polecat-workspace.js";
import { SANDBOX_CONFIG_FD } from "./sandbox-init-config.js";

/** The bridges' ports inside the sandbox's own network namespace (see sandbox-overview). */
export const EGRESS_BRIDGE_PORT = 3128;
export const MODEL_BRIDGE_PORT = 4180;

/** Where the sockets directory appears inside: 0700 root there as outside, so the agent cannot open it. */
export const SANDBOX_SOCKETS = "/run/gastown";

/** Bound read-only where they are directories, made links where they are links, left out where missing. */
export const SYSTEM_PATHS: readonly string[] = ["/usr", "/etc", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"];

/** A 127.0.0.1 port inside the sandbox forwarded to a Unix socket in the sockets directory. */
export interface SandboxBridge {
  readonly port: number;
  /** The socket's path outside, in `SandboxSpec.sockets`. */
  readonly socket: string;
}

export interface SandboxSpec {
  /** The new root's mount point: an empty directory only root can enter, made by the action. */
  readonly root: string;
  /** Bound read-only at the same path: files or directories (the workspace's agent directory, the agent CLI's prefix, …). */
  readonly readOnly: readonly string[];
  /** Bound writable at the same path: the clone, the home, the outbox directory, the agent's tmp. */
  readonly writable: readonly string[];
  /** The proxies' sockets directory (root's, 0700), bound at /run/gastown. */
  readonly sockets: string;
  readonly bridges: readonly SandboxBridge[];
  /** The node the init runs on, and the init's bundle: both inside a read-only path. */
  readonly node: string;
  readonly init: string;
  /** The system paths; SYSTEM_PATHS unless given. */
  readonly system?: readonly string[];
}

/** The init's bundle, beside the agent's `gt` in the workspace's bin (run-in-sandbox.ts puts it there). */
export const SANDBOX_INIT_FILE = "sandbox-init.js";

export interface WorkspaceSandboxOptions {
  /** More read-only paths: the agent CLI's install prefix, its settings file, a `polecat.command` file. */
  readonly readOnly: readonly string[];
  readonly sockets: string;
  readonly bridges: readonly SandboxBridge[];
}

/** The usual sandbox of a polecat run's workspace: its root in the action's directory. */
export function workspaceSandboxSpec(workspace: PolecatWorkspace, options: WorkspaceSandboxOptions): SandboxSpec {
  return {
    root: join(workspace.actionDir, "sandbox-root"),
    readOnly: [workspace.agentDir, ...options.readOnly],
    writable: [workspace.clone, workspace.home, workspace.outboxDir, workspace.tmp],
    sockets: options.sockets,
    bridges: options.bridges,
    node: workspace.node,
    init: join(workspace.bin, SANDBOX_INIT_FILE),
  };
}

/** Where a bridge's socket is inside the sandbox. */
export function socketInside(spec: Pick<SandboxSpec, "sockets">, socket: string): string {
  const relative = posix.relative(spec.sockets, socket);
  if (relative === "" || relative.startsWith("..") || posix.isAbsolute(relative)) {
    throw new Error(`the bridge's socket ${socket} is not in the sockets directory ${spec.sockets}`);
  }
  return posix.join(SANDBOX_SOCKETS, relative);
}

// What the sandbox makes itself: nothing is bound over them, nor in the first three. (A bind in
// the private /tmp is fine: a workspace in the runner's temp is bound on top of it.)
const OWN_PATHS = ["/dev", "/proc", SANDBOX_SOCKETS, "/", "/tmp", "/var/tmp"];
const OWN_TREES = 3;
const DEVICES = ["null", "zero", "full", "random", "urandom", "tty"];
const DEVICE_LINKS: readonly (readonly [string, string])[] = [
  ["fd", "/proc/self/fd"], ["stdin", "/proc/self/fd/0"], ["stdout", "/proc/self/fd/1"], ["stderr", "/proc/self/fd/2"],
];

/** The script `sh -c` runs inside the new namespaces, as root; it ends by running the init and waiting for it. */
export function sandboxScript(spec: SandboxSpec): string {
  checkSpec(spec);
  const root = spec.root;
  const at = (path: string) => q(join(root, path));
  const binds = [
    ...spec.readOnly.map((path) => ({ path, mode: "ro" as const })),
    ...spec.writable.map((path) => ({ path, mode: "rw" as const })),
  ].sort((a, b) => depth(a.path) - depth(b.path) || a.path.localeCompare(b.path));
  return [
    "set -eu",
    "umask 022",
    // Commands are looked up here only: the environment is empty, and nothing of the agent's is on it.
    "PATH=/usr/sbin:/usr/bin:/sbin:/bin",
    // where(src, dst): dst made to bind src over, a directory or a file like it.
    'where() { if [ -d "$1" ]; then [ -d "$2" ] || mkdir -p "$2"; else [ -d "${2%/*}" ] || mkdir -p "${2%/*}"; [ -e "$2" ] || touch "$2"; fi; }',
    // util-linux applies a bind's ro, nosuid and nodev by remounting it at once (2.27 and later).
    'bind_ro() { where "$1" "$2"; mount -n --bind -o ro,nosuid,nodev "$1" "$2"; }',
    'bind_rw() { where "$1" "$2"; mount -n --bind -o nosuid,nodev "$1" "$2"; }',
    'system() { if [ -L "$1" ]; then ln -s "$(readlink "$1")" "$2"; elif [ -e "$1" ]; then bind_ro "$1" "$2"; fi; }',
    // No mount made here reaches the host's namespace, whatever the host's propagation.
    // -n everywhere: libmount would record bind mounts in the host's /run/mount/utab (a file, shared).
    "mount -n --make-rprivate /",
    `mount -n -t tmpfs -o mode=0755,nosuid,nodev gastown-root ${q(root)}`,
    ...(spec.system ?? SYSTEM_PATHS).map((path) => `system ${q(path)} ${at(path)}`),
    `mkdir ${at("/dev")}`,
    `mount -n -t tmpfs -o mode=0755,nosuid,nodev,noexec gastown-dev ${at("/dev")}`,
    ...DEVICES.map((name) => `touch ${at(`/dev/${name}`)} && mount -n --bind -o nosuid,noexec ${q(`/dev/${name}`)} ${at(`/dev/${name}`)}`),
    ...DEVICE_LINKS.map(([name, target]) => `ln -s ${q(target)} ${at(`/dev/${name}`)}`),
    `mkdir ${at("/dev/shm")}`,
    `mount -n -t tmpfs -o mode=1777,nosuid,nodev gastown-shm ${at("/dev/shm")}`,
    // The new PID namespace's own: it lists the sandbox's processes and no other.
    `mkdir ${at("/proc")}`,
    `mount -n -t proc -o nosuid,nodev,noexec proc ${at("/proc")}`,
    // Before the binds: a bound path may lie under /tmp (a workspace in the runner's temp).
    `mkdir -p ${at("/tmp")} ${at("/var/tmp")}`,
    `mount -n -t tmpfs -o mode=1777,nosuid,nodev gastown-tmp ${at("/tmp")}`,
    `mount -n -t tmpfs -o mode=1777,nosuid,nodev gastown-var-tmp ${at("/var/tmp")}`,
    `bind_ro ${q(spec.sockets)} ${at(SANDBOX_SOCKETS)}`,
    // Parents first, so a writable path inside a read-only one is bound over it.
    ...binds.map(({ path, mode }) => `bind_${mode} ${q(path)} ${at(path)}`),
    `mkdir ${at("/.old-root")}`,
    `cd ${q(root)}`,
    "pivot_root . .old-root",
    "umount -n -l /.old-root",
    "rmdir /.old-root",
    "mount -n -o remount,bind,ro,nosuid,nodev /",
    "cd /",
    // The shell stays PID 1, for what node cannot do: reap the processes the agent orphans (its
    // `wait` collects any child). It exits with the init's status when the init exits, and with
    // it, PID 1, the namespace and all left in it. The init keeps the agent's stdin (a job in the
    // background would get /dev/null for it, before its own redirections: hence fd 4).
    "set +e",
    "exec 4<&0",
    `${q(spec.node)} ${q(spec.init)} 0<&4 4<&- &`,
    `exec ${SANDBOX_CONFIG_FD}<&- 4<&- 0</dev/null`,
    "wait $!",
    "exit $?",
  ].join("\n") + "\n";
}

function checkSpec(spec: SandboxSpec): void {
  const writable = spec.writable;
  const all = [spec.root, spec.sockets, spec.node, spec.init, ...spec.readOnly, ...writable, ...(spec.system ?? [])];
  for (const path of all) {
    if (!posix.isAbsolute(path) || posix.normalize(path) !== path || (path !== "/" && path.endsWith("/"))) {
      throw new Error(`the sandbox's path "${path}" is not absolute and normal`);
    }
  }
  for (const path of [...spec.readOnly, ...writable]) {
    const own = OWN_PATHS.find((mine, n) => path === mine || (n < OWN_TREES && inside(mine, path)));
    if (own !== undefined) throw new Error(`the sandbox makes ${own} itself; ${path} cannot be bound there`);
    // A path the agent could write holds nothing bound by root: a link it left there would move the mount.
    const under = writable.find((parent) => inside(parent, path));
    if (under !== undefined) throw new Error(`${path} lies inside the writable ${under}; nothing is bound inside a writable path`);
  }
  const seen = new Set<string>();
  for (const path of [...spec.readOnly, ...writable]) {
    if (seen.has(path)) throw new Error(`${path} is bound twice`);
    seen.add(path);
  }
  for (const bridge of spec.bridges) {
    if (!Number.isInteger(bridge.port) || bridge.port < 1 || bridge.port > 65535) throw new Error(`the bridge's port ${bridge.port} is not a port`);
    socketInside(spec, bridge.socket);
  }
  if (new Set(spec.bridges.map((bridge) => bridge.port)).size !== spec.bridges.length) throw new Error("two bridges share a port");
}

function inside(parent: string, path: string): boolean {
  return path.startsWith(`${parent}/`);
}

function depth(path: string): number {
  return path.split("/").length;
}

/** One shell word, whatever the text. */
function q(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}
