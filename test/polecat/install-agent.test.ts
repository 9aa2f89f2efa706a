// The installer with a stand-in npm that lays out a package as npm would (the real npm and the
// real Claude Code are installed by the agent CLI tests' global setup, through the same code).
import { chmod, lstat, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AGENT_PACKAGES, type AgentPackage } from "../../app/polecat/agent-packages.js";
import {
  checkPathIsSafe, installAgent, installDirectoryName, npmEnvironment,
} from "../../app/polecat/install-agent.js";

const PACKAGE: AgentPackage = {
  agent: "claude",
  name: "@example/fake-agent",
  version: "1.2.3",
  executable: (platform) => (platform.os === "linux" ? "node_modules/@example/fake-agent/bin/fake-agent" : null),
  versionArgs: ["--version"],
};
const LINUX = { os: "linux", arch: "x64", musl: false } as const;

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "gastown-install-"));
  await chmod(dir, 0o755);
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** An npm that records its calls and installs a fake agent that says it is `says`. */
async function fakeNpm(says = "1.2.3"): Promise<{ npm: string; calls: () => Promise<string[]> }> {
  const log = join(dir, "npm-calls");
  const npm = join(dir, "npm");
  await writeFile(npm, `#!/bin/sh
echo "$*" >> ${log}
env | grep -v '^PWD=' | sort | tr '\\n' ' ' >> ${log}; echo >> ${log}
[ "$(pwd)" = "$4" ] || echo "not run in the staging directory" >> ${log}
while [ "$1" != "--prefix" ]; do shift; done
bin="$2/node_modules/@example/fake-agent/bin"
mkdir -p "$bin"
printf '#!/bin/sh\\necho "fake-agent ${says}"\\n' > "$bin/fake-agent"
chmod 700 "$bin/fake-agent"
echo '{"name":"@example/fake-agent"}' > "$bin/../package.json"
chmod 600 "$bin/../package.json"
sleep 0.2
`, { mode: 0o755 });
  return { npm, calls: async () => (await readFile(log, "utf8").catch(() => "")).split("\n").filter((line) => line !== "") };
}

describe("installAgent", () => {
  it("installs the pinned version into the cache once, open to other users to read and run, and finds it there after", async () => {
    const { npm, calls } = await fakeNpm();
    const cacheRoot = join(dir, "cache");
    const env = { PATH: "/usr/bin:/bin", HOME: "/root", GITHUB_TOKEN: "ghs_secret", ANTHROPIC_API_KEY: "sk-ant-secret", npm_config_registry: "http://registry.invalid/" };
    const prefix = join(cacheRoot, "example-fake-agent@1.2.3");
    const executable = join(prefix, "node_modules/@example/fake-agent/bin/fake-agent");

    expect(await installAgent(PACKAGE, { cacheRoot, npm, env, platform: LINUX })).toEqual({ executable, prefix, installed: true });
    expect(await installAgent(PACKAGE, { cacheRoot, npm, env, platform: LINUX })).toEqual({ executable, prefix, installed: false });

    const [args, npmEnv, ...more] = await calls();
    expect(more).toEqual([]);
    expect(args).toMatch(new RegExp(`^install @example/fake-agent@1\\.2\\.3 --prefix ${cacheRoot}/\\.staging-\\w+ --cache ${cacheRoot}/\\.npm-\\w+ --no-save --no-package-lock --no-audit --no-fund --ignore-scripts --loglevel error$`));
    expect(npmEnv).toBe("HOME=/root PATH=/usr/bin:/bin npm_config_registry=http://registry.invalid/ ");
    expect((await readdir(cacheRoot)).sort()).toEqual(["example-fake-agent@1.2.3"]);
    const mode = async (path: string) => ((await lstat(path)).mode & 0o777).toString(8);
    expect(await Promise.all([cacheRoot, prefix, join(prefix, "node_modules/@example/fake-agent"), executable, join(prefix, "node_modules/@example/fake-agent/package.json")].map(mode)))
      .toEqual(["755", "755", "755", "755", "644"]);
  });

  it("refuses an executable that is not the pinned version, and leaves nothing behind", async () => {
    const { npm } = await fakeNpm("9.9.9");
    const cacheRoot = join(dir, "cache");
    await expect(installAgent(PACKAGE, { cacheRoot, npm, env: {}, platform: LINUX }))
      .rejects.toThrow(/^@example\/fake-agent@1\.2\.3: \/.+\/\.staging-\w+\/node_modules\/@example\/fake-agent\/bin\/fake-agent says it is "fake-agent 9\.9\.9"$/);
    expect(await readdir(cacheRoot)).toEqual([]);
  });

  it("leaves one copy when two install at once", async () => {
    const { npm, calls } = await fakeNpm();
    const cacheRoot = join(dir, "cache");
    await mkdir(cacheRoot, { mode: 0o755 });
    const results = await Promise.all([1, 2].map(() => installAgent(PACKAGE, { cacheRoot, npm, env: {}, platform: LINUX })));
    expect(results.map((result) => result.installed).sort()).toEqual([false, true]);
    expect(await readdir(cacheRoot)).toEqual(["example-fake-agent@1.2.3"]);
    expect((await calls()).join("\n").match(/install @example/g)).toHaveLength(2);
  });

  it("refuses a platform the package ships no executable for", async () => {
    await expect(installAgent(PACKAGE, { cacheRoot: join(dir, "cache"), platform: { os: "win32", arch: "x64", musl: false } }))
      .rejects.toThrow("@example/fake-agent ships no executable for");
  });
});

describe("checkPathIsSafe", () => {
  it("takes a path every user can search and only its owner (or a sticky directory) can change", async () => {
    await expect(checkPathIsSafe(dir)).resolves.toBeUndefined();
  });

  it("refuses a directory other users cannot search, or can write to", async () => {
    const closed = join(dir, "closed");
    await mkdir(closed, { mode: 0o700 });
    await expect(checkPathIsSafe(join(closed))).rejects.toThrow(`${closed} (mode 0700) is not searchable by other users, so the agent's user could not run its CLI from ${closed}`);
    const open = join(dir, "open");
    await mkdir(open);
    await chmod(open, 0o777);
    await expect(checkPathIsSafe(open)).rejects.toThrow(`${open} (mode 0777) is writable by other users, who could swap the agent's CLI in ${open}`);
  });

  it("without root, where the agent runs as the action's own user, needs no other user to search it, and still no other to write it", async () => {
    const closed = join(dir, "closed-own");
    await mkdir(closed, { mode: 0o700 });
    await expect(checkPathIsSafe(closed, 4242)).resolves.toBeUndefined();
    const open = join(dir, "open-own");
    await mkdir(open);
    await chmod(open, 0o777);
    await expect(checkPathIsSafe(open, 4242)).rejects.toThrow(`${open} (mode 0777) is writable by other users, who could swap the agent's CLI in ${open}`);
  });
});

describe("the pinned packages", () => {
  it("run Claude Code from its native binary for the platform", () => {
    const claude = AGENT_PACKAGES.claude;
    expect([claude.name, claude.version, installDirectoryName(claude)]).toEqual(["@anthropic-ai/claude-code", "2.1.332", "anthropic-ai-claude-code@2.1.332"]);
    expect([
      claude.executable({ os: "linux", arch: "x64", musl: false }),
      claude.executable({ os: "linux", arch: "arm64", musl: true }),
      claude.executable({ os: "darwin", arch: "arm64", musl: false }),
      claude.executable({ os: "win32", arch: "x64", musl: false }),
    ]).toEqual([
      "node_modules/@anthropic-ai/claude-code-linux-x64/claude",
      "node_modules/@anthropic-ai/claude-code-linux-arm64-musl/claude",
      "node_modules/@anthropic-ai/claude-code-darwin-arm64/claude",
      null,
    ]);
  });

  it("run Codex from the native binary of its platform package, built for the platform's Rust target", () => {
    const codex = AGENT_PACKAGES.codex;
    expect([codex.name, codex.version, installDirectoryName(codex)]).toEqual(["@openai/codex", "0.163.0", "openai-codex@0.163.0"]);
    expect([
      codex.executable({ os: "linux", arch: "x64", musl: false }),
      codex.executable({ os: "linux", arch: "arm64", musl: true }),
      codex.executable({ os: "darwin", arch: "x64", musl: false }),
      codex.executable({ os: "win32", arch: "x64", musl: false }),
    ]).toEqual([
      "node_modules/@openai/codex-linux-x64/vendor/x86_64-unknown-linux-musl/bin/codex",
      "node_modules/@openai/codex-linux-arm64/vendor/aarch64-unknown-linux-musl/bin/codex",
      "node_modules/@openai/codex-darwin-x64/vendor/x86_64-apple-darwin/bin/codex",
      null,
    ]);
  });

  it("run Gemini CLI from its one bundle on every platform", () => {
    const gemini = AGENT_PACKAGES.gemini;
    expect([gemini.name, gemini.version, installDirectoryName(gemini)]).toEqual(["@google/gemini-cli", "0.61.0", "google-gemini-cli@0.61.0"]);
    expect(gemini.executable({ os: "linux", arch: "arm64", musl: true })).toBe("node_modules/@google/gemini-cli/bundle/gemini.js");
  });

  it("give npm nothing of the action's environment but its own settings", () => {
    expect(npmEnvironment({
      PATH: "/usr/bin", HOME: "/root", GITHUB_TOKEN: "t", ANTHROPIC_API_KEY: "k", NPM_CONFIG_CACHE: "/c",
      npm_config_registry: "r", HTTPS_PROXY: "p", no_proxy: "n", NODE_EXTRA_CA_CERTS: "/ca", NODE_OPTIONS: "--require x",
    })).toEqual({
      PATH: "/usr/bin", HOME: "/root", NPM_CONFIG_CACHE: "/c", npm_config_registry: "r", HTTPS_PROXY: "p", no_proxy: "n", NODE_EXTRA_CA_CERTS: "/ca",
    });
  });
});
