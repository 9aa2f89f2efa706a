// What the sandbox's init is told (on a pipe, never on a command line: the agent's environment
// may hold the run's dummy model key), and the command line it starts the agent with: setpriv
// where root made the sandbox, a nested user namespace where an ordinary user did.
import type { UserIds } from "../user-processes.js";

export interface SandboxInitConfig {
  /** 127.0.0.1 ports forwarded to sockets, by their path inside the sandbox. */
  readonly bridges: readonly { readonly port: number; readonly socket: string }[];
  readonly uid: number;
  readonly gid: number;
  readonly argv: readonly string[];
  /** The agent's whole environment. */
  readonly env: Readonly<Record<string, string>>;
  readonly cwd: string;
  /** setpriv's path, and whether it can clear the inheritable and bounding capability sets. */
  readonly setpriv: string;
  readonly dropCapabilities: boolean;
  /**
   * Where an ordinary user made the sandbox (in a user namespace of its own, where it is root and
   * the agent's uid and gid are its own): the unshare that maps them, in a nested user namespace,
   * onto that root. null where root made it, and setpriv takes the agent's user.
   */
  readonly userNamespace: { readonly unshare: string } | null;
}

/** The file descriptor the config arrives on; the init closes it before the agent starts. */
export const SANDBOX_CONFIG_FD = 3;

/** setpriv's options that make a process the user's: no groups, and no way to gain privileges. */
export function setprivOptions(user: Pick<UserIds, "uid" | "gid">): string[] {
  return [`--reuid=${user.uid}`, `--regid=${user.gid}`, "--clear-groups", "--no-new-privs"];
}

/** The argv the init runs: the agent as its user, with no capability it could ever get back. */
export function sandboxedAgentArgv(config: SandboxInitConfig): string[] {
  if (config.userNamespace !== null) {
    // The agent is not root in its namespace (the init is, in the one outside it): unshare's exec
    // as the mapped uid leaves it no capability, here or in any namespace outside. setpriv then
    // needs none to set no-new-privs and clear the inheritable set; the bounding set is left
    // (clearing it needs a capability, and no-new-privs keeps an exec from gaining any anyway).
    return [
      config.userNamespace.unshare, "--user", `--map-user=${config.uid}`, `--map-group=${config.gid}`, "--",
      config.setpriv, "--no-new-privs", ...(config.dropCapabilities ? ["--inh-caps=-all"] : []), "--", ...config.argv,
    ];
  }
  return [
    config.setpriv, ...setprivOptions(config),
    ...(config.dropCapabilities ? ["--inh-caps=-all", "--bounding-set=-all"] : []),
    "--", ...config.argv,
  ];
}

export function parseSandboxInitConfig(text: string): SandboxInitConfig {
  const value = JSON.parse(text) as SandboxInitConfig;
  const strings = (list: unknown) => Array.isArray(list) && list.every((item) => typeof item === "string");
  const ok = typeof value === "object" && value !== null
    && Array.isArray(value.bridges)
    && value.bridges.every((bridge) => Number.isInteger(bridge.port) && typeof bridge.socket === "string")
    && Number.isInteger(value.uid) && value.uid > 0 && Number.isInteger(value.gid) && value.gid > 0
    && strings(value.argv) && value.argv.length > 0
    && typeof value.env === "object" && value.env !== null && strings(Object.values(value.env))
    && typeof value.cwd === "string" && typeof value.setpriv === "string" && typeof value.dropCapabilities === "boolean"
    && (value.userNamespace === null || (typeof value.userNamespace === "object" && typeof value.userNamespace.unshare === "string"));
  if (!ok) throw new Error("the sandbox's init was given a config it cannot read");
  return value;
}
