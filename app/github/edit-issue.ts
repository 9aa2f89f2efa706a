// Sending the mirror's edit of an issue: the fields of a bead that GitHub lacks in one PATCH (none
// when only labels change), the labels to put on in one request, and each label to take off in
// one. Labels go one by one, never as the whole set a PATCH would replace: a `gt:` label the App
// puts on between the mirror's read and its edit (a sling, a polecat's state) stays.
import type { IssueEdit } from "../mirror/bead-issue-sync.js";
import type { GitHubIssue } from "../mirror/issue-shape.js";
import { unlessAbsent, type GitHubClient } from "./github-client.js";
import type { IssueRef } from "./issue-comments.js";

type IssueLabel = { readonly name?: string } | string;

/** What GitHub answered: the issue after the PATCH, its labels after the last label request that found its label. */
export interface EditAnswers {
  readonly issue?: unknown;
  readonly labels?: readonly IssueLabel[];
  /** Labels to take off that the issue no longer carried (404). */
  readonly gone: readonly string[];
}

function labelName(label: IssueLabel): string | undefined {
  return typeof label === "string" ? label : label.name;
}

/** Sends `edit`; the answers say what GitHub holds after it, for a caller that records it. */
export async function sendIssueEdit(github: GitHubClient, issue: IssueRef, edit: IssueEdit): Promise<EditAnswers> {
  const { addLabels = [], removeLabels = [], ...fields } = edit;
  let answers: EditAnswers = { gone: [] };
  if (Object.keys(fields).length > 0) {
    const { data } = await github.request("PATCH /repos/{owner}/{repo}/issues/{issue_number}", { ...issue, ...fields });
    answers = { ...answers, issue: data };
  }
  if (addLabels.length > 0) {
    const { data } = await github.request("POST /repos/{owner}/{repo}/issues/{issue_number}/labels", { ...issue, labels: [...addLabels] });
    answers = { ...answers, labels: data as IssueLabel[] };
  }
  for (const name of removeLabels) {
    // 404: the issue no longer carries it (someone took it off meanwhile), which is what was wanted.
    const removed = await unlessAbsent(() => github.request("DELETE /repos/{owner}/{repo}/issues/{issue_number}/labels/{name}", { ...issue, name }), undefined);
    answers = removed === undefined ? { ...answers, gone: [...answers.gone, name] } : { ...answers, labels: removed.data as IssueLabel[] };
  }
  return answers;
}

/**
 * The issue as it now is, after `edit`: GitHub's answer to the PATCH, or `seen` (the issue as the
 * mirror read it) when only labels changed, with the labels of the last label request's answer.
 */
export function issueAfterEdit<T extends GitHubIssue>(seen: T, answers: EditAnswers): T {
  const issue = (answers.issue as T | undefined) ?? seen;
  if (answers.labels === undefined && answers.gone.length === 0) return issue;
  const gone = new Set(answers.gone.map((name) => name.toLowerCase()));
  const labels = (answers.labels ?? issue.labels ?? []).filter((label) => !gone.has(labelName(label)?.toLowerCase() ?? ""));
  return { ...issue, labels };
}

/** Sends `edit`; the answer is the issue as it now is, for a caller that records what was synced. */
export async function editIssue<T extends GitHubIssue>(github: GitHubClient, issue: IssueRef, edit: IssueEdit, seen: T): Promise<T> {
  return issueAfterEdit(seen, await sendIssueEdit(github, issue, edit));
}
