// A pull request merged into the default branch closes the issues its body links with a closing
// keyword ("Fixes #12", "closes: octo/town#3"), as the person who merged it.
// https://docs.github.com/en/issues/tracking-your-work-with-issues/using-issues/linking-a-pull-request-to-an-issue#linking-a-pull-request-to-an-issue-using-a-keyword
import type { Actor, DomainEvent } from "./events.js";
import { findIssue, setIssueState } from "./issues.js";
import type { IssueRecord, RepoRecord } from "./model.js";

const CLOSING_REFERENCE = /\b(?:close|closes|closed|fix|fixes|fixed|resolve|resolves|resolved):?\s+(?:([\w.-]+\/[\w.-]+))?#(\d+)\b/gi;

/** The issue numbers in `fullName` that `body` closes, in order, once each. */
export function closedIssueNumbers(body: string | null, fullName: string): number[] {
  const numbers: number[] = [];
  for (const match of (body ?? "").matchAll(CLOSING_REFERENCE)) {
    const [, repo, number] = match;
    if (repo !== undefined && repo.toLowerCase() !== fullName.toLowerCase()) continue;
    const n = Number(number);
    if (!numbers.includes(n)) numbers.push(n);
  }
  return numbers;
}

/**
 * Closes (completed) the open issues `pull` links, when it was merged into the default
 * branch; returns the `issues` closed events. Works on a draft state.
 */
export function closeLinkedIssues(repo: RepoRecord, fullName: string, pull: IssueRecord, actor: Actor, at: string): DomainEvent[] {
  if (pull.pull?.baseRef !== repo.defaultBranch) return [];
  const events: DomainEvent[] = [];
  for (const number of closedIssueNumbers(pull.body, fullName)) {
    const issue = findIssue(repo, number);
    if (!issue || issue.pull || !setIssueState(issue, "closed", "completed", actor, at)) continue;
    issue.updatedAt = at;
    events.push({ event: "issues", action: "closed", repo: fullName, actor, number });
  }
  return events;
}
