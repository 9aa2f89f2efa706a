// Comments on issues and pull requests (the issues API serves both).
// https://docs.github.com/en/rest/issues/comments
import type { Actor } from "./events.js";
import type { CommentRecord, EmulatorState, IssueRecord, RepoRecord } from "./model.js";
import { findIssue } from "./issues.js";
import { allocateId, nodeId, notFound, ok, produce, type Result } from "./result.js";

export function findComment(repo: RepoRecord, id: number): { issue: IssueRecord; comment: CommentRecord } | undefined {
  for (const issue of repo.issues) {
    const comment = issue.comments.find((c) => c.id === id);
    if (comment) return { issue, comment };
  }
  return undefined;
}

export function createComment(state: EmulatorState, fullName: string, number: number, body: string, actor: Actor, at: string): Result<CommentRecord> {
  return produce(state, (draft) => {
    const repo = draft.repos[fullName];
    const issue = repo && findIssue(repo, number);
    if (!repo || !issue) return notFound();
    const id = allocateId(draft);
    const comment: CommentRecord = { id, nodeId: nodeId("IssueComment", id), body, user: actor.login, createdAt: at, updatedAt: at, reactions: [] };
    issue.comments.push(comment);
    issue.updatedAt = at;
    return ok(draft, comment, [{ event: "issue_comment", action: "created", repo: fullName, actor, number, comment: structuredClone(comment) }]);
  });
}

export function updateComment(state: EmulatorState, fullName: string, id: number, body: string, actor: Actor, at: string): Result<CommentRecord> {
  return produce(state, (draft) => {
    const repo = draft.repos[fullName];
    const found = repo && findComment(repo, id);
    if (!repo || !found) return notFound();
    const from = found.comment.body;
    found.comment.body = body;
    found.comment.updatedAt = at;
    return ok(draft, found.comment, [
      { event: "issue_comment", action: "edited", repo: fullName, actor, number: found.issue.number, comment: structuredClone(found.comment), changes: { body: { from } } },
    ]);
  });
}

export function deleteComment(state: EmulatorState, fullName: string, id: number, actor: Actor): Result<undefined> {
  return produce(state, (draft) => {
    const repo = draft.repos[fullName];
    const found = repo && findComment(repo, id);
    if (!repo || !found) return notFound();
    found.issue.comments = found.issue.comments.filter((c) => c.id !== id);
    return ok(draft, undefined, [{ event: "issue_comment", action: "deleted", repo: fullName, actor, number: found.issue.number, comment: structuredClone(found.comment) }]);
  });
}
