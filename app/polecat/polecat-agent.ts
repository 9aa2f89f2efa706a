// Which program each step's agent process is (`polecat.agent`): Claude Code at its pinned
// version, installed by the action at run time, or the team's own `polecat.command`, taken from
// the base branch as the run fetched it, or from the runner: never from the agent's clone, where
// it would be code the agent wrote.
import { access, chmod, constants, writeFile } from "node:fs/promises";
import { isAbsolute, join } from "node:path";
import type { ActionRepo } from "./action-repo.js";
import { AGENT_PACKAGES } from "./agent-packages.js";
import type { AgentInvocation } from "./agents/agent-invocation.js";
import { claudeInvocation } from "./agents/claude.js";
import { commandInvocation } from "./agents/command.js";
import type { PolecatDependencies } from "./run-polecat.js";
import type { PolecatOptions } from "./polecat-options.js";
import type { PolecatWorkspace } from "./polecat-workspace.js";

/** The agent, ready to start for one step's prompt. */
export interface AgentProgram {
  readonly describe: string;
  invocation(prompt: string): AgentInvocation;
}

/** The most a repository's command file may be. */
const MAX_COMMAND_BYTES = 10 * 1024 * 1024;

export async function resolveAgentProgram(
  options: PolecatOptions, deps: Pick<PolecatDependencies, "installAgent" | "log">, repo: ActionRepo, baseTip: string, workspace: PolecatWorkspace,
): Promise<AgentProgram> {
  const { limits } = options;
  if (limits.agent === "claude") {
    const pkg = AGENT_PACKAGES.claude;
    const installed = await deps.installAgent(pkg, options.agentCache);
    deps.log.info(`${installed.installed ? "Installed" : "Using"} ${pkg.name}@${pkg.version}.`);
    return {
      describe: `${pkg.name}@${pkg.version}`,
      invocation: (prompt) => claudeInvocation({
        executable: installed.executable, prompt, apiKey: options.apiKey, model: limits.model,
        ...(options.modelBaseUrl ? { baseUrl: options.modelBaseUrl } : {}),
      }),
    };
  }
  const command = limits.command as string;
  const executable = isAbsolute(command) ? await runnerCommand(command) : await repositoryCommand(repo, baseTip, command, workspace);
  return {
    describe: `polecat.command ${command}`,
    invocation: (prompt) => commandInvocation({ executable, prompt, promptFile: workspace.prompt, agentClone: workspace.clone }),
  };
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
