// The refinery's staging branches: a fresh one for each attempt at a batch, named outside
// `gastown/**` (which the README tells teams' CI to ignore, for the ledger and polecats' work
// refs), so the team's CI tests the exact tree that will land. The attempt number is last, so a
// base branch with slashes in its name still reads back.

export const STAGING_PREFIX = "gastown-refinery/";

/** The staging branch of an attempt at a batch into `base`: `gastown-refinery/<base>/<attempt>`. */
export function stagingBranch(base: string, attempt: number): string {
  return `${STAGING_PREFIX}${base}/${attempt}`;
}

/** The base and attempt a staging branch was made for, or undefined when the branch is none. */
export function parseStagingBranch(branch: string): { readonly base: string; readonly attempt: number } | undefined {
  const name = branch.startsWith("refs/heads/") ? branch.slice("refs/heads/".length) : branch;
  const match = name.startsWith(STAGING_PREFIX) ? /^(.+)\/([1-9][0-9]*)$/.exec(name.slice(STAGING_PREFIX.length)) : null;
  if (match === null) return undefined;
  return { base: match[1] as string, attempt: Number(match[2]) };
}
