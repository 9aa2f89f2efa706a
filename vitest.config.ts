import { availableParallelism } from "node:os";
import { configDefaults, defineConfig } from "vitest/config";

// The tests that run a real agent CLI need it installed (some 400 MB from the npm registry the
// first time) and an agent user made, as root; they are a project of their own, so that setup runs
// only when one of them is in the run.
const AGENT_CLI_TESTS = "test/agent-cli/**/*.test.ts";

export default defineConfig({
  test: {
    // The CLI tests run the compiled `gt`; `npm ci` builds it through `prepare`.
    testTimeout: 30_000,
    // Most files wait on git, agent processes and the emulator as much as they compute, so even on
    // two cores two files at once finish far sooner than the one worker vitest would pick there.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    reporters: ["default", "./test/summary-reporter.ts"],
    projects: [
      {
        extends: true,
        test: { name: "gastown", include: ["test/**/*.test.ts"], exclude: [...configDefaults.exclude, AGENT_CLI_TESTS] },
      },
      {
        extends: true,
        test: { name: "agent-cli", include: [AGENT_CLI_TESTS], globalSetup: ["test/agents/agent-cli-setup.ts"] },
      },
    ],
  },
});
