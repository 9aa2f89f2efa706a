// The committed polecat bundle runs as the runner runs it: node, no install, the inputs as
// INPUT_* variables, on Node 20 here as on the runners' node24.
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { expect, it } from "vitest";

const run = promisify(execFile);
const root = fileURLToPath(new URL("../..", import.meta.url));

const failure = (env: Record<string, string>) =>
  run(process.execPath, ["action/polecat/dist/index.js"], { cwd: root, env: { PATH: process.env["PATH"] ?? "", ...env } })
    .then(() => undefined, (error: { code: number; stdout: string }) => error);

const INPUTS = {
  INPUT_BEAD: "town-a1b", INPUT_MOLECULE: "town-mol-c2d", INPUT_POLECAT: "furiosa", INPUT_ATTEMPT: "1", INPUT_TOKEN: "ghs_unused",
  "INPUT_API-KEY": "sk-unused",
  INPUT_LIMITS: JSON.stringify({
    agent: "claude", model: null, max_turns: 80, timeout_minutes: 60, max_cost_usd: 10, heartbeat_minutes: 2,
    max_diff_lines: 5000, protected_paths: [".github/**"], command: null, job_timeout_minutes: 75,
  }),
  GITHUB_REPOSITORY: "octo/town", GITHUB_RUN_ID: "7", GITHUB_SERVER_URL: "http://127.0.0.1:9", GITHUB_API_URL: "http://127.0.0.1:9",
};

it("refuses a runner that is kept after the job, saying how to allow it, before it does anything", async () => {
  const failed = await failure({ ...INPUTS, RUNNER_ENVIRONMENT: "self-hosted" });
  expect(failed?.code).toBe(1);
  const lines = failed?.stdout.trimEnd().split("\n") ?? [];
  // Every form of the token and the key is masked first, so no later line can show one.
  expect(lines.slice(0, -1).every((line) => line.startsWith("::add-mask::"))).toBe(true);
  expect(lines).toContain("::add-mask::ghs_unused");
  expect(lines.at(-1)).toMatch(/^::error::This polecat run stops without working: RUNNER_ENVIRONMENT is "self-hosted": this runner may be kept after the job/);
});

it("names the input that is missing or wrong", async () => {
  const { INPUT_BEAD: _bead, ...withoutBead } = INPUTS;
  expect((await failure({ ...withoutBead, RUNNER_ENVIRONMENT: "github-hosted" }))?.stdout).toBe("::error::the input bead is required\n");
  expect((await failure({ ...INPUTS, INPUT_LIMITS: "{}", RUNNER_ENVIRONMENT: "github-hosted" }))?.stdout)
    .toMatch(/^::error::the limits input is not what the App dispatches: limits\.agent: /);
});
