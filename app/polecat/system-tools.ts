// The system programs the action runs as root, found in the system's own directories rather than
// on PATH: the agent's PATH starts with directories of the run, and the action's may too.
import { accessSync, constants } from "node:fs";
import { join } from "node:path";

const SYSTEM_DIRECTORIES = ["/usr/sbin", "/usr/bin", "/sbin", "/bin"];

export function systemTool(name: string, directories: readonly string[] = SYSTEM_DIRECTORIES): string {
  for (const directory of directories) {
    const path = join(directory, name);
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      // not here
    }
  }
  throw new Error(`${name} is not installed (looked in ${directories.join(", ")}); the polecat action needs it to run the agent as a user of its own`);
}
