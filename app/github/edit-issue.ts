// Sending the mirror's edit of an issue: the fields of a bead that GitHub lacks in one PATCH (none
// when only labels change), the labels to put on in one request, and each label to take off in
// one (issue-labels.ts). Labels go one by one, never as the whole set a PATCH would replace: a
// `gt:` label the App puts on between the mirror's read and its edit (a sling, a polecat's state)
// stays.
import type { IssueEdit } from "../mirror/bead-issue-sync.js";
import { issueLabelNames, type GitHubIssue } from "../mirror/issue-shape.js";
import type { GitHubClient } from "./github-client.js";
import type { IssueRef } from "./issue-comments.js";
import { addLabels, removeLabel } from "./issue-labels.js";

/** What GitHub answered: the issue after the PATCH, and the issue's labels after the label requests. */
export interface EditAnswers {
  readonly issue?: unknown;
  /** The labels the last label request's answer listed; undefined when none answered with them. */
  readonly labels?: readonly string[];
  /** Labels to take off that the issue no longer carried (404): gone already, as wanted. */
  readonly gone: readonly string[];
}

/** Sends `edit`; the answers say what GitHub holds after it, for a caller that records it. */
export async function sendIssueEdit(github: GitHubClient, issue: IssueRef, edit: IssueEdit): Promise<EditAnswers> {
  const { addLabels: add = [], removeLabels: remove = [], ...fields } = edit;
  let answers: EditAnswers = { gone: [] };
  if (Object.keys(fields).length > 0) {
    const { data } = await github.request("PATCH /repos/{owner}/{repo}/issues/{issue_number}", { ...issue, ...fields });
    answers = { ...answers, issue: data };
  }
  const added = await addLabels(github, issue, add);
  if (added !== undefined) answers = { ...answers, labels: added };
  for (const name of remove) {
    const left = await removeLabel(github, issue, name);
    answers = left === undefined ? { ...answers, gone: [...answers.gone, name] } : { ...answers, labels: left };
  }
  return answers;
}

/**
 * The issue as it now is, after `edit`: GitHub's answer to the PATCH, or `seen` (the issue as the
 * mirror read it) when only labels changed, with the labels the label requests' answers gave.
 */
export function issueAfterEdit<T extends GitHubIssue>(seen: T, answers: EditAnswers): T {
  const issue = (answers.issue as T | undefined) ?? seen;
  if (answers.labels === undefined && answers.gone.length === 0) return issue;
  const gone = new Set(answers.gone.map((name) => name.toLowerCase()));
  const names = answers.labels ?? issueLabelNames(issue);
  return { ...issue, labels: names.filter((name) => !gone.has(name.toLowerCase())).map((name) => ({ name })) };
}

/** Sends `edit`; the answer is the issue as it now is, for a caller that records what was synced. */
export async function editIssue<T extends GitHubIssue>(github: GitHubClient, issue: IssueRef, edit: IssueEdit, seen: T): Promise<T> {
  return issueAfterEdit(seen, await sendIssueEdit(github, issue, edit));
}
