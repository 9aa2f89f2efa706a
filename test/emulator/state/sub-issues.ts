// Sub-issues: a parent lists children by issue id; a child has one parent at most, and moving
// it needs `replace_parent`. GitHub caps a parent at 100 sub-issues.
// https://docs.github.com/en/rest/issues/sub-issues
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

export function addSubIssue(state: EmulatorState, fullName: string, number: number, subIssueId: number, replaceParent: boolean, at: string): Result<IssueRecord> {
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
    if (child.issue.parentId !== null) {
      const previous = issueWithId(draft, child.issue.parentId);
      if (previous) previous.issue.subIssues = previous.issue.subIssues.filter((id) => id !== child.issue.id);
    }
    child.issue.parentId = parent.id;
    parent.subIssues.push(child.issue.id);
    parent.updatedAt = at;
    return ok(draft, parent);
  });
}

export function removeSubIssue(state: EmulatorState, fullName: string, number: number, subIssueId: number, at: string): Result<IssueRecord> {
  return produce(state, (draft) => {
    const repo = draft.repos[fullName];
    const parent = repo && findIssue(repo, number);
    const child = issueWithId(draft, subIssueId);
    if (!repo || !parent || !child || !parent.subIssues.includes(subIssueId)) return notFound();
    parent.subIssues = parent.subIssues.filter((id) => id !== subIssueId);
    child.issue.parentId = null;
    parent.updatedAt = at;
    return ok(draft, parent);
  });
}

export function subIssuesOf(state: EmulatorState, parent: IssueRecord): { repo: string; issue: IssueRecord }[] {
  return parent.subIssues.map((id) => issueWithId(state, id)).filter((found) => found !== undefined);
}

export { issueWithId };
