// `npm run town -- --agent gemini` started by an ordinary user: no root, no sudo, each polecat's
// Gemini CLI in the sandbox made in user namespaces (own-user.ts), with its settings in its home,
// as no file is root's in its namespace. The town is compiled as `npm run town` compiles it and
// run as a user of the test's own, through bind mounts of this checkout's entries at a path any
// user may reach (a checkout may sit where only root can go, as a clean clone in `mktemp -d`);
// the CLI is the one the tests installed, in root's cache, which the user reads.
import { execFile, spawn } from "node:child_process";
import { chmod, mkdir, mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterEach, expect, it } from "vitest";
import type { AgentUser } from "../../app/polecat/agent-user.js";
import { systemTool } from "../../app/polecat/system-tools.js";
import { processesOf } from "../../app/polecat/user-processes.js";
import { ROOT } from "../../local-town/town-paths.js";
import { TEST_AGENT_CACHE } from "../agents/agent-cli-setup.js";
import { requireRoot } from "../agents/needs-root.js";
import { createTestAgentUser, removeTestAgentUser, removeUsersOfDeadRuns } from "../agents/test-agent-users.js";

const run = promisify(execFile);
/** The town as `npm run town` compiles it, where only this test looks. */
const TOWN_BUILD = "build/town-as-user";
/** Some 40 s on a quiet machine of two cores, and the compile before it. */
const TOWN_TIMEOUT_S = 240;

let user: AgentUser | undefined;
let view: string | undefined;
let home: string | undefined;
afterEach(async () => {
  if (user !== undefined) await removeTestAgentUser(user);
  for (const dir of [view, home]) if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  user = view = home = undefined;
});

it("lands all three issues as an ordinary user, each Gemini CLI in user namespaces, nothing left running", { timeout: (TOWN_TIMEOUT_S + 120) * 1000 }, async () => {
  requireRoot();
  await removeUsersOfDeadRuns();
  // Apart from build/'s own files, which other tests run meanwhile; inside the checkout, to find node_modules.
  await run(process.execPath, [
    join(ROOT, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.town.json", "--outDir", TOWN_BUILD, "--tsBuildInfoFile", join(TOWN_BUILD, ".tsbuildinfo"),
  ], { cwd: ROOT });
  view = await mkdtemp(join(tmpdir(), "gastown-town-view-"));
  await chmod(view, 0o755);
  const townHome = home = await mkdtemp(join(tmpdir(), "gastown-town-home-"));
  user = await createTestAgentUser({ home: townHome });
  // The town's temporary directories in its user's home, apart from those of the towns other tests run meanwhile.
  const townTmp = join(townHome, "tmp");
  await mkdir(townTmp);
  await chmod(townHome, 0o700);
  await run("chown", ["-R", `${user.uid}:${user.gid}`, townHome]);

  const said = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(systemTool("unshare"), [
      "--mount", "--propagation", "private", "--", systemTool("sh"), "-c",
      // Each entry on its own: the checkout's own directory may be closed to others, as mktemp's is.
      'for entry in "$1"/* "$1"/.[!.]*; do [ -e "$entry" ] || continue; at="$2/${entry##*/}"; if [ -d "$entry" ]; then mkdir "$at"; else : > "$at"; fi; mount --bind "$entry" "$at" || exit 1; done '
      + '&& cd "$2" && exec setpriv --reuid="$3" --regid="$4" --clear-groups -- "$5" "$7/local-town/town.js" --agent gemini --agent-cache "$8" --quick --timeout "$6"',
      "sh", ROOT, view!, String(user!.uid), String(user!.gid), process.execPath, String(TOWN_TIMEOUT_S), TOWN_BUILD, TEST_AGENT_CACHE,
    ], { env: { PATH: process.env["PATH"] ?? "/usr/bin:/bin", HOME: townHome, TMPDIR: townTmp }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => { stdout += chunk.toString(); });
    child.stderr.on("data", (chunk: Buffer) => { stderr += chunk.toString(); });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });

  const story = `${said.stdout}\n${said.stderr}`;
  expect(said.code, story).toBe(0);
  const lines = said.stdout.split("\n").map((line) => line.replace(/^\+\s*[\d.]+s /, ""));
  expect(lines.slice(0, 3)).toEqual([
    "Each agent runs in the polecat sandbox as you, kept apart by user namespaces (no root): no cgroup limits its memory or processes.",
    expect.stringMatching(/^Using @google\/gemini-cli@\S+ from \/var\/cache\/gastown-tests\/agents\/google-gemini-cli@\S+\.$/),
    expect.stringMatching(/^The agent: Gemini CLI on a scripted model at http:\/\/127\.0\.0\.1:\d+ \(no GEMINI_API_KEY\)\.$/),
  ]);
  expect(lines, story).toContain("Everything slung has landed.");
  expect(lines.filter((line) => /^ {2}#\d /.test(line))).toEqual([
    expect.stringMatching(/^ {2}#1 Light the lighthouse: closed, bead \S+ closed$/),
    expect.stringMatching(/^ {2}#2 Paint the dock: closed, bead \S+ closed$/),
    expect.stringMatching(/^ {2}#3 Sound the foghorn: closed, bead \S+ closed$/),
  ]);
  // The foghorn's slip was sent back and fixed in the sandbox like the rest.
  expect(lines.filter((line) => / ended as COMPLETED/.test(line)).length).toBeGreaterThanOrEqual(4);
  expect(lines.filter((line) => line.startsWith("The scripted model could not answer"))).toEqual([]);
  expect(said.stderr).toBe("");
  expect(await processesOf(user.uid)).toEqual([]);
  // What it keeps to look at is where it was told to keep it; each job's directory went with its job, as a hosted runner goes.
  expect(lines.find((line) => line.startsWith("The ledger ("))).toMatch(new RegExp(`: ${townTmp}/\\S+$`));
  expect((await readdir(townTmp)).filter((name) => name.startsWith("gastown-town-job-") || name.startsWith("gastown-town-workspace-"))).toEqual([]);
});
