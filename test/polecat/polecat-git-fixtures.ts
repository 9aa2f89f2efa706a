// A polecat's git world for tests: the GitHub emulator with octo/town, a run's workspace laid out
// as the polecat run lays it out (DESIGN and polecat-layout: <root> 0711, action/ 0700,
// agent/ 0755), an agent's uid and gid (numbers with no user behind them: chown and setuid take
// numbers), a stand-in agent running git as that uid in its clone, and a git wrapper that
// records every command line the action's git is started with, plus git's own trace of the
// processes it starts in turn (the askpass helper, git-remote-http).
import { execFile } from "node:child_process";
import { chmod, chown, lstat, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { afterEach, beforeEach, expect } from "vitest";
import { ActionRepo } from "../../app/polecat/action-repo.js";
import { makeAgentClone, type AgentOwner } from "../../app/polecat/agent-clone.js";
import type { WorkStart } from "../../app/polecat/action-repo.js";
import { repositoryUrl } from "../../app/polecat/work-names.js";
import type { Emulator } from "../emulator/emulator.js";
import { call, FIXED_NOW, gitClient, startFixedEmulator } from "../emulator/testing.js";

const run = promisify(execFile);

export const AGENT: AgentOwner = { uid: 64_201, gid: 64_202 };
export const AT = FIXED_NOW;
export const POLECAT = "nux";
export const BEAD = "gt-1";

export interface Town {
  readonly github: Emulator;
  /** The polecat run's GITHUB_TOKEN: contents write on this repository, no workflows. */
  readonly token: string;
  /** A maintainer's token, for changing the base as a person would (workflow files too). */
  readonly maintainer: string;
  readonly root: string;
  readonly actionDir: string;
  readonly agentDir: string;
  readonly cloneDir: string;
  /** Where the hostile stand-in's hooks and commands leave a file if they ever run. */
  readonly markers: string;
  /** Every command line the action's git was started with, one array per command. */
  readonly gitCommands: () => Promise<string[][]>;
  /** git's GIT_TRACE output for those commands: the processes git itself started. */
  readonly gitTrace: () => Promise<string>;
  readonly gitPath: string;
  /** A new 0700 directory in the workspace, for another attempt's action directory. */
  readonly freshDir: (name: string) => Promise<string>;
  readonly close: () => Promise<void>;
}

// The polecat workflow as a repository has it; its run's GITHUB_TOKEN is what the action pushes with.
const POLECAT_WORKFLOW = `name: Gas Town polecat
run-name: polecat \${{ inputs.polecat }} · \${{ inputs.bead }} · attempt \${{ inputs.attempt }}
on:
  workflow_dispatch:
    inputs:
      bead: { required: true }
      polecat: { required: true }
      attempt: { required: true }
permissions:
  contents: write
jobs:
  work:
    runs-on: ubuntu-latest
    steps: [{ run: "true" }]
`;

export async function startTown(): Promise<Town> {
  const github = await startFixedEmulator();
  await github.addRepo({ owner: "octo", name: "town", files: { "README.md": "# Town\n", ".github/workflows/gastown-polecat.yml": POLECAT_WORKFLOW } });
  const appToken = github.installationToken(github.install({ account: "octo" }));
  const dispatched = await call(github, "POST", "/repos/octo/town/actions/workflows/gastown-polecat.yml/dispatches", {
    token: appToken,
    body: { ref: "main", inputs: { bead: BEAD, polecat: POLECAT, attempt: "1" }, return_run_details: true },
  });
  const runId = (dispatched.body as { workflow_run_id: number }).workflow_run_id;
  const token = github.state.repos["octo/town"]?.runs.find((run) => run.id === runId)?.token;
  if (token === undefined) throw new Error(`the polecat workflow did not start: ${JSON.stringify(dispatched.body)}`);
  github.setCollaborator("octo/town", "mayor", "maintain");
  const maintainer = github.userToken("mayor");
  const root = await mkdtemp(join(tmpdir(), "polecat-git-"));
  await chmod(root, 0o711);
  const actionDir = join(root, "action");
  const agentDir = join(root, "agent");
  await mkdir(actionDir, { mode: 0o700 });
  await mkdir(agentDir, { mode: 0o755 });
  const markers = join(root, "markers");
  await mkdir(markers);
  await chmod(markers, 0o777);
  const home = join(agentDir, "home");
  await mkdir(home, { mode: 0o700 });
  await chown(home, AGENT.uid, AGENT.gid);

  const log = join(root, "git-commands.log");
  const trace = join(root, "git-trace.log");
  const gitPath = join(root, "git-recorder");
  // Each argument ends with \x1f, each command with a newline; git's trace goes to its own file.
  await writeFile(
    gitPath,
    `#!/bin/sh\nfor arg in "$@"; do printf '%s\\037' "$arg"; done >> '${log}'\nprintf '\\n' >> '${log}'\nGIT_TRACE='${trace}' exec git "$@"\n`,
    { mode: 0o755 },
  );
  return {
    github,
    token,
    maintainer,
    root,
    actionDir,
    agentDir,
    cloneDir: join(agentDir, "clone"),
    markers,
    gitPath,
    gitCommands: async () =>
      (await readFile(log, "utf8").catch(() => ""))
        .split("\n")
        .filter((line) => line !== "")
        .map((line) => line.split("\x1f").slice(0, -1)),
    gitTrace: () => readFile(trace, "utf8").catch(() => ""),
    freshDir: async (name) => {
      const dir = join(root, name);
      await mkdir(dir, { mode: 0o700 });
      return dir;
    },
    close: async () => {
      await github.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}

export function openActionRepo(town: Town, actionDir = town.actionDir): Promise<ActionRepo> {
  return ActionRepo.create({
    actionDir,
    remoteUrl: repositoryUrl(town.github.urls.web, "octo/town"),
    token: town.token,
    base: "main",
    polecat: POLECAT,
    bead: BEAD,
    gitPath: town.gitPath,
  });
}

/** The action's side of a run's start: its repository, the work ref, and the agent's clone. */
export async function startRun(town: Town): Promise<{ repo: ActionRepo; start: WorkStart }> {
  const repo = await openActionRepo(town);
  const start = await repo.startWork(AT);
  await makeAgentClone({ repo, cloneDir: town.cloneDir, baseTip: start.base, workTip: start.work, owner: AGENT, gitPath: town.gitPath });
  return { repo, start };
}

export interface RunContext {
  town: Town;
  repo: ActionRepo;
  start: WorkStart;
}

/** A town and a started run for each test of the file, checked for emulator problems after it. */
export function useRun(): RunContext {
  const context = {} as RunContext;
  beforeEach(async () => {
    context.town = await startTown();
    Object.assign(context, await startRun(context.town));
  });
  afterEach(async () => {
    await context.town.close();
    expect(context.town.github.problems).toEqual([]);
  });
  return context;
}

/** Runs git as the agent's user in its clone, with an environment of its own. */
export async function agentGit(town: Town, ...args: string[]): Promise<string> {
  const seconds = Math.floor(AT.getTime() / 1000);
  const { stdout } = await run("git", args, {
    cwd: town.cloneDir,
    uid: AGENT.uid,
    gid: AGENT.gid,
    env: {
      PATH: process.env["PATH"] ?? "/usr/bin:/bin",
      HOME: join(town.agentDir, "home"),
      GIT_AUTHOR_DATE: `@${seconds} +0000`,
      GIT_COMMITTER_DATE: `@${seconds} +0000`,
    },
  });
  return stdout;
}

/** Writes a file in the clone as the agent would own it. */
export async function agentWrite(town: Town, path: string, content: string): Promise<void> {
  const full = join(town.cloneDir, path);
  const missing: string[] = [];
  for (let dir = dirname(full); dir !== town.cloneDir; dir = dirname(dir)) {
    if (await lstat(dir).then(() => false, () => true)) missing.unshift(dir);
  }
  await mkdir(dirname(full), { recursive: true });
  for (const dir of missing) await chown(dir, AGENT.uid, AGENT.gid);
  await writeFile(full, content);
  await chown(full, AGENT.uid, AGENT.gid);
}

/** The agent's commit of `files`, with the trailers the formulas ask for unless `message` is given. */
export async function agentCommit(town: Town, files: Record<string, string>, subject: string, message?: string): Promise<string> {
  for (const [path, content] of Object.entries(files)) await agentWrite(town, path, content);
  await agentGit(town, "add", "--all");
  await agentGit(town, "commit", "--quiet", "-m", message ?? `${subject}\n\nGastown-Bead: ${BEAD}\nGastown-Step: implement`);
  return (await agentGit(town, "rev-parse", "HEAD")).trim();
}

/** Changes the base on GitHub as a maintainer pushing from a clone of their own. */
export async function pushToBase(town: Town, files: Record<string, string>, message: string): Promise<string> {
  const work = await mkdtemp(join(tmpdir(), "polecat-maintainer-"));
  try {
    await gitClient(work, "clone", "--quiet", town.github.gitUrl("octo/town", town.maintainer), "town");
    const clone = join(work, "town");
    for (const [path, content] of Object.entries(files)) {
      await mkdir(dirname(join(clone, path)), { recursive: true });
      await writeFile(join(clone, path), content);
    }
    await gitClient(clone, "add", "--all");
    await gitClient(clone, "commit", "--quiet", "-m", message);
    await gitClient(clone, "push", "--quiet", "origin", "main");
    return (await gitClient(clone, "rev-parse", "HEAD")).stdout.trim();
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
