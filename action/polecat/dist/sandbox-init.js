import { createRequire as __gastownCreateRequire } from "node:module";
import { fileURLToPath as __gastownFileURLToPath } from "node:url";
import { dirname as __gastownDirname } from "node:path";
const require = __gastownCreateRequire(import.meta.url);
const __filename = __gastownFileURLToPath(import.meta.url);
const __dirname = __gastownDirname(__filename);

// app/polecat/sandbox/sandbox-init.ts
import { spawn, execFileSync } from "node:child_process";
import { closeSync, readdirSync, readFileSync } from "node:fs";
import { connect, createServer } from "node:net";
import { constants as constants2 } from "node:os";

// app/polecat/system-tools.ts
import { accessSync, constants } from "node:fs";
import { join } from "node:path";
var SYSTEM_DIRECTORIES = ["/usr/sbin", "/usr/bin", "/sbin", "/bin"];
function systemTool(name, directories = SYSTEM_DIRECTORIES) {
  for (const directory of directories) {
    const path = join(directory, name);
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {
    }
  }
  throw new Error(`${name} is not installed (looked in ${directories.join(", ")}); the polecat action needs it to run the agent as a user of its own`);
}

// app/polecat/sandbox/sandbox-init-config.ts
var SANDBOX_CONFIG_FD = 3;
function setprivOptions(user) {
  return [`--reuid=${user.uid}`, `--regid=${user.gid}`, "--clear-groups", "--no-new-privs"];
}
function sandboxedAgentArgv(config2) {
  if (config2.userNamespace !== null) {
    return [
      config2.userNamespace.unshare,
      "--user",
      `--map-user=${config2.uid}`,
      `--map-group=${config2.gid}`,
      "--",
      config2.setpriv,
      "--no-new-privs",
      ...config2.dropCapabilities ? ["--inh-caps=-all"] : [],
      "--",
      ...config2.argv
    ];
  }
  return [
    config2.setpriv,
    ...setprivOptions(config2),
    ...config2.dropCapabilities ? ["--inh-caps=-all", "--bounding-set=-all"] : [],
    "--",
    ...config2.argv
  ];
}
function parseSandboxInitConfig(text) {
  const value = JSON.parse(text);
  const strings = (list) => Array.isArray(list) && list.every((item) => typeof item === "string");
  const ok = typeof value === "object" && value !== null && Array.isArray(value.bridges) && value.bridges.every((bridge) => Number.isInteger(bridge.port) && typeof bridge.socket === "string") && Number.isInteger(value.uid) && value.uid > 0 && Number.isInteger(value.gid) && value.gid > 0 && strings(value.argv) && value.argv.length > 0 && typeof value.env === "object" && value.env !== null && strings(Object.values(value.env)) && typeof value.cwd === "string" && typeof value.setpriv === "string" && typeof value.dropCapabilities === "boolean" && (value.userNamespace === null || typeof value.userNamespace === "object" && typeof value.userNamespace.unshare === "string");
  if (!ok) throw new Error("the sandbox's init was given a config it cannot read");
  return value;
}

// app/polecat/sandbox/sandbox-init.ts
var CLOSE_ON_EXEC = 524288;
function readConfig() {
  const text = readFileSync(SANDBOX_CONFIG_FD, "utf8");
  closeSync(SANDBOX_CONFIG_FD);
  return parseSandboxInitConfig(text);
}
function closeInheritedFiles() {
  for (const entry of readdirSync("/proc/self/fd")) {
    const fd = Number(entry);
    if (fd <= 2) continue;
    try {
      const flags = /^flags:\s+([0-7]+)$/m.exec(readFileSync(`/proc/self/fdinfo/${fd}`, "utf8"))?.[1];
      if (flags !== void 0 && (parseInt(flags, 8) & CLOSE_ON_EXEC) === 0) closeSync(fd);
    } catch {
    }
  }
}
function listen(bridge) {
  const server = createServer({ allowHalfOpen: true }, (agentSide) => {
    const proxySide = connect({ path: bridge.socket, allowHalfOpen: true });
    pipeBoth(agentSide, proxySide);
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(bridge.port, "127.0.0.1", () => {
      server.off("error", reject);
      server.on("error", (error) => process.stderr.write(`gastown sandbox: the bridge on port ${bridge.port}: ${error.message}
`));
      resolve(server);
    });
  });
}
function pipeBoth(a, b) {
  a.pipe(b);
  b.pipe(a);
  const close = () => {
    a.destroy();
    b.destroy();
  };
  a.on("error", close);
  b.on("error", close);
}
function startAgent(agent) {
  const [command, ...args] = sandboxedAgentArgv(agent);
  const child = spawn(command, args, { env: { ...agent.env }, cwd: agent.cwd, stdio: "inherit" });
  for (const signal of ["SIGTERM", "SIGINT", "SIGHUP"]) process.on(signal, () => child.kill(signal));
  child.on("error", (error) => {
    process.stderr.write(`gastown sandbox: cannot start the agent: ${error.message}
`);
    process.exit(127);
  });
  child.on("exit", (code, signal) => process.exit(code ?? 128 + (signal === null ? 0 : constants2.signals[signal])));
}
var config = readConfig();
closeInheritedFiles();
execFileSync(systemTool("ip"), ["link", "set", "lo", "up"], { env: {}, stdio: ["ignore", "ignore", "inherit"] });
await Promise.all(config.bridges.map(listen));
startAgent(config);
