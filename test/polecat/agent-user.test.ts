// The agent's user for real: made with useradd, run with setpriv, its processes ended by each way
// this machine allows, and removed. Each test makes users of its own, so ending "every process of
// the user" touches nothing of another test's.
import { spawnSync, type ChildProcess } from "node:child_process";
import { access, chown, lchown, mkdir, mkdtemp, readFile, rm, rmdir, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  argvInCgroup, cgroupProcesses, makeAgentCgroup, readCgroupMounts, removeAgentCgroup, type AgentCgroup, type CgroupMounts,
} from "../../app/polecat/agent-cgroup.js";
import {
  agentArgv, agentUserName, checkAgentUserIsolated, removeAgentUser, spawnAsAgent, stopAgentProcesses, type AgentUser,
} from "../../app/polecat/agent-user.js";
import { processesOf } from "../../app/polecat/user-processes.js";
import { userPrivileges } from "../../app/polecat/user-privileges.js";
import { commandLinesHolding } from "../agents/command-lines.js";
import { requireRoot } from "../agents/needs-root.js";
import { createTestAgentUser, removeTestAgentUser, removeUsersOfDeadRuns } from "../agents/test-agent-users.js";

const NONE: AgentCgroup = { kind: "none", why: "not asked for" };

describe("agentUserName", () => {
  it("names the user after the run, in at most 32 characters", () => {
    expect(agentUserName("12345678901-1")).toBe("gtagent-12345678901-1");
    expect(agentUserName("18446744073709551615-999")).toHaveLength(32);
  });

  it("refuses a key useradd would refuse or that would make a longer name", () => {
    for (const key of ["", "Run-1", "-1", "a b", "x".repeat(25), "run_1"]) {
      expect(() => agentUserName(key)).toThrow(`agent user key "${key}": use 1 to 24 lowercase letters, digits and dashes, starting with a letter or digit`);
    }
  });
});

describe("the agent's user", () => {
  let dir: string;
  let user: AgentUser;

  beforeAll(async () => {
    requireRoot();
    await removeUsersOfDeadRuns();
    dir = await mkdtemp(join(tmpdir(), "gastown-agent-user-"));
    user = await createTestAgentUser({ home: join(dir, "home") });
    await mkdir(user.home, { mode: 0o700 });
    await chown(user.home, user.uid, user.gid);
  });

  afterAll(async () => {
    if (user !== undefined) await removeTestAgentUser(user);
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it("is a system user that never logs in, with no group but its own and no sudoers rule, denied cron and at from the start", async () => {
    const passwd = (await readFile("/etc/passwd", "utf8")).split("\n").find((line) => line.startsWith(`${user.name}:`));
    expect(passwd).toBe(`${user.name}:x:${user.uid}:${user.gid}:Gas Town agent:${user.home}:/usr/sbin/nologin`);
    expect(user.uid).toBeLessThan(1000);
    expect(spawnSync("id", [user.name], { encoding: "utf8" }).stdout)
      .toBe(`uid=${user.uid}(${user.name}) gid=${user.gid}(${user.name}) groups=${user.gid}(${user.name})\n`);
    expect(await userPrivileges({ name: user.name, uid: user.uid, groups: [{ name: user.name, gid: user.gid }] }))
      .toEqual({ supplementaryGroups: [], sudoersRules: [] });
    await expect(checkAgentUserIsolated(user)).resolves.toBeUndefined();
    for (const file of ["/etc/cron.deny", "/etc/at.deny"]) {
      expect((await readFile(file, "utf8")).split("\n")).toContain(user.name);
    }
  });

  it("runs a process as the user in the environment it is given and nothing else, with no groups and no way to gain privileges", async () => {
    process.env["GASTOWN_TEST_CANARY"] = "the test's own";
    try {
      const env = { PATH: "/usr/bin:/bin", HOME: user.home, MODEL_KEY: "sk-ant-test-key" };
      expect(await output(spawnAsAgent(user, { argv: ["/usr/bin/env"], env, cwd: user.home, cgroup: NONE })))
        .toBe(`PATH=/usr/bin:/bin\nHOME=${user.home}\nMODEL_KEY=sk-ant-test-key\n`);
      const status = await output(spawnAsAgent(user, { argv: ["/bin/cat", "/proc/self/status"], env, cwd: user.home, cgroup: NONE }));
      const field = (name: string) => new RegExp(`^${name}:\\t(.*)$`, "m").exec(status)?.[1]?.trim();
      expect([field("Uid"), field("Gid"), field("Groups"), field("NoNewPrivs"), field("CapEff"), field("CapPrm")]).toEqual([
        `${user.uid}\t${user.uid}\t${user.uid}\t${user.uid}`, `${user.gid}\t${user.gid}\t${user.gid}\t${user.gid}`,
        "", "1", "0000000000000000", "0000000000000000",
      ]);
    } finally {
      delete process.env["GASTOWN_TEST_CANARY"];
    }
  });

  it("puts no part of the environment in any process's command line", async () => {
    const secret = "sk-ant-test-secret-in-the-environment";
    const spec = { argv: ["/bin/sleep", "30"], env: { PATH: "/usr/bin:/bin", ANTHROPIC_API_KEY: secret }, cwd: user.home, cgroup: NONE };
    expect(agentArgv(user, spec).join(" ")).not.toContain(secret);
    const child = spawnAsAgent(user, spec);
    const exit = new Promise((resolve) => child.on("exit", (_code, signal) => resolve(signal)));
    while ((await processesOf(user.uid)).length === 0) await sleep(10);
    expect(commandLinesHolding(secret)).toEqual([]);
    expect(await stopAgentProcesses(user, NONE)).toMatchObject({ by: "none" });
    expect(await exit).toBe("SIGKILL");
  });

  it("ends the user's processes, a detached one too, by cgroup v2 where one can be made", async () => {
    const mounts = await readCgroupMounts();
    const can = await canMakeCgroup(mounts.unified, "cgroup.kill");
    await endsEveryProcess(can ? { unified: mounts.unified! } : {}, can ? "cgroup2" : "none");
  });

  it("ends the user's processes, a detached one too, with the v1 freezer where it is mounted", async () => {
    const mounts = await readCgroupMounts();
    const can = await canMakeCgroup(mounts.freezer, "freezer.state");
    await endsEveryProcess(can ? { freezer: mounts.freezer! } : {}, can ? "freezer" : "none");
  });

  it("ends the user's processes, a detached one too, by kill -KILL -1 as the user where there is no cgroup", async () => {
    await endsEveryProcess({}, "none");
  });

  it("ends a process of the user's that was started outside the cgroup too", async () => {
    const cgroup = await makeAgentCgroup(`${user.name}-outside`, await readCgroupMounts());
    try {
      spawnAsAgent(user, { argv: ["/bin/sleep", "1000"], env: {}, cwd: user.home, cgroup });
      spawnAsAgent(user, { argv: ["/bin/sleep", "1000"], env: {}, cwd: user.home, cgroup: NONE });
      while ((await processesOf(user.uid)).length < 2) await sleep(10);
      // The cgroup's process goes with the cgroup, the other with the sweep after it.
      const report = await stopAgentProcesses(user, cgroup);
      expect(report.killRounds).toBeGreaterThanOrEqual(1);
      expect(await processesOf(user.uid)).toEqual([]);
    } finally {
      await removeAgentCgroup(cgroup);
    }
  });

  async function endsEveryProcess(mounts: CgroupMounts, expected: AgentCgroup["kind"]): Promise<void> {
    const cgroup = await makeAgentCgroup(`${user.name}-${expected}`, mounts);
    expect(cgroup.kind).toBe(expected);
    try {
      spawnAsAgent(user, {
        argv: ["/bin/sh", "-c", "setsid nohup sleep 1000 > /dev/null 2>&1 & sleep 1000"],
        env: { PATH: "/usr/bin:/bin" }, cwd: user.home, cgroup,
      });
      while ((await processesOf(user.uid)).length < 3) await sleep(10);
      const running = await processesOf(user.uid);
      if (cgroup.kind !== "none") expect(await cgroupProcesses(cgroup)).toEqual(running);
      const report = await stopAgentProcesses(user, cgroup);
      expect(report.by).toBe(expected);
      // With a cgroup nothing is left for the sweep; without, it takes a round or more.
      if (expected === "none") expect(report.killRounds).toBeGreaterThanOrEqual(1);
      else expect(report.killRounds).toBe(0);
      expect(await processesOf(user.uid)).toEqual([]);
    } finally {
      await removeAgentCgroup(cgroup);
    }
  }
});

describe("removing the agent's user", () => {
  let dir: string;

  beforeAll(async () => {
    requireRoot();
    dir = await mkdtemp(join(tmpdir(), "gastown-agent-removal-"));
  });

  afterAll(async () => {
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it("removes the user, its deny lines (and the deny files it made), its directories and what it left in shared directories", async () => {
    const denyFiles = [join(dir, "cron.deny"), join(dir, "at.deny")];
    await writeFile(denyFiles[0]!, "mallory\n");
    const user = await createTestAgentUser({ home: join(dir, "home"), denyFiles });
    expect(user.createdDenyFiles).toEqual([denyFiles[1]]);
    expect(await Promise.all(denyFiles.map((file) => readFile(file, "utf8")))).toEqual([`mallory\n${user.name}\n`, `${user.name}\n`]);

    const shared = join(dir, "shared");
    await mkdir(shared);
    await writeFile(join(shared, "root-owned"), "keep");
    await mkdir(join(shared, "agent-dir"));
    await writeFile(join(shared, "agent-dir", "inside"), "x");
    await chown(join(shared, "agent-dir"), user.uid, user.gid);
    await symlink(join(shared, "root-owned"), join(shared, "agent-link"));
    await lchown(join(shared, "agent-link"), user.uid, user.gid);
    await mkdir(join(dir, "agent"));

    expect(await removeAgentUser(user, { paths: [join(dir, "agent")], denyFiles, sharedDirectories: [shared] }))
      .toEqual([join(dir, "agent"), join(shared, "agent-dir"), join(shared, "agent-link")]);
    expect(await readFile("/etc/passwd", "utf8")).not.toContain(`${user.name}:`);
    expect(await readFile(denyFiles[0]!, "utf8")).toBe("mallory\n");
    await expect(access(denyFiles[1]!)).rejects.toThrow("ENOENT");
    expect(await readFile(join(shared, "root-owned"), "utf8")).toBe("keep");
  });

  it("refuses while a process of the user still runs", async () => {
    const user = await createTestAgentUser({ home: join(dir, "home-2"), denyFiles: [] });
    try {
      spawnAsAgent(user, { argv: ["/bin/sleep", "1000"], env: {}, cwd: "/", cgroup: NONE });
      let pids: number[] = [];
      while (pids.length === 0) pids = await processesOf(user.uid);
      await expect(removeAgentUser(user, { paths: [], denyFiles: [] }))
        .rejects.toThrow(`${user.name} still has processes (${pids[0]}); stop them before removing the user`);
    } finally {
      await removeTestAgentUser(user);
    }
  });
});

describe("argvInCgroup", () => {
  it("has a shell move itself into the cgroup, then become the command", () => {
    expect(argvInCgroup({ kind: "cgroup2", path: "/sys/fs/cgroup/gastown-a" }, ["/usr/bin/setpriv", "--", "claude"])).toEqual([
      "/bin/sh", "-c", 'echo $$ > "$0" && exec "$@"', "/sys/fs/cgroup/gastown-a/cgroup.procs", "/usr/bin/setpriv", "--", "claude",
    ]);
    expect(argvInCgroup(NONE, ["/usr/bin/setpriv", "--", "claude"])).toEqual(["/usr/bin/setpriv", "--", "claude"]);
  });
});

/** Whether a cgroup with the given control file can be made in the hierarchy (asked of the machine directly). */
async function canMakeCgroup(mount: string | undefined, controlFile: string): Promise<boolean> {
  if (mount === undefined) return false;
  const probe = join(mount, `gastown-probe-${process.pid}`);
  try {
    await mkdir(probe);
  } catch {
    return false;
  }
  try {
    await access(join(probe, controlFile));
    return true;
  } catch {
    return false;
  } finally {
    await rmdir(probe);
  }
}

function output(child: ChildProcess): Promise<string> {
  let text = "";
  child.stdout!.setEncoding("utf8").on("data", (chunk: string) => { text += chunk; });
  child.stdin?.end();
  return new Promise((resolve) => child.on("close", () => resolve(text)));
}
