// `npm run town`'s options, read from its arguments. Pure.
/** A real agent CLI, or the stand-in script. */
export type TownAgent = "claude" | "codex" | "gemini" | "command";

const TOWN_AGENTS: readonly TownAgent[] = ["claude", "codex", "gemini", "command"];

export interface TownArgs {
  /** Leave the town running at the end, its API on a port. */
  readonly keep: boolean;
  /** Run the agent without the polecat sandbox (where neither root nor user namespaces can make it). */
  readonly noSandbox: boolean;
  /** A real agent CLI (on a scripted model without its vendor's key), or `command`: the stand-in script. */
  readonly agent: TownAgent;
  /** How long the story may take before the town gives up, in seconds. */
  readonly timeoutSeconds: number;
  /** Sling with the two-step harbor-quick formula rather than mol-polecat-work. */
  readonly quick: boolean;
  /** Where the pinned agent CLI is installed; the polecat action's default unless given. */
  readonly agentCache: string | undefined;
}

export const TOWN_USAGE = `Usage: npm run town -- [--keep] [--quick] [--no-sandbox] [--agent claude|codex|gemini|command] [--timeout SECONDS] [--agent-cache DIR]

  --keep           leave the town running at the end: the emulator's API on a port for curl and gt,
                   and local-town/town-as.sh to comment /peek or /sling as a person
  --quick          sling with a two-step formula rather than mol-polecat-work's six steps
  --no-sandbox     run the agent without the polecat sandbox (where neither root nor user namespaces
                   can make it); every line says so
  --agent codex    Codex instead of Claude Code (OPENAI_API_KEY for the real model)
  --agent gemini   Gemini CLI instead of Claude Code (GEMINI_API_KEY for the real model)
  --agent command  the stand-in agent script instead of Claude Code (no download, no model)
  --timeout N      give up after N seconds (600 unless given)
  --agent-cache D  where to install the agent CLI (/var/cache/gastown/agents as root,
                   ~/.cache/gastown/agents otherwise, unless given)

With the agent's key set (ANTHROPIC_API_KEY for Claude Code), the polecats use the real model;
without, a scripted one.`;

export function parseTownArgs(argv: readonly string[]): TownArgs | { readonly error: string } | { readonly help: true } {
  let keep = false;
  let noSandbox = false;
  let quick = false;
  let agent: TownArgs["agent"] = "claude";
  let timeoutSeconds = 600;
  let agentCache: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    switch (arg) {
      case "--help": return { help: true };
      case "--keep": keep = true; break;
      case "--no-sandbox": noSandbox = true; break;
      case "--quick": quick = true; break;
      case "--agent": {
        const value = argv[++i];
        if (!TOWN_AGENTS.includes(value as TownAgent)) return { error: `--agent takes ${TOWN_AGENTS.join(", ")} (got ${value ?? "nothing"})` };
        agent = value as TownAgent;
        break;
      }
      case "--timeout": {
        const value = Number(argv[++i]);
        if (!Number.isInteger(value) || value < 1) return { error: `--timeout takes a whole number of seconds (got ${argv[i] ?? "nothing"})` };
        timeoutSeconds = value;
        break;
      }
      case "--agent-cache": {
        agentCache = argv[++i];
        if (agentCache === undefined || agentCache === "") return { error: "--agent-cache takes a directory" };
        break;
      }
      default:
        return { error: `unknown argument ${arg}` };
    }
  }
  return { keep, noSandbox, quick, agent, timeoutSeconds, agentCache };
}
