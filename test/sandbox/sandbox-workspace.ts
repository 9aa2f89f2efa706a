// A polecat workspace ready for the agent's sandbox, with a user of its own, for the sandbox's
// tests and its bench: made as the action makes it (makeWorkspace, the init beside `gt`), in a
// temporary directory the agent's user may pass through, and removed with the user.
import { chmod, chown, mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AgentCgroup } from "../../app/polecat/agent-cgroup.js";
import type { AgentUser } from "../../app/polecat/agent-user.js";
import { agentHome, makeWorkspace, writeStepFiles, type PolecatWorkspace } from "../../app/polecat/polecat-workspace.js";
import { prepareSandbox } from "../../app/polecat/sandbox/run-in-sandbox.js";
import { workspaceSandboxSpec, type SandboxBridge, type SandboxSpec } from "../../app/polecat/sandbox/sandbox-plan.js";
import { requireRoot } from "../agents/needs-root.js";
import { createTestAgentUser, removeTestAgentUser, removeUsersOfDeadRuns } from "../agents/test-agent-users.js";
import { GT_BUNDLE, ROOT } from "../polecat/polecat-harness.js";

/** The committed init bundle, as the action ships it. */
export const SANDBOX_INIT_BUNDLE = join(ROOT, "action/polecat/dist/sandbox-init.js");
export const NO_CGROUP: AgentCgroup = { kind: "none", why: "not asked for" };

export interface SandboxWorkspace {
  /** The temporary directory holding the run's workspace (`run-1`). */
  readonly dir: string;
  readonly user: AgentUser;
  readonly workspace: PolecatWorkspace;
  /** The action's sockets directory, 0700 root. */
  readonly sockets: string;
  readonly spec: SandboxSpec;
  close(): Promise<void>;
}

/** `bridges` are given the sockets directory and name their sockets in it. */
export async function makeSandboxWorkspace(bridges: (sockets: string) => readonly SandboxBridge[] = () => []): Promise<SandboxWorkspace> {
  requireRoot();
  await removeUsersOfDeadRuns();
  const dir = await mkdtemp(join(tmpdir(), "gastown-sandbox-"));
  // The agent's user passes through to its workspace, as under /var/lib/gastown.
  await chmod(dir, 0o711);
  const root = join(dir, "run-1");
  const user = await createTestAgentUser({ home: agentHome(root) });
  const workspace = await makeWorkspace(root, user, { node: process.execPath, gtBundle: GT_BUNDLE });
  await mkdir(workspace.clone, { mode: 0o755 });
  await chown(workspace.clone, user.uid, user.gid);
  await writeStepFiles(workspace, { ledger: '{"id":"gt-1"}\n', prompt: "Fix the pumps.\n" });
  const sockets = join(workspace.actionDir, "sockets");
  await mkdir(sockets, { mode: 0o700 });
  const spec = workspaceSandboxSpec(workspace, { readOnly: [], sockets, bridges: bridges(sockets) });
  await prepareSandbox(workspace, spec, SANDBOX_INIT_BUNDLE);
  return {
    dir, user, workspace, sockets, spec,
    async close() {
      await removeTestAgentUser(user);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
