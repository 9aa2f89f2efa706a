// Polecat names. A bead keeps the name it was first given for every later attempt, so its
// branch `polecat/<name>/<bead>` stays the same; a bead slung for the first time takes the
// first name in the pool that no hooked bead is using, so the names people see at once are
// told apart. The pool is only names: when every one is in use, the first comes back with a
// number (`furiosa-2`), since a cap above the pool's size is the user's choice, not an error.
import { beadStatus } from "../ledger/bead-schema.js";
import type { Ledger } from "../ledger/ledger.js";
import { gastownString } from "../molecules/gastown-metadata.js";

export const POLECAT_ASSIGNEE_PREFIX = "polecat/";

/** The names hooked beads other than `except` hold. */
export function namesInUse(ledger: Ledger, except?: string): Set<string> {
  const used = new Set<string>();
  for (const bead of hookedBeads(ledger)) {
    if (bead.id === except) continue;
    const name = gastownString(bead, "polecat");
    if (name !== undefined) used.add(name);
  }
  return used;
}

export function freePolecatName(pool: readonly string[], inUse: ReadonlySet<string>): string {
  const free = pool.find((name) => !inUse.has(name));
  if (free !== undefined) return free;
  const first = pool[0] ?? "polecat";
  for (let n = 2; ; n++) if (!inUse.has(`${first}-${n}`)) return `${first}-${n}`;
}

/** Beads a polecat holds right now: the count the concurrency cap is checked against. */
export function hookedBeads(ledger: Ledger) {
  return ledger.beads().filter((bead) => beadStatus(bead) === "hooked");
}

/** The branch a polecat works on for a bead, the same for every attempt. */
export function polecatBranch(polecat: string, bead: string): string {
  return `polecat/${polecat}/${bead}`;
}

/**
 * The ref a polecat's run pushes its work to (DESIGN §7, "Branches and credentials"), the same
 * for every attempt. Users' CI ignores `gastown/**`; only the publisher moves the PR branch.
 */
export function workRef(polecat: string, bead: string): string {
  return `gastown/work/${polecat}/${bead}`;
}

export interface PolecatOnBranch {
  readonly polecat: string;
  readonly bead: string;
}

const BRANCH = /^polecat\/([^/\s]+)\/([^/\s]+)$/;

/**
 * The polecat and bead a pull request comes from: its head branch must be a polecat's in this
 * repository (`rig`, `owner/repo`). A fork's branch is never one, whatever it is named: a fork's
 * pull request is nobody's polecat's, and is queued only when a person asks.
 */
export function polecatOfPull(head: { readonly ref: string; readonly repository?: string | null }, rig: string): PolecatOnBranch | undefined {
  return head.repository?.toLowerCase() === rig.toLowerCase() ? parsePolecatBranch(head.ref) : undefined;
}

/** The polecat and bead a branch name (or `refs/heads/…` ref) holds, so a pull request leads back to them; undefined for any other. */
export function parsePolecatBranch(ref: string): PolecatOnBranch | undefined {
  const branch = ref.startsWith("refs/heads/") ? ref.slice("refs/heads/".length) : ref;
  const match = BRANCH.exec(branch);
  return match ? { polecat: match[1] as string, bead: match[2] as string } : undefined;
}
