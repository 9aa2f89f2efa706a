// Installs an agent's pinned CLI with npm into a cache prefix, unless it is there already, and
// says where its executable is. The action calls it at run time; the tests' global setup calls it
// once for all tests. The prefix must be readable and searchable by the agent's user along its
// whole path, and writable by nobody but its owner: on a runner that is kept, a CLI the agent could
// replace would run as the next job's agent.
//
// An install is made in a staging directory beside its final place and renamed into it when
// complete, so a prefix that exists is whole, and two installers racing leave one copy.
import { execFile } from "node:child_process";
import { access, chmod, lstat, mkdir, mkdtemp, readdir, rename, rm, stat } from "node:fs/promises";
import { dirname, join, parse, resolve } from "node:path";
import { promisify } from "node:util";
import { currentPlatform, type AgentPackage, type Platform } from "./agent-packages.js";

const run = promisify(execFile);

/** Where the action keeps agent CLIs; persists between runs on a runner that is kept. */
export const DEFAULT_AGENT_CACHE = "/var/cache/gastown/agents";

// What npm may see of the action's environment: the action holds the run's token and the model
// key, and npm needs neither.
const NPM_ENVIRONMENT = /^(PATH|HOME|npm_config_.*|(https?|no)_proxy|NODE_EXTRA_CA_CERTS)$/i;

const NPM_TIMEOUT_MS = 10 * 60_000;
const VERSION_TIMEOUT_MS = 30_000;
const SYSTEM_PATH = "/usr/local/bin:/usr/bin:/bin";

export interface InstallAgentOptions {
  readonly cacheRoot?: string;
  /** The npm command. */
  readonly npm?: string;
  /** The environment npm's is taken from (only PATH, HOME, npm's and proxy settings pass). */
  readonly env?: NodeJS.ProcessEnv;
  readonly platform?: Platform;
  readonly log?: (line: string) => void;
}

export interface InstalledAgent {
  readonly executable: string;
  readonly prefix: string;
  /** Whether this call installed it (false: it was in the cache). */
  readonly installed: boolean;
}

export async function installAgent(pkg: AgentPackage, options: InstallAgentOptions = {}): Promise<InstalledAgent> {
  const cacheRoot = resolve(options.cacheRoot ?? DEFAULT_AGENT_CACHE);
  const relativeExecutable = pkg.executable(options.platform ?? currentPlatform());
  if (relativeExecutable === null) {
    throw new Error(`${pkg.name} ships no executable for ${process.platform}-${process.arch}`);
  }
  const prefix = join(cacheRoot, installDirectoryName(pkg));
  const executable = join(prefix, relativeExecutable);

  await mkdir(cacheRoot, { recursive: true, mode: 0o755 });
  await checkPathIsSafe(cacheRoot);

  if (await exists(prefix)) {
    await checkVersion(pkg, executable);
    return { executable, prefix, installed: false };
  }

  options.log?.(`Installing ${pkg.name}@${pkg.version} into ${prefix}`);
  const staging = await mkdtemp(join(cacheRoot, ".staging-"));
  // npm's own cache would keep a second copy of every download; this one goes with the install.
  const npmCache = await mkdtemp(join(cacheRoot, ".npm-"));
  try {
    await run(options.npm ?? "npm", [
      "install", `${pkg.name}@${pkg.version}`,
      "--prefix", staging,
      "--cache", npmCache,
      "--no-save", "--no-package-lock", "--no-audit", "--no-fund",
      // No package code runs as root; the executable is the package's own binary (agent-packages.ts).
      "--ignore-scripts",
      "--loglevel", "error",
    ], {
      // In the staging directory, so no project's .npmrc where the action happens to be has a say.
      cwd: staging,
      env: npmEnvironment(options.env ?? process.env),
      timeout: NPM_TIMEOUT_MS,
      maxBuffer: 16 * 1024 * 1024,
    });
    await checkVersion(pkg, join(staging, relativeExecutable));
    await openToOthers(staging);
    try {
      await rename(staging, prefix);
    } catch (error) {
      // Another installer got there first; its copy is as good as this one.
      if (!isCode(error, "ENOTEMPTY") && !isCode(error, "EEXIST")) throw error;
      await checkVersion(pkg, executable);
      return { executable, prefix, installed: false };
    }
    return { executable, prefix, installed: true };
  } finally {
    await rm(staging, { recursive: true, force: true });
    await rm(npmCache, { recursive: true, force: true });
  }
}

/** `@anthropic-ai/claude-code` 2.1.332 → `anthropic-ai-claude-code@2.1.332`. */
export function installDirectoryName(pkg: Pick<AgentPackage, "name" | "version">): string {
  return `${pkg.name.replace(/^@/, "").replace(/\//g, "-")}@${pkg.version}`;
}

export function npmEnvironment(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([name]) => NPM_ENVIRONMENT.test(name)));
}

async function checkVersion(pkg: AgentPackage, executable: string): Promise<void> {
  let output: string;
  try {
    // Nothing of the action's environment but a PATH, where a CLI written in JavaScript finds
    // `node` as it will on the agent's PATH: the action's own first (the agent gets a copy).
    const path = `${dirname(process.execPath)}:${SYSTEM_PATH}`;
    output = (await run(executable, [...pkg.versionArgs], { timeout: VERSION_TIMEOUT_MS, env: { PATH: path } })).stdout;
  } catch (error) {
    throw new Error(`${pkg.name}@${pkg.version}: ${executable} does not run (${(error as Error).message.trim()})`);
  }
  if (!output.includes(pkg.version)) {
    throw new Error(`${pkg.name}@${pkg.version}: ${executable} says it is "${output.trim()}"`);
  }
}

/**
 * Every directory from the root to `path` must be searchable by other users (or the agent's
 * could not reach the CLI), owned by root or by this process's user, and writable by no one else
 * unless sticky (/tmp): else another user could swap what the agent runs. Without root the agent
 * runs as this process's own user (own-user.ts), which needs no other user to reach it.
 */
export async function checkPathIsSafe(path: string, uid = process.getuid?.() ?? 0): Promise<void> {
  const { root } = parse(path);
  for (let dir = path; ; dir = dirname(dir)) {
    const info = await stat(dir);
    const mode = `0${(info.mode & 0o7777).toString(8)}`;
    if (uid === 0 && (info.mode & 0o001) === 0) {
      throw new Error(`${dir} (mode ${mode}) is not searchable by other users, so the agent's user could not run its CLI from ${path}`);
    }
    if (info.uid !== 0 && info.uid !== uid) {
      throw new Error(`${dir} belongs to uid ${info.uid}, who could swap the agent's CLI in ${path}`);
    }
    if ((info.mode & 0o022) !== 0 && (info.mode & 0o1000) === 0) {
      throw new Error(`${dir} (mode ${mode}) is writable by other users, who could swap the agent's CLI in ${path}`);
    }
    if (dir === root) return;
  }
}

/** Readable (and, where executable, runnable) by everyone, writable by the owner only. */
async function openToOthers(path: string): Promise<void> {
  const info = await lstat(path);
  if (info.isSymbolicLink()) return;
  if (info.isDirectory()) {
    await chmod(path, 0o755);
    for (const entry of await readdir(path)) await openToOthers(join(path, entry));
    return;
  }
  await chmod(path, (info.mode & 0o111) === 0 ? 0o644 : 0o755);
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

function isCode(error: unknown, code: string): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === code;
}
