// Links between issues: sub-issues (a parent lists its children) and blocked-by dependencies.
// Both APIs take the other issue's database `id`, never its number.
// https://docs.github.com/en/rest/issues/sub-issues
// https://docs.github.com/en/rest/issues/issue-dependencies
import { refusalOf, statusOf, unlessAbsent, type GitHubClient } from "./github-client.js";
import type { IssueRef } from "./issue-comments.js";

export type LinkOutcome =
  | { readonly kind: "linked" }
  /** GitHub refused it (422): a parent at its 100 sub-issues, or a child with another parent. */
  | { readonly kind: "refused"; readonly why: string };

/** The refusals that mean the link is there already: sending it again is no change. */
const ALREADY = /duplicate sub-issues|already blocked by/i;

async function link(request: () => Promise<unknown>): Promise<LinkOutcome> {
  try {
    await request();
    return { kind: "linked" };
  } catch (error) {
    if (statusOf(error) !== 422) throw error;
    const why = refusalOf(error);
    // Sent before, by a pass that crashed before recording it: it is there.
    if (ALREADY.test(why) && !/only have one parent/i.test(why)) return { kind: "linked" };
    return { kind: "refused", why };
  }
}

/** Makes the issue with id `childId` a sub-issue of `parent`; `replaceParent` moves it from another parent. */
export function addSubIssue(github: GitHubClient, parent: IssueRef, childId: number, replaceParent = false): Promise<LinkOutcome> {
  return link(() => github.request("POST /repos/{owner}/{repo}/issues/{issue_number}/sub_issues", {
    ...parent, sub_issue_id: childId, ...(replaceParent ? { replace_parent: true } : {}),
  }));
}

/** Takes the child off the parent's sub-issues; gone already is done. */
export async function removeSubIssue(github: GitHubClient, parent: IssueRef, childId: number): Promise<void> {
  await unlessAbsent(() => github.request("DELETE /repos/{owner}/{repo}/issues/{issue_number}/sub_issue", { ...parent, sub_issue_id: childId }), undefined);
}

/** Records that `issue` is blocked by the issue with id `blockerId`. */
export function addBlockedBy(github: GitHubClient, issue: IssueRef, blockerId: number): Promise<LinkOutcome> {
  return link(() => github.request("POST /repos/{owner}/{repo}/issues/{issue_number}/dependencies/blocked_by", { ...issue, issue_id: blockerId }));
}

/** Removes the dependency; gone already is done. */
export async function removeBlockedBy(github: GitHubClient, issue: IssueRef, blockerId: number): Promise<void> {
  await unlessAbsent(() => github.request("DELETE /repos/{owner}/{repo}/issues/{issue_number}/dependencies/blocked_by/{issue_id}", { ...issue, issue_id: blockerId }), undefined);
}
