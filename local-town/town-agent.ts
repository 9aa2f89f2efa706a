// The agent the local town's polecats run (`--agent`), and what the runner and the repository need
// for it: the stand-in script; or a real agent CLI (Claude Code, Codex, Gemini CLI), installed
// first, on its vendor's model with that vendor's key from the environment, else on a scripted
// server of the vendor's API (scripted-harbor.ts), whose address the runner gives the polecat
// action as its `model-base-url`. Either way the key is the repository's ANTHROPIC_API_KEY
// secret, the one the example polecat workflow passes on as "the model's key".
import { join } from "node:path";
import { AGENT_PACKAGES } from "../app/polecat/agent-packages.js";
import type { ScriptedTokens } from "../test/agents/scripted-http.js";
import { startScriptedGeminiServer } from "../test/agents/scripted-gemini-server.js";
import { startScriptedModelServer } from "../test/agents/scripted-model-server.js";
import { startScriptedResponsesServer } from "../test/agents/scripted-responses-server.js";
import { installAgentCli } from "./agent-install.js";
import { harborScript, harborShellScript } from "./scripted-harbor.js";
import type { LocalTownOptions } from "./start-local-town.js";
import type { TownAgent } from "./town-args.js";
import { reachableCopy, ROOT } from "./town-paths.js";

export type AgentCli = Exclude<TownAgent, "command">;

/** The variable each CLI's real key is taken from. */
export const AGENT_KEY_VARIABLE: Readonly<Record<AgentCli, string>> = {
  claude: "ANTHROPIC_API_KEY", codex: "OPENAI_API_KEY", gemini: "GEMINI_API_KEY",
};

/** What each CLI's calls cost on the scripted server, a little like a real step's. */
const SCRIPTED_USAGE: ScriptedTokens = { input: 2_000, cached: 500, output: 100, reasoning: 0 };

interface ScriptedVendor {
  /** The model `.github/gastown.yml` names, which the scripted server answers as. */
  readonly model: string;
  /** The key the scripted server takes: the model proxy adds it, the CLI holds only a dummy. */
  readonly key: string;
  start(key: string): Promise<{ readonly url: string; readonly baseUrl: string; problems(): string[]; close(): Promise<void> }>;
}

const errors = (requests: readonly { readonly scriptError?: string }[]) => requests.flatMap((request) => request.scriptError ?? []);

const SCRIPTED: Readonly<Record<AgentCli, ScriptedVendor>> = {
  claude: {
    model: "claude-sonnet-4-5-20250929", key: "sk-ant-local-town-scripted",
    async start(key) {
      const server = await startScriptedModelServer({ apiKey: key, mainModel: this.model, script: harborScript });
      return { url: server.url, baseUrl: server.url, problems: () => errors(server.requests), close: () => server.close() };
    },
  },
  codex: {
    model: "gpt-5.5", key: "sk-local-town-scripted-codex",
    async start(key) {
      const server = await startScriptedResponsesServer({ apiKey: key, script: harborShellScript, usage: SCRIPTED_USAGE });
      return { url: server.url, baseUrl: `${server.url}/v1`, problems: () => errors(server.requests), close: () => server.close() };
    },
  },
  gemini: {
    model: "gemini-2.5-flash", key: "gm-local-town-scripted-gemini",
    async start(key) {
      const server = await startScriptedGeminiServer({ apiKey: key, script: harborShellScript, usage: SCRIPTED_USAGE });
      return { url: server.url, baseUrl: server.url, problems: () => errors(server.requests), close: () => server.close() };
    },
  },
};

const CLI_NAME: Readonly<Record<AgentCli, string>> = { claude: "Claude Code", codex: "Codex", gemini: "Gemini CLI" };

export interface ChosenAgent {
  readonly town: Omit<LocalTownOptions, "sandbox" | "tell">;
  /** Says what the scripted model could not answer, and stops it. */
  close(): Promise<void>;
}

export interface ChooseAgentOptions {
  readonly agent: TownAgent;
  /** Where the CLI is installed. */
  readonly agentCache: string;
  readonly env: NodeJS.ProcessEnv;
  readonly say: (line: string) => void;
}

export async function chooseAgent(options: ChooseAgentOptions): Promise<ChosenAgent> {
  const { agent, agentCache, say } = options;
  if (agent === "command") {
    const agents = reachableCopy(join(ROOT, "local-town/agents"), "gastown-town-agents-");
    say("The agent: the stand-in script local-town/agents/hasty.sh (--agent command).");
    return {
      town: { agent: { kind: "command", command: join(agents, "hasty.sh") }, polecat: { readOnly: [agents] }, secrets: {} },
      close: async () => undefined,
    };
  }
  await installAgentCli(AGENT_PACKAGES[agent], agentCache, say);
  const variable = AGENT_KEY_VARIABLE[agent];
  const key = options.env[variable];
  if (key !== undefined && key !== "") {
    say(`The agent: ${CLI_NAME[agent]} on its vendor's API (${variable} is set).`);
    return { town: { agent: { kind: agent }, polecat: { readOnly: [], agentCache }, secrets: { ANTHROPIC_API_KEY: key } }, close: async () => undefined };
  }
  return scriptedAgent(agent, agentCache, say);
}

/** The CLI on a scripted server of its vendor's API, on 127.0.0.1. */
export async function scriptedAgent(agent: AgentCli, agentCache: string, say: (line: string) => void): Promise<ChosenAgent> {
  const vendor = SCRIPTED[agent];
  const server = await vendor.start(vendor.key);
  say(`The agent: ${CLI_NAME[agent]} on a scripted model at ${server.url} (no ${AGENT_KEY_VARIABLE[agent]}).`);
  return {
    town: {
      agent: { kind: agent, model: vendor.model },
      polecat: { readOnly: [], agentCache, inputs: { "model-base-url": server.baseUrl } },
      secrets: { ANTHROPIC_API_KEY: vendor.key },
    },
    close: async () => {
      for (const problem of server.problems()) say(`The scripted model could not answer: ${problem}`);
      await server.close();
    },
  };
}
