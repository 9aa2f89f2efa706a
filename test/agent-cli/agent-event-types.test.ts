// The Codex and Gemini parsers' line schemas against their vendors' published event types:
// `ThreadEvent` of @openai/codex-sdk, the release made for the pinned Codex CLI, and
// `JsonStreamEvent` of @google/gemini-cli-core, the release of the pinned Gemini CLI. Neither is a
// dependency of the project; their npm tarballs are unpacked once into the tests' cache, and the
// compiler checks that every published event of each kind the parsers read is a line their
// schemas describe.
import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { AGENT_PACKAGES } from "../../app/polecat/agent-packages.js";
import { requireRoot } from "../agents/needs-root.js";
import { typeErrors, unpackedPackage } from "../agents/published-types.js";

const CODEX_SDK = { name: "@openai/codex-sdk", version: "0.163.0" };
const GEMINI_CORE = { name: "@google/gemini-cli-core", version: AGENT_PACKAGES.gemini.version };

let codexSdk: string;
let geminiCore: string;
beforeAll(async () => {
  requireRoot();
  codexSdk = await unpackedPackage(CODEX_SDK.name, CODEX_SDK.version);
  geminiCore = await unpackedPackage(GEMINI_CORE.name, GEMINI_CORE.version);
}, 5 * 60_000);

describe("the Codex parser's line schemas", () => {
  it("are checked against the SDK release made for the pinned CLI", async () => {
    const sdk = JSON.parse(await readFile(join(codexSdk, "package.json"), "utf8")) as { version: string; dependencies: Record<string, string> };
    expect([sdk.version, sdk.dependencies["@openai/codex"]]).toEqual([CODEX_SDK.version, AGENT_PACKAGES.codex.version]);
  });

  it("describe every published event and item of the kinds the parser reads, and the compiler would say if not", async () => {
    const lines = [
      `import type * as sdk from ${JSON.stringify(join(codexSdk, "dist/index.js"))};`,
      `import type * as ours from ${JSON.stringify(resolve("app/polecat/agents/codex-event-lines.js"))};`,
      "export const turnCompleted = (line: sdk.TurnCompletedEvent): ours.TurnCompletedLine => line;",
      "export const turnFailed = (line: sdk.TurnFailedEvent): ours.TurnFailedLine => line;",
      "export const threadError = (line: sdk.ThreadErrorEvent): ours.ThreadErrorLine => line;",
      "export const item = (line: sdk.ItemStartedEvent | sdk.ItemUpdatedEvent | sdk.ItemCompletedEvent): ours.ItemLine => line;",
      "export const message = (item: sdk.AgentMessageItem | sdk.ReasoningItem): ours.MessageItem => item;",
      "export const command = (item: sdk.CommandExecutionItem): ours.CommandItem => item;",
      "export const fileChange = (item: sdk.FileChangeItem): ours.FileChangeItem => item;",
      "export const mcp = (item: sdk.McpToolCallItem): ours.McpToolCallItem => item;",
      "export const webSearch = (item: sdk.WebSearchItem): ours.WebSearchItem => item;",
      "export const error = (item: sdk.ErrorItem): ours.ErrorItem => item;",
      // The event types the parser switches on are the published ones.
      `export const types: sdk.ThreadEvent["type"][] = ["item.started", "item.updated", "item.completed", "turn.completed", "turn.failed", "error"];`,
      // The control: a field the SDK does not publish, which the check must catch.
      "export const control = (line: sdk.TurnCompletedEvent): { usage: { no_such_tokens: number } } => line;",
    ];
    expect(await typeErrors(lines.join("\n"))).toEqual([
      "14: Type 'TurnCompletedEvent' is not assignable to type '{ usage: { no_such_tokens: number; }; }'.",
    ]);
  }, 60_000);
});

describe("the Gemini parser's line schemas", () => {
  it("describe every published event of the kinds the parser reads, and the compiler would say if not", async () => {
    const lines = [
      `import type * as cli from ${JSON.stringify(join(geminiCore, "dist/src/output/types.js"))};`,
      `import type * as ours from ${JSON.stringify(resolve("app/polecat/agents/gemini-stream-lines.js"))};`,
      // The events' `type` is a string enum member, the same string as JSON.
      "type Json<E extends { type: string }> = Omit<E, \"type\"> & { type: `${E[\"type\"]}` };",
      "export const init = (line: Json<cli.InitEvent>): ours.InitLine => line;",
      "export const message = (line: Json<cli.MessageEvent>): ours.MessageLine => line;",
      "export const toolUse = (line: Json<cli.ToolUseEvent>): ours.ToolUseLine => line;",
      "export const toolResult = (line: Json<cli.ToolResultEvent>): ours.ToolResultLine => line;",
      "export const error = (line: Json<cli.ErrorEvent>): ours.ErrorLine => line;",
      "export const result = (line: Json<cli.ResultEvent>): ours.ResultLine => line;",
      // The control: a field the CLI does not publish, which the check must catch.
      "export const control = (line: Json<cli.ResultEvent>): { stats: { no_such_tokens: number } } => line;",
    ];
    expect(await typeErrors(lines.join("\n"))).toEqual([
      "10: Type 'Json<ResultEvent>' is not assignable to type '{ stats: { no_such_tokens: number; }; }'.",
    ]);
  }, 60_000);
});
