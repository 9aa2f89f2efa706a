// The things that happen in the emulator, one per webhook GitHub would send. Transitions emit
// them; ../webhooks/payloads.ts renders each into a payload from the state right after it, and
// ../actions/triggers.ts decides which workflows it starts.
import type { CommitObject } from "../git/bare-repo.js";
import type { CommentRecord, CommitSummary, LabelRecord } from "./model.js";

/**
 * Who caused a change. `via` matters beyond the sender: events caused by a workflow's
 * GITHUB_TOKEN start no workflow runs (see ../actions/triggers.ts).
 */
export type Actor = { login: string; via: "user" | "app" | "actions" };

type Base = { repo: string; actor: Actor };

export type DomainEvent =
  | (Base & {
      event: "issues";
      action: "opened" | "edited" | "closed" | "reopened" | "labeled" | "unlabeled" | "assigned" | "unassigned";
      number: number;
      label?: LabelRecord;
      assignee?: string;
      changes?: { title?: { from: string }; body?: { from: string } };
    })
  | (Base & { event: "issue_comment"; action: "created" | "edited" | "deleted"; number: number; comment: CommentRecord; changes?: { body: { from: string } } })
  | (Base & { event: "label"; action: "created" | "edited" | "deleted"; label: LabelRecord })
  | (Base & {
      event: "pull_request";
      action: "opened" | "edited" | "closed" | "reopened" | "synchronize" | "labeled" | "unlabeled" | "assigned" | "unassigned";
      number: number;
      label?: LabelRecord;
      assignee?: string;
      before?: string;
      after?: string;
      changes?: { title?: { from: string }; body?: { from: string }; base?: { ref: { from: string }; sha: { from: string } } };
    })
  | (Base & { event: "pull_request_review"; action: "submitted"; number: number; reviewId: number })
  | (Base & { event: "pull_request_review_comment"; action: "created"; number: number; commentId: number })
  | (Base & { event: "check_run"; action: "created" | "completed"; checkRunId: number })
  | (Base & { event: "check_suite"; action: "completed"; checkSuiteId: number })
  // `commit` and `branches` (whose tip it is, when the status was made) are read from git.
  | (Base & { event: "status"; statusId: number; commit: CommitObject; branches: string[] })
  | (Base & { event: "sub_issues"; action: "sub_issue_added" | "sub_issue_removed" | "parent_issue_added" | "parent_issue_removed"; parentId: number; subIssueId: number })
  | (Base & { event: "issue_dependencies"; action: "blocked_by_added" | "blocked_by_removed" | "blocking_added" | "blocking_removed"; blockedId: number; blockingId: number })
  | (Base & { event: "create" | "delete"; ref: string; refType: "branch" | "tag" })
  | (Base & { event: "push"; ref: string; before: string; after: string; commits: PushedCommit[]; forced: boolean })
  | (Base & { event: "workflow_run"; action: "requested" | "in_progress" | "completed"; runId: number })
  | (Base & { event: "workflow_job"; action: "queued" | "in_progress" | "completed"; runId: number; jobId: number })
  | (Base & { event: "repository_dispatch"; eventType: string; clientPayload: Record<string, unknown>; branch: string });

/** A commit as a push webhook lists it; read from git at the edge. */
export type PushedCommit = CommitSummary & {
  added: string[];
  removed: string[];
  modified: string[];
};
