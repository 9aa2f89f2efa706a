// Tests that make a user and run processes as it need root. Where they run without it they fail,
// saying how to run them: they never pass, or skip, quietly.
import { spawnSync } from "node:child_process";

export function rootUnavailable(): string | null {
  const uid = process.getuid?.() ?? 0;
  if (uid === 0) return null;
  const sudo = spawnSync("sudo", ["-n", "true"], { stdio: "ignore", env: { PATH: process.env["PATH"] ?? "/usr/bin:/bin" } });
  const how = sudo.status === 0 ? "`sudo -n npm test` (passwordless sudo works here)" : "`sudo npm test`";
  return `This test makes a user and runs processes as it, which needs root, and it runs as uid ${uid}. Run the tests as root: ${how}.`;
}

/** Throws, failing the test, unless it runs as root. */
export function requireRoot(): void {
  const why = rootUnavailable();
  if (why !== null) throw new Error(why);
}

