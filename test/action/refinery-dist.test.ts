// The committed refinery and gates bundles run as the runner runs them: node, no install, the
// inputs as INPUT_* variables. (town-dist.test.ts checks every bundle is what its sources give.)
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterEach, beforeEach, expect, it } from "vitest";

const execute = promisify(execFile);
const root = fileURLToPath(new URL("../..", import.meta.url));

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "gastown-dist-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const bundle = (name: string, env: Record<string, string>) =>
  execute(process.execPath, [join(root, `action/${name}/dist/index.js`)], { cwd: dir, env: { PATH: process.env["PATH"] ?? "", ...env } })
    .then(({ stdout }) => ({ code: 0, stdout }), (error: { code: number; stdout: string }) => error);

it("the gates bundle runs the commands in the workspace, writes the job summary and fails naming the command", async () => {
  const summary = join(dir, "summary.md");
  await writeFile(join(dir, "tree.txt"), "the staging tree\n");
  // The runner makes the file before the step.
  await writeFile(summary, "");
  const ran = await bundle("gates", { INPUT_COMMANDS: '["cat tree.txt", "printf unfinished; exit 3", "echo never"]', GITHUB_WORKSPACE: dir, GITHUB_STEP_SUMMARY: summary });
  expect(ran).toMatchObject({
    code: 1,
    // The output left unfinished gets its newline, so the failure's annotation starts a line.
    stdout: "$ cat tree.txt\nthe staging tree\n$ printf unfinished; exit 3\nunfinished\n::error::The gate `printf unfinished; exit 3` failed: exit code 3.\n",
  });
  expect(await readFile(summary, "utf8")).toBe([
    "### Gates failed", "", "- ✅ `cat tree.txt`", "- ❌ `printf unfinished; exit 3`: exit code 3", "- ⏭️ `echo never`: not run", "",
    "The end of `printf unfinished; exit 3`'s output:", "", "```text", "unfinished", "```", "",
  ].join("\n"));
});

it("the gates bundle warns when it cannot write the summary, and still passes on its commands' verdict", async () => {
  const ran = await bundle("gates", { INPUT_COMMANDS: '["true"]', GITHUB_WORKSPACE: dir, GITHUB_STEP_SUMMARY: join(dir, "missing", "summary.md") });
  expect(ran.code).toBe(0);
  expect(ran.stdout).toMatch(/^\$ true\n::warning::The job summary was not written: Unable to access summary file: .*\nEvery gate passed \(1\)\.\n$/);
});

it("the refinery bundle fails naming what is missing outside a workflow", async () => {
  expect(await bundle("refinery", { INPUT_TOKEN: "ghs_unused" })).toMatchObject({
    code: 1, stdout: "::error::GITHUB_REPOSITORY is not set to owner/repo: the Gas Town refinery runs as a step of a GitHub Actions workflow.\n",
  });
});
