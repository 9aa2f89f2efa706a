// The committed bundle: what the sources give now, and it runs as the runner runs it (node,
// no install, the action's inputs as INPUT_* variables).
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { expect, it } from "vitest";

const run = promisify(execFile);
const root = fileURLToPath(new URL("../..", import.meta.url));

it("every committed bundle (action/town, patrol, refinery, gates, polecat and its gt) is what `npm run dist` gives from the sources", async () => {
  // Fails with the file and the command to run when it is stale.
  await expect(run(process.execPath, ["action/build-dist.mjs", "--check"], { cwd: root })).resolves.toMatchObject({ stderr: "" });
});

it("the bundle runs: an event the App does not handle passes, a malformed one fails naming the file", async () => {
  const dir = await mkdtemp(join(tmpdir(), "gastown-dist-"));
  try {
    const release = join(dir, "release.json");
    await writeFile(release, JSON.stringify({ release: { tag_name: "v1" } }));
    const env = { PATH: process.env["PATH"], GITHUB_EVENT_NAME: "release", GITHUB_EVENT_PATH: release, GITHUB_RUN_ID: "1", INPUT_TOKEN: "ghs_unused" };
    const passed = await run(process.execPath, ["action/town/dist/index.js"], { cwd: root, env });
    expect(passed.stdout).toBe("Gas Town does not handle release events, so there is nothing to do.\n");

    const broken = join(dir, "broken.json");
    await writeFile(broken, "{");
    const failed = await run(process.execPath, ["action/town/dist/index.js"], { cwd: root, env: { ...env, GITHUB_EVENT_NAME: "issues", GITHUB_EVENT_PATH: broken } })
      .then(() => undefined, (error: { code: number; stdout: string }) => error);
    expect(failed?.code).toBe(1);
    expect(failed?.stdout).toMatch(new RegExp(`^::error::The event file ${broken.replace(/[.]/g, "\\.")} \\(GITHUB_EVENT_PATH\\) is not JSON: `));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
