// The sandbox's script, as text: what it mounts, in what order, every path one shell word; and
// the specs it refuses. The script's effect is tested for real in sandbox-isolation.test.ts.
import { describe, expect, it } from "vitest";
import {
  EGRESS_BRIDGE_PORT, MODEL_BRIDGE_PORT, sandboxScript, socketInside, workspaceSandboxSpec, type SandboxSpec,
} from "../../app/polecat/sandbox/sandbox-plan.js";
import {
  parseSandboxInitConfig, sandboxedAgentArgv, type SandboxInitConfig,
} from "../../app/polecat/sandbox/sandbox-init-config.js";
import type { PolecatWorkspace } from "../../app/polecat/polecat-workspace.js";

const SPEC: SandboxSpec = {
  root: "/w/run-1/action/sandbox-root",
  readOnly: ["/w/run-1/agent", "/opt/it's here/agent.sh"],
  writable: ["/w/run-1/agent/home", "/w/run-1/agent/clone"],
  sockets: "/w/run-1/action/sockets",
  bridges: [{ port: 3128, socket: "/w/run-1/action/sockets/egress.sock" }],
  node: "/w/run-1/agent/bin/node",
  init: "/w/run-1/agent/bin/sandbox-init.js",
  system: ["/usr", "/bin"],
};

describe("sandboxScript", () => {
  it("builds the new root from a tmpfs, the system, a minimal /dev, a fresh /proc, private temporaries and the binds, then pivots into it and runs the init", () => {
    expect(sandboxScript(SPEC).split("\n")).toEqual([
      "set -eu",
      "umask 022",
      "PATH=/usr/sbin:/usr/bin:/sbin:/bin",
      "where() { if [ -d \"$1\" ]; then [ -d \"$2\" ] || mkdir -p \"$2\"; else [ -d \"${2%/*}\" ] || mkdir -p \"${2%/*}\"; [ -e \"$2\" ] || touch \"$2\"; fi; }",
      "bind_ro() { where \"$1\" \"$2\"; mount -n --bind -o ro,nosuid,nodev \"$1\" \"$2\"; }",
      "bind_rw() { where \"$1\" \"$2\"; mount -n --bind -o nosuid,nodev \"$1\" \"$2\"; }",
      "system() { if [ -L \"$1\" ]; then ln -s \"$(readlink \"$1\")\" \"$2\"; elif [ -e \"$1\" ]; then bind_ro \"$1\" \"$2\"; fi; }",
      "mount -n --make-rprivate /",
      "mount -n -t tmpfs -o mode=0755,nosuid,nodev gastown-root '/w/run-1/action/sandbox-root'",
      "system '/usr' '/w/run-1/action/sandbox-root/usr'",
      "system '/bin' '/w/run-1/action/sandbox-root/bin'",
      "mkdir '/w/run-1/action/sandbox-root/dev'",
      "mount -n -t tmpfs -o mode=0755,nosuid,nodev,noexec gastown-dev '/w/run-1/action/sandbox-root/dev'",
      "touch '/w/run-1/action/sandbox-root/dev/null' && mount -n --bind -o nosuid,noexec '/dev/null' '/w/run-1/action/sandbox-root/dev/null'",
      "touch '/w/run-1/action/sandbox-root/dev/zero' && mount -n --bind -o nosuid,noexec '/dev/zero' '/w/run-1/action/sandbox-root/dev/zero'",
      "touch '/w/run-1/action/sandbox-root/dev/full' && mount -n --bind -o nosuid,noexec '/dev/full' '/w/run-1/action/sandbox-root/dev/full'",
      "touch '/w/run-1/action/sandbox-root/dev/random' && mount -n --bind -o nosuid,noexec '/dev/random' '/w/run-1/action/sandbox-root/dev/random'",
      "touch '/w/run-1/action/sandbox-root/dev/urandom' && mount -n --bind -o nosuid,noexec '/dev/urandom' '/w/run-1/action/sandbox-root/dev/urandom'",
      "touch '/w/run-1/action/sandbox-root/dev/tty' && mount -n --bind -o nosuid,noexec '/dev/tty' '/w/run-1/action/sandbox-root/dev/tty'",
      "ln -s '/proc/self/fd' '/w/run-1/action/sandbox-root/dev/fd'",
      "ln -s '/proc/self/fd/0' '/w/run-1/action/sandbox-root/dev/stdin'",
      "ln -s '/proc/self/fd/1' '/w/run-1/action/sandbox-root/dev/stdout'",
      "ln -s '/proc/self/fd/2' '/w/run-1/action/sandbox-root/dev/stderr'",
      "mkdir '/w/run-1/action/sandbox-root/dev/shm'",
      "mount -n -t tmpfs -o mode=1777,nosuid,nodev gastown-shm '/w/run-1/action/sandbox-root/dev/shm'",
      "mkdir '/w/run-1/action/sandbox-root/proc'",
      "mount -n -t proc -o nosuid,nodev,noexec proc '/w/run-1/action/sandbox-root/proc'",
      "mkdir -p '/w/run-1/action/sandbox-root/tmp' '/w/run-1/action/sandbox-root/var/tmp'",
      "mount -n -t tmpfs -o mode=1777,nosuid,nodev gastown-tmp '/w/run-1/action/sandbox-root/tmp'",
      "mount -n -t tmpfs -o mode=1777,nosuid,nodev gastown-var-tmp '/w/run-1/action/sandbox-root/var/tmp'",
      "bind_ro '/w/run-1/action/sockets' '/w/run-1/action/sandbox-root/run/gastown'",
      "bind_ro '/opt/it'\\''s here/agent.sh' '/w/run-1/action/sandbox-root/opt/it'\\''s here/agent.sh'",
      "bind_ro '/w/run-1/agent' '/w/run-1/action/sandbox-root/w/run-1/agent'",
      "bind_rw '/w/run-1/agent/clone' '/w/run-1/action/sandbox-root/w/run-1/agent/clone'",
      "bind_rw '/w/run-1/agent/home' '/w/run-1/action/sandbox-root/w/run-1/agent/home'",
      "mkdir '/w/run-1/action/sandbox-root/.old-root'",
      "cd '/w/run-1/action/sandbox-root'",
      "pivot_root . .old-root",
      "umount -n -l /.old-root",
      "rmdir /.old-root",
      "mount -n -o remount,bind,ro,nosuid,nodev /",
      "cd /",
      "set +e",
      "exec 4<&0",
      "'/w/run-1/agent/bin/node' '/w/run-1/agent/bin/sandbox-init.js' 0<&4 4<&- &",
      "exec 3<&- 4<&- 0</dev/null",
      "wait $!",
      "exit $?",
      "",
    ]);
  });

  it("binds the system's usual paths unless told otherwise", () => {
    const { system: _, ...spec } = SPEC;
    const script = sandboxScript(spec);
    expect(script.split("\n").filter((line) => line.startsWith("system "))).toEqual(
      ["usr", "etc", "bin", "sbin", "lib", "lib32", "lib64", "libx32"].map((name) => `system '/${name}' '${SPEC.root}/${name}'`),
    );
  });

  it("refuses a spec that would bind over what the sandbox makes, inside a writable path, twice, or by a path that is not plain", () => {
    const refused = (patch: Partial<SandboxSpec>) => () => sandboxScript({ ...SPEC, ...patch });
    expect(refused({ readOnly: ["/proc/1"] })).toThrow("the sandbox makes /proc itself; /proc/1 cannot be bound there");
    expect(refused({ readOnly: ["/run/gastown/x"] })).toThrow("the sandbox makes /run/gastown itself; /run/gastown/x cannot be bound there");
    expect(refused({ writable: ["/tmp"] })).toThrow("the sandbox makes /tmp itself; /tmp cannot be bound there");
    expect(refused({ writable: ["/"] })).toThrow("the sandbox makes / itself; / cannot be bound there");
    expect(refused({ readOnly: ["/w/run-1/agent/clone/bin"] })).toThrow("/w/run-1/agent/clone/bin lies inside the writable /w/run-1/agent/clone; nothing is bound inside a writable path");
    expect(refused({ readOnly: ["/w/run-1/agent", "/w/run-1/agent"] })).toThrow("/w/run-1/agent is bound twice");
    expect(refused({ readOnly: ["w/run-1/agent"] })).toThrow('the sandbox\'s path "w/run-1/agent" is not absolute and normal');
    expect(refused({ readOnly: ["/w/../etc"] })).toThrow('the sandbox\'s path "/w/../etc" is not absolute and normal');
    expect(refused({ bridges: [{ port: 0, socket: "/w/run-1/action/sockets/a" }] })).toThrow("the bridge's port 0 is not a port");
    expect(refused({ bridges: [{ port: 1, socket: "/w/run-1/action/a" }] }))
      .toThrow("the bridge's socket /w/run-1/action/a is not in the sockets directory /w/run-1/action/sockets");
    expect(refused({ bridges: [{ port: 1, socket: "/w/run-1/action/sockets/a" }, { port: 1, socket: "/w/run-1/action/sockets/b" }] }))
      .toThrow("two bridges share a port");
    // A workspace in the runner's temp is bound on top of the private /tmp.
    expect(() => sandboxScript({ ...SPEC, readOnly: ["/tmp/w/agent"], writable: ["/tmp/w/agent/clone"] })).not.toThrow();
  });
});

describe("socketInside", () => {
  it("places a socket of the sockets directory under /run/gastown", () => {
    expect(socketInside(SPEC, "/w/run-1/action/sockets/egress.sock")).toBe("/run/gastown/egress.sock");
  });
});

describe("workspaceSandboxSpec", () => {
  it("binds the agent's directory read-only, its own four writable, and roots the sandbox in the action's directory", () => {
    const workspace = {
      actionDir: "/w/run-1/action", agentDir: "/w/run-1/agent", bin: "/w/run-1/agent/bin", node: "/w/run-1/agent/bin/node",
      clone: "/w/run-1/agent/clone", home: "/w/run-1/agent/home", outboxDir: "/w/run-1/agent/outbox", tmp: "/w/run-1/agent/tmp",
    } as PolecatWorkspace;
    const bridges = [
      { port: EGRESS_BRIDGE_PORT, socket: "/w/run-1/action/sockets/egress.sock" },
      { port: MODEL_BRIDGE_PORT, socket: "/w/run-1/action/sockets/model.sock" },
    ];
    expect(workspaceSandboxSpec(workspace, { readOnly: ["/var/cache/gastown/agents/x@1"], sockets: "/w/run-1/action/sockets", bridges })).toEqual({
      root: "/w/run-1/action/sandbox-root",
      readOnly: ["/w/run-1/agent", "/var/cache/gastown/agents/x@1"],
      writable: ["/w/run-1/agent/clone", "/w/run-1/agent/home", "/w/run-1/agent/outbox", "/w/run-1/agent/tmp"],
      sockets: "/w/run-1/action/sockets",
      bridges,
      node: "/w/run-1/agent/bin/node",
      init: "/w/run-1/agent/bin/sandbox-init.js",
    });
  });
});

describe("the init's config", () => {
  const CONFIG: SandboxInitConfig = {
    bridges: [{ port: 3128, socket: "/run/gastown/egress.sock" }], uid: 999, gid: 995, argv: ["claude", "-p"],
    env: { HOME: "/w/home" }, cwd: "/w/clone", setpriv: "/usr/bin/setpriv", dropCapabilities: true, userNamespace: null,
  };

  it("starts the agent as its user, with no groups, no new privileges and, where setpriv can, no capabilities to inherit or bound", () => {
    expect(sandboxedAgentArgv(CONFIG)).toEqual([
      "/usr/bin/setpriv", "--reuid=999", "--regid=995", "--clear-groups", "--no-new-privs", "--inh-caps=-all", "--bounding-set=-all", "--", "claude", "-p",
    ]);
    expect(sandboxedAgentArgv({ ...CONFIG, dropCapabilities: false })).toEqual([
      "/usr/bin/setpriv", "--reuid=999", "--regid=995", "--clear-groups", "--no-new-privs", "--", "claude", "-p",
    ]);
  });

  it("made by an ordinary user, starts the agent in a nested user namespace as its uid there, not root, with no new privileges", () => {
    const own = { ...CONFIG, uid: 1000, gid: 1000, userNamespace: { unshare: "/usr/bin/unshare" } };
    expect(sandboxedAgentArgv(own)).toEqual([
      "/usr/bin/unshare", "--user", "--map-user=1000", "--map-group=1000", "--",
      "/usr/bin/setpriv", "--no-new-privs", "--inh-caps=-all", "--", "claude", "-p",
    ]);
    expect(sandboxedAgentArgv({ ...own, dropCapabilities: false })).toEqual([
      "/usr/bin/unshare", "--user", "--map-user=1000", "--map-group=1000", "--", "/usr/bin/setpriv", "--no-new-privs", "--", "claude", "-p",
    ]);
  });

  it("reads back what it was given, and refuses what would start the agent as root or with no command", () => {
    expect(parseSandboxInitConfig(JSON.stringify(CONFIG))).toEqual(CONFIG);
    const own = { ...CONFIG, userNamespace: { unshare: "/usr/bin/unshare" } };
    expect(parseSandboxInitConfig(JSON.stringify(own))).toEqual(own);
    for (const patch of [
      { uid: 0 }, { gid: 0 }, { argv: [] }, { env: { A: 1 } }, { bridges: [{ port: "3128", socket: "/s" }] }, { dropCapabilities: "yes" },
      { userNamespace: undefined }, { userNamespace: { unshare: 1 } }, { userNamespace: "/usr/bin/unshare" },
    ]) {
      expect(() => parseSandboxInitConfig(JSON.stringify({ ...CONFIG, ...patch }))).toThrow("the sandbox's init was given a config it cannot read");
    }
  });
});
