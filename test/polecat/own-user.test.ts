// The agent as the action's own user (own-user.ts), without the sandbox: its processes are ended
// by the process group each was started in, never by uid (which would end the action's own), and
// one run's stop leaves another run's processes alone.
import { readFileSync } from "node:fs";
import { userInfo } from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import type { AgentCgroup } from "../../app/polecat/agent-cgroup.js";
import { spawnAsAgent, stopAgentProcesses } from "../../app/polecat/agent-user.js";
import { ownAgentUser } from "../../app/polecat/own-user.js";
import { firstLine } from "../sandbox/sandbox-processes.js";

const NO_CGROUP: AgentCgroup = { kind: "none", why: "not asked for" };

describe("the action's own user as the agent's", () => {
  it("is this process's user, made by nobody and marked as its own", () => {
    const { username, uid, gid } = userInfo();
    expect(ownAgentUser("/w/run-1/agent/home")).toEqual({ name: username, uid, gid, home: "/w/run-1/agent/home", createdDenyFiles: [], own: true });
  });

  it("has the processes a run started ended by their group, what they started included, and another run's left", async () => {
    const one = ownAgentUser("/w/run-1/agent/home");
    const other = ownAgentUser("/w/run-2/agent/home");
    const start = (user: typeof one) => spawnAsAgent(user, {
      argv: ["/bin/sh", "-c", "sleep 1000 & echo $!; wait"], env: { PATH: "/usr/bin:/bin" }, cwd: "/", cgroup: NO_CGROUP,
    });
    const first = start(one);
    const second = start(other);
    const [firstSleep, secondSleep] = [Number((await firstLine(first)).trim()), Number((await firstLine(second)).trim())];
    expect([alive(first.pid!), alive(firstSleep), alive(second.pid!), alive(secondSleep)]).toEqual([true, true, true, true]);

    expect(await stopAgentProcesses(one, NO_CGROUP)).toEqual({ by: "own", killRounds: 0 });
    expect(await untilGone([first.pid!, firstSleep])).toEqual([]);
    expect([alive(second.pid!), alive(secondSleep)]).toEqual([true, true]);
    // The action itself is the same user, and runs on.
    expect(alive(process.pid)).toBe(true);

    await stopAgentProcesses(other, NO_CGROUP);
    expect(await untilGone([second.pid!, secondSleep])).toEqual([]);
  });

  it("lets a stop find nothing to do when the run started nothing, or all it started has ended", async () => {
    const user = ownAgentUser("/w/run-3/agent/home");
    await expect(stopAgentProcesses(user, NO_CGROUP)).resolves.toEqual({ by: "own", killRounds: 0 });
    const done = spawnAsAgent(user, { argv: ["/bin/true"], env: {}, cwd: "/", cgroup: NO_CGROUP });
    await new Promise((resolve) => done.on("close", resolve));
    await expect(stopAgentProcesses(user, NO_CGROUP)).resolves.toEqual({ by: "own", killRounds: 0 });
  });
});


/** Whether the process runs: a zombie, dead but not yet reaped by whoever adopted it, does not. */
function alive(pid: number): boolean {
  try {
    return !/^State:\s+[ZX]/m.test(readFileSync(`/proc/${pid}/status`, "utf8"));
  } catch {
    return false;
  }
}

/** Those of `pids` still running once a SIGKILL has had its moment. */
async function untilGone(pids: readonly number[]): Promise<number[]> {
  for (let round = 0; round < 500; round += 1) {
    const left = pids.filter(alive);
    if (left.length === 0) return left;
    await sleep(10);
  }
  return pids.filter(alive);
}
