// Tests that make a user and run processes as it need root. Where they run without it they fail,
// saying how to run them: they never pass, or skip, quietly.
import { spawnSync } from "node:child_process";
import { statSync } from "node:fs";
import { dirname } from "node:path";

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

/**
 * Throws, failing the test, unless every directory down to `path` lets other users through: the
 * agent's user runs the stand-in agents from the checkout, and a checkout under a directory only
 * its owner may enter (`mktemp -d` makes one) would have every step end without a word.
 */
export function requireReachableByOthers(path: string): void {
  for (let dir = path; ; dir = dirname(dir)) {
    if ((statSync(dir).mode & 0o001) === 0) {
      throw new Error(`The agent's user cannot reach ${path}: ${dir} lets no other user through. Run the tests from a checkout others may enter (chmod o+x ${dir}).`);
    }
    if (dirname(dir) === dir) return;
  }
}
