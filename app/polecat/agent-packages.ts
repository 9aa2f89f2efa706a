// The agent CLIs the action can install, each pinned to one version, here and nowhere else. They
// are never dependencies of the App (Claude Code is some 400 MB with its native binary): the action
// installs the pinned version at run time (install-agent.ts), and the tests install the same one.

export type AgentName = "claude" | "codex" | "gemini";

export interface Platform {
  readonly os: NodeJS.Platform;
  readonly arch: string;
  /** Linked against musl rather than glibc (Alpine). */
  readonly musl: boolean;
}

export interface AgentPackage {
  readonly agent: AgentName;
  /** The npm package. */
  readonly name: string;
  readonly version: string;
  /** The executable, relative to the install prefix, or null where the package ships none. */
  executable(platform: Platform): string | null;
  /** Arguments that make the executable print its version (checked after installing). */
  readonly versionArgs: readonly string[];
}

const CLAUDE_PLATFORMS = new Set(["linux-x64", "linux-arm64", "darwin-x64", "darwin-arm64"]);
/** The Rust target each of Codex's platform packages is built for (Linux builds are static, musl). */
const CODEX_TARGETS: Readonly<Record<string, string>> = {
  "linux-x64": "x86_64-unknown-linux-musl",
  "linux-arm64": "aarch64-unknown-linux-musl",
  "darwin-x64": "x86_64-apple-darwin",
  "darwin-arm64": "aarch64-apple-darwin",
};

export const AGENT_PACKAGES: Readonly<Record<AgentName, AgentPackage>> = {
  claude: {
    agent: "claude",
    name: "@anthropic-ai/claude-code",
    version: "2.1.332",
    // The native binary comes in a package per platform. The wrapper's bin/claude.exe is only a
    // placeholder until its postinstall script copies the binary over it, and the installer runs
    // no package scripts (they would run as root), so the binary is run from where npm put it.
    executable(platform) {
      const key = `${platform.os}-${platform.arch}`;
      if (!CLAUDE_PLATFORMS.has(key)) return null;
      return `node_modules/@anthropic-ai/claude-code-${key}${platform.musl && platform.os === "linux" ? "-musl" : ""}/claude`;
    },
    versionArgs: ["--version"],
  },
  codex: {
    agent: "codex",
    name: "@openai/codex",
    // The release @openai/codex-sdk 0.163.0 is made for, whose event types the parser follows.
    version: "0.163.0",
    // bin/codex.js only finds and starts the native binary, which comes in a package per platform
    // (an npm alias of @openai/codex@<version>-<platform>); it is run from there, as the SDK does.
    executable(platform) {
      const key = `${platform.os}-${platform.arch}`;
      const target = CODEX_TARGETS[key];
      return target === undefined ? null : `node_modules/@openai/codex-${key}/vendor/${target}/bin/codex`;
    },
    versionArgs: ["--version"],
  },
  gemini: {
    agent: "gemini",
    name: "@google/gemini-cli",
    version: "0.61.0",
    // One JavaScript bundle for every platform, started by the `node` on the agent's PATH (its
    // shebang); its optional native packages (a pty, a keychain) serve the interactive mode only.
    executable: () => "node_modules/@google/gemini-cli/bundle/gemini.js",
    versionArgs: ["--version"],
  },
};

export function currentPlatform(): Platform {
  const report = process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined;
  return {
    os: process.platform,
    arch: process.arch,
    musl: process.platform === "linux" && report?.header?.glibcVersionRuntime === undefined,
  };
}
