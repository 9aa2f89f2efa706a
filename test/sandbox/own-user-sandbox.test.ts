// The agent's sandbox made by an ordinary user (own-user.ts: the local town run without root):
// the action's user is a user of the test's own, everything of the run is that user's, and the
// agent, whose uid is the same, tries to reach what is that user's outside its sandbox: a secret
// file beside the run, the action's directory, the action's processes and their environment, the
// read-only parts of its workspace (by remounting them, from a user namespace of its own too), the
// host's ports. Then its run is stopped, and nothing of it is left, what it detached included.
import type { ChildProcessWithoutNullStreams } from "node:child_process";
import { chmod, chown, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chownTree } from "../../app/polecat/agent-clone.js";
import type { AgentUser } from "../../app/polecat/agent-user.js";
import { stopOwnProcesses, trackOwnProcess } from "../../app/polecat/own-user.js";
import { agentHome, makeWorkspace, type PolecatWorkspace } from "../../app/polecat/polecat-workspace.js";
import { prepareSandbox, probeSandbox, sandboxArgv, sandboxInitConfig, startSandbox } from "../../app/polecat/sandbox/run-in-sandbox.js";
import { workspaceSandboxSpec, type SandboxSpec } from "../../app/polecat/sandbox/sandbox-plan.js";
import { systemTool } from "../../app/polecat/system-tools.js";
import { processesOf } from "../../app/polecat/user-processes.js";
import { requireRoot } from "../agents/needs-root.js";
import { createTestAgentUser, removeTestAgentUser, removeUsersOfDeadRuns } from "../agents/test-agent-users.js";
import { GT_BUNDLE } from "../polecat/polecat-harness.js";
import { ended, firstLine, untilNoProcessesOf } from "./sandbox-processes.js";
import { NO_CGROUP, SANDBOX_INIT_BUNDLE } from "./sandbox-workspace.js";

describe("the agent's sandbox made without root", () => {
  let dir: string;
  let host: AgentUser;
  let own: AgentUser;
  let workspace: PolecatWorkspace;
  let spec: SandboxSpec;
  let secret: string;
  let hostServer: Server;
  let hostPort: number;
  let hostConnections = 0;

  beforeAll(async () => {
    requireRoot();
    await removeUsersOfDeadRuns();
    dir = await mkdtemp(join(tmpdir(), "gastown-own-sandbox-"));
    await chmod(dir, 0o711);
    const root = join(dir, "run-1");
    // The user the action runs as, and the agent with it.
    host = await createTestAgentUser({ home: join(dir, "host-home") });
    own = { ...host, home: agentHome(root), own: true };
    workspace = await makeWorkspace(root, own, { node: process.execPath, gtBundle: GT_BUNDLE });
    await mkdir(workspace.clone, { mode: 0o755 });
    const sockets = join(workspace.actionDir, "sockets");
    await mkdir(sockets, { mode: 0o700 });
    spec = workspaceSandboxSpec(workspace, { readOnly: [], sockets, bridges: [] });
    await prepareSandbox(workspace, spec, SANDBOX_INIT_BUNDLE);
    await writeFile(join(workspace.actionDir, "token"), "ghs_the-action's-token\n", { mode: 0o600 });
    // As the action would have made them: all of it the action's user's.
    await chownTree(dir, host);
    secret = join(dir, "secret");
    await writeFile(secret, "the action's user's\n", { mode: 0o600 });
    await chown(secret, host.uid, host.gid);
    hostServer = createServer((connection) => {
      hostConnections += 1;
      connection.end("the host's\n");
    });
    await new Promise<void>((resolve) => hostServer.listen(0, "127.0.0.1", resolve));
    hostPort = (hostServer.address() as { port: number }).port;
  });

  afterAll(async () => {
    hostServer?.close();
    if (host !== undefined) await removeTestAgentUser(host);
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  const ENV = () => ({ PATH: `${workspace.bin}:/usr/sbin:/usr/bin:/sbin:/bin`, HOME: workspace.home, TMPDIR: workspace.tmp });

  /** The sandbox as the action's user starts it: that user's unshare makes the user namespace. */
  function start(argv: readonly string[]): ChildProcessWithoutNullStreams {
    const asHost = [systemTool("setpriv"), `--reuid=${host.uid}`, `--regid=${host.gid}`, "--clear-groups", "--"];
    const config = sandboxInitConfig(own, { argv, env: ENV(), cwd: workspace.clone, cgroup: NO_CGROUP, sandbox: spec });
    return startSandbox([...asHost, ...sandboxArgv(spec, NO_CGROUP, { ownUser: true })], config);
  }

  async function agentNode(code: string): Promise<unknown> {
    const end = await ended(start([workspace.node, "--input-type=module", "-e", code]));
    expect(end.stderr).toBe("");
    expect(end.code).toBe(0);
    return JSON.parse(end.stdout) as unknown;
  }

  it("can be made by an ordinary user here, and says why not where user namespaces are refused", async () => {
    await expect(probeSandbox({ uid: host.uid, under: [systemTool("setpriv"), `--reuid=${host.uid}`, `--regid=${host.gid}`, "--clear-groups", "--"] }))
      .resolves.toEqual({ ok: true });
    // Where no user namespace may be made (here: a namespace whose limit of them is 0).
    const refused = await probeSandbox({
      uid: host.uid,
      under: [
        systemTool("setpriv"), `--reuid=${host.uid}`, `--regid=${host.gid}`, "--clear-groups", "--", systemTool("unshare"), "--user", "--map-root-user", "--",
        systemTool("sh"), "-c", 'echo 0 > /proc/sys/user/max_user_namespaces && exec "$@"', "sh",
      ],
    });
    expect(refused).toEqual({
      ok: false,
      why: `this machine does not let uid ${host.uid} make the agent's sandbox (a user namespace, and PID, mount and network namespaces in it): `
        + "unshare: unshare failed: No space left on device. Unprivileged user namespaces may be switched off "
        + "(kernel.unprivileged_userns_clone, or AppArmor's kernel.apparmor_restrict_unprivileged_userns); run as root instead.",
    });
  });

  it("runs the agent as the action's uid but not root in its namespace, with no capability and no way to gain one", async () => {
    const end = await ended(start(["/bin/sh", "-c", "grep -E '^(Uid|Gid|NoNewPrivs|CapInh|CapPrm|CapEff|CapAmb):' /proc/self/status; cat /proc/self/uid_map"]));
    expect(end.stderr).toBe("");
    expect(end.stdout.trim().split("\n").map((line) => line.replace(/[ \t]+/g, " ").trim())).toEqual([
      `Uid: ${host.uid} ${host.uid} ${host.uid} ${host.uid}`, `Gid: ${host.gid} ${host.gid} ${host.gid} ${host.gid}`,
      "CapInh: 0000000000000000", "CapPrm: 0000000000000000", "CapEff: 0000000000000000", "CapAmb: 0000000000000000",
      "NoNewPrivs: 1",
      // Its uid maps onto the outer namespace's root, which is the action's user outside.
      `${host.uid} 0 1`,
    ]);
  });

  it("keeps everything of the action's user's out of the agent's reach, though its uid owns it all", async () => {
    const seen = await agentNode(`
      import { readdirSync, readFileSync, writeFileSync } from "node:fs";
      import { connect } from "node:net";
      const attempt = (what) => { try { what(); return "done"; } catch (error) { return error.code; } };
      const pids = readdirSync("/proc").filter((name) => /^\\d+$/.test(name)).map(Number).sort((a, b) => a - b);
      console.log(JSON.stringify({
        pids: pids.length, runner: pids.includes(${process.pid}),
        secret: attempt(() => readFileSync(${JSON.stringify(secret)})),
        token: attempt(() => readFileSync(${JSON.stringify(join(workspace.actionDir, "token"))})),
        actionDir: attempt(() => readdirSync(${JSON.stringify(workspace.actionDir)})),
        initEnvironment: pids.filter((pid) => pid !== process.pid).map((pid) => attempt(() => readFileSync("/proc/" + pid + "/environ"))),
        initRoot: attempt(() => readdirSync("/proc/1/root")),
        agentDir: attempt(() => writeFileSync(${JSON.stringify(join(workspace.agentDir, "made"))}, "x")),
        gt: attempt(() => writeFileSync(${JSON.stringify(join(workspace.bin, "gt.js"))}, "x")),
        usr: attempt(() => writeFileSync("/usr/made", "x")),
        sockets: (() => { try { return readdirSync("/run/gastown"); } catch (error) { return error.code; } })(),
        host: await new Promise((resolve) => {
          const socket = connect(${hostPort}, "127.0.0.1");
          socket.on("connect", () => { socket.destroy(); resolve("connected"); });
          socket.on("error", (error) => resolve(error.code));
        }),
      }));
    `);
    expect(seen).toEqual({
      // PID 1's shell, the init, the agent: nothing of the action's.
      pids: 3, runner: false,
      secret: "ENOENT", token: "ENOENT", actionDir: "ENOENT",
      initEnvironment: ["EACCES", "EACCES"], initRoot: "EACCES",
      agentDir: "EROFS", gt: "EROFS", usr: "EROFS",
      // Its uid's, so open to it, as the bridges into it are (here: no proxies, no sockets).
      sockets: [],
      host: "ECONNREFUSED",
    });
    expect(hostConnections).toBe(0);
  });

  it("cannot make its read-only paths writable: not by remounting, not from a user namespace of its own", async () => {
    const agentDir = workspace.agentDir;
    const end = await ended(start(["/bin/sh", "-c", [
      `mount -n -o remount,bind,rw ${agentDir} || echo "remount: $?"`,
      `unshare --user --map-root-user --mount sh -c 'mount -n -o remount,bind,rw ${agentDir} && echo > ${agentDir}/made' || echo "nested remount: $?"`,
      `unshare --user --map-root-user --mount sh -c 'umount -n ${agentDir}' || echo "nested umount: $?"`,
    ].join("; ")]));
    expect(end.stdout).toBe("remount: 32\nnested remount: 32\nnested umount: 32\n");
    const failedMount = "       dmesg(1) may have more information after failed mount system call.";
    expect(end.stderr.trim().split("\n")).toEqual([
      // No capability in the sandbox's mount namespace.
      `mount: ${agentDir}: must be superuser to use mount.`, failedMount,
      // Root in a namespace of its own: the kernel keeps a read-only mount it was given read-only,
      `mount: ${agentDir}: permission denied.`, failedMount,
      // and the mounts it was given whole (EINVAL, which umount says so).
      `umount: ${agentDir}: not mounted.`,
    ]);
    await expect(readFile(join(agentDir, "made"))).rejects.toMatchObject({ code: "ENOENT" });
  });

  it("is ended whole when its run stops it, what the agent detached included", async () => {
    const child = start(["/bin/sh", "-c", "setsid sleep 1000 & (sleep 1000 &) ; echo started; wait"]);
    trackOwnProcess(own, child, "sandbox");
    const end = ended(child);
    expect(await firstLine(child)).toBe("started\n");
    // unshare, PID 1's shell, the init, the agent's shell and its two sleeps.
    expect((await processesOf(host.uid)).length).toBeGreaterThanOrEqual(6);
    await stopOwnProcesses(own);
    expect(await end).toMatchObject({ code: null });
    expect(await untilNoProcessesOf(host.uid)).toEqual([]);
  });
});
