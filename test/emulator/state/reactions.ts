// Reactions on issues and comments. Reacting twice with the same content returns the first
// reaction (200) instead of adding another (201). GitHub sends no webhook for reactions.
// https://docs.github.com/en/rest/reactions/reactions#create-reaction-for-an-issue
import { findComment } from "./comments.js";
import type { Actor } from "./events.js";
import { findIssue } from "./issues.js";
import type { EmulatorState, ReactionContent, ReactionRecord } from "./model.js";
import { allocateId, nodeId, notFound, ok, produce, type Result } from "./result.js";

export type ReactionTarget = { issue: number } | { comment: number };

export function react(
  state: EmulatorState,
  fullName: string,
  target: ReactionTarget,
  content: ReactionContent,
  actor: Actor,
  at: string,
): Result<{ reaction: ReactionRecord; created: boolean }> {
  return produce<{ reaction: ReactionRecord; created: boolean }>(state, (draft) => {
    const repo = draft.repos[fullName];
    if (!repo) return notFound();
    const subject = "issue" in target ? findIssue(repo, target.issue) : findComment(repo, target.comment)?.comment;
    if (!subject) return notFound();
    const existing = subject.reactions.find((r) => r.user === actor.login && r.content === content);
    if (existing) return ok(draft, { reaction: existing, created: false });
    const id = allocateId(draft);
    const reaction: ReactionRecord = { id, nodeId: nodeId("Reaction", id), content, user: actor.login, createdAt: at };
    subject.reactions.push(reaction);
    return ok(draft, { reaction, created: true });
  });
}
