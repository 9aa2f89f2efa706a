// The least GitHub requests the App's work needs in this design, operation by operation, each
// with why it cannot be done without. The sling bench, the webhook bench and the request test
// hold the App to these lists; the README's "Requests per sling" and "Requests per delivery"
// tables mirror them.

/** One line of a minimum: an operation, how many times, and why the design cannot do without. */
export interface Needed {
  readonly operationId: string;
  readonly count: number;
  readonly why: string;
}

export const TOKEN: Needed = { operationId: "apps/create-installation-access-token", count: 1, why: "the installation token every call below uses" };
/** The App's own login, asked once a process: the events it caused itself are its answers, not requests. */
export const LOGIN: Needed = { operationId: "apps/get-authenticated", count: 1, why: "the App's own login, to know its own events" };
export const CONFIG: Needed = { operationId: "repos/get-content", count: 1, why: "the repository's own .github/gastown.yml, which opts it in (the organisation's is read only when it says _extends: .github)" };
export const PERMISSION: Needed = { operationId: "repos/get-collaborator-permission-level", count: 1, why: "the sender's permission, checked on every command" };
export const REACTION: Needed = { operationId: "reactions/create-for-issue", count: 1, why: "acknowledge (👀)" };
export const COMMENT_REACTION: Needed = { operationId: "reactions/create-for-issue-comment", count: 1, why: "acknowledge the command's comment (👀)" };
export const LEDGER_READS: readonly Needed[] = [
  { operationId: "git/get-ref", count: 1, why: "the ledger branch's commit, the parent of the CAS" },
  { operationId: "git/get-commit", count: 1, why: "its tree" },
  { operationId: "git/get-tree", count: 1, why: "the ledger file's blob" },
  { operationId: "git/get-blob", count: 1, why: "the ledger, its raw bytes" },
];
/** The ledger when nothing may need writing: the raw contents of the file, without its commit. */
export const LEDGER_PEEK: Needed = { operationId: "repos/get-content", count: 1, why: "the ledger, its raw bytes, in one request" };
export const FORMULAS: Needed = { operationId: "repos/get-content", count: 1, why: ".beads/formulas, the repository's overrides of the built-in formulas" };

/** One compare-and-swap commit: the tree with the ledger inline, the commit, the ref moved without force. */
export function commitWrites(what: string): Needed[] {
  return [
    { operationId: "git/create-tree", count: 1, why: `${what}: the tree, the ledger uploaded inline` },
    { operationId: "git/create-commit", count: 1, why: `${what}: the commit` },
    { operationId: "git/update-ref", count: 1, why: `${what}: the ref moved without force (CAS)` },
  ];
}

export const DISPATCH: Needed = { operationId: "actions/create-workflow-dispatch", count: 1, why: "the polecat workflow, only after the hook has landed; its run claims the bead itself" };
export const STATUS: readonly Needed[] = [
  { operationId: "issues/list-comments", count: 1, why: "the sticky status comment, if there is one" },
  { operationId: "issues/create-comment", count: 1, why: "the status comment made" },
];
export const LABEL: Needed = { operationId: "issues/add-labels", count: 1, why: "status::hooked" };
export const REPLY: Needed = { operationId: "issues/create-comment", count: 1, why: "the answer" };
export const RUN_BY_NAME: Needed = { operationId: "actions/list-workflow-runs", count: 1, why: "the polecat's run, not yet claimed, by its run-name" };
export const HEARTBEAT: Needed = { operationId: "checks/list-for-ref", count: 1, why: "the heartbeat check run on the polecat's work ref" };

/**
 * A typical sling by an App that holds its installation token: the ledger branch exists, no
 * `.beads/formulas`, no status comment yet.
 */
export const SLING: readonly Needed[] = [
  CONFIG, PERMISSION, REACTION, ...LEDGER_READS, FORMULAS, ...commitWrites("hook"), DISPATCH, ...STATUS, LABEL,
];

/** The first sling in a repository: the ref is not there, and the hook commit makes the branch. */
export const FIRST_SLING: readonly Needed[] = [
  CONFIG, PERMISSION, REACTION,
  { operationId: "git/get-ref", count: 1, why: "the ledger branch: not there (404)" },
  FORMULAS,
  { operationId: "git/create-tree", count: 1, why: "hook: the tree, the ledger and .beads/config.yaml inline" },
  { operationId: "git/create-commit", count: 1, why: "hook: the first commit" },
  { operationId: "git/create-ref", count: 1, why: "hook: the branch made (CAS: fails if it exists)" },
  DISPATCH, ...STATUS, LABEL,
];

/** A sling label delivered again: the ledger shows the bead hooked, moments ago, and nothing is done. */
export const DUPLICATE_SLING: readonly Needed[] = [CONFIG, PERMISSION, REACTION, ...LEDGER_READS];

/** Requests per operation. */
export function byOperation(needed: readonly Needed[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const { operationId, count } of needed) counts[operationId] = (counts[operationId] ?? 0) + count;
  return counts;
}

export function totalOf(needed: readonly Needed[]): number {
  return needed.reduce((sum, { count }) => sum + count, 0);
}

/** Requests made beyond the minimum (positive) or short of it (negative), by operation; {} when at it. */
export function offMinimum(made: Readonly<Record<string, number>>, minimum: Readonly<Record<string, number>>): Record<string, number> {
  const off: Record<string, number> = {};
  for (const id of [...new Set([...Object.keys(minimum), ...Object.keys(made)])].sort()) {
    const n = (made[id] ?? 0) - (minimum[id] ?? 0);
    if (n !== 0) off[id] = n;
  }
  return off;
}
