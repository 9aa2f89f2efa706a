// The agent's own OS user: made by the action (as root) for one run, denied cron and at from the
// start, in no group but its own and in no sudoers rule, and never logged in: its processes are
// started with setpriv (no PAM, no session manager), in an environment built from nothing.
//
// Naming: `gtagent-<key>`, where the action's key is `<GITHUB_RUN_ID>-<GITHUB_RUN_ATTEMPT>`, so two
// jobs on one kept runner never share a user, and any name is at most 32 characters (useradd's
// limit): the key is at most 24 lowercase letters, digits and dashes (a run id has 20 digits at
// most, an attempt 3).
import { spawn, type ChildProcessWithoutNullStreams, execFile } from "node:child_process";
import { appendFile, lstat, readdir, readFile, rm, writeFile, rename } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { argvInCgroup, killCgroup, type AgentCgroup } from "./agent-cgroup.js";
import { withFileLock } from "./file-lock.js";
import { setprivOptions } from "./sandbox/sandbox-init-config.js";
import type { SandboxSpec } from "./sandbox/sandbox-plan.js";
import { systemTool } from "./system-tools.js";
import { killAllProcessesOf, processesOf, type UserIds } from "./user-processes.js";
import { stopOwnProcesses, trackOwnProcess } from "./own-user.js";
import { userPrivileges } from "./user-privileges.js";

const run = promisify(execFile);

export interface AgentUser extends UserIds {
  readonly home: string;
  /** The cron.deny and at.deny files that did not exist before this user was denied in them. */
  readonly createdDenyFiles: readonly string[];
  /** The action's own user, where it runs without root (own-user.ts): never made, and never ended by uid. */
  readonly own?: true;
}

const NAME_PREFIX = "gtagent-";
const KEY = /^[a-z0-9][a-z0-9-]{0,23}$/;

export function agentUserName(key: string): string {
  if (!KEY.test(key)) {
    throw new Error(`agent user key "${key}": use 1 to 24 lowercase letters, digits and dashes, starting with a letter or digit`);
  }
  return `${NAME_PREFIX}${key}`;
}

/** The files that deny a user cron jobs and at jobs; each holds one user name a line. */
export const SCHEDULER_DENY_FILES = ["/etc/cron.deny", "/etc/at.deny"];

export interface CreateAgentUserOptions {
  /** The agent's HOME, made by the caller (useradd makes no home). */
  readonly home: string;
  readonly denyFiles?: readonly string[];
}

export async function createAgentUser(name: string, options: CreateAgentUserOptions): Promise<AgentUser> {
  if (!name.startsWith(NAME_PREFIX) || !KEY.test(name.slice(NAME_PREFIX.length))) {
    throw new Error(`"${name}" is not an agent user name (see agentUserName)`);
  }
  // Denied before the user exists, so there is no moment it could schedule a job.
  const createdDenyFiles = await denyScheduling(name, options.denyFiles ?? SCHEDULER_DENY_FILES);
  await run(systemTool("useradd"), [
    "--system", "--user-group", "--no-create-home", "--home-dir", options.home,
    "--shell", nologinShell(), "--comment", "Gas Town agent", name,
  ], { env: {} });
  const ids = await userIds(name);
  return { ...ids, home: options.home, createdDenyFiles };
}

/**
 * Adds the name to each deny file, making the files that are missing; returns those it made. Each
 * file is changed under its lock: the jobs of a kept runner add and take out their users at once.
 */
export async function denyScheduling(name: string, files: readonly string[]): Promise<string[]> {
  const created: string[] = [];
  for (const file of files) {
    await withFileLock(file, async () => {
      let text: string | null;
      try {
        text = await readFile(file, "utf8");
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
        text = null;
      }
      if (text === null) {
        await writeFile(file, `${name}\n`, { mode: 0o644, flag: "wx" });
        created.push(file);
      } else if (!text.split("\n").includes(name)) {
        await appendFile(file, text === "" || text.endsWith("\n") ? `${name}\n` : `\n${name}\n`);
      }
    });
  }
  return created;
}

/** Takes the name out of each deny file, and removes the files the denial made if left empty. */
export async function allowScheduling(name: string, files: readonly string[], createdFiles: readonly string[]): Promise<void> {
  for (const file of files) {
    await withFileLock(file, async () => {
      let text: string;
      try {
        text = await readFile(file, "utf8");
      } catch {
        return;
      }
      const kept = text.split("\n").filter((line) => line !== name && line !== "");
      if (kept.length === 0 && createdFiles.includes(file)) {
        await rm(file, { force: true });
      } else {
        // Written whole beside it and renamed over it, so a reader never sees half a list.
        const next = `${file}.gastown-${process.pid}`;
        await writeFile(next, kept.map((line) => `${line}\n`).join(""), { mode: 0o644 });
        await rename(next, file);
      }
    });
  }
}

export async function userIds(name: string): Promise<UserIds> {
  const passwd = await readFile("/etc/passwd", "utf8");
  const entry = passwd.split("\n").map((line) => line.split(":")).find((fields) => fields[0] === name);
  if (entry === undefined) throw new Error(`there is no user ${name} in /etc/passwd`);
  return { name, uid: Number(entry[2]), gid: Number(entry[3]) };
}

/** Refuses a user with supplementary groups or a sudoers rule: it would be more than itself. */
export async function checkAgentUserIsolated(user: UserIds): Promise<void> {
  const privileges = await userPrivileges({ name: user.name, uid: user.uid, groups: [{ name: user.name, gid: user.gid }] });
  const problems = [
    ...privileges.supplementaryGroups.map((group) => `it is a member of the group ${group}`),
    ...privileges.sudoersRules.map((rule) => `a sudoers rule applies to it (${rule})`),
  ];
  if (problems.length > 0) throw new Error(`The agent's user ${user.name} is not on its own: ${problems.join("; ")}.`);
}

export interface AgentSpawn {
  /** The program and its arguments; never a secret (see agents/agent-invocation.ts). */
  readonly argv: readonly string[];
  /** The whole environment: nothing of the action's own is added. */
  readonly env: Readonly<Record<string, string>>;
  readonly cwd: string;
  readonly cgroup: AgentCgroup;
  /** The sandbox it runs in (sandbox/run-in-sandbox.ts); none with `polecat.sandbox: off`. */
  readonly sandbox?: SandboxSpec;
}

/** setpriv's argv for running `argv` as the user, with no groups and no way to gain privileges. */
export function agentArgv(user: UserIds, spec: Pick<AgentSpawn, "argv" | "cgroup">): string[] {
  return argvInCgroup(spec.cgroup, [
    systemTool("setpriv"), ...setprivOptions(user),
    // If the action dies, so does the agent's top process (the rest is the cgroup's or the sweep's).
    "--pdeathsig=KILL",
    "--", ...spec.argv,
  ]);
}

export function spawnAsAgent(user: UserIds & Pick<AgentUser, "home" | "own">, spec: AgentSpawn): ChildProcessWithoutNullStreams {
  if (user.own) {
    // No user to take: the agent is the action's, in a process group of its own to be ended by.
    const argv = argvInCgroup(spec.cgroup, [systemTool("setpriv"), "--pdeathsig=KILL", "--", ...spec.argv]);
    const child = spawn(argv[0]!, argv.slice(1), { env: { ...spec.env }, cwd: spec.cwd, stdio: ["pipe", "pipe", "pipe"], detached: true });
    trackOwnProcess(user, child, "group");
    return child;
  }
  const [command, ...args] = agentArgv(user, spec);
  return spawn(command!, args, { env: { ...spec.env }, cwd: spec.cwd, stdio: ["pipe", "pipe", "pipe"] });
}

export interface StopReport {
  /** How the agent's processes were ended: by cgroup, or as the action's own user's (own-user.ts). */
  readonly by: AgentCgroup["kind"] | "own";
  /** Rounds of `kill -KILL -1` as the user for what the cgroup did not hold (0: none was left). */
  readonly killRounds: number;
}

/**
 * Ends every process of the agent's user: the cgroup's all at once where there is one, then any
 * left outside it by killing as the user until /proc shows none. Returns only when none is left.
 * The action's own user's are those the run started, ended by their sandbox or process group.
 */
export async function stopAgentProcesses(user: UserIds & Pick<AgentUser, "home" | "own">, cgroup: AgentCgroup): Promise<StopReport> {
  if (user.own) {
    await stopOwnProcesses(user);
    return { by: "own", killRounds: 0 };
  }
  await killCgroup(cgroup);
  const killRounds = await killAllProcessesOf(user);
  return { by: cgroup.kind, killRounds };
}

export interface RemoveAgentUserOptions {
  /** The agent's own directories in the workspace (home, clone, outbox, tmp). */
  readonly paths: readonly string[];
  readonly denyFiles?: readonly string[];
  /** World-writable directories where the agent may have left files of its own. */
  readonly sharedDirectories?: readonly string[];
}

const SHARED_DIRECTORIES = ["/tmp", "/var/tmp", "/dev/shm"];

/**
 * For a runner that is kept: removes the user (whose processes must all have ended), its deny
 * lines, its directories, and what it left at the top of the shared temporary directories.
 * Returns the paths removed.
 */
export async function removeAgentUser(user: AgentUser, options: RemoveAgentUserOptions): Promise<string[]> {
  const left = await processesOf(user.uid);
  if (left.length > 0) throw new Error(`${user.name} still has processes (${left.join(", ")}); stop them before removing the user`);
  // Its files first, the user after: once the uid is free, a user made meanwhile may be given it,
  // and the files of the new one must not be taken for the old one's.
  const removed: string[] = [];
  for (const path of options.paths) {
    await rm(path, { recursive: true, force: true });
    removed.push(path);
  }
  for (const directory of options.sharedDirectories ?? SHARED_DIRECTORIES) {
    let entries: string[];
    try {
      entries = await readdir(directory);
    } catch {
      continue;
    }
    for (const entry of entries) {
      const path = join(directory, entry);
      // lstat: a link the agent left is removed as a link, never followed.
      const info = await lstat(path).catch(() => null);
      if (info?.uid !== user.uid) continue;
      await rm(path, { recursive: true, force: true });
      removed.push(path);
    }
  }
  await run(systemTool("userdel"), [user.name], { env: {} });
  await allowScheduling(user.name, options.denyFiles ?? SCHEDULER_DENY_FILES, user.createdDenyFiles);
  return removed;
}

function nologinShell(): string {
  try {
    return systemTool("nologin");
  } catch {
    return "/bin/false";
  }
}
