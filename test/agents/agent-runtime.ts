// What the agent CLI tests' global setup provides: the pinned agent CLIs, installed once into a
// cache every run on this machine shares, and one agent user for all of them.
import { inject } from "vitest";

export interface InstalledCli {
  readonly executable: string;
  readonly prefix: string;
  readonly installed: boolean;
}

export interface AgentRuntime {
  readonly claude: InstalledCli;
  readonly codex: InstalledCli;
  readonly gemini: InstalledCli;
  readonly user: { readonly name: string; readonly uid: number; readonly gid: number; readonly home: string };
  /** A directory the tests make their workspaces in: root's, searchable by the agent's user. */
  readonly workRoot: string;
}

export type ProvidedAgentRuntime =
  | ({ readonly ok: true } & AgentRuntime)
  | { readonly ok: false; readonly reason: string };

declare module "vitest" {
  export interface ProvidedContext {
    agentRuntime: ProvidedAgentRuntime;
  }
}

/** The runtime, or a thrown error saying why there is none (which fails the test). */
export function agentRuntime(): AgentRuntime {
  const provided = inject("agentRuntime");
  if (!provided.ok) throw new Error(provided.reason);
  return provided;
}
