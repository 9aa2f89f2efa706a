// The agent's sandbox for real, as root, with a user of its own: what the agent's process sees
// and reaches from inside (its own processes, read-only system, its own directories, a private
// /tmp, a loopback with the bridge and nothing else), and that ending it leaves nothing behind.
import type { ChildProcessWithoutNullStreams } from "node:child_process";
import { readdir, readFile, readlink, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cgroupProcesses, killCgroup, makeAgentCgroup, readCgroupMounts, removeAgentCgroup } from "../../app/polecat/agent-cgroup.js";
import type { AgentUser } from "../../app/polecat/agent-user.js";
import type { PolecatWorkspace } from "../../app/polecat/polecat-workspace.js";
import { probeSandbox, spawnInSandbox } from "../../app/polecat/sandbox/run-in-sandbox.js";
import { EGRESS_BRIDGE_PORT, type SandboxSpec } from "../../app/polecat/sandbox/sandbox-plan.js";
import { runAgentStep } from "../../app/polecat/run-agent-step.js";
import { processesOf } from "../../app/polecat/user-processes.js";
import { makeSandboxWorkspace, NO_CGROUP, type SandboxWorkspace } from "./sandbox-workspace.js";
import { ended, firstLine, untilNoProcessesOf, type Ended } from "./sandbox-processes.js";

describe("the agent's sandbox", () => {
  let made: SandboxWorkspace;
  let dir: string;
  let user: AgentUser;
  let workspace: PolecatWorkspace;
  let spec: SandboxSpec;
  let bridged: Server;
  let hostServer: Server;
  let hostPort: number;
  let hostConnections = 0;
  let hostAbstract: Server;
  const ABSTRACT = `\0gastown-sandbox-test-${process.pid}`;

  beforeAll(async () => {
    made = await makeSandboxWorkspace((sockets) => [{ port: EGRESS_BRIDGE_PORT, socket: join(sockets, "egress.sock") }]);
    ({ dir, user, workspace, spec } = made);
    await writeFile(join(dir, "beside-the-run"), "the runner's\n");
    bridged = await listening(createServer((connection) => {
      connection.once("data", (data) => connection.end(`bridged: ${data.toString()}`));
    }), spec.bridges[0]!.socket);
    hostServer = createServer((connection) => {
      hostConnections += 1;
      connection.end("the host's\n");
    });
    await new Promise<void>((resolve) => hostServer.listen(0, "127.0.0.1", resolve));
    hostPort = (hostServer.address() as { port: number }).port;
    // An abstract Unix socket (no file): the kind D-Bus and systemd listen on.
    hostAbstract = await listening(createServer((connection) => {
      hostConnections += 1;
      connection.end("the host's\n");
    }), ABSTRACT);
  });

  afterAll(async () => {
    bridged?.close();
    hostServer?.close();
    hostAbstract?.close();
    await made?.close();
  });

  const ENV = () => ({ PATH: `${workspace.bin}:/usr/bin:/bin`, HOME: workspace.home, TMPDIR: workspace.tmp, MODEL_KEY: "gastown-dummy-0123abcd" });

  function start(argv: readonly string[], env: Record<string, string> = ENV()): ChildProcessWithoutNullStreams {
    return spawnInSandbox(user, { argv, env, cwd: workspace.clone, cgroup: NO_CGROUP, sandbox: spec });
  }

  function sandboxed(argv: readonly string[], env?: Record<string, string>): Promise<Ended> {
    return ended(start(argv, env));
  }

  /** Node code run as the agent inside; what it prints as JSON. */
  async function agentNode(code: string): Promise<unknown> {
    const end = await sandboxed([workspace.node, "--input-type=module", "-e", code]);
    expect(end.stderr).toBe("");
    expect(end.code).toBe(0);
    return JSON.parse(end.stdout) as unknown;
  }

  it("can be made on this machine, and says why not where root lacks CAP_SYS_ADMIN (a container's root)", async () => {
    await expect(probeSandbox()).resolves.toEqual({ ok: true });
    const refused = await probeSandbox({ under: ["/usr/bin/setpriv", "--bounding-set=-sys_admin", "--"] });
    expect(refused).toEqual({
      ok: false,
      why: "this machine does not let root make the agent's sandbox (new PID, mount and network namespaces): "
        + "unshare: unshare failed: Operation not permitted. "
        + "A container needs CAP_SYS_ADMIN (docker run --privileged) for it; set `polecat.sandbox: off` to run the agent unisolated.",
    });
  });

  it("runs the agent as its user, with no groups, no capabilities, no way to gain any, no file of the init's, in its clone", async () => {
    const end = await sandboxed(["/bin/sh", "-c", "pwd; grep -E '^(Uid|Gid|Groups|SigIgn|NoNewPrivs|CapInh|CapPrm|CapEff|CapBnd|CapAmb):' /proc/self/status; ls /proc/self/fd"]);
    expect(end.stderr).toBe("");
    expect(end.stdout.replace(/[ \t]+$/gm, "")).toBe([
      workspace.clone,
      `Uid:\t${user.uid}\t${user.uid}\t${user.uid}\t${user.uid}`,
      `Gid:\t${user.gid}\t${user.gid}\t${user.gid}\t${user.gid}`,
      "Groups:",
      // No signal ignored: not SIGINT or SIGQUIT, which the shell ignores in the init it starts in the background.
      "SigIgn:\t0000000000000000",
      "CapInh:\t0000000000000000", "CapPrm:\t0000000000000000", "CapEff:\t0000000000000000",
      "CapBnd:\t0000000000000000", "CapAmb:\t0000000000000000",
      "NoNewPrivs:\t1",
      // stdin, stdout, stderr, and the directory ls reads: not the init's config.
      "0", "1", "2", "3",
      "",
    ].join("\n"));
  });

  it("gives the agent exactly the environment it is given, and nothing of the action's", async () => {
    process.env["GASTOWN_TEST_CANARY"] = "the test's own";
    try {
      const env = ENV();
      const end = await sandboxed(["/usr/bin/env"], env);
      expect(end.stdout).toBe(Object.entries(env).map(([name, value]) => `${name}=${value}\n`).join(""));
    } finally {
      delete process.env["GASTOWN_TEST_CANARY"];
    }
  });

  it("shows the agent its own processes only: the sandbox's shell as PID 1, the init, and what the agent started", async () => {
    const seen = await agentNode(`
      import { readdirSync, readFileSync } from "node:fs";
      const pids = readdirSync("/proc").filter((name) => /^\\d+$/.test(name)).map(Number).sort((a, b) => a - b);
      const commands = pids.map((pid) => readFileSync("/proc/" + pid + "/cmdline", "utf8").split("\\0").filter(Boolean).join(" "));
      console.log(JSON.stringify({ pids, commands, self: process.pid, runner: readdirSync("/proc").includes(String(${process.pid})) }));
    `) as { pids: number[]; commands: string[]; self: number; runner: boolean };
    expect(seen.pids).toEqual([1, seen.pids[1], seen.self]);
    expect(seen.commands[0]).toMatch(/^\/(usr\/)?bin\/sh -c set -eu\n/);
    expect(seen.commands[0]).toMatch(/ gastown-sandbox$/);
    expect(seen.commands[1]).toBe(`${workspace.node} ${spec.init}`);
    expect(seen.commands[2]).toMatch(new RegExp(`^${workspace.node} --input-type=module -e `));
    expect(seen.runner).toBe(false);
    // ps reads the same /proc.
    const ps = await sandboxed(["/bin/sh", "-c", "ps -e -o uid=,comm="]);
    expect(ps.stdout.trim().split("\n").map((line) => line.trim().replace(/\s+/, " ")).sort()).toEqual([
      "0 node", "0 sh", `${user.uid} ps`, `${user.uid} sh`,
    ]);
    // What the agent orphans is reaped as it ends, not left a zombie until the step ends.
    const orphans = await sandboxed(["/bin/sh", "-c", "(sleep 0.1 &); (sleep 0.1 &); sleep 1; ps -e -o stat= | grep -c '^Z'"]);
    expect(orphans.stdout).toBe("0\n");
  });

  it("lets the agent write its clone, its home, its outbox, its tmp and /tmp, and nothing else", async () => {
    const paths = {
      clone: join(workspace.clone, "made"), home: join(workspace.home, "made"), outbox: workspace.outbox, tmp: join(workspace.tmp, "made"),
      privateTmp: "/tmp/gastown-sandbox-made", usr: "/usr/made", etc: "/etc/passwd", root: "/made", ledger: workspace.ledgerCopy,
      agentDir: join(workspace.agentDir, "made"), bin: join(workspace.bin, "node"), sockets: "/run/gastown/made", dev: "/dev/made",
      varTmp: "/var/tmp/made", shm: "/dev/shm/made",
    };
    const result = await agentNode(`
      import { writeFileSync } from "node:fs";
      const paths = ${JSON.stringify(paths)};
      const out = {};
      for (const [name, path] of Object.entries(paths)) {
        try { writeFileSync(path, "the agent's\\n"); out[name] = "written"; } catch (error) { out[name] = error.code; }
      }
      console.log(JSON.stringify(out));
    `);
    expect(result).toEqual({
      clone: "written", home: "written", outbox: "written", tmp: "written", privateTmp: "written", varTmp: "written", shm: "written",
      usr: "EROFS", etc: "EROFS", root: "EROFS", ledger: "EROFS", agentDir: "EROFS", bin: "EROFS", sockets: "EACCES", dev: "EACCES",
    });
    expect(await readFile(join(workspace.clone, "made"), "utf8")).toBe("the agent's\n");
    expect(await readFile(workspace.outbox, "utf8")).toBe("the agent's\n");
    expect(await readFile(workspace.ledgerCopy, "utf8")).toBe('{"id":"gt-1"}\n');
    await rm(workspace.outbox);
    // Its /tmp and /var/tmp were its own: the host's have no such file.
    await expect(readFile("/tmp/gastown-sandbox-made")).rejects.toMatchObject({ code: "ENOENT" });
    await expect(readFile("/var/tmp/made")).rejects.toMatchObject({ code: "ENOENT" });
  });

  it("hides the runner's directories: only the system, the workspace's agent directory and its own", async () => {
    const seen = await agentNode(`
      import { existsSync, readdirSync } from "node:fs";
      const list = (path) => { try { return readdirSync(path).sort(); } catch (error) { return error.code; } };
      console.log(JSON.stringify({
        root: list("/"), var: list("/var"), run: list("/run"), tmp: list("/tmp"), testDir: list(${JSON.stringify(dir)}),
        run1: list(${JSON.stringify(workspace.root)}),
        absent: ["/root", "/home", "/opt", "/sys", "/var/lib", "/var/log", "/proc/1/root/root", ${JSON.stringify(workspace.actionDir)}].filter((path) => existsSync(path)),
      }));
    `) as Record<string, unknown>;
    const systemLinks = (await Promise.all(["bin", "sbin", "lib", "lib32", "lib64", "libx32", "usr", "etc"].map(async (name) => {
      try {
        await readdir(join("/", name));
        return [name];
      } catch {
        return [];
      }
    }))).flat();
    expect(seen).toEqual({
      root: [...systemLinks, "dev", "proc", "run", "tmp", "var"].sort(),
      var: ["tmp"], run: ["gastown"], tmp: [dir.split("/").at(-1)], testDir: ["run-1"], run1: ["agent"], absent: [],
    });
  });

  it("mounts everything nosuid and nodev but the devices, and read-only but the agent's own directories and temporaries", async () => {
    const end = await sandboxed(["/bin/cat", "/proc/self/mountinfo"]);
    // <id> <parent> <major:minor> <root> <mount point> <options> …
    const mounts = end.stdout.trim().split("\n").map((line) => line.split(" ")).map((fields) => ({ at: fields[4]!, options: fields[5]!.split(",") }));
    const writable = new Set([workspace.clone, workspace.home, workspace.outboxDir, workspace.tmp, "/tmp", "/var/tmp", "/dev/shm", "/dev", "/proc"]);
    const devices = new Set(["/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom", "/dev/tty"]);
    for (const { at, options } of mounts) {
      expect({ at, nosuid: options.includes("nosuid") }).toEqual({ at, nosuid: true });
      if (!devices.has(at)) expect({ at, nodev: options.includes("nodev") }).toEqual({ at, nodev: true });
      if (!writable.has(at) && !devices.has(at)) expect({ at, ro: options.includes("ro") }).toEqual({ at, ro: true });
    }
    // The devices work all the same: each is a bind of its own.
    const devicesUsed = await sandboxed(["/bin/sh", "-c", "echo gone > /dev/null && head -c 4 /dev/zero | od -An -tx1 && head -c 1 /dev/urandom | wc -c && readlink /dev/stdout && echo ok | cat /dev/stdin"]);
    expect(devicesUsed).toMatchObject({ code: 0, stdout: " 00 00 00 00\n1\n/proc/self/fd/1\nok\n", stderr: "" });
    expect(mounts.map((mount) => mount.at)).toEqual(expect.arrayContaining(["/", "/usr", "/etc", "/proc", "/dev/shm", "/tmp", "/var/tmp", "/run/gastown", workspace.agentDir, ...writable]));
  });

  it("keeps the sockets directory from the agent", async () => {
    const result = await agentNode(`
      import { readdirSync } from "node:fs";
      import { connect } from "node:net";
      const out = {};
      try { readdirSync("/run/gastown"); out.list = "listed"; } catch (error) { out.list = error.code; }
      out.connect = await new Promise((resolve) => {
        const socket = connect("/run/gastown/egress.sock");
        socket.on("connect", () => { socket.destroy(); resolve("connected"); });
        socket.on("error", (error) => resolve(error.code));
      });
      console.log(JSON.stringify(out));
    `);
    expect(result).toEqual({ list: "EACCES", connect: "EACCES" });
  });

  it("has only a loopback: the host's ports and the outside are out of reach, the bridge forwards to its socket", async () => {
    const result = await agentNode(`
      import { networkInterfaces } from "node:os";
      import { connect } from "node:net";
      const attempt = (port, host) => new Promise((resolve) => {
        const socket = connect(port, host);
        socket.setTimeout(5000, () => { socket.destroy(); resolve("timeout"); });
        socket.on("connect", () => socket.end("hello"));
        let said = "";
        socket.on("data", (data) => { said += data; });
        socket.on("end", () => resolve(said));
        socket.on("error", (error) => resolve(error.code));
      });
      console.log(JSON.stringify({
        interfaces: Object.keys(networkInterfaces()),
        host: await attempt(${hostPort}, "127.0.0.1"),
        outside: await attempt(443, "140.82.112.3"),
        abstract: await new Promise((resolve) => {
          const socket = connect(${JSON.stringify(ABSTRACT)});
          socket.on("connect", () => { socket.destroy(); resolve("connected"); });
          socket.on("error", (error) => resolve(error.code));
        }),
        bridge: await attempt(${EGRESS_BRIDGE_PORT}, "127.0.0.1"),
      }));
    `);
    expect(result).toEqual({ interfaces: ["lo"], host: "ECONNREFUSED", outside: "ENETUNREACH", abstract: "ECONNREFUSED", bridge: "bridged: hello" });
    expect(hostConnections).toBe(0);
    const links = await sandboxed(["/usr/sbin/ip", "-o", "link", "show"]);
    expect(links.stdout.split("\n").filter((line) => line !== "").map((line) => line.split(": ")[1])).toEqual(["lo"]);
  });

  it("gives the agent System V IPC of its own", async () => {
    const ipc = await sandboxed(["/usr/bin/readlink", "/proc/self/ns/ipc"]);
    expect(ipc.stderr).toBe("");
    const inside = ipc.stdout.trim();
    expect(inside).toMatch(/^ipc:\[\d+\]$/);
    expect(inside).not.toBe(await readlink("/proc/self/ns/ipc"));
  });

  it("passes the agent's exit status through, and a signal's as 128 + its number", async () => {
    expect(await sandboxed(["/bin/sh", "-c", "exit 7"])).toMatchObject({ code: 7, signal: null });
    expect(await sandboxed(["/bin/sh", "-c", "kill -TERM $$"])).toMatchObject({ code: 143, signal: null });
    expect(await sandboxed(["/no/such/agent"])).toMatchObject({ code: 127 });
  });

  it("gives the agent its stdin, and fails with the reason when the sandbox cannot be made", async () => {
    const child = start(["/bin/cat"]);
    child.stdin.end("the prompt\n");
    expect(await ended(child)).toMatchObject({ code: 0, stdout: "the prompt\n" });
    const broken = await ended(spawnInSandbox(user, {
      argv: ["/bin/true"], env: {}, cwd: "/", cgroup: NO_CGROUP, sandbox: { ...spec, readOnly: [...spec.readOnly, join(dir, "missing")] },
    }));
    expect(broken.code).not.toBe(0);
    expect(broken.stderr).toContain(join(dir, "missing"));
    expect(await processesOf(user.uid)).toEqual([]);
  });

  it("runs a step's agent in it, and stops it with all it started when the run's time is up", async () => {
    let timeUp = () => undefined as void;
    const step = await runAgentStep({
      user, cgroup: NO_CGROUP, sandbox: spec, env: ENV(), cwd: workspace.clone,
      invocation: { argv: ["/bin/sh", "-c", "(sleep 1000 &); sleep 1000 & cat; echo working; exec sleep 1000"], env: { GASTOWN_STEP: "1" }, stdin: "the prompt\n", output: "text" },
      deadline: Date.now() + 3_600_000, limits: { maxTurns: 10, maxCostUsd: 1 }, before: { turns: 0, costUsd: 0 }, clock: () => new Date(),
      after: (_ms, fire) => {
        timeUp = fire;
        return () => undefined;
      },
      onProgress: () => timeUp(),
    });
    expect(step).toMatchObject({ end: { kind: "wall-time" }, tail: "the prompt\nworking\n" });
    expect(await processesOf(user.uid)).toEqual([]);
  });

  it("leaves no process of the agent's when its top process is killed, whatever it started", async () => {
    const child = start(["/bin/sh", "-c", "sleep 1000 & (sleep 1000 &) ; echo $$; wait"]);
    const top = Number((await firstLine(child)).trim());
    const hostPid = await hostPidOf(user.uid, top);
    process.kill(hostPid, "SIGKILL");
    expect(await ended(child)).toMatchObject({ code: 137 });
    expect(await processesOf(user.uid)).toEqual([]);
  });

  it("runs in the agent's cgroup, unshare and all it starts, so the cgroup ends it all at once", async () => {
    const cgroup = await makeAgentCgroup(`sandbox-test-${process.pid}`, await readCgroupMounts());
    expect(cgroup.kind).not.toBe("none");
    try {
      const child = spawnInSandbox(user, { argv: ["/bin/sh", "-c", "(sleep 1000 &); echo started; exec sleep 1000"], env: ENV(), cwd: workspace.clone, cgroup, sandbox: spec });
      const end = ended(child);
      expect(await firstLine(child)).toBe("started\n");
      const inCgroup = await cgroupProcesses(cgroup);
      // unshare, PID 1's shell, the init, and the agent's two sleeps.
      expect(inCgroup).toEqual(expect.arrayContaining([child.pid!, ...await processesOf(user.uid)]));
      expect(inCgroup.length).toBeGreaterThanOrEqual(5);
      await killCgroup(cgroup);
      expect(await end).toMatchObject({ signal: "SIGKILL" });
      expect(await processesOf(user.uid)).toEqual([]);
    } finally {
      await removeAgentCgroup(cgroup);
    }
  });

  it("leaves no process of the agent's when unshare itself is killed", async () => {
    const child = start(["/bin/sh", "-c", "sleep 1000 & (sleep 1000 &) ; echo started; wait"]);
    expect(await firstLine(child)).toBe("started\n");
    expect((await processesOf(user.uid)).length).toBeGreaterThanOrEqual(3);
    child.kill("SIGKILL");
    expect(await ended(child)).toMatchObject({ code: null, signal: "SIGKILL" });
    // unshare's death reaches the init through the kernel (--kill-child), and the init's ends the namespace.
    expect(await untilNoProcessesOf(user.uid)).toEqual([]);
  });
});

function listening(server: Server, path: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(path, () => resolve(server));
  });
}

/** The host's pid of the user's process that is `nsPid` in its own PID namespace. */
async function hostPidOf(uid: number, nsPid: number): Promise<number> {
  for (const pid of await processesOf(uid)) {
    const status = await readFile(`/proc/${pid}/status`, "utf8");
    const ids = /^NSpid:\s+(.*)$/m.exec(status)?.[1]?.trim().split(/\s+/).map(Number);
    if (ids?.at(-1) === nsPid) return pid;
  }
  throw new Error(`no process of uid ${uid} is pid ${nsPid} in its namespace`);
}
