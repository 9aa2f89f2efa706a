// The agent as the action's own user, where the action runs without root (the local town started
// by an ordinary user): no user is made, and the agent is kept apart from the action not by a uid
// but by namespaces. In the sandbox (a user namespace an ordinary user may make, where the kernel
// allows it) nothing of the action's is in its reach: not its processes (a PID namespace of its
// own), not its files (a new root holding only the workspace's), not its network. Without the
// sandbox it reaches all the action's user can, and whoever chose that says so.
//
// Its processes are never ended by uid, which would end the action's own: each one a run starts is
// recorded here and ended by its sandbox (unshare's death takes the PID namespace and all in it)
// or, without one, by its process group.
import type { ChildProcess } from "node:child_process";
import { userInfo } from "node:os";
import type { AgentUser } from "./agent-user.js";

export type OwnProcessKind =
  /** unshare, whose PID namespace holds all the agent started. */
  | "sandbox"
  /** The leader of a process group of its own. */
  | "group";

interface Started {
  readonly child: ChildProcess;
  readonly kind: OwnProcessKind;
  readonly exited: Promise<void>;
}

// By the run's home, the one thing of the user that is the run's alone: two local jobs share the uid.
const started = new Map<string, Set<Started>>();

/** The agent's user for a run whose action is not root: the action's own. */
export function ownAgentUser(home: string): AgentUser {
  const { username, uid, gid } = userInfo();
  return { name: username, uid, gid, home, createdDenyFiles: [], own: true };
}

/** Records a process the run started as its own user, until it has ended. */
export function trackOwnProcess(user: Pick<AgentUser, "home">, child: ChildProcess, kind: OwnProcessKind): void {
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    child.once("exit", () => resolve());
    child.once("error", () => resolve());
  });
  const entry: Started = { child, kind, exited };
  const set = started.get(user.home) ?? new Set<Started>();
  started.set(user.home, set);
  set.add(entry);
  void exited.then(() => {
    // A group outlives its leader: it is ended with the rest when the run stops its processes.
    if (kind === "group") return;
    set.delete(entry);
    if (set.size === 0 && started.get(user.home) === set) started.delete(user.home);
  });
}

/**
 * Ends every process the run started as its own user. A sandbox is over when unshare is: the
 * kernel then ends its PID namespace's init and with it all in the namespace. A process group is
 * signalled whole, and its leader's output let go, as what left the group may still hold it.
 */
export async function stopOwnProcesses(user: Pick<AgentUser, "home">): Promise<void> {
  const set = started.get(user.home);
  if (set === undefined) return;
  const entries = [...set];
  for (const { child, kind } of entries) {
    try {
      if (kind === "group" && child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
      else child.kill("SIGKILL");
    } catch {
      // ended already
    }
  }
  await Promise.all(entries.map((entry) => entry.exited));
  for (const entry of entries) {
    if (entry.kind !== "group") continue;
    entry.child.stdout?.destroy();
    entry.child.stderr?.destroy();
    set.delete(entry);
  }
  if (set.size === 0 && started.get(user.home) === set) started.delete(user.home);
}
