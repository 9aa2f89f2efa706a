// A slung issue and its polecat run, end to end: the App slings the issue in the emulator
// (a real hook, a real dispatch with its inputs and its run's GITHUB_TOKEN), then the polecat
// action runs as the runner would run it (INPUT_* and GITHUB_* from that run) against the same
// emulator, with git over smart HTTP, as root, with the agent under a user of its own.
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { restClient } from "../../app/github/rest-client.js";
import type { Bead } from "../../app/ledger/bead-schema.js";
import type { Ledger } from "../../app/ledger/ledger.js";
import type { AgentUser } from "../../app/polecat/agent-user.js";
import type { PolecatSource } from "../../app/polecat/polecat-options.js";
import { workspaceRoot } from "../../app/polecat/polecat-workspace.js";
import { run, type RunnerOutcome, type RunnerOverrides } from "../../action/polecat/runner.js";
import { requireRoot } from "../agents/needs-root.js";
import { createTestAgentUser, removeTestAgentUser } from "../agents/test-agent-users.js";
import { startTown, type Town, type TownOptions } from "../app/app-harness.js";
import { GT_BUNDLE, reachableCopy, ROOT, SANDBOX_INIT_BUNDLE } from "../../local-town/town-paths.js";

export { ROOT, GT_BUNDLE, SANDBOX_INIT_BUNDLE };
/** The stand-in agents, copied once per test process to a directory every user may enter (see reachableCopy). */
export const AGENTS = reachableCopy(join(ROOT, "test/fixtures/agents"), "gastown-agents-");

/** A two-step formula for runs that need no more. */
export const TWO_STEPS = `formula: two-steps
description: Plan, then build.
version: 1
vars:
  bead: { description: The work bead, required: true }
steps:
  - id: plan
    title: Plan {{bead}}
    description: Write the plan down.
  - id: build
    title: Build {{bead}}
    description: Build what the plan says.
    needs: [plan]
`;

export interface PolecatTown {
  readonly town: Town;
  readonly user: AgentUser;
  readonly workRoot: string;
  /** The work bead of issue 1. */
  bead(): Promise<Bead>;
  ledger(): Promise<Ledger>;
  /** The newest run's agent directory in its workspace (its clone, tmp, …), while that run lives. */
  agentDir(): string;
  /** The runs the App dispatched, newest last. */
  runs(): NonNullable<Town["github"]["state"]["repos"][string]>["runs"];
  /**
   * The polecat action, for the newest run, as the runner starts it; `inputs` and `env` patch what
   * it gets. Its GitHub client does not pace its writes a second apart (the emulator needs no
   * pacing) unless `paced` is true. `masks`: what it asked the runner to hide in the job's log.
   */
  runPolecat(options?: {
    inputs?: Partial<PolecatSource["inputs"]>; env?: Record<string, string>; overrides?: RunnerOverrides; paced?: boolean;
    /** The run to be, by id; the newest dispatched unless given. */
    run?: number;
    /** Told each line the run logs, as it logs it. */
    onLog?: (line: string) => void;
  }): Promise<{ outcome: RunnerOutcome; log: string[]; masks: string[] }>;
  /** The run's job picked up by a runner, as before the action starts. */
  startJob(runId: number): void;
  /** A person's comment on issue 1, handed to the App. */
  comment(body: string): Promise<void>;
  /** The commits on a branch of octo/town, oldest first: subject and trailers. */
  commits(branch: string): Promise<string[]>;
  /** The same commits' ids. */
  shas(branch: string): Promise<string[]>;
  close(): Promise<void>;
}

export interface PolecatTownOptions extends TownOptions {
  /** The agent: `polecat.command` for the stand-ins, an absolute path; `claude` when undefined. */
  readonly command?: string;
  /** More of `.github/gastown.yml`'s polecat settings. */
  readonly polecat?: string;
  /** The formula label slung; `gt:sling/two-steps` by default. */
  readonly label?: string;
  /** Directories the stand-in agent writes besides its own (a hostile agent's report), bound writable into its sandbox. */
  readonly sandboxWritable?: readonly string[];
}

export async function startPolecatTown(options: PolecatTownOptions = {}): Promise<PolecatTown> {
  requireRoot();
  const agent = options.command === undefined ? "" : `  agent: command\n  command: ${options.command}\n`;
  const town = await startTown({
    ...options,
    files: {
      ".github/gastown.yml": `polecat:\n${agent}${options.polecat ?? ""}`,
      ".beads/formulas/two-steps.formula.yaml": TWO_STEPS,
      "src/pumps.txt": "leaky\n",
      ...options.files,
    },
  });
  await town.as("ann", "POST", "/repos/octo/town/issues", { title: "Fix the pumps", body: "They leak." });
  await town.deliver();
  await town.as("mayor", "POST", "/repos/octo/town/issues/1/labels", { labels: [options.label ?? "gt:sling/two-steps"] });
  await town.deliver();
  const workRoot = await mkdtemp(join(tmpdir(), "gastown-polecat-"));
  // The agent's user must be able to pass through to its workspace, as under /var/lib/gastown.
  await chmod(workRoot, 0o711);
  const user = await createTestAgentUser({ home: join(workRoot, "home") });
  const runs = () => town.github.state.repos["octo/town"]?.runs ?? [];
  const ledger = async () => {
    const found = await town.ledger();
    if (!found) throw new Error("no ledger");
    return found;
  };
  return {
    town, user, workRoot, runs, ledger,
    agentDir() {
      const newest = runs().at(-1);
      if (!newest) throw new Error("no dispatched run");
      // The runner's run attempt is 1 (GITHUB_RUN_ATTEMPT below).
      return join(workspaceRoot(workRoot, `${newest.id}-1`), "agent");
    },
    async bead() {
      const found = (await ledger()).beads().find((b) => b.external_ref?.endsWith("/issues/1"));
      if (!found) throw new Error("no bead for issue 1");
      return found;
    },
    async runPolecat(patch = {}) {
      const dispatched = patch.run === undefined ? runs().at(-1) : runs().find((r) => r.id === patch.run);
      if (!dispatched?.inputs || !dispatched.token) throw new Error("no dispatched run");
      if (dispatched.status === "queued") town.github.startJob("octo/town", dispatched.id, "polecat");
      const lines: string[] = [];
      const log = { push: (line: string) => { lines.push(line); patch.onLog?.(line); } };
      const masks: string[] = [];
      const source: PolecatSource = {
        inputs: { ...dispatched.inputs, token: dispatched.token, "api-key": "", ...patch.inputs },
        env: {
          GITHUB_REPOSITORY: "octo/town", GITHUB_RUN_ID: String(dispatched.id), GITHUB_RUN_ATTEMPT: "1",
          GITHUB_SERVER_URL: town.github.urls.web, GITHUB_API_URL: town.github.urls.api, RUNNER_ENVIRONMENT: "github-hosted",
          ...patch.env,
        },
      };
      const outcome = await run(source, {
        privileged: async () => undefined,
        info: (line) => log.push(line),
        notice: (line) => log.push(`notice: ${line}`),
        fail: (line) => log.push(`failed: ${line}`),
        log: { info: (line) => log.push(line), warning: (line) => log.push(`warning: ${line}`), mask: (secret) => masks.push(secret) },
        workRoot,
        gtBundle: GT_BUNDLE,
        sandboxInit: SANDBOX_INIT_BUNDLE,
        // The stand-in agents' scripts, which a runner's command may run; what they report goes beside them.
        sandboxPaths: { readOnly: [AGENTS], writable: options.sandboxWritable ?? [] },
        agentUser: user,
        every: () => () => undefined,
        // The post step's state is the runner's file; these runs have no post step to read it.
        saveState: () => undefined,
        // The emulator needs no pacing of writes a second apart, as GitHub asks.
        ...(patch.paced === true ? {} : { github: restClient({ token: dispatched.token, baseUrl: town.github.urls.api, paced: false }) }),
        ...patch.overrides,
      });
      return { outcome, log: lines, masks };
    },
    startJob(runId) {
      town.github.startJob("octo/town", runId, "polecat");
    },
    async comment(body) {
      await town.as("mayor", "POST", "/repos/octo/town/issues/1/comments", { body });
      await town.deliver();
    },
    async commits(branch) {
      const git = town.github.git("octo/town");
      const tip = await git.resolveRef(`refs/heads/${branch}`);
      if (tip === undefined) return [];
      const main = await git.resolveRef("refs/heads/main");
      const out = await git.git(["log", "--reverse", "--format=%s%n%(trailers:only,unfold)%x00", tip, `^${main}`]);
      return out.split("\0").map((entry) => entry.trim()).filter((entry) => entry !== "");
    },
    async shas(branch) {
      const out = await town.github.git("octo/town").git(["rev-list", "--reverse", `refs/heads/${branch}`, "^refs/heads/main"]);
      return out.split("\n").filter((sha) => sha !== "");
    },
    async close() {
      await town.close();
      await removeTestAgentUser(user);
      await rm(workRoot, { recursive: true, force: true });
    },
  };
}
