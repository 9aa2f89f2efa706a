// The polecat action with the real Claude Code as its agent, for the tests in this folder: the
// slung issue's run (test/polecat/polecat-harness.ts) given the CLI the global setup installed,
// the scripted model server's URL and key as the action's inputs, a fixed clock, and a GitHub
// client that does not pace its writes (the emulator needs no pacing, and a run makes dozens).
import { join } from "node:path";
import { afterEach } from "vitest";
import { AGENT_PACKAGES } from "../../app/polecat/agent-packages.js";
import { agentRuntime } from "../agents/agent-runtime.js";
import { commandLinesHolding, processesStartedHere } from "../agents/command-lines.js";
import { startScriptedModelServer, type ModelScript, type ScriptedModelServer } from "../agents/scripted-model-server.js";
import { startPolecatTown, type PolecatTown } from "../polecat/polecat-harness.js";

export const MODEL = "claude-sonnet-4-5-20250929";
/** The run's clock: five minutes after the App's, which slung the issue. */
export const RUN_CLOCK = new Date("2026-11-24T12:05:00Z");

/** How the action's log names the agent. */
export const CLAUDE = `${AGENT_PACKAGES.claude.name}@${AGENT_PACKAGES.claude.version}`;

/** `.github/gastown.yml`'s polecat settings for Claude Code on the scripted model, and `more`. */
export function claudeSettings(more = ""): string {
  return `  model: ${MODEL}\n${more}`;
}

/**
 * Each test's town and model server, closed after it (call this at a test file's top level):
 * `sling` slings issue 1 with mol-polecat-work to a polecat on Claude Code with `settings`
 * besides, and `model` starts the scripted model, which takes `apiKey` alone.
 */
export function claudeTowns(apiKey: string) {
  let polecat: PolecatTown | undefined;
  let server: ScriptedModelServer | undefined;
  afterEach(async () => {
    await server?.close();
    await polecat?.close();
    polecat = server = undefined;
  });
  return {
    async sling(settings = ""): Promise<PolecatTown> {
      polecat = await startPolecatTown({ label: "gt:sling", polecat: claudeSettings(settings) });
      return polecat;
    },
    async model(script: ModelScript): Promise<ScriptedModelServer> {
      server = await startScriptedModelServer({ apiKey, mainModel: MODEL, script });
      return server;
    },
  };
}

/** Where the newest run's agent has its clone. */
export function agentClone(polecat: PolecatTown): string {
  return join(polecat.agentDir(), "clone");
}

/** The polecat action for the newest run, with Claude Code on the model server at `modelUrl`. */
export function runWithClaude(polecat: PolecatTown, modelUrl: string, apiKey: string) {
  const { claude } = agentRuntime();
  return polecat.runPolecat({
    inputs: { "api-key": apiKey, "model-base-url": modelUrl },
    paced: false,
    overrides: {
      clock: () => RUN_CLOCK,
      installAgent: async () => ({ executable: claude.executable, prefix: claude.prefix, installed: false }),
    },
  });
}

/**
 * The script, looking first, while the CLI waits for each answer, at the processes this test
 * started (the action's, the agent user's) for command lines that hold one of the secrets:
 * `found` lists them (every /proc/<pid>/cmdline is world-readable). `cliSeen` says, for each
 * answer, whether the waiting CLI was among the processes looked at.
 */
export function watchingCommandLines(
  script: ModelScript, secrets: readonly string[], agentUid: number,
): { script: ModelScript; found: string[]; cliSeen: boolean[] } {
  const found: string[] = [];
  const cliSeen: boolean[] = [];
  const { claude } = agentRuntime();
  return {
    found,
    cliSeen,
    script: (request, turn) => {
      const ours = processesStartedHere(agentUid);
      cliSeen.push(commandLinesHolding(claude.executable, ours).length > 0);
      for (const secret of secrets) found.push(...commandLinesHolding(secret, ours));
      return script(request, turn);
    },
  };
}

/** The log's first lines for the newest run on `bead`: the claim, the work ref, the sandbox (or its absence), the agent. */
export async function openingLines(polecat: PolecatTown, bead: string, sandbox: "on" | "off" = "on"): Promise<string[]> {
  const work = `gastown/work/furiosa/${bead}`;
  const [start] = await polecat.shas(work);
  return [
    `Polecat furiosa claimed ${bead}, attempt 1 (run ${polecat.runs().at(-1)?.id}).`,
    `Made the work ref ${work} at ${start?.slice(0, 12)}.`,
    sandbox === "on"
      ? "The agent runs in its sandbox, with the network proxy and the model proxy in front of Anthropic's API."
      : "warning: polecat.sandbox is off: the agent runs unisolated, with the model's key and the runner's network.",
    `Using ${CLAUDE}.`,
  ];
}

/** How many requests each CLI process made, in order: the CLI names its session in a header. */
export function requestsPerProcess(server: ScriptedModelServer): number[] {
  const counts: number[] = [];
  let session: unknown;
  for (const request of server.requests) {
    if (request.headers["x-claude-code-session-id"] !== session) counts.push(0);
    session = request.headers["x-claude-code-session-id"];
    counts[counts.length - 1]!++;
  }
  return counts;
}
