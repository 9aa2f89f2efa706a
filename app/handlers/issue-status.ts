// Showing an issue's state on GitHub: the sticky status comment and the state labels
// (`status::hooked`, `gt:waiting`, …). Labels are changed only where the issue's labels, as the
// event showed them, differ from what is wanted, so a repeated event sends nothing twice.
import { upsertStatusComment } from "../github/issue-comments.js";
import { changeLabels } from "../github/issue-labels.js";
import { renderStatusComment, type StatusView } from "../town/status-comment.js";
import type { RepositoryRef } from "./repository-town.js";

export interface IssueOnGitHub {
  readonly number: number;
  /** Its labels as the event showed them. */
  readonly labels: readonly string[];
}

export interface WantedLabels {
  readonly add?: readonly string[];
  readonly remove?: readonly string[];
}

export async function showStatus(
  ref: RepositoryRef & { readonly botLogin: string }, issue: IssueOnGitHub, view: StatusView, labels: WantedLabels = {},
): Promise<void> {
  const issueRef = { owner: ref.owner, repo: ref.repo, issue_number: issue.number };
  // One after another: GitHub asks integrations not to send writes concurrently.
  await upsertStatusComment(ref.github, issueRef, renderStatusComment(view), { botLogin: ref.botLogin });
  await changeLabels(ref.github, issueRef, issue.labels, labels);
}

/** The `status::` labels on the issue other than `keep`: bd github sync shows one status. */
export function otherStatusLabels(labels: readonly string[], keep?: string): string[] {
  return labels.filter((label) => label.startsWith("status::") && label !== keep);
}
