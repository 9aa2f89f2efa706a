// Runs git as a child process, never blocking the event loop: the emulator serves the same
// process's tests, and a git client among them must get its answers while git runs here.
import { spawn } from "node:child_process";

export type GitOutput = { code: number; stdout: Buffer; stderr: string };

export function runGit(
  cwd: string,
  args: readonly string[],
  options: { input?: Buffer | string; env?: Readonly<Record<string, string>> } = {},
): Promise<GitOutput> {
  return new Promise((resolve, reject) => {
    const child = spawn("git", args, {
      cwd,
      // Fixed identity and no user or system config, so a developer's settings never leak in.
      env: { ...process.env, GIT_CONFIG_NOSYSTEM: "1", GIT_CONFIG_GLOBAL: "/dev/null", ...options.env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
    child.on("error", reject);
    // git may exit without reading its input (a failed rev-parse); that is not an error here.
    child.stdin.on("error", () => undefined);
    child.on("close", (code) => resolve({ code: code ?? 1, stdout: Buffer.concat(stdout), stderr: Buffer.concat(stderr).toString("utf8") }));
    child.stdin.end(options.input ?? "");
  });
}

/** Runs git and returns its trimmed output; a failure throws with git's own message. */
export async function git(cwd: string, args: readonly string[], options: { input?: Buffer | string; env?: Readonly<Record<string, string>> } = {}): Promise<string> {
  const output = await runGit(cwd, args, options);
  if (output.code !== 0) throw new Error(`git ${args.join(" ")} failed (${output.code}): ${output.stderr.trim()}`);
  return output.stdout.toString("utf8").replace(/\n$/, "");
}
