// The gates action's runner with real commands in a real directory: bash runs each as a `run:`
// step would, and the summary and failure are exactly what a person and the refinery read.
import { access, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { run, type GatesDependencies } from "../../action/gates/runner.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "gastown-gates-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The runner in `dir`, with what it printed, summarised and failed with. */
async function gates(commands: string, env: Record<string, string> = {}) {
  const seen = { infos: [] as string[], output: "", summaries: [] as string[], failures: [] as string[] };
  const deps: GatesDependencies = {
    info: (message) => seen.infos.push(message),
    write: (chunk) => { seen.output += chunk; },
    summary: async (markdown) => { seen.summaries.push(markdown); },
    fail: (message) => seen.failures.push(message),
  };
  const outcome = await run({ env: { PATH: process.env["PATH"], GITHUB_WORKSPACE: dir, ...env }, inputs: { commands } }, deps);
  return { outcome, ...seen };
}

describe("the gates action", () => {
  it("runs every command in the checked-out tree, streams their output, and passes", async () => {
    await writeFile(join(dir, "check.sh"), "echo checked \"$1\"\n");
    const { outcome, infos, output, summaries, failures } = await gates(JSON.stringify(["echo one && echo two >&2", "bash check.sh tree", "test -f check.sh"]));
    expect(failures).toEqual([]);
    expect(outcome).toEqual({
      kind: "passed",
      results: [
        { command: "echo one && echo two >&2", exitCode: 0, signal: null, tail: expect.stringMatching(/^(one\ntwo|two\none)$/) },
        { command: "bash check.sh tree", exitCode: 0, signal: null, tail: "checked tree" },
        { command: "test -f check.sh", exitCode: 0, signal: null, tail: "" },
      ],
    });
    expect(output.split("\n").sort()).toEqual(["", "checked tree", "one", "two"]);
    expect(infos).toEqual(["$ echo one && echo two >&2", "$ bash check.sh tree", "$ test -f check.sh", "Every gate passed (3)."]);
    expect(summaries).toEqual(["### Gates passed: 3 commands\n\n- ✅ `echo one && echo two >&2`\n- ✅ `bash check.sh tree`\n- ✅ `test -f check.sh`\n"]);
  });

  it("stops at the first failure, under pipefail, and names it with its exit code and the end of its output", async () => {
    const commands = ["echo ready", "for i in 1 2 3; do echo \"test $i\"; done; echo 'FAIL: @octocat broke it' | cat; false | cat", "echo never > ran.txt"];
    const { outcome, summaries, failures } = await gates(JSON.stringify(commands));
    const message = "The gate `for i in 1 2 3; do echo \"test $i\"; done; echo 'FAIL: @octocat broke it' | cat; false | cat` failed: exit code 1.";
    expect(failures).toEqual([message]);
    expect(outcome).toMatchObject({ kind: "failed", message });
    expect(summaries).toEqual([[
      "### Gates failed", "",
      "- ✅ `echo ready`",
      "- ❌ `for i in 1 2 3; do echo \"test $i\"; done; echo 'FAIL: @octocat broke it' | cat; false | cat`: exit code 1",
      "- ⏭️ `echo never > ran.txt`: not run", "",
      "The end of `for i in 1 2 3; do echo \"test $i\"; done; echo 'FAIL: @octocat broke it' | cat; false | cat`'s output:", "",
      "```text", "test 1", "test 2", "test 3", "FAIL: @\u200boctocat broke it", "```", "",
    ].join("\n")]);
    await expect(access(join(dir, "ran.txt"))).rejects.toThrow(/ENOENT/);
  });

  it("stops a script at its first failing line (bash -e), with that line's exit code", async () => {
    const { output, failures } = await gates(JSON.stringify(["echo before\n(exit 7)\necho after"]));
    expect(failures).toEqual(["The gate `echo before ⏎ (exit 7) ⏎ echo after` failed: exit code 7."]);
    expect(output).toBe("before\n");
  });

  it("gives the commands none of the Actions runtime's tokens, nor the action's inputs", async () => {
    const env = { ACTIONS_RUNTIME_TOKEN: "runtime-secret", ACTIONS_ID_TOKEN_REQUEST_TOKEN: "oidc-secret", INPUT_COMMANDS: "[]", GASTOWN_TEAM: "kept" };
    const { output, failures } = await gates(JSON.stringify(["env | sort"]), env);
    expect(failures).toEqual([]);
    expect(output).toContain("GASTOWN_TEAM=kept");
    expect(output).not.toMatch(/runtime-secret|oidc-secret|INPUT_COMMANDS/);
  });

  it("fails with what is wrong with the input, running nothing and writing no summary", async () => {
    const { outcome, output, summaries, failures } = await gates("[\"npm ci\", \"npm test\"");
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatch(/^The input `commands` is not JSON \(.+\): it takes a JSON list of shell commands, such as \["npm ci", "npm test"\]\.$/);
    expect(outcome).toEqual({ kind: "failed", message: failures[0], results: [] });
    expect(output).toBe("");
    expect(summaries).toEqual([]);
  });
});
