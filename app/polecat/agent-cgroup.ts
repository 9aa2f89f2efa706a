// A cgroup for the agent's processes, where one can be made: everything the agent starts stays in
// it (leaving needs write access to cgroup files only root has), so its processes can be ended all
// at once, with no race against one that forks. Preferred: cgroup v2 with `cgroup.kill` (Linux
// 5.14+, GitHub's Ubuntu runners); else the v1 freezer (freeze, kill each, thaw); else none, and
// the caller falls back to killing by user (user-processes.ts).
import { access, mkdir, readFile, rmdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

export type AgentCgroup =
  | { readonly kind: "cgroup2"; readonly path: string }
  | { readonly kind: "freezer"; readonly path: string }
  | { readonly kind: "none"; readonly why: string };

export interface CgroupMounts {
  /** Where cgroup v2 is mounted (/sys/fs/cgroup, or /sys/fs/cgroup/unified beside v1). */
  readonly unified?: string;
  /** Where the v1 freezer hierarchy is mounted. */
  readonly freezer?: string;
}

/** The cgroup hierarchies in /proc/self/mountinfo, the first mount of each. */
export function cgroupMounts(mountinfo: string): CgroupMounts {
  let unified: string | undefined;
  let freezer: string | undefined;
  for (const line of mountinfo.split("\n")) {
    // <id> <parent> <major:minor> <root> <mount point> <options> [optional…] - <type> <source> <super options>
    const [before, after] = line.split(" - ");
    if (before === undefined || after === undefined) continue;
    const mountPoint = unescapeMountPath(before.split(" ")[4] ?? "");
    const [type, , superOptions = ""] = after.split(" ");
    if (type === "cgroup2") unified ??= mountPoint;
    if (type === "cgroup" && superOptions.split(",").includes("freezer")) freezer ??= mountPoint;
  }
  return { ...(unified === undefined ? {} : { unified }), ...(freezer === undefined ? {} : { freezer }) };
}

function unescapeMountPath(path: string): string {
  return path.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
}

export async function readCgroupMounts(): Promise<CgroupMounts> {
  return cgroupMounts(await readFile("/proc/self/mountinfo", "utf8"));
}

/** Makes the cgroup `gastown-<name>` in the best hierarchy there is, or says why there is none. */
export async function makeAgentCgroup(name: string, mounts: CgroupMounts): Promise<AgentCgroup> {
  const reasons: string[] = [];
  if (mounts.unified !== undefined) {
    const path = join(mounts.unified, `gastown-${name}`);
    try {
      await mkdir(path);
      try {
        await access(join(path, "cgroup.kill"));
        return { kind: "cgroup2", path };
      } catch {
        await rmdir(path);
        reasons.push(`cgroup v2 at ${mounts.unified} has no cgroup.kill (Linux before 5.14)`);
      }
    } catch (error) {
      reasons.push(`cannot make a cgroup in ${mounts.unified}: ${(error as Error).message}`);
    }
  } else {
    reasons.push("no cgroup v2 hierarchy is mounted");
  }
  if (mounts.freezer !== undefined) {
    const path = join(mounts.freezer, `gastown-${name}`);
    try {
      await mkdir(path);
      return { kind: "freezer", path };
    } catch (error) {
      reasons.push(`cannot make a cgroup in ${mounts.freezer}: ${(error as Error).message}`);
    }
  } else {
    reasons.push("no cgroup v1 freezer hierarchy is mounted");
  }
  return { kind: "none", why: reasons.join("; ") };
}

/**
 * The argv that runs `argv` inside the cgroup: a shell moves itself in, then becomes the command,
 * so the command and all it starts are in the cgroup from their first instruction.
 */
export function argvInCgroup(cgroup: AgentCgroup, argv: readonly string[]): string[] {
  if (cgroup.kind === "none") return [...argv];
  return ["/bin/sh", "-c", 'echo $$ > "$0" && exec "$@"', join(cgroup.path, "cgroup.procs"), ...argv];
}

export async function cgroupProcesses(cgroup: AgentCgroup): Promise<number[]> {
  if (cgroup.kind === "none") return [];
  const text = await readFile(join(cgroup.path, "cgroup.procs"), "utf8");
  return text.split("\n").filter((line) => line !== "").map(Number).sort((a, b) => a - b);
}

const STOP_DEADLINE_MS = 10_000;
const POLL_MS = 10;

/** Kills everything in the cgroup and waits until it is empty. */
export async function killCgroup(cgroup: AgentCgroup): Promise<void> {
  if (cgroup.kind === "cgroup2") {
    await writeFile(join(cgroup.path, "cgroup.kill"), "1");
  } else if (cgroup.kind === "freezer") {
    // Frozen, nothing in it can fork while each process is killed; the kills land on thawing.
    await writeFile(join(cgroup.path, "freezer.state"), "FROZEN");
    await until(cgroup, async () => (await readFile(join(cgroup.path, "freezer.state"), "utf8")).trim() === "FROZEN", "to freeze");
    for (const pid of await cgroupProcesses(cgroup)) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
    await writeFile(join(cgroup.path, "freezer.state"), "THAWED");
  } else {
    return;
  }
  await until(cgroup, async () => (await cgroupProcesses(cgroup)).length === 0, "to empty");
}

/** Removes the (empty) cgroup. */
export async function removeAgentCgroup(cgroup: AgentCgroup): Promise<void> {
  if (cgroup.kind !== "none") await rmdir(cgroup.path);
}

async function until(cgroup: { readonly path: string }, done: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + STOP_DEADLINE_MS;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`the cgroup ${cgroup.path} did not come ${what} within ${STOP_DEADLINE_MS / 1000} s`);
    await sleep(POLL_MS);
  }
}
