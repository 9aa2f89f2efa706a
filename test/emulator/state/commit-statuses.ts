// Commit statuses: each report adds one (a context's latest is its state), and GitHub sends
// `status` with the branches whose tip is the commit.
// https://docs.github.com/en/rest/commits/statuses
// https://docs.github.com/en/webhooks/webhook-events-and-payloads#status
import type { CommitObject } from "../git/bare-repo.js";
import type { Actor } from "./events.js";
import type { CommitStatusRecord, CommitStatusState, EmulatorState, RepoRecord } from "./model.js";
import { allocateId, nodeId, notFound, ok, produce, type Result } from "./result.js";

export type CommitStatusInput = { state: CommitStatusState; target_url?: string | null; description?: string | null; context?: string };

/** `commit` and `branches` (those whose tip it is) are read from git at the edge, for the webhook. */
export function createCommitStatus(
  state: EmulatorState,
  fullName: string,
  commit: CommitObject,
  input: CommitStatusInput,
  branches: readonly string[],
  actor: Actor,
  at: string,
): Result<CommitStatusRecord> {
  return produce(state, (draft) => {
    const repo = draft.repos[fullName];
    if (!repo) return notFound();
    const id = allocateId(draft);
    const status: CommitStatusRecord = {
      id,
      nodeId: nodeId("StatusContext", id),
      sha: commit.sha,
      state: input.state,
      targetUrl: input.target_url ?? null,
      description: input.description ?? null,
      // https://docs.github.com/en/rest/commits/statuses#create-a-commit-status — "default" when omitted.
      context: input.context ?? "default",
      creator: actor.login,
      createdAt: at,
      updatedAt: at,
    };
    repo.statuses.push(status);
    return ok(draft, status, [{ event: "status", repo: fullName, actor, statusId: id, commit, branches: [...branches] }]);
  });
}

/** The statuses of `sha`, newest first. */
export function statusesOf(repo: RepoRecord, sha: string): CommitStatusRecord[] {
  return repo.statuses.filter((s) => s.sha === sha).sort((a, b) => b.id - a.id);
}

/** Each context's latest status (contexts are case-insensitive), newest first. */
export function latestStatuses(repo: RepoRecord, sha: string): CommitStatusRecord[] {
  const seen = new Set<string>();
  return statusesOf(repo, sha).filter((status) => {
    const key = status.context.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * The combined state: failure if any context's latest is error or failure, pending if there
 * is none or any is pending, success otherwise.
 * https://docs.github.com/en/rest/commits/statuses#get-the-combined-status-for-a-specific-reference
 */
export function combinedState(latest: readonly CommitStatusRecord[]): "failure" | "pending" | "success" {
  if (latest.some((s) => s.state === "error" || s.state === "failure")) return "failure";
  if (latest.length === 0 || latest.some((s) => s.state === "pending")) return "pending";
  return "success";
}
