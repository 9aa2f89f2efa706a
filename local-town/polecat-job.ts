// The polecat action run as a local runner's job runs it: with the inputs its workflow step maps
// and the runner's GITHUB_* variables, and, as a hosted runner is thrown away after the job, the
// agent's user and the job's work directory made for this job and removed after it. As root the
// agent gets a user of its own; as an ordinary user it runs as that user, kept apart by the
// sandbox's user namespace (own-user.ts), or by nothing with --no-sandbox.
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { run } from "../action/polecat/runner.js";
import { restClient } from "../app/github/rest-client.js";
import { DEFAULT_AGENT_CACHE, installAgent } from "../app/polecat/install-agent.js";
import type { AgentCgroup } from "../app/polecat/agent-cgroup.js";
import { agentUserName, createAgentUser, removeAgentUser, stopAgentProcesses } from "../app/polecat/agent-user.js";
import { ownAgentUser } from "../app/polecat/own-user.js";
import { GT_BUNDLE, SANDBOX_INIT_BUNDLE } from "./town-paths.js";
import type { JobContext, StepResult } from "./job-context.js";

let users = 0;

/** The runner's kill ends the agent's processes by user, or the action's own user's by their sandboxes. */
const NO_CGROUP: AgentCgroup = { kind: "none", why: "the local runner's kill ends the agent's processes" };

export interface PolecatJobOptions {
  /** Directories the agent reads besides its own (the stand-in agent's scripts). */
  readonly readOnly: readonly string[];
  /** Where the runner keeps agent CLIs (the action's default unless given). */
  readonly agentCache?: string;
  /** Inputs the runner sets over the workflow's: the scripted model's `model-base-url`. */
  readonly inputs?: Readonly<Record<string, string>>;
}

export async function runPolecatStep(inputs: Readonly<Record<string, string>>, job: JobContext, options: PolecatJobOptions): Promise<StepResult> {
  const workRoot = await mkdtemp(join(tmpdir(), "gastown-town-job-"));
  // The agent's user must be able to pass through to its workspace, as under /var/lib/gastown.
  await chmod(workRoot, 0o711);
  const home = join(workRoot, "home");
  const user = process.getuid?.() === 0 ? await createAgentUser(agentUserName(`town-${process.pid}-${++users}`), { home }) : ownAgentUser(home);
  let failed = false;
  // A killed runner takes its processes with it: the agent's end here, the action's own requests
  // fail on the run's token, expired once GitHub counts the job as failed.
  const kill = () => void stopAgentProcesses(user, NO_CGROUP);
  job.signal.addEventListener("abort", kill);
  try {
    await run({ inputs: { ...inputs, ...options.inputs }, env: job.env }, {
      info: (line) => job.log(line),
      notice: (line) => job.log(`notice: ${line}`),
      fail: (line) => { failed = true; job.log(`failed: ${line}`); },
      log: { info: (line) => job.log(line), warning: (line) => job.log(`warning: ${line}`), mask: () => undefined },
      workRoot,
      gtBundle: GT_BUNDLE,
      sandboxInit: SANDBOX_INIT_BUNDLE,
      sandboxPaths: { readOnly: options.readOnly, writable: [] },
      agentUser: user,
      // The town chose the agent's user above: the action is not to re-execute this process under sudo.
      privileged: async () => undefined,
      installAgent: (pkg, cacheRoot) => installAgent(pkg, { cacheRoot: cacheRoot ?? options.agentCache ?? DEFAULT_AGENT_CACHE, log: (line) => job.log(line) }),
      // The post step's state is the runner's file; the local runner runs no post step.
      saveState: () => undefined,
      // The emulator needs no pacing of writes a second apart, as GitHub asks.
      github: restClient({ token: inputs["token"] ?? "", baseUrl: job.env["GITHUB_API_URL"] ?? "", paced: false }),
    });
  } finally {
    job.signal.removeEventListener("abort", kill);
    await stopAgentProcesses(user, NO_CGROUP);
    // unshare's end starts its namespace's, which the kernel finishes a moment later: a write then may refill a directory being emptied.
    if (user.own) await rm(workRoot, { recursive: true, force: true, maxRetries: 5 });
    else await removeAgentUser(user, { paths: [workRoot] });
  }
  return { failed };
}
