// The stream parser's line schemas against the published `SDKMessage` types of
// @anthropic-ai/claude-agent-sdk, the release made for the pinned CLI. The SDK is not a dependency
// of the project: with its optional native package it installs some 470 MB, all but 40 MB of it a
// second copy of the CLI. Its types alone (no optional packages, no scripts) are installed once
// into the tests' cache, and the compiler checks that every published line of each kind the parser
// reads is a line its schema describes.
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readFile, rename, rm, stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { AGENT_PACKAGES } from "../../app/polecat/agent-packages.js";
import { requireRoot } from "../agents/needs-root.js";
import { TYPES_CACHE, typeErrors } from "../agents/published-types.js";

const run = promisify(execFile);

const SDK = { name: "@anthropic-ai/claude-agent-sdk", version: "0.3.332" };
/** The Messages API types the SDK's refer to (a peer dependency of it), at the version npm picks for it today. */
const API = { name: "@anthropic-ai/sdk", version: "1.16.0" };

const prefix = join(TYPES_CACHE, `claude-agent-sdk@${SDK.version}+sdk@${API.version}`);
const inPrefix = (path: string) => join(prefix, "node_modules", path);

/** Installs the two packages' files once; a prefix that exists is whole (renamed into place). */
async function installTypes(): Promise<void> {
  if (await stat(prefix).then(() => true, () => false)) return;
  await mkdir(TYPES_CACHE, { recursive: true });
  const staging = await mkdtemp(join(TYPES_CACHE, ".staging-"));
  try {
    await run("npm", [
      "install", `${SDK.name}@${SDK.version}`, `${API.name}@${API.version}`, "--prefix", staging,
      "--no-save", "--no-package-lock", "--no-audit", "--no-fund", "--ignore-scripts", "--omit=optional", "--legacy-peer-deps",
      "--loglevel", "error",
    ], { cwd: staging, timeout: 5 * 60_000 });
    await rename(staging, prefix).catch(async (error: NodeJS.ErrnoException) => {
      if (error.code !== "ENOTEMPTY" && error.code !== "EEXIST") throw error;
    });
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

describe("the stream parser's line schemas", () => {
  beforeAll(async () => {
    requireRoot();
    await installTypes();
  }, 5 * 60_000);

  it("are checked against the SDK release made for the pinned CLI", async () => {
    const sdk = JSON.parse(await readFile(inPrefix(`${SDK.name}/package.json`), "utf8")) as { version: string; claudeCodeVersion: string };
    expect({ version: sdk.version, claudeCodeVersion: sdk.claudeCodeVersion }).toEqual({ version: SDK.version, claudeCodeVersion: AGENT_PACKAGES.claude.version });
  });

  it("describe every published line of the kinds the parser reads, and the compiler would say if not", async () => {
    const lines = [
      `import type { SDKAssistantMessage, SDKPartialAssistantMessage, SDKResultMessage, SDKSystemMessage } from ${JSON.stringify(inPrefix(`${SDK.name}/sdk.js`))};`,
      `import type { BetaTextBlock, BetaToolUseBlock } from ${JSON.stringify(inPrefix(`${API.name}/resources/beta/messages/messages.mjs`))};`,
      `import type { AssistantLine, ResultLine, StreamEventLine, SystemInitLine, TextBlock, ToolUseBlock } from ${JSON.stringify(resolve("app/polecat/agents/claude-stream-lines.js"))};`,
      "export const assistant = (line: SDKAssistantMessage): AssistantLine => line;",
      "export const streamEvent = (line: SDKPartialAssistantMessage): StreamEventLine => line;",
      "export const result = (line: SDKResultMessage): ResultLine => line;",
      "export const init = (line: SDKSystemMessage): SystemInitLine => line;",
      "export const text = (block: BetaTextBlock): TextBlock => block;",
      "export const toolUse = (block: BetaToolUseBlock): ToolUseBlock => block;",
      // The control: a field the SDK does not publish, which the check must catch.
      "export const control = (line: SDKAssistantMessage): { message: { no_such_field: string } } => line;",
    ];
    expect(await typeErrors(lines.join("\n"))).toEqual([
      "10: Type 'SDKAssistantMessage' is not assignable to type '{ message: { no_such_field: string; }; }'.",
    ]);
  }, 60_000);
});
