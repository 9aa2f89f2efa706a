// A polecat workspace for a test, laid out as the action lays one out (notes in polecat-layout):
// root's directories the agent may read, and the agent's own (home, clone, outbox, tmp), with a
// git clone that has one commit, and a `gt` stand-in that appends its arguments to the outbox.
import { execFileSync } from "node:child_process";
import { chmod, chown, mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { join } from "node:path";

export interface AgentWorkspace {
  readonly root: string;
  readonly bin: string;
  readonly home: string;
  readonly clone: string;
  readonly outbox: string;
  readonly tmp: string;
}

export const AUTHOR = { name: "Polecat Nux", email: "nux@polecats.invalid" };

const GT_STAND_IN = `#!/bin/sh
# Stands in for the runner's gt: records each call in the outbox, as the real one records intents.
printf '%s\\n' "$*" >> "$GASTOWN_OUTBOX"
`;

export async function makeAgentWorkspace(parent: string, owner: { readonly uid: number; readonly gid: number }): Promise<AgentWorkspace> {
  const root = await mkdtemp(join(parent, "run-"));
  await chmod(root, 0o711);
  const agent = join(root, "agent");
  const bin = join(agent, "bin");
  await mkdir(bin, { recursive: true, mode: 0o755 });
  await writeFile(join(bin, "gt"), GT_STAND_IN, { mode: 0o755 });
  const workspace: AgentWorkspace = {
    root, bin,
    home: join(agent, "home"),
    clone: join(agent, "clone"),
    outbox: join(agent, "outbox"),
    tmp: join(agent, "tmp"),
  };
  for (const own of [workspace.home, workspace.outbox, workspace.tmp]) {
    await mkdir(own, { mode: 0o700 });
    await chown(own, owner.uid, owner.gid);
  }
  const git = (...args: string[]) => execFileSync("git", args, {
    cwd: workspace.clone,
    env: { PATH: "/usr/bin:/bin", GIT_CONFIG_NOSYSTEM: "1", GIT_CONFIG_GLOBAL: "/dev/null" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  await mkdir(workspace.clone, { mode: 0o700 });
  git("init", "-q", "-b", "main");
  git("config", "user.name", AUTHOR.name);
  git("config", "user.email", AUTHOR.email);
  await writeFile(join(workspace.clone, "README.md"), "# A town\n");
  git("add", "README.md");
  git("commit", "-q", "-m", "First commit");
  execFileSync("chown", ["-R", `${owner.uid}:${owner.gid}`, workspace.clone]);
  return workspace;
}
