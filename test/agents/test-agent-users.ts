// Agent users for tests: named after the test process (`gtagent-test-<pid>` for the agent CLI
// tests' shared user, `gtagent-test-<pid>-<n>` for a test's own), so a run can tell the users a
// killed run left behind (their pid is gone) and remove them; the local town's too.
import { execFileSync } from "node:child_process";
import { readFile } from "node:fs/promises";
import {
  agentUserName, allowScheduling, createAgentUser, removeAgentUser, SCHEDULER_DENY_FILES, userIds,
  type AgentUser, type CreateAgentUserOptions,
} from "../../app/polecat/agent-user.js";
import { systemTool } from "../../app/polecat/system-tools.js";
import { isRunning, killAllProcessesOf } from "../../app/polecat/user-processes.js";

// The local town's (local-town/polecat-job.ts) are `gtagent-town-<pid>-<n>`, removed the same way.
const TEST_USER = /^gtagent-(?:test|town)-(\d+)(?:-\d+)?$/;
let made = 0;

/** The shared user's name (n absent) or a test's own. */
export function testAgentUserName(n?: number): string {
  return agentUserName(n === undefined ? `test-${process.pid}` : `test-${process.pid}-${n}`);
}

export async function createTestAgentUser(options: CreateAgentUserOptions): Promise<AgentUser> {
  return createAgentUser(testAgentUserName(++made), options);
}

/** Ends the user's processes and removes it with its files. */
export async function removeTestAgentUser(user: AgentUser, paths: readonly string[] = []): Promise<void> {
  await killAllProcessesOf(user);
  await removeAgentUser(user, { paths });
}

export async function removeUsersOfDeadRuns(): Promise<void> {
  const passwd = await readFile("/etc/passwd", "utf8");
  for (const line of passwd.split("\n")) {
    const name = line.split(":")[0] ?? "";
    const pid = TEST_USER.exec(name)?.[1];
    if (pid === undefined || isRunning(Number(pid))) continue;
    try {
      await killAllProcessesOf(await userIds(name));
      execFileSync(systemTool("userdel"), [name], { stdio: "ignore" });
      await allowScheduling(name, SCHEDULER_DENY_FILES, []);
    } catch {
      // another run removed it first
    }
  }
}
