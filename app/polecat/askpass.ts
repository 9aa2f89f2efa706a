// The askpass helper: how the action's git gets the token without it ever being an argument.
// git runs the helper with the prompt as its only argument ("Username for '…': ", then
// "Password for '…': ") and reads the answer from its standard output. The helper holds no
// secret itself: it prints the token from the environment of the git process that ran it, with
// the shell's builtin printf, so the token is in no process's command line either.
// https://git-scm.com/docs/gitcredentials#_requesting_credentials
import { chmod, writeFile } from "node:fs/promises";

/** The variable the action sets on a network git command, and only there. */
export const ASKPASS_TOKEN_VARIABLE = "GASTOWN_GIT_TOKEN";

/** GitHub takes an installation or Actions token as the password with this user name. */
export const TOKEN_USERNAME = "x-access-token";

export const ASKPASS_SCRIPT = `#!/bin/sh
# Gas Town's askpass helper: answers git's prompts for the action's own git. The token comes from
# the environment of the git process that runs this; printf is a shell builtin, so the token is
# never a command-line argument.
case "$1" in
  Username*) printf '%s\\n' '${TOKEN_USERNAME}' ;;
  *) printf '%s\\n' "$${ASKPASS_TOKEN_VARIABLE}" ;;
esac
`;

/** Writes the helper at `path`, readable and runnable by its owner (root) alone. */
export async function writeAskpass(path: string): Promise<string> {
  await writeFile(path, ASKPASS_SCRIPT, { mode: 0o700, flag: "wx" });
  // The umask may have narrowed the mode; the helper needs exactly owner rwx.
  await chmod(path, 0o700);
  return path;
}
