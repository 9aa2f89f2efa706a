// Pull requests: open, edit, close and reopen, follow their branches, merge, review.
// https://docs.github.com/en/rest/pulls/pulls
// https://docs.github.com/en/webhooks/webhook-events-and-payloads#pull_request
import type { Actor, DomainEvent } from "./events.js";
import { closeLinkedIssues } from "./closing-issues.js";
import { findIssue, issueChange, newIssue, setIssueState } from "./issues.js";
import type { EmulatorState, IssueRecord, PullFacts, PullRecord, RepoRecord, ReviewCommentRecord, ReviewRecord, ReviewState } from "./model.js";
import { allocateId, nodeId, notFound, ok, produce, validationFailed, type Failure, type Result } from "./result.js";

type PullIssue = IssueRecord & { pull: PullRecord };

const isPull = (issue: IssueRecord | undefined): issue is PullIssue => issue !== undefined && issue.pull !== null;

/** Runs `change` on a copy of the state with pull request `number` found in it, or answers 404. */
function onPull<T>(state: EmulatorState, fullName: string, number: number, change: (draft: EmulatorState, issue: PullIssue) => Result<T>): Result<T> {
  return produce(state, (draft) => {
    const repo = draft.repos[fullName];
    const issue = repo && findIssue(repo, number);
    return isPull(issue) ? change(draft, issue) : notFound();
  });
}

export type PullInput = {
  title: string;
  body: string | null;
  headRef: string;
  headSha: string;
  baseRef: string;
  baseSha: string;
  draft: boolean;
  maintainerCanModify: boolean;
  facts: PullFacts;
};

/**
 * Opens a pull request. GitHub refuses a second open one for the same head and base, and one
 * with nothing to merge.
 */
export function createPull(state: EmulatorState, fullName: string, input: PullInput, actor: Actor, at: string): Result<IssueRecord> {
  return produce(state, (draft) => {
    const repo = draft.repos[fullName];
    if (!repo) return notFound();
    const duplicate = repo.issues.find((i) => i.pull && i.state === "open" && i.pull.headRef === input.headRef && i.pull.baseRef === input.baseRef);
    if (duplicate) {
      return validationFailed([{ resource: "PullRequest", code: "custom", field: "head", message: `A pull request already exists for ${repo.owner}:${input.headRef}.` }]);
    }
    if (input.facts.commits === 0) {
      return validationFailed([{ resource: "PullRequest", code: "custom", field: "head", message: `No commits between ${input.baseRef} and ${input.headRef}` }]);
    }
    const issue = newIssue(draft, repo, { title: input.title, body: input.body, user: actor.login, at });
    issue.nodeId = nodeId("PullRequest", issue.id);
    issue.pull = {
      headRef: input.headRef,
      headSha: input.headSha,
      baseRef: input.baseRef,
      baseSha: input.baseSha,
      draft: input.draft,
      merged: false,
      mergedAt: null,
      mergedBy: null,
      mergeCommitSha: null,
      maintainerCanModify: input.maintainerCanModify,
      reviews: [],
      reviewComments: [],
      facts: input.facts,
    };
    return ok(draft, issue, [{ event: "pull_request", action: "opened", repo: fullName, actor, number: issue.number }]);
  });
}

export type PullUpdate = { title?: string; body?: string | null; state?: "open" | "closed"; base?: string; baseSha?: string; maintainer_can_modify?: boolean; facts?: PullFacts };

export function updatePull(state: EmulatorState, fullName: string, number: number, update: PullUpdate, actor: Actor, at: string): Result<IssueRecord> {
  return onPull(state, fullName, number, (draft, issue) => {
    const pull = issue.pull;
    if (update.state === "open" && pull.merged) return validationFailed([{ resource: "PullRequest", code: "custom", field: "state", message: "state cannot be changed. The pull request cannot be reopened." }]);
    const events: DomainEvent[] = [];
    // `edited` says what each changed field was before.
    const changes: NonNullable<Extract<DomainEvent, { event: "pull_request" }>["changes"]> = {};
    if (update.title !== undefined && update.title !== issue.title) {
      changes.title = { from: issue.title };
      issue.title = update.title;
    }
    if (update.body !== undefined && update.body !== issue.body) {
      changes.body = { from: issue.body ?? "" };
      issue.body = update.body;
    }
    if (update.base !== undefined && update.baseSha !== undefined && update.base !== pull.baseRef) {
      changes.base = { ref: { from: pull.baseRef }, sha: { from: pull.baseSha } };
      pull.baseRef = update.base;
      pull.baseSha = update.baseSha;
    }
    const edited = Object.keys(changes).length > 0;
    if (update.facts !== undefined) pull.facts = update.facts;
    if (update.maintainer_can_modify !== undefined) pull.maintainerCanModify = update.maintainer_can_modify;
    if (edited) events.push({ event: "pull_request", action: "edited", repo: fullName, actor, number, changes });
    if (update.state !== undefined && setIssueState(issue, update.state, null, actor, at)) {
      // A pull request has no state reason.
      issue.stateReason = null;
      events.push(issueChange(fullName, issue, update.state === "closed" ? "closed" : "reopened", actor));
    }
    if (events.length > 0) issue.updatedAt = at;
    return ok(draft, issue, events);
  });
}

/**
 * Records what git says after a branch moved. A new head is a `synchronize`; a moved base
 * only changes the facts, and sends nothing.
 */
export function followBranches(
  state: EmulatorState,
  fullName: string,
  number: number,
  moved: { headSha?: string; baseSha?: string; facts: PullFacts },
  actor: Actor,
  at: string,
): Result<IssueRecord> {
  return onPull(state, fullName, number, (draft, issue) => {
    const pull = issue.pull;
    const events: DomainEvent[] = [];
    const before = pull.headSha;
    pull.facts = moved.facts;
    if (moved.baseSha !== undefined) pull.baseSha = moved.baseSha;
    if (moved.headSha !== undefined && moved.headSha !== before) {
      pull.headSha = moved.headSha;
      issue.updatedAt = at;
      events.push({ event: "pull_request", action: "synchronize", repo: fullName, actor, number, before, after: moved.headSha });
    }
    return ok(draft, issue, events);
  });
}

/**
 * Marks a pull request merged (the base branch has already moved) and closes it, with the
 * issues it closes when merged into the default branch (./closing-issues.ts).
 */
export function markMerged(state: EmulatorState, fullName: string, number: number, mergeCommitSha: string, actor: Actor, at: string): Result<IssueRecord> {
  return onPull(state, fullName, number, (draft, issue) => {
    issue.pull.merged = true;
    issue.pull.mergedAt = at;
    issue.pull.mergedBy = actor.login;
    issue.pull.mergeCommitSha = mergeCommitSha;
    setIssueState(issue, "closed", null, actor, at);
    issue.stateReason = null;
    issue.updatedAt = at;
    const closed = closeLinkedIssues(draft.repos[fullName] as RepoRecord, fullName, issue, actor, at);
    return ok(draft, issue, [{ event: "pull_request", action: "closed", repo: fullName, actor, number }, ...closed]);
  });
}

export type ReviewEvent = "APPROVE" | "REQUEST_CHANGES" | "COMMENT";

const REVIEW_STATES: Readonly<Record<ReviewEvent, ReviewState>> = { APPROVE: "APPROVED", REQUEST_CHANGES: "CHANGES_REQUESTED", COMMENT: "COMMENTED" };

/**
 * Why GitHub refuses to submit a review, if it does: an author may not approve or request
 * changes on their own pull request, and requesting changes or commenting wants a body.
 * https://docs.github.com/en/rest/pulls/reviews#create-a-review-for-a-pull-request
 */
function reviewRefusal(issue: IssueRecord, event: ReviewEvent, body: string, actor: Actor): Failure | undefined {
  if (issue.user === actor.login && event !== "COMMENT") {
    const verb = event === "APPROVE" ? "approve" : "request changes on";
    return validationFailed([`Can not ${verb} your own pull request`], "Unprocessable Entity");
  }
  if (event !== "APPROVE" && body.trim() === "") {
    return validationFailed([`Review Can not ${event === "COMMENT" ? "comment" : "request changes"} without a body`], "Unprocessable Entity");
  }
  return undefined;
}

/**
 * Submits a review, or with no `event` starts a PENDING one (no webhook until it is submitted).
 * A person may have one pending review per pull request.
 * https://docs.github.com/en/rest/pulls/reviews#create-a-review-for-a-pull-request
 */
export function submitReview(state: EmulatorState, fullName: string, number: number, input: { event?: ReviewEvent; body: string; commitId?: string }, actor: Actor, at: string): Result<ReviewRecord> {
  return onPull(state, fullName, number, (draft, issue) => {
    const pending = input.event === undefined;
    if (pending && issue.pull.reviews.some((r) => r.state === "PENDING" && r.user === actor.login)) {
      return validationFailed(["User can only have one pending review per pull request"], "Unprocessable Entity");
    }
    const refusal = input.event === undefined ? undefined : reviewRefusal(issue, input.event, input.body, actor);
    if (refusal) return refusal;
    const id = allocateId(draft);
    const review: ReviewRecord = {
      id,
      nodeId: nodeId("PullRequestReview", id),
      user: actor.login,
      body: input.body,
      state: input.event === undefined ? "PENDING" : REVIEW_STATES[input.event],
      commitId: input.commitId ?? issue.pull.headSha,
      submittedAt: pending ? null : at,
    };
    issue.pull.reviews.push(review);
    return ok(draft, review, pending ? [] : [{ event: "pull_request_review", action: "submitted", repo: fullName, actor, number, reviewId: id }]);
  });
}

/**
 * Submits the caller's pending review. Someone else's review is not found; one already
 * submitted is refused.
 * https://docs.github.com/en/rest/pulls/reviews#submit-a-review-for-a-pull-request
 */
export function submitPendingReview(
  state: EmulatorState,
  fullName: string,
  number: number,
  reviewId: number,
  input: { event: ReviewEvent; body?: string },
  actor: Actor,
  at: string,
): Result<ReviewRecord> {
  return produce(state, (draft) => {
    const repo = draft.repos[fullName];
    const issue = repo && findIssue(repo, number);
    const review = issue?.pull?.reviews.find((r) => r.id === reviewId && (r.state !== "PENDING" || r.user === actor.login));
    if (!repo || !issue || !review) return notFound();
    if (review.state !== "PENDING") return validationFailed(undefined, "Unprocessable Entity");
    const body = input.body ?? review.body;
    const refusal = reviewRefusal(issue, input.event, body, actor);
    if (refusal) return refusal;
    review.body = body;
    review.state = REVIEW_STATES[input.event];
    review.submittedAt = at;
    return ok(draft, review, [{ event: "pull_request_review", action: "submitted", repo: fullName, actor, number, reviewId }]);
  });
}

export type ReviewCommentInput = Pick<ReviewCommentRecord, "path" | "line" | "side" | "position" | "diffHunk" | "commitId" | "body">;

/**
 * Comments on a line of the diff, on its own (not in a review).
 * https://docs.github.com/en/rest/pulls/comments#create-a-review-comment-for-a-pull-request
 */
export function createReviewComment(state: EmulatorState, fullName: string, number: number, input: ReviewCommentInput, actor: Actor, at: string): Result<ReviewCommentRecord> {
  return onPull(state, fullName, number, (draft, issue) => {
    const id = allocateId(draft);
    const comment: ReviewCommentRecord = { ...input, id, nodeId: nodeId("PullRequestReviewComment", id), reviewId: null, user: actor.login, createdAt: at, updatedAt: at };
    issue.pull.reviewComments.push(comment);
    issue.updatedAt = at;
    return ok(draft, comment, [{ event: "pull_request_review_comment", action: "created", repo: fullName, actor, number, commentId: id }]);
  });
}
