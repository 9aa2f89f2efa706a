// The issues that mirror work beads: opened from a bead's shape, read, and found again
// by their bead's marker among the App's own issues after a crash.
import { markerBeadId } from "../mirror/issue-body.js";
import type { GitHubIssue, IssueShape } from "../mirror/issue-shape.js";
import { issuesOpenedSince } from "./create-issue.js";
import { editIssue } from "./edit-issue.js";
import type { GitHubClient } from "./github-client.js";
import type { IssueRef, RepoRef } from "./issue-comments.js";

/** An issue as the mirror reads it: the fields it syncs, its database id, its parent's API URL. */
export interface MirrorIssue extends GitHubIssue {
  readonly id: number;
  readonly parent_issue_url?: string | null;
}

/** Opens the issue `shape` describes; a closed bead's issue is opened, then closed with its reason. */
export async function openMirrorIssue(github: GitHubClient, repo: RepoRef, shape: IssueShape): Promise<MirrorIssue> {
  const { data } = await github.request("POST /repos/{owner}/{repo}/issues", {
    ...repo, title: shape.title, body: shape.body,
    ...(shape.labels.length > 0 ? { labels: [...shape.labels] } : {}),
    ...(shape.assignees !== undefined && shape.assignees.length > 0 ? { assignees: [...shape.assignees] } : {}),
  });
  const opened = data as MirrorIssue;
  if (shape.state === "closed") return await editIssue(github, { ...repo, issue_number: opened.number }, { state: "closed", state_reason: shape.state_reason ?? "completed" }, opened);
  return opened;
}

export async function getMirrorIssue(github: GitHubClient, issue: IssueRef): Promise<MirrorIssue> {
  const { data } = await github.request("GET /repos/{owner}/{repo}/issues/{issue_number}", { ...issue });
  return data as MirrorIssue;
}

/**
 * The issues `creator` opened since `since` whose body's marker names one of `beadIds`, by bead:
 * one listing for every bead a crash left half opened, filtered by `creator`. Should GitHub's
 * filter not match an App's `<slug>[bot]` login, the beads not found are looked for once more
 * without it (the opener still checked on each issue): a second issue is worse than a listing.
 */
export async function findMirrorIssues(
  github: GitHubClient, repo: RepoRef, wanted: { creator: string; since: string; beadIds: ReadonlySet<string> },
): Promise<Map<string, MirrorIssue>> {
  const found = new Map<string, MirrorIssue>();
  for (const creator of [wanted.creator, undefined]) {
    const listing = issuesOpenedSince<MirrorIssue & { user: { login: string } | null; pull_request?: unknown }>(github, repo, {
      since: wanted.since, ...(creator !== undefined ? { creator } : {}),
    });
    for await (const issues of listing) {
      for (const issue of issues) {
        const bead = markerBeadId(issue.body);
        if (bead === undefined || !wanted.beadIds.has(bead) || found.has(bead)) continue;
        if (issue.pull_request === undefined && issue.user?.login === wanted.creator) found.set(bead, issue);
      }
      if (found.size === wanted.beadIds.size) return found;
    }
  }
  return found;
}
