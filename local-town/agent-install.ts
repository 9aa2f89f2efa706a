// The pinned agent CLI installed into the agent cache before the town starts (the polecat action
// finds it there, as on a runner that keeps its cache), with a line every few seconds while npm
// downloads it: the first run fetches some 400 MB for Claude Code or Codex, 100 for Gemini CLI.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import type { AgentPackage } from "../app/polecat/agent-packages.js";
import { installAgent, type InstalledAgent } from "../app/polecat/install-agent.js";

const run = promisify(execFile);
const TICK_MS = 5_000;

export async function installAgentCli(pkg: AgentPackage, cacheRoot: string, say: (line: string) => void): Promise<InstalledAgent> {
  const { name, version } = pkg;
  const started = Date.now();
  const ticker = setInterval(() => {
    void run("du", ["-sm", cacheRoot]).then(({ stdout }) => {
      say(`… installing ${name}@${version}: ${Math.round((Date.now() - started) / 1000)} s, ${stdout.split("\t")[0]} MB in ${cacheRoot}`);
    }, () => undefined);
  }, TICK_MS);
  try {
    const installed = await installAgent(pkg, { cacheRoot, log: say });
    say(installed.installed ? `Installed ${name}@${version} in ${Math.round((Date.now() - started) / 1000)} s.` : `Using ${name}@${version} from ${installed.prefix}.`);
    return installed;
  } finally {
    clearInterval(ticker);
  }
}
