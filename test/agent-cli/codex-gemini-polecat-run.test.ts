// Slung issues answered by the real Codex and Gemini CLIs: the App slings an issue with the
// two-step formula in the emulator, then the polecat action runs it as the runner would, with the
// CLI as the agent's user against a scripted model server of its vendor's API, one CLI process
// per step. The script has the CLI do each step through its shell tool: the plan closed with
// `gt step done`, then a file edited and committed with both trailers, and the step closed. A
// key the server refuses ends the run as ESCALATE, with the CLI's own report of the failure.
import { afterEach, describe, expect, it } from "vitest";
import { gastownMetadata, gastownString } from "../../app/molecules/gastown-metadata.js";
import { readMolecule } from "../../app/molecules/molecule.js";
import { AGENT_PACKAGES } from "../../app/polecat/agent-packages.js";
import { oneLine } from "../../app/polecat/agents/tool-summary.js";
import { processesOf } from "../../app/polecat/user-processes.js";
import { agentRuntime } from "../agents/agent-runtime.js";
import type { ScriptedHttpServer, ScriptedTokens, ShellScript } from "../agents/scripted-http.js";
import { startScriptedGeminiServer } from "../agents/scripted-gemini-server.js";
import { startScriptedResponsesServer } from "../agents/scripted-responses-server.js";
import { startPolecatTown, type PolecatTown } from "../polecat/polecat-harness.js";
import { RUN_CLOCK } from "./claude-polecat.js";
import { shellSteps } from "./shell-steps.js";

/** Some 10 seconds on a quiet machine of two cores (15 for Codex's retries of a refused key); room for a busy one. */
const RUN_TIMEOUT_MS = 120_000;
/** Every request's usage. */
const USAGE: ScriptedTokens = { input: 20_000, cached: 5_000, output: 1_000, reasoning: 500 };

interface Vendor {
  readonly agent: "codex" | "gemini";
  readonly model: string;
  readonly apiKey: string;
  start(options: { apiKey: string; script: ShellScript; usage: ScriptedTokens }): Promise<ScriptedHttpServer>;
  /** The action's `model-base-url` for the server. */
  baseUrl(server: ScriptedHttpServer): string;
  /** The header the key comes in, as the server sees it. */
  keyHeader(request: ScriptedHttpServer["requests"][number]): unknown;
  /** What the step's process said it did, as the log's tail has it. */
  ran(command: string): string;
  /** What the run cost after each step by the stream's count, as the log has it. */
  readonly costs: readonly [string, string];
  /** What the CLI writes to stderr on every run (kept in the tail). */
  readonly stderr: readonly string[];
  /** A refused key: the requests the CLI makes, its exit status, and the failure it reports. */
  readonly refused: { readonly requests: number; readonly exit: number; readonly error: string };
  /** The hosts it tries to reach on its own each step, which the sandbox's network proxy refuses. */
  readonly phonesHome: readonly string[];
}

const VENDORS: readonly Vendor[] = [
  {
    agent: "codex", model: "gpt-5.5", apiKey: "sk-test-codex-polecat-0123456789",
    start: startScriptedResponsesServer,
    baseUrl: (server) => `${server.url}/v1`,
    keyHeader: (request) => request.headers.authorization,
    ran: (command) => `▸ command: ${oneLine(`/usr/bin/bash -c ${shellQuote(command)}`)}`,
    // Three requests a step, each 15,000 new and 5,000 cached input tokens and 1,000 output
    // tokens, at GPT-5.5's $5, $1.25 and $30 a million: $0.11.
    costs: ["0.33", "0.67"],
    stderr: [],
    // It tries five times more, then fails the turn.
    // At the model proxy's address: the only one it knows.
    refused: { requests: 6, exit: 1, error: "unexpected status 401 Unauthorized: invalid api key, url: http://127.0.0.1:4180/v1/responses" },
    // GitHub (its plugins) and ChatGPT's backend (its remote settings): it works on without them.
    phonesHome: ["api.github.com:443", "chatgpt.com:443", "github.com:443"],
  },
  {
    agent: "gemini", model: "gemini-2.5-flash", apiKey: "gm-test-gemini-polecat-0123456789",
    start: startScriptedGeminiServer,
    baseUrl: (server) => server.url,
    keyHeader: (request) => request.headers["x-goog-api-key"],
    ran: (command) => `▸ run_shell_command: ${oneLine(command)}`,
    // The same at Gemini 2.5 Flash's $0.30, $0.075 and $2.50, its 500 thinking tokens as output: $0.0086.
    costs: ["0.03", "0.05"],
    stderr: [
      "Warning: 256-color support not detected. Using a terminal with at least 256-color support is recommended for a better visual experience.",
      "YOLO mode is enabled. All tool calls will be automatically approved.",
      "YOLO mode is enabled. All tool calls will be automatically approved.",
      "Ripgrep is not available. Falling back to GrepTool.",
    ],
    refused: { requests: 1, exit: 145, error: '[API Error: {"error":{"code":401,"message":"invalid api key","status":"UNAUTHENTICATED"}}]' },
    phonesHome: [],
  },
];

function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

let town: PolecatTown | undefined;
let server: ScriptedHttpServer | undefined;
afterEach(async () => {
  await server?.close();
  await town?.close();
  town = server = undefined;
});

describe.each(VENDORS)("a slung issue worked by $agent", (vendor) => {
  it("claims the bead, works the formula one CLI process a step through its shell, pushes the commit and closes both steps", async () => {
    town = await startPolecatTown({ polecat: `  agent: ${vendor.agent}\n  model: ${vendor.model}\n` });
    const seal = (bead: string) => "echo sealed > src/pumps.txt && git add src/pumps.txt && " +
      `git commit -q -m "Seal the pumps" --trailer "Gastown-Bead: ${bead}" --trailer "Gastown-Step: build" && git log --format=%s -1`;
    server = await vendor.start({
      apiKey: vendor.apiKey,
      usage: USAGE,
      script: shellSteps({
        plan: () => [
          { run: "gt prime", prints: (out) => out.includes("## This step: plan") },
          { run: `gt step done --notes "Plan: seal the pumps in src/pumps.txt"` },
          { say: "Planned." },
        ],
        build: ({ bead }) => [
          { run: seal(bead), prints: (out) => out === "Seal the pumps" },
          { run: `gt step done --notes "Sealed the pumps"` },
          { say: "Built." },
        ],
      }),
    });
    const { [vendor.agent]: cli } = agentRuntime();

    const { outcome, log } = await town.runPolecat({
      inputs: { "api-key": vendor.apiKey, "model-base-url": vendor.baseUrl(server) },
      paced: false,
      overrides: {
        clock: () => RUN_CLOCK,
        installAgent: async () => ({ executable: cli.executable, prefix: cli.prefix, installed: false }),
      },
    });

    expect(server.requests.flatMap((request) => request.scriptError ?? [])).toEqual([]);
    // Six requests, each with the key given.
    expect(server.requests.map((request) => [request.method, request.status, vendor.keyHeader(request)]))
      .toEqual(Array(6).fill(["POST", 200, vendor.agent === "codex" ? `Bearer ${vendor.apiKey}` : vendor.apiKey]));

    const bead = await town.bead();
    const pkg = AGENT_PACKAGES[vendor.agent];
    const ended = (turns: number, cost: string, ...tail: string[]) =>
      `The agent ended (exit 0); ${turns} turns, $${cost} by the model proxy so far. The end of its output:\n${tail.join("\n")}`;
    const molecule = readMolecule(await town.ledger(), String(gastownMetadata(bead).molecule));
    const reason = `Every step of ${molecule.root.id} is done (2).`;
    expect(outcome).toEqual({ kind: "exited", exit: "COMPLETED", reason });
    const refusedByProxy = (line: string) => line.startsWith("warning: The network proxy refused ");
    expect([...new Set(log.filter(refusedByProxy).map((line) => line.split(" ")[5]?.replace(/:$/, "")))].sort()).toEqual(vendor.phonesHome);
    // Gemini CLI says which of its start-up phases it could not time when the machine is busy: its timing, not the run's.
    const withoutStartupTimings = (line: string) => line.split("\n").filter((part) => !part.startsWith("[STARTUP] ")).join("\n");
    expect(log.filter((line) => !refusedByProxy(line)).slice(4).map(withoutStartupTimings)).toEqual([
      `Step 1 of 2, plan: ${pkg.name}@${pkg.version}.`,
      ended(3, vendor.costs[0], vendor.ran("gt prime"), vendor.ran(`gt step done --notes "Plan: seal the pumps in src/pumps.txt"`), "Planned.", ...vendor.stderr),
      `Step 2 of 2, build: ${pkg.name}@${pkg.version}.`,
      ended(6, vendor.costs[1], vendor.ran(seal(bead.id)), vendor.ran(`gt step done --notes "Sealed the pumps"`), "Built.", ...vendor.stderr),
      `Recorded the exit on ${bead.id}: COMPLETED.`,
      `The polecat ended as COMPLETED: ${reason}`,
    ]);
    expect(await processesOf(town.user.uid)).toEqual([]);

    expect(molecule.steps.map((s) => [s.step, s.closed, gastownString(s.bead, "notes")])).toEqual([
      ["plan", true, "Plan: seal the pumps in src/pumps.txt"],
      ["build", true, "Sealed the pumps"],
    ]);
    const work = `gastown/work/furiosa/${bead.id}`;
    expect(await town.commits(work)).toEqual([
      `Gastown: start work on ${bead.id}\nGastown-Bead: ${bead.id}`,
      `Gastown: step plan done\nGastown-Bead: ${bead.id}\nGastown-Closed: plan`,
      `Seal the pumps\nGastown-Bead: ${bead.id}\nGastown-Step: build`,
      `Gastown: step build done\nGastown-Bead: ${bead.id}\nGastown-Closed: build`,
    ]);
    const shas = await town.shas(work);
    const pumps = await town.town.github.git("octo/town").fileAt(shas.at(-1)!, "src/pumps.txt");
    expect(pumps?.content.toString("utf8")).toBe("sealed\n");
  }, RUN_TIMEOUT_MS);

  it("sends the key it is given, and escalates when the model server refuses it", async () => {
    town = await startPolecatTown({ polecat: `  agent: ${vendor.agent}\n  model: ${vendor.model}\n` });
    server = await vendor.start({ apiKey: vendor.apiKey, usage: USAGE, script: () => ({ say: "Never asked." }) });
    const { [vendor.agent]: cli } = agentRuntime();

    const { outcome, log } = await town.runPolecat({
      inputs: { "api-key": "not-the-key", "model-base-url": vendor.baseUrl(server) },
      paced: false,
      overrides: {
        clock: () => RUN_CLOCK,
        installAgent: async () => ({ executable: cli.executable, prefix: cli.prefix, installed: false }),
      },
    });

    const reason = `the model's API failed: ${vendor.refused.error}`;
    expect(outcome).toEqual({ kind: "exited", exit: "ESCALATE", reason });
    expect(server.requests.map((request) => [request.status, vendor.keyHeader(request)]))
      .toEqual(Array(vendor.refused.requests).fill([401, vendor.agent === "codex" ? "Bearer not-the-key" : "not-the-key"]));
    const bead = await town.bead();
    const pkg = AGENT_PACKAGES[vendor.agent];
    const said = log.filter((line) => !line.startsWith("warning: The network proxy refused ")).slice(4);
    expect(said).toEqual([
      `Step 1 of 2, plan: ${pkg.name}@${pkg.version}.`,
      expect.stringMatching(new RegExp(`^The agent ended \\(exit ${vendor.refused.exit}\\); 0 turns, \\$0\\.00 by the model proxy so far\\. The end of its output:\n`)) as unknown,
      `warning: Escalated: ${reason}`,
      `Recorded the exit on ${bead.id}: ESCALATE.`,
      `notice: The polecat ended as ESCALATE: ${reason}`,
    ]);
    expect(said[1]).toContain(`! ${vendor.refused.error}`);
    expect(await processesOf(town.user.uid)).toEqual([]);
  }, RUN_TIMEOUT_MS);
});
