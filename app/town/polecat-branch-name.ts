// A polecat's branch read back: `polecat/<name>/<bead>` (polecatBranch in polecat-names.ts makes
// it), so a pull request from it leads to its bead and polecat.

export interface PolecatOnBranch {
  readonly polecat: string;
  readonly bead: string;
}

const BRANCH = /^polecat\/([^/\s]+)\/([^/\s]+)$/;

/** The polecat and bead a branch name (or `refs/heads/…` ref) holds; undefined for any other. */
export function parsePolecatBranch(ref: string): PolecatOnBranch | undefined {
  const branch = ref.startsWith("refs/heads/") ? ref.slice("refs/heads/".length) : ref;
  const match = BRANCH.exec(branch);
  return match ? { polecat: match[1] as string, bead: match[2] as string } : undefined;
}
