// The real Claude Code CLI, run as the agent's user the way the action runs it, against the
// scripted model server: the script has it write a file with its Write tool, edit it with Edit,
// commit it with git through Bash, and call `gt step done` through Bash; the stream is parsed as it
// comes.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  makeAgentCgroup, readCgroupMounts, removeAgentCgroup, type AgentCgroup,
} from "../../app/polecat/agent-cgroup.js";
import { spawnAsAgent, stopAgentProcesses } from "../../app/polecat/agent-user.js";
import { processesOf } from "../../app/polecat/user-processes.js";
import { claudeInvocation } from "../../app/polecat/agents/claude.js";
import { ClaudeStreamParser } from "../../app/polecat/agents/claude-stream.js";
import { agentRuntime } from "../agents/agent-runtime.js";
import { commandLinesHolding } from "../agents/command-lines.js";
import { AUTHOR, makeAgentWorkspace, type AgentWorkspace } from "../agents/agent-workspace.js";
import {
  lastToolResult, startScriptedModelServer, type ModelScript, type ScriptedModelServer,
} from "../agents/scripted-model-server.js";

const MODEL = "claude-sonnet-4-5-20250929";
const API_KEY = "sk-ant-test-polecat-key-0123456789";
const CANARY = "GASTOWN_TEST_CANARY";

interface AgentRun {
  readonly code: number | null;
  readonly stderr: string;
  readonly parser: ClaudeStreamParser;
  readonly cgroup: AgentCgroup;
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Runs Claude Code as the agent's user in the workspace, parsing its stdout line by line. */
async function runClaude(
  workspace: AgentWorkspace, server: ScriptedModelServer, prompt: string,
  options: { readonly apiKey?: string; readonly env?: Record<string, string> } = {},
): Promise<AgentRun> {
  const { claude, user } = agentRuntime();
  const cgroup = await makeAgentCgroup(`${user.name}-${process.hrtime.bigint()}`, await readCgroupMounts());
  cleanups.push(async () => {
    await stopAgentProcesses(user, cgroup);
    await removeAgentCgroup(cgroup);
  });
  const apiKey = options.apiKey ?? API_KEY;
  const invocation = claudeInvocation({ executable: claude.executable, prompt, apiKey, model: MODEL, baseUrl: server.url });
  const child = spawnAsAgent(user, {
    argv: invocation.argv,
    env: {
      PATH: `${workspace.bin}:/usr/bin:/bin`,
      HOME: workspace.home,
      TMPDIR: workspace.tmp,
      GASTOWN_OUTBOX: join(workspace.outbox, "outbox.jsonl"),
      GASTOWN_BEAD: "gt-abc",
      GASTOWN_STEP: "implement",
      ...options.env,
      ...invocation.env,
    },
    cwd: workspace.clone,
    cgroup,
  });
  const parser = new ClaudeStreamParser();
  let partial = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    const lines = (partial + chunk).split("\n");
    partial = lines.pop()!;
    for (const line of lines) parser.push(line);
  });
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => { stderr += chunk; });
  child.stdin.end(invocation.stdin);
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  if (partial !== "") parser.push(partial);
  return { code, stderr, parser, cgroup };
}

/** Reads the agent's clone as root: git would refuse a repository of another user's unless told. */
function git(workspace: AgentWorkspace, ...args: string[]): string {
  return execFileSync("git", ["-c", `safe.directory=${workspace.clone}`, ...args], {
    cwd: workspace.clone,
    env: { PATH: "/usr/bin:/bin", GIT_CONFIG_NOSYSTEM: "1", GIT_CONFIG_GLOBAL: "/dev/null" },
    encoding: "utf8",
  });
}

describe("Claude Code as the agent's user", () => {
  it("writes, edits and commits a file and calls gt step done with its own tools, and its stream is counted", async () => {
    const { user, workRoot } = agentRuntime();
    const workspace = await makeAgentWorkspace(workRoot, user);
    const greeting = join(workspace.clone, "greeting.txt");
    const argvSeen: string[][] = [];
    const script: ModelScript = (request, turn) => {
      // While the CLI waits for this answer, its processes are alive: none may show the key.
      argvSeen.push(commandLinesHolding(API_KEY));
      const result = lastToolResult(request);
      if (turn > 0 && (result === null || result.isError)) throw new Error(`turn ${turn}: the last tool call failed: ${result?.text}`);
      const usage = { input_tokens: 1000 + 100 * turn, output_tokens: 40 + turn, cache_read_input_tokens: 200 * turn };
      switch (turn) {
        case 0: return {
          content: [
            { type: "text", text: "I'll write the greeting." },
            { type: "tool_use", name: "Write", input: { file_path: greeting, content: "Hello from the polecat.\n" } },
          ],
          usage: { ...usage, cache_creation_input_tokens: 3000 },
        };
        case 1: return {
          content: [{ type: "tool_use", name: "Edit", input: { file_path: greeting, old_string: "Hello from", new_string: "Hello again from" } }],
          usage,
        };
        case 2: return {
          content: [{
            type: "tool_use", name: "Bash",
            input: {
              command: "git add greeting.txt && git commit -q -m 'Add a greeting' --trailer 'Gastown-Bead: gt-abc' --trailer 'Gastown-Step: implement'",
              description: "Commit the greeting",
            },
          }],
          usage,
        };
        case 3: return {
          content: [{ type: "tool_use", name: "Bash", input: { command: 'id -u > "$TMPDIR/uid" && env > "$TMPDIR/env"', description: "Note who I am" } }],
          usage,
        };
        case 4: return {
          content: [{ type: "tool_use", name: "Bash", input: { command: "gt step done", description: "Close the step" } }],
          usage,
        };
        case 5: return { content: [{ type: "text", text: "The greeting is committed and the step is done." }], usage };
        default: throw new Error(`no turn ${turn} in the script`);
      }
    };
    const server = await startScriptedModelServer({ apiKey: API_KEY, mainModel: MODEL, script });
    cleanups.push(() => server.close());
    process.env[CANARY] = "the test's own environment";
    cleanups.push(async () => { delete process.env[CANARY]; });

    const run = await runClaude(workspace, server, "Write a greeting, commit it, and close the step.");

    expect(server.requests.flatMap((request) => request.scriptError ?? [])).toEqual([]);
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: "" });
    // The files, the commit and the outbox: done by the agent's tools, as the agent's user.
    expect(await readFile(greeting, "utf8")).toBe("Hello again from the polecat.\n");
    expect(git(workspace, "log", "-1", "--format=%an <%ae>%n%B")).toBe(
      `${AUTHOR.name} <${AUTHOR.email}>\nAdd a greeting\n\nGastown-Bead: gt-abc\nGastown-Step: implement\n\n`,
    );
    expect(git(workspace, "show", "--format=", "--name-only", "HEAD")).toBe("greeting.txt\n");
    expect(await readFile(join(workspace.outbox, "outbox.jsonl"), "utf8")).toBe("step done\n");
    expect(Number(await readFile(join(workspace.tmp, "uid"), "utf8"))).toBe(user.uid);
    // An environment built from nothing: the test's canary is not in it, nor anything of root's.
    const env = await readFile(join(workspace.tmp, "env"), "utf8");
    expect(env).not.toContain(CANARY);
    expect(env).toContain(`HOME=${workspace.home}\n`);
    expect(argvSeen).toEqual(Array.from({ length: 6 }, () => []));

    // What the CLI sent: its key, the main model, and the tools the script calls, in their shapes.
    // In print mode this CLI makes no side calls to the small model, and calls nothing else.
    expect(server.requests.map((request) => `${request.route} ${request.url}`)).toEqual(Array(6).fill("main /v1/messages?beta=true"));
    expect(new Set(server.requests.map((request) => request.headers["x-api-key"]))).toEqual(new Set([API_KEY]));
    const main = server.requests;
    const tools = (main[0]!.body as { tools: { name: string; input_schema: { properties: object; required?: string[] } }[] }).tools;
    const schema = (name: string) => {
      const tool = tools.find((each) => each.name === name);
      return tool && { properties: Object.keys(tool.input_schema.properties).sort(), required: tool.input_schema.required };
    };
    expect(schema("Write")).toEqual({ properties: ["content", "file_path"], required: ["file_path", "content"] });
    expect(schema("Edit")).toMatchObject({ properties: expect.arrayContaining(["file_path", "old_string", "new_string"]), required: ["file_path", "old_string", "new_string"] });
    expect(schema("Bash")).toMatchObject({ properties: expect.arrayContaining(["command", "description"]), required: ["command"] });

    // The stream, counted as it came.
    const totals = run.parser.totals();
    const input = [0, 1, 2, 3, 4, 5].reduce((sum, turn) => sum + 1000 + 100 * turn, 0);
    const output = [0, 1, 2, 3, 4, 5].reduce((sum, turn) => sum + 40 + turn, 0);
    const cacheRead = [0, 1, 2, 3, 4, 5].reduce((sum, turn) => sum + 200 * turn, 0);
    // Sonnet 4.5: $3 in, $15 out, $3.75 per million cache writes (5 minutes), $0.30 cache reads.
    const cost = (input * 3 + output * 15 + 3000 * 3.75 + cacheRead * 0.3) / 1_000_000;
    expect({ ...totals, lines: undefined }).toEqual({
      turns: 6,
      subagentTurns: 0,
      byModel: {
        [MODEL]: {
          requests: 6, inputTokens: input, outputTokens: output, cacheWriteTokens: 3000, cacheWrite1hTokens: 0,
          cacheReadTokens: cacheRead, webSearchRequests: 0, costUsd: Math.round(cost * 1e6) / 1e6,
        },
      },
      costUsd: Math.round(cost * 1e6) / 1e6,
      unlistedModels: [],
      toolCalls: 5,
      lines: undefined,
      malformedLines: 0,
      session: { version: "2.1.332", model: MODEL, permissionMode: "bypassPermissions" },
      reported: { subtype: "success", isError: false, turns: 6, costUsd: expect.closeTo(cost, 9) },
    });
    expect(run.parser.tail()).toBe([
      "I'll write the greeting.",
      `▸ Write: ${greeting}`,
      `▸ Edit: ${greeting}`,
      "▸ Bash: Commit the greeting",
      "▸ Bash: Note who I am",
      "▸ Bash: Close the step",
      "The greeting is committed and the step is done.",
      "",
    ].join("\n"));

    // Nothing of the agent's is left running.
    expect(await stopAgentProcesses(user, run.cgroup)).toEqual({ by: "cgroup2", killRounds: 0 });
  });

  it("leaves a detached process behind, which stopping the agent ends", async () => {
    const { user, workRoot } = agentRuntime();
    const workspace = await makeAgentWorkspace(workRoot, user);
    const server = await startScriptedModelServer({
      apiKey: API_KEY, mainModel: MODEL,
      script: (_request, turn) => turn === 0
        ? { content: [{ type: "tool_use", name: "Bash", input: { command: "setsid nohup sleep 1000 > /dev/null 2>&1 &", description: "Start a daemon" } }] }
        : { content: [{ type: "text", text: "Started." }] },
    });
    cleanups.push(() => server.close());

    const run = await runClaude(workspace, server, "Start a daemon.");

    expect(run.code).toBe(0);
    expect(run.parser.totals()).toMatchObject({ turns: 2, toolCalls: 1, malformedLines: 0 });
    const left = await processesOf(user.uid);
    expect(left).toHaveLength(1);
    expect(readFileSync(`/proc/${left[0]}/cmdline`, "utf8")).toBe("sleep\0" + "1000\0");
    expect(await stopAgentProcesses(user, run.cgroup)).toEqual({ by: "cgroup2", killRounds: 0 });
    expect(await processesOf(user.uid)).toEqual([]);
  });

  it("sends the key it is given, and fails when the model server refuses it", async () => {
    const { user, workRoot } = agentRuntime();
    const workspace = await makeAgentWorkspace(workRoot, user);
    const server = await startScriptedModelServer({
      apiKey: API_KEY, mainModel: MODEL,
      script: () => { throw new Error("a refused key gets no turn"); },
    });
    cleanups.push(() => server.close());

    // The CLI retries a refused key ten times over some minutes unless told not to.
    const run = await runClaude(workspace, server, "Say hello.", {
      apiKey: "sk-ant-test-some-other-key", env: { CLAUDE_CODE_MAX_RETRIES: "0" },
    });

    expect(run.code).toBe(1);
    expect(server.requests.map((request) => [request.route, request.headers["x-api-key"]])).toEqual([
      ["unauthorized", "sk-ant-test-some-other-key"],
    ]);
    // The CLI reports the refusal as a message of its own, which is no turn of the model's.
    expect(run.parser.totals()).toMatchObject({ turns: 0, byModel: {}, costUsd: 0, malformedLines: 0, reported: { isError: true } });
    expect(run.parser.tail()).toBe("Invalid API key · Fix external API key\n");
  });
});
