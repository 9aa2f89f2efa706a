// Runs `gt` in-process against a temporary directory, capturing what it prints.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll } from "vitest";
import { runCli } from "../../app/cli/run-cli.js";

export interface GtResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export const NOW = new Date("2026-11-24T12:00:00Z");

const made: string[] = [];
// Registered as this module is imported, so on the file that imports it: its directories go when its tests are done.
afterAll(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

export function tempDir(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), "gt-test-"));
  made.push(dir);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

export function read(dir: string, path: string): string {
  return readFileSync(join(dir, path), "utf8");
}

export async function gt(cwd: string, args: string[], env: Record<string, string> = {}): Promise<GtResult> {
  let stdout = "";
  let stderr = "";
  const code = await runCli(args, {
    cwd,
    env,
    stdout: (text) => { stdout += text; },
    stderr: (text) => { stderr += text; },
    now: () => NOW,
  });
  return { code, stdout, stderr };
}
