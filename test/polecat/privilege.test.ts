// The action's privilege step: the decision on its own, and the compiled module run for real as
// root and as `nobody` (uid 65534), with a fake sudo on PATH that records how it was called.
import { spawn } from "node:child_process";
import { chmod, copyFile, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ensurePrivileged, planPrivilege, REEXECUTED_VARIABLE, type PrivilegeDependencies, type PrivilegeFacts,
} from "../../app/polecat/privilege.js";
import { systemTool } from "../../app/polecat/system-tools.js";
import { requireRoot } from "../agents/needs-root.js";

const FACTS: PrivilegeFacts = {
  uid: 1001,
  sudo: () => ({ works: true }),
  reexecuted: false,
  execPath: "/home/runner/externals/node24/bin/node",
  execArgv: ["--enable-source-maps"],
  argv: ["/home/runner/work/_actions/gastown/polecat/dist/index.js", "--step", "2"],
};

describe("planPrivilege", () => {
  const noSudoAsked = () => { throw new Error("sudo was asked"); };

  it("goes on as root", () => {
    expect(planPrivilege({ ...FACTS, uid: 0, sudo: noSudoAsked })).toEqual({ kind: "privileged" });
  });

  it("re-executes the same node, options and script under sudo -n -E when passwordless sudo works", () => {
    expect(planPrivilege(FACTS)).toEqual({
      kind: "reexecute",
      command: "sudo",
      args: [
        "-n", "-E", "--", "/home/runner/externals/node24/bin/node", "--enable-source-maps",
        "/home/runner/work/_actions/gastown/polecat/dist/index.js", "--step", "2",
      ],
    });
  });

  it("refuses, saying how to run it, when sudo does not work", () => {
    expect(planPrivilege({ ...FACTS, sudo: () => ({ works: false, why: "sudo: a password is required" }) })).toEqual({
      kind: "refuse",
      message: "The polecat action needs root to run the agent as a user of its own; it runs as uid 1001, and `sudo -n true` failed (sudo: a password is required). Run it as root, or as a user with passwordless sudo (as on GitHub-hosted runners).",
    });
  });

  it("refuses rather than loops when the re-executed copy is still not root", () => {
    expect(planPrivilege({ ...FACTS, reexecuted: true, sudo: noSudoAsked })).toEqual({
      kind: "refuse",
      message: "The polecat action needs root, and after re-executing itself under `sudo -n -E` it still runs as uid 1001. Run it as root, or as a user with passwordless sudo (as on GitHub-hosted runners).",
    });
  });
});

describe("ensurePrivileged", () => {
  function deps(facts: PrivilegeFacts, calls: unknown[]): PrivilegeDependencies {
    return {
      facts: () => facts,
      env: { GITHUB_TOKEN: "ghs_token", PATH: "/usr/bin" },
      reexecute: async (command, args, env) => {
        calls.push({ command, args, env });
        return 3;
      },
      exit: (code) => {
        calls.push({ exit: code });
        throw new Error("exited");
      },
    };
  }

  it("re-executes with the whole environment, marked, and exits with the copy's status", async () => {
    const calls: unknown[] = [];
    await expect(ensurePrivileged(deps(FACTS, calls))).rejects.toThrow("exited");
    expect(calls).toEqual([
      {
        command: "sudo",
        args: ["-n", "-E", "--", FACTS.execPath, ...FACTS.execArgv, ...FACTS.argv],
        env: { GITHUB_TOKEN: "ghs_token", PATH: "/usr/bin", [REEXECUTED_VARIABLE]: "1" },
      },
      { exit: 3 },
    ]);
  });

  it("returns as root and throws the refusal otherwise", async () => {
    const calls: unknown[] = [];
    await expect(ensurePrivileged(deps({ ...FACTS, uid: 0 }, calls))).resolves.toBeUndefined();
    await expect(ensurePrivileged(deps({ ...FACTS, sudo: () => ({ works: false, why: "there is no sudo" }) }, calls)))
      .rejects.toThrow("`sudo -n true` failed (there is no sudo)");
    expect(calls).toEqual([]);
  });
});

describe("the privilege step in a real process", () => {
  const NOBODY = 65534;
  const SECRET = "ghs_secret_token_0123456789";
  let dir: string;

  // The compiled module and an entry that calls it, where `nobody` can read them.
  beforeAll(async () => {
    requireRoot();
    dir = await mkdtemp(join(tmpdir(), "gastown-privilege-"));
    await chmod(dir, 0o777);
    await copyFile("build/app/polecat/privilege.js", join(dir, "privilege.js"));
    await writeFile(join(dir, "entry.mjs"), [
      'import { ensurePrivileged } from "./privilege.js";',
      "try {",
      "  await ensurePrivileged();",
      "  process.stdout.write(`privileged as uid ${process.getuid()} with ${process.argv.slice(2).join(\" \")}\\n`);",
      "} catch (error) {",
      "  process.stderr.write(`${error.message}\\n`);",
      "  process.exit(1);",
      "}",
      "",
    ].join("\n"));
  });

  afterAll(async () => {
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  async function fakeSudo(name: string, body: string): Promise<string> {
    // Writable by everyone: the fake sudo writes its record as `nobody`.
    const bin = await mkdtemp(join(dir, `${name}-`));
    await chmod(bin, 0o777);
    await writeFile(join(bin, "sudo"), `#!/bin/sh\nlog=${bin}/calls\nprintf '%s\\n' "$*" >> "$log"\n${body}`, { mode: 0o755 });
    return bin;
  }

  function entry(uid: number, path: string) {
    const asUser = uid === 0 ? [] : [systemTool("setpriv"), `--reuid=${uid}`, `--regid=${uid}`, "--clear-groups"];
    const [command, ...args] = [...asUser, process.execPath, join(dir, "entry.mjs"), "a", "b"];
    const child = spawn(command!, args, { cwd: dir, env: { PATH: path, SECRET_TOKEN: SECRET }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => { stdout += chunk; });
    child.stderr.on("data", (chunk) => { stderr += chunk; });
    const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      child.on("close", (code) => resolve({ code, stdout, stderr }));
    });
    return { child, done };
  }

  it("goes on as root without asking sudo", async () => {
    const bin = await fakeSudo("unused", "exit 1\n");
    expect(await entry(0, `${bin}:/usr/bin:/bin`).done).toEqual({ code: 0, stdout: "privileged as uid 0 with a b\n", stderr: "" });
    await expect(readFile(join(bin, "calls"), "utf8")).rejects.toThrow("ENOENT");
  });

  it("re-executes itself under sudo -n -E, the secret in the environment and not the argv, and stops when that did not make it root", async () => {
    const bin = await fakeSudo("works", [
      '[ "$1 $2" = "-n true" ] && exit 0',
      'env | sort > "$log.env"',
      "shift 3",
      'exec "$@"',
      "",
    ].join("\n"));
    expect(await entry(NOBODY, `${bin}:/usr/bin:/bin`).done).toEqual({
      code: 1,
      stdout: "",
      stderr: "The polecat action needs root, and after re-executing itself under `sudo -n -E` it still runs as uid 65534. Run it as root, or as a user with passwordless sudo (as on GitHub-hosted runners).\n",
    });
    expect(await readFile(join(bin, "calls"), "utf8")).toBe(`-n true\n-n -E -- ${process.execPath} ${join(dir, "entry.mjs")} a b\n`);
    const env = await readFile(join(bin, "calls.env"), "utf8");
    expect(env).toContain(`SECRET_TOKEN=${SECRET}\n`);
    expect(env).toContain(`${REEXECUTED_VARIABLE}=1\n`);
  });

  it("passes a cancelling signal on to the copy under sudo and exits as it did", async () => {
    const bin = await fakeSudo("waits", [
      '[ "$1 $2" = "-n true" ] && exit 0',
      "sleep 30 > /dev/null 2>&1 &",
      "trap 'kill $!; echo TERM >> \"$log\"; exit 143' TERM",
      'echo started >> "$log"',
      "wait",
      "",
    ].join("\n"));
    const run = entry(NOBODY, `${bin}:/usr/bin:/bin`);
    while (!(await readFile(join(bin, "calls"), "utf8").catch(() => "")).includes("started")) await sleep(20);
    run.child.kill("SIGTERM");
    expect((await run.done).code).toBe(143);
    expect(await readFile(join(bin, "calls"), "utf8")).toMatch(/\nstarted\nTERM\n$/);
  });

  it("refuses, saying how to run it, when there is no sudo or it wants a password", async () => {
    const noSudo = await fakeSudo("none", "exit 1\n");
    expect(await entry(NOBODY, "/nonexistent").done).toEqual({
      code: 1,
      stdout: "",
      stderr: "The polecat action needs root to run the agent as a user of its own; it runs as uid 65534, and `sudo -n true` failed (there is no sudo). Run it as root, or as a user with passwordless sudo (as on GitHub-hosted runners).\n",
    });
    const password = await fakeSudo("password", "echo 'sudo: a password is required' >&2\nexit 1\n");
    expect((await entry(NOBODY, `${password}:/usr/bin:/bin`).done).stderr).toContain("`sudo -n true` failed (sudo: a password is required).");
    await expect(readFile(join(noSudo, "calls"), "utf8")).rejects.toThrow("ENOENT");
  });
});
