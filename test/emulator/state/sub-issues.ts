// Sub-issues: a parent lists children by issue id; a child has one parent at most, and moving
// it needs `replace_parent`. GitHub caps a parent at 100 sub-issues.
// https://docs.github.com/en/rest/issues/sub-issues
// Each change sends `sub_issues` twice: `sub_issue_added`/`_removed` to the parent's repository
// and `parent_issue_added`/`_removed` to the child's.
// https://docs.github.com/en/webhooks/webhook-events-and-payloads#sub_issues
import type { Actor, DomainEvent } from "./events.js";
import { findIssue } from "./issues.js";
import type { EmulatorState, IssueRecord } from "./model.js";
import { notFound, ok, produce, validationFailed, type Result } from "./result.js";

export const MAX_SUB_ISSUES = 100;

function issueWithId(state: EmulatorState, id: number): { repo: string; issue: IssueRecord } | undefined {
  for (const [name, repo] of Object.entries(state.repos)) {
    const issue = repo.issues.find((i) => i.id === id);
    if (issue) return { repo: name, issue };
  }
  return undefined;
}

function subIssueEvents(
  change: "added" | "removed",
  parent: { repo: string; id: number },
  child: { repo: string; id: number },
  actor: Actor,
): DomainEvent[] {
  const ids = { parentId: parent.id, subIssueId: child.id };
  return [
    { event: "sub_issues", action: `sub_issue_${change}`, repo: parent.repo, actor, ...ids },
    { event: "sub_issues", action: `parent_issue_${change}`, repo: child.repo, actor, ...ids },
  ];
}

export function addSubIssue(state: EmulatorState, fullName: string, number: number, subIssueId: number, replaceParent: boolean, actor: Actor, at: string): Result<IssueRecord> {
  return produce(state, (draft) => {
    const repo = draft.repos[fullName];
    const parent = repo && findIssue(repo, number);
    const child = issueWithId(draft, subIssueId);
    if (!repo || !parent || !child) return notFound();
    // A sub-issue must belong to the same owner as its parent.
    if (draft.repos[child.repo]?.owner !== repo.owner) return validationFailed(undefined, "Sub-issue must belong to the same repository owner as the parent issue");
    if (child.issue.id === parent.id) return validationFailed(undefined, "An issue cannot be its own sub-issue");
    if (parent.subIssues.includes(child.issue.id)) return validationFailed(undefined, "Issue may not contain duplicate sub-issues");
    if (child.issue.parentId !== null && !replaceParent) return validationFailed(undefined, "Issue may not contain duplicate sub-issues and Sub issue may only have one parent");
    if (parent.subIssues.length >= MAX_SUB_ISSUES) return validationFailed(undefined, `Parent cannot have more than ${MAX_SUB_ISSUES} sub-issues`);
    const events: DomainEvent[] = [];
    if (child.issue.parentId !== null) {
      const previous = issueWithId(draft, child.issue.parentId);
      if (previous) {
        previous.issue.subIssues = previous.issue.subIssues.filter((id) => id !== child.issue.id);
        events.push(...subIssueEvents("removed", { repo: previous.repo, id: previous.issue.id }, { repo: child.repo, id: child.issue.id }, actor));
      }
    }
    child.issue.parentId = parent.id;
    parent.subIssues.push(child.issue.id);
    parent.updatedAt = at;
    events.push(...subIssueEvents("added", { repo: fullName, id: parent.id }, { repo: child.repo, id: child.issue.id }, actor));
    return ok(draft, parent, events);
  });
}

export function removeSubIssue(state: EmulatorState, fullName: string, number: number, subIssueId: number, actor: Actor, at: string): Result<IssueRecord> {
  return produce(state, (draft) => {
    const repo = draft.repos[fullName];
    const parent = repo && findIssue(repo, number);
    const child = issueWithId(draft, subIssueId);
    if (!repo || !parent || !child || !parent.subIssues.includes(subIssueId)) return notFound();
    parent.subIssues = parent.subIssues.filter((id) => id !== subIssueId);
    child.issue.parentId = null;
    parent.updatedAt = at;
    return ok(draft, parent, subIssueEvents("removed", { repo: fullName, id: parent.id }, { repo: child.repo, id: subIssueId }, actor));
  });
}

export function subIssuesOf(state: EmulatorState, parent: IssueRecord): { repo: string; issue: IssueRecord }[] {
  return parent.subIssues.map((id) => issueWithId(state, id)).filter((found) => found !== undefined);
}

export { issueWithId };
