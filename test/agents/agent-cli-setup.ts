// Global setup of the agent CLI tests (the `agent-cli` project in vitest.config.ts, so only a run
// that includes them pays for it): installs the pinned Claude Code, Codex and Gemini CLI with the
// action's own installer into a cache kept between runs on this machine (the first run downloads
// some 400, 410 and 100 MB from the npm registry, later runs find them), and makes one agent user
// for all the tests, removed at the end.
// Without root it provides the reason instead, and every test that needs the runtime fails with it.
import { chmod, chown, mkdir, mkdtemp } from "node:fs/promises";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { AGENT_PACKAGES } from "../../app/polecat/agent-packages.js";
import { createAgentUser } from "../../app/polecat/agent-user.js";
import { installAgent, type InstalledAgent } from "../../app/polecat/install-agent.js";
import { rootUnavailable } from "./needs-root.js";
import { removeTestAgentUser, removeUsersOfDeadRuns, testAgentUserName } from "./test-agent-users.js";

/** World-readable, on local disk, kept between runs: the agent's user runs the CLI from here. */
export const TEST_AGENT_CACHE = "/var/cache/gastown-tests/agents";

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const why = rootUnavailable();
  if (why !== null) {
    project.provide("agentRuntime", { ok: false, reason: why });
    return async () => {};
  }
  await removeUsersOfDeadRuns();
  const claude = await installAgent(AGENT_PACKAGES.claude, { cacheRoot: TEST_AGENT_CACHE });
  const codex = await installAgent(AGENT_PACKAGES.codex, { cacheRoot: TEST_AGENT_CACHE });
  const gemini = await installAgent(AGENT_PACKAGES.gemini, { cacheRoot: TEST_AGENT_CACHE });
  const installed = ({ executable, prefix, installed: fresh }: InstalledAgent) => ({ executable, prefix, installed: fresh });

  const workRoot = await mkdtemp("/tmp/gastown-agent-cli-");
  await chmod(workRoot, 0o711);
  const home = join(workRoot, "home");
  const user = await createAgentUser(testAgentUserName(), { home });
  await mkdir(home, { mode: 0o700 });
  await chown(home, user.uid, user.gid);

  project.provide("agentRuntime", {
    ok: true,
    claude: installed(claude),
    codex: installed(codex),
    gemini: installed(gemini),
    user: { name: user.name, uid: user.uid, gid: user.gid, home },
    workRoot,
  });
  return () => removeTestAgentUser(user, [workRoot]);
}
