// The polecat action's post step (`post-if: always()`): what is left to do when the main step
// was killed, by the job's timeout or a cancel, before it could end by itself. The runner ends
// the main step's process, but not the agent's: those run as another user, started by root, so
// the post step ends every one of them first. Then it concludes the run's heartbeat as a
// failure with what is known, and leaves the hook for the witness, which sees a dead run by its
// heartbeat and its run's conclusion. A runner that dies runs no post step at all: that case is
// the witness's alone.
import type { GitHubClient } from "../github/github-client.js";
import { updateCheckRun } from "../github/heartbeat-check-runs.js";
import type { LedgerStore } from "../github/ledger-store.js";
import { claimLost } from "../town/polecat-claim.js";
import type { AgentCgroup } from "./agent-cgroup.js";
import { removeAgentCgroup } from "./agent-cgroup.js";
import { removeAgentUser, stopAgentProcesses, type AgentUser } from "./agent-user.js";
import { heartbeatOutput } from "./heartbeat-output.js";
import type { HeartbeatStep } from "./polecat-heartbeat.js";
import type { PolecatOptions } from "./polecat-options.js";
import { rm } from "node:fs/promises";
import { join } from "node:path";

/** What the main step keeps for its post step, by name. */
export type SavedName = "agent" | "heartbeat" | "ended";

export interface SavedAgent {
  readonly user: AgentUser;
  /** Whether the run made the user (and may remove it). */
  readonly made: boolean;
  readonly cgroup: AgentCgroup;
  readonly workspace: string;
  /** On a kept runner: remove the user and its files at the end. */
  readonly cleanUp: boolean;
}

export interface SavedHeartbeat {
  readonly checkRun: number;
  readonly step: HeartbeatStep;
}

export interface PostDependencies {
  readonly getState: (name: SavedName) => string;
  readonly github: GitHubClient;
  /** The ledger, to say whether the run still held its claim; undefined when it cannot be read. */
  readonly store: () => Promise<LedgerStore>;
  readonly clock: () => Date;
  readonly log: { info(line: string): void; warning(line: string): void };
}

export type PostOutcome =
  | { readonly kind: "nothing"; readonly why: string }
  | { readonly kind: "concluded"; readonly stillClaimed: boolean };

export async function runPostStep(options: PolecatOptions, deps: PostDependencies): Promise<PostOutcome> {
  if (deps.getState("ended") === "true") return { kind: "nothing", why: "the run ended by itself" };
  const agent = parse<SavedAgent>(deps.getState("agent"));
  if (agent === undefined) return { kind: "nothing", why: "the run had not started an agent" };

  // 1. Nothing of the agent's outlives the job.
  const stopped = await stopAgentProcesses(agent.user, agent.cgroup);
  deps.log.info(`Ended the agent's processes (${stopped.by}, ${stopped.killRounds} rounds by user).`);

  // 2. The heartbeat says the run is over, and how much is known.
  const heartbeat = parse<SavedHeartbeat>(deps.getState("heartbeat"));
  let stillClaimed = false;
  try {
    const { ledger } = await (await deps.store()).read();
    stillClaimed = claimLost(ledger, options) === undefined;
  } catch (error) {
    deps.log.warning(`The ledger could not be read: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (heartbeat !== undefined) {
    const now = deps.clock();
    await updateCheckRun(deps.github, {
      owner: options.owner, repo: options.repo, id: heartbeat.checkRun, conclusion: "failure",
      output: heartbeatOutput({
        state: "crashed", polecat: options.polecat, bead: options.bead, attempt: options.attempt, step: heartbeat.step,
        at: now, progressAt: now, tail: "",
        notes: [
          `The job ended during step ${heartbeat.step.id} before the run did: it timed out or was cancelled.`,
          stillClaimed ? "The bead stays hooked to this attempt, for the witness to restart it from its first open step." : "The bead was no longer this run's.",
        ],
      }),
    });
  }

  // 3. On a kept runner, the agent's user and files go.
  if (agent.cleanUp) {
    await removeAgentCgroup(agent.cgroup).catch(() => undefined);
    if (agent.made) await removeAgentUser(agent.user, { paths: [join(agent.workspace, "agent")] });
    await rm(agent.workspace, { recursive: true, force: true });
  }
  return { kind: "concluded", stillClaimed };
}

function parse<T>(text: string): T | undefined {
  if (text === "") return undefined;
  try {
    return JSON.parse(text) as T;
  } catch {
    return undefined;
  }
}
