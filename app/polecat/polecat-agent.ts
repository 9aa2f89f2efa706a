// Which program each step's agent process is (`polecat.agent`): Claude Code, Codex or Gemini CLI
// at its pinned version, installed by the action at run time, or the team's own
// `polecat.command`, taken from the base branch as the run fetched it, or from the runner: never
// from the agent's clone, where it would be code the agent wrote.
import { access, chmod, constants, mkdir, rename, writeFile } from "node:fs/promises";
import { isAbsolute, join } from "node:path";
import type { ActionRepo } from "./action-repo.js";
import { AGENT_PACKAGES } from "./agent-packages.js";
import type { AgentInvocation } from "./agents/agent-invocation.js";
import { claudeInvocation } from "./agents/claude.js";
import { codexInvocation } from "./agents/codex.js";
import { commandInvocation } from "./agents/command.js";
import { GEMINI_SYSTEM_SETTINGS, geminiInvocation } from "./agents/gemini.js";
import type { PolecatDependencies } from "./run-polecat.js";
import type { PolecatOptions } from "./polecat-options.js";
import type { PolecatWorkspace } from "./polecat-workspace.js";
import type { ModelAccess } from "./sandbox/run-sandbox.js";

/** The agent, ready to start for one step's prompt. */
export interface AgentProgram {
  readonly describe: string;
  /** What the sandbox must show it, read-only, beyond the workspace: the CLI's install, its settings, a runner's command. */
  readonly paths: readonly string[];
  invocation(prompt: string): AgentInvocation;
}

/** The most a repository's command file may be. */
const MAX_COMMAND_BYTES = 10 * 1024 * 1024;

/**
 * `model`: the key and base URL the agent is given: the model proxy's dummy and address in the
 * sandbox, else the real key (and `model-base-url`); null when the run has no key.
 */
export async function resolveAgentProgram(
  options: PolecatOptions, deps: Pick<PolecatDependencies, "installAgent" | "log" | "agentUser">, repo: ActionRepo, baseTip: string, workspace: PolecatWorkspace,
  model: ModelAccess | null,
): Promise<AgentProgram> {
  const { limits } = options;
  const agent = limits.agent;
  if (agent !== "command") {
    const pkg = AGENT_PACKAGES[agent];
    const installed = await deps.installAgent(pkg, options.agentCache);
    deps.log.info(`${installed.installed ? "Installed" : "Using"} ${pkg.name}@${pkg.version}.`);
    if (model === null) throw new Error(`polecat.agent is ${agent}, which needs its model vendor's key`);
    const common = {
      executable: installed.executable, apiKey: model.apiKey, model: limits.model,
      ...(model.baseUrl === undefined ? {} : { baseUrl: model.baseUrl }),
    };
    // Gemini CLI's settings: a system file beside its install, shown read-only; without root, its user settings.
    const ownUser = deps.agentUser?.own === true;
    const systemSettings = agent === "gemini" && !ownUser ? await geminiSettingsFile(installed.prefix) : undefined;
    if (agent === "gemini" && ownUser) await geminiUserSettings(workspace);
    return {
      describe: `${pkg.name}@${pkg.version}`,
      paths: [installed.prefix, ...(systemSettings === undefined ? [] : [systemSettings])],
      invocation: (prompt) => {
        switch (agent) {
          case "claude": return claudeInvocation({ ...common, prompt });
          case "codex": return codexInvocation({ ...common, prompt });
          case "gemini": return geminiInvocation({ ...common, prompt, ...(systemSettings === undefined ? {} : { settingsFile: systemSettings }) });
        }
      },
    };
  }
  const command = limits.command as string;
  const onRunner = isAbsolute(command);
  const executable = onRunner ? await runnerCommand(command) : await repositoryCommand(repo, baseTip, command, workspace);
  return {
    describe: `polecat.command ${command}`,
    paths: onRunner ? [executable] : [],
    invocation: (prompt) => {
      const invocation = commandInvocation({ executable, prompt, promptFile: workspace.prompt, agentClone: workspace.clone });
      return model === null ? invocation : { ...invocation, env: { ...invocation.env, ...commandModelEnvironment(model) } };
    },
  };
}

/**
 * A `command` agent in the sandbox, when the run has a key, gets Anthropic's Messages API as
 * Claude Code would: the model proxy's address and its dummy key. Outside the sandbox it is given
 * no key at all.
 */
function commandModelEnvironment(model: ModelAccess): Record<string, string> {
  return { ANTHROPIC_API_KEY: model.apiKey, ...(model.baseUrl === undefined ? {} : { ANTHROPIC_BASE_URL: model.baseUrl }) };
}

/**
 * Gemini CLI's system settings, beside its install in the agent cache: a path only root can
 * write, which the CLI requires (the workspace may be under /tmp). Written whole, then renamed.
 */
async function geminiSettingsFile(installPrefix: string): Promise<string> {
  const file = `${installPrefix}.settings.json`;
  const staging = `${file}.${process.pid}`;
  await writeFile(staging, `${JSON.stringify(GEMINI_SYSTEM_SETTINGS, null, 2)}\n`, { mode: 0o644 });
  await chmod(staging, 0o644);
  await rename(staging, file);
  return file;
}

/**
 * Without root (own-user.ts) every file the agent sees is its own uid's, and Gemini CLI takes a
 * system settings file only from uid 0, which no file has in the agent's namespace: the same
 * settings go into the agent's home as its user settings instead, before the agent ever runs
 * there. A settings file the agent writes into its clone or home may then override them, which
 * changes only how the CLI in its sandbox behaves; the model proxy still holds the key and the limits.
 */
async function geminiUserSettings(workspace: PolecatWorkspace): Promise<void> {
  const dir = join(workspace.home, ".gemini");
  await mkdir(dir, { mode: 0o700 });
  await writeFile(join(dir, "settings.json"), `${JSON.stringify(GEMINI_SYSTEM_SETTINGS, null, 2)}\n`, { mode: 0o600, flag: "wx" });
}

async function runnerCommand(path: string): Promise<string> {
  try {
    await access(path, constants.X_OK);
  } catch {
    throw new Error(`polecat.command ${path} is not an executable on this runner`);
  }
  return path;
}

/** The command's file as the base branch has it, copied where the agent's user can run it and not change it. */
async function repositoryCommand(repo: ActionRepo, baseTip: string, path: string, workspace: PolecatWorkspace): Promise<string> {
  const clean = path.replace(/^\.\//, "");
  const spec = `${baseTip}:${clean}`;
  const type = await repo.git.run(["cat-file", "-t", spec], { allowExit: "any" });
  if (type.code !== 0 || type.stdout.toString("utf8").trim() !== "blob") {
    throw new Error(`polecat.command ${path} is not a file on ${repo.base}`);
  }
  const body = await repo.git.run(["cat-file", "blob", spec]);
  if (body.stdout.length > MAX_COMMAND_BYTES) throw new Error(`polecat.command ${path} is larger than ${MAX_COMMAND_BYTES} bytes`);
  const executable = join(workspace.bin, "agent-command");
  await writeFile(executable, body.stdout, { mode: 0o755, flag: "wx" });
  await chmod(executable, 0o755);
  return executable;
}
