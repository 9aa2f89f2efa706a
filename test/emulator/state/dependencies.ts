// "Blocked by" dependencies between issues, by issue id. An issue cannot block itself, and a
// dependency is listed once.
// https://docs.github.com/en/rest/issues/issue-dependencies
// Each change sends `issue_dependencies` twice: `blocked_by_added`/`_removed` to the blocked
// issue's repository and `blocking_added`/`_removed` to the blocking issue's.
// https://docs.github.com/en/webhooks/webhook-events-and-payloads#issue_dependencies
import type { Actor, DomainEvent } from "./events.js";
import { findIssue } from "./issues.js";
import type { EmulatorState, IssueRecord } from "./model.js";
import { notFound, ok, produce, validationFailed, type Result } from "./result.js";
import { issueWithId } from "./sub-issues.js";

function dependencyEvents(change: "added" | "removed", blocked: { repo: string; id: number }, blocking: { repo: string; id: number }, actor: Actor): DomainEvent[] {
  const ids = { blockedId: blocked.id, blockingId: blocking.id };
  return [
    { event: "issue_dependencies", action: `blocked_by_${change}`, repo: blocked.repo, actor, ...ids },
    { event: "issue_dependencies", action: `blocking_${change}`, repo: blocking.repo, actor, ...ids },
  ];
}

/** Records that issue `number` is blocked by the issue with id `blockerId`; returns the blocker. */
export function addBlockedBy(state: EmulatorState, fullName: string, number: number, blockerId: number, actor: Actor, at: string): Result<IssueRecord> {
  return produce(state, (draft) => {
    const repo = draft.repos[fullName];
    const issue = repo && findIssue(repo, number);
    const blocker = issueWithId(draft, blockerId);
    if (!repo || !issue || !blocker) return notFound();
    if (blocker.issue.id === issue.id) return validationFailed(undefined, "An issue cannot be blocked by itself");
    if (issue.blockedBy.includes(blockerId)) return validationFailed(undefined, "Issue is already blocked by this issue");
    issue.blockedBy.push(blockerId);
    issue.updatedAt = at;
    return ok(draft, blocker.issue, dependencyEvents("added", { repo: fullName, id: issue.id }, { repo: blocker.repo, id: blockerId }, actor));
  });
}

/** Removes the dependency; returns the issue that was blocking. */
export function removeBlockedBy(state: EmulatorState, fullName: string, number: number, blockerId: number, actor: Actor, at: string): Result<IssueRecord> {
  return produce(state, (draft) => {
    const repo = draft.repos[fullName];
    const issue = repo && findIssue(repo, number);
    const blocker = issueWithId(draft, blockerId);
    if (!repo || !issue || !blocker || !issue.blockedBy.includes(blockerId)) return notFound();
    issue.blockedBy = issue.blockedBy.filter((id) => id !== blockerId);
    issue.updatedAt = at;
    return ok(draft, blocker.issue, dependencyEvents("removed", { repo: fullName, id: issue.id }, { repo: blocker.repo, id: blockerId }, actor));
  });
}
