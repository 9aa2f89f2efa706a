// The polecat action's post step, as the runner runs it: the bundled main step is killed mid-step
// (a job's timeout kills it outright; a cancel sends SIGINT first), then the bundled post step
// runs with the state the main step saved. It ends the agent's processes, which the runner
// cannot (they run as another user), concludes the heartbeat as a failure, and leaves the hook.
import { spawn, execFile, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterEach, describe, expect, it, vi } from "vitest";
import { gastownMetadata } from "../../app/molecules/gastown-metadata.js";
import { parseHeartbeat } from "../../app/town/heartbeat.js";
import { processesOf } from "../../app/polecat/user-processes.js";
import { AGENTS, ROOT, startPolecatTown, type PolecatTown } from "./polecat-harness.js";

const run = promisify(execFile);

let polecat: PolecatTown | undefined;
let main: ChildProcess | undefined;
afterEach(async () => {
  main?.kill("SIGKILL");
  await polecat?.close();
  polecat = undefined;
});

/** The state file the runner gave the main step, as the runner hands it to the post step: STATE_<name>. */
async function savedState(file: string): Promise<Record<string, string>> {
  const text = await readFile(file, "utf8").catch(() => "");
  const state: Record<string, string> = {};
  const entry = /^([^\n<]+)<<(ghadelimiter_[0-9a-f-]+)\n([\s\S]*?)\n\2$/gm;
  for (const match of text.matchAll(entry)) state[`STATE_${match[1]}`] = match[3] as string;
  return state;
}

let jobs = 0;

/** The environment the runner gives both steps of this job, with the action's inputs. */
function jobEnvironment(town: PolecatTown, stateFile: string): Record<string, string> {
  const dispatched = town.runs().at(-1);
  const inputs = Object.fromEntries(Object.entries({ ...dispatched?.inputs, token: dispatched?.token, "allow-persistent-runner": "true" })
    .map(([name, value]) => [`INPUT_${name.toUpperCase()}`, String(value)]));
  return {
    PATH: process.env["PATH"] ?? "", ...inputs,
    GITHUB_REPOSITORY: "octo/town", GITHUB_RUN_ID: String(dispatched?.id),
    // Unique to this test, so the agent's user is its own whatever else runs.
    GITHUB_RUN_ATTEMPT: `${process.pid}${++jobs}`,
    GITHUB_SERVER_URL: town.town.github.urls.web, GITHUB_API_URL: town.town.github.urls.api,
    // A kept runner, so the post step also removes the agent's user and files.
    RUNNER_ENVIRONMENT: "self-hosted", GASTOWN_WORK_ROOT: town.workRoot, GITHUB_STATE: stateFile,
  };
}

/** Starts the bundled main step; resolves once its agent works on the first step. */
async function startMain(town: PolecatTown, env: Record<string, string>): Promise<{ child: ChildProcess; output: () => string }> {
  let output = "";
  const child = spawn(process.execPath, [join(ROOT, "action/polecat/dist/index.js")], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
  const started = Date.now();
  while (!output.includes("Step 1 of 2, plan")) {
    if (child.exitCode !== null) throw new Error(`the main step ended first:\n${output}`);
    if (Date.now() - started > 60_000) throw new Error(`the agent never started:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  void town;
  return { child, output: () => output };
}

describe("the polecat action's post step", () => {
  it.each([
    ["the job's timeout killed the main step", "SIGKILL"],
    ["a cancel interrupted the main step", "SIGINT"],
  ] as const)("after %s: ends the agent, concludes the heartbeat as a failure, keeps the hook", async (_, signal) => {
    polecat = await startPolecatTown({ command: `${AGENTS}/patient.sh` });
    const stateFile = join(polecat.workRoot, "state");
    await writeFile(stateFile, "");
    const env = jobEnvironment(polecat, stateFile);
    const started = await startMain(polecat, env);
    main = started.child;
    const state = await savedState(stateFile);
    const agent = JSON.parse(state["STATE_agent"] ?? "{}") as { user: { name: string; uid: number; home: string }; workspace: string };
    expect(agent.user.name).toBe(`gtagent-${polecat.runs().at(-1)?.id}-${env["GITHUB_RUN_ATTEMPT"]}`);
    // Killed before it has said it waits, the agent's next write to its closed output would end it.
    await vi.waitFor(() => expect(existsSync(join(agent.user.home, "waiting"))).toBe(true), { timeout: 30_000, interval: 50 });
    expect(await processesOf(agent.user.uid)).not.toEqual([]);

    const exited = new Promise((resolve) => main?.once("exit", resolve));
    main.kill(signal);
    await exited;
    // The runner cannot end what the agent left running: it runs as another user, started by root.
    expect(await processesOf(agent.user.uid)).not.toEqual([]);

    const post = await run(process.execPath, [join(ROOT, "action/polecat/dist/post.js")], { cwd: ROOT, env: { ...env, ...(await savedState(stateFile)) } });
    expect(post.stdout).toMatch(/^Ended the agent's processes \(\w+, \d+ rounds by user\)\.\nThe run was cut short; its agent is stopped and its heartbeat concluded\.\n$/);

    expect(await processesOf(agent.user.uid)).toEqual([]);
    const passwd = await readFile("/etc/passwd", "utf8");
    expect(passwd).not.toContain(`${agent.user.name}:`);
    expect(existsSync(agent.workspace)).toBe(false);
    const bead = await polecat.bead();
    expect(bead.status).toBe("hooked");
    expect(gastownMetadata(bead)).toMatchObject({ attempt: 1 });
    const heartbeat = polecat.town.github.state.repos["octo/town"]?.checkRuns.filter((c) => c.name === "gastown/polecat").at(-1);
    expect(heartbeat).toMatchObject({ conclusion: "failure", output: { title: "crashed · step 1/2" } });
    expect(parseHeartbeat(heartbeat?.output.summary)).toMatchObject({ state: "crashed", step: "plan", attempt: 1 });
    expect(heartbeat?.output.summary).toContain("The job ended during step plan before the run did: it timed out or was cancelled.");
  });

  it("does nothing after a main step that ended by itself", async () => {
    polecat = await startPolecatTown({ command: `${AGENTS}/diligent.sh` });
    const stateFile = join(polecat.workRoot, "state");
    await writeFile(stateFile, "");
    const env = jobEnvironment(polecat, stateFile);
    await run(process.execPath, [join(ROOT, "action/polecat/dist/index.js")], { cwd: ROOT, env });
    const post = await run(process.execPath, [join(ROOT, "action/polecat/dist/post.js")], { cwd: ROOT, env: { ...env, ...(await savedState(stateFile)) } });
    expect(post.stdout).toBe("Nothing to do after the run: the run ended by itself.\n");
  });
});
