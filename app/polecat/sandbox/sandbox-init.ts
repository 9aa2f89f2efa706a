// The sandbox's init, bundled into action/polecat/dist/sandbox-init.js: root inside the new root,
// run on the workspace's `node` by the script sandbox-plan.ts makes, whose shell stays PID 1 of the
// agent's PID namespace to reap orphans. It brings the loopback up (a new network namespace has
// only `lo`, and it starts down), forwards each bridge's 127.0.0.1 port to its proxy's Unix
// socket, and starts the agent as its user with the agent's environment and nothing of its own.
// When the agent's top process exits, so does the init, with its status, and then PID 1; PID 1
// exiting kills everything left in the namespace, so nothing the agent started outlives it, with
// no race against a process that forks.
import { spawn, execFileSync } from "node:child_process";
import { closeSync, readdirSync, readFileSync } from "node:fs";
import { connect, createServer, type Server, type Socket } from "node:net";
import { constants } from "node:os";
import { systemTool } from "../system-tools.js";
import { parseSandboxInitConfig, sandboxedAgentArgv, SANDBOX_CONFIG_FD, type SandboxInitConfig } from "./sandbox-init-config.js";

// O_CLOEXEC in /proc/<pid>/fdinfo's octal `flags`.
const CLOSE_ON_EXEC = 0o2000000;

function readConfig(): SandboxInitConfig {
  const text = readFileSync(SANDBOX_CONFIG_FD, "utf8");
  // Closed, so it is not the agent's: read once, by the init.
  closeSync(SANDBOX_CONFIG_FD);
  return parseSandboxInitConfig(text);
}

/**
 * Closes what the init inherited beyond stdin, stdout and stderr (a pipe the runner leaves open
 * to its children, say), which would pass to the agent: the files node opens itself close on exec.
 */
function closeInheritedFiles(): void {
  for (const entry of readdirSync("/proc/self/fd")) {
    const fd = Number(entry);
    if (fd <= 2) continue;
    try {
      const flags = /^flags:\s+([0-7]+)$/m.exec(readFileSync(`/proc/self/fdinfo/${fd}`, "utf8"))?.[1];
      if (flags !== undefined && (parseInt(flags, 8) & CLOSE_ON_EXEC) === 0) closeSync(fd);
    } catch {
      // the directory's own descriptor, closed by now
    }
  }
}

function listen(bridge: SandboxInitConfig["bridges"][number]): Promise<Server> {
  // Half-open both ways: a client that ends its request still reads the whole answer.
  const server = createServer({ allowHalfOpen: true }, (agentSide) => {
    const proxySide = connect({ path: bridge.socket, allowHalfOpen: true });
    pipeBoth(agentSide, proxySide);
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(bridge.port, "127.0.0.1", () => {
      server.off("error", reject);
      // A connection it could not take (out of file descriptors) ends that connection, not the agent.
      server.on("error", (error) => process.stderr.write(`gastown sandbox: the bridge on port ${bridge.port}: ${error.message}\n`));
      resolve(server);
    });
  });
}

/** Each way, until either side ends; an error on one closes both. */
function pipeBoth(a: Socket, b: Socket): void {
  a.pipe(b);
  b.pipe(a);
  const close = () => {
    a.destroy();
    b.destroy();
  };
  a.on("error", close);
  b.on("error", close);
}

function startAgent(agent: SandboxInitConfig): void {
  const [command, ...args] = sandboxedAgentArgv(agent);
  const child = spawn(command!, args, { env: { ...agent.env }, cwd: agent.cwd, stdio: "inherit" });
  // Those meant for the agent are passed on.
  for (const signal of ["SIGTERM", "SIGINT", "SIGHUP"] as const) process.on(signal, () => child.kill(signal));
  child.on("error", (error) => {
    process.stderr.write(`gastown sandbox: cannot start the agent: ${error.message}\n`);
    process.exit(127);
  });
  // A shell's convention for a process ended by a signal, which PID 1's `wait` passes on as it is.
  child.on("exit", (code, signal) => process.exit(code ?? 128 + (signal === null ? 0 : constants.signals[signal])));
}

// Last, so every constant above is set before it runs.
const config = readConfig();
closeInheritedFiles();
execFileSync(systemTool("ip"), ["link", "set", "lo", "up"], { env: {}, stdio: ["ignore", "ignore", "inherit"] });
await Promise.all(config.bridges.map(listen));
startAgent(config);
