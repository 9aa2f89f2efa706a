// The emulator's state as plain data: everything GitHub would keep except git objects and refs,
// which live in a real bare repository per emulated repository (see ../git/bare-repo.ts).
// Transitions (the other files in this folder) take a state and return a new one; nothing here
// does I/O, reads a clock or draws random numbers — those come in as arguments.

/** App permission levels, as `default_permissions` and installation tokens write them. */
export type Access = "read" | "write";
export type AppPermissions = Readonly<Record<string, Access>>;

/** A repository role, as GitHub's collaborator API names them. */
export type Role = "read" | "triage" | "write" | "maintain" | "admin";

export type AccountType = "User" | "Organization" | "Bot";

export type Account = { login: string; id: number; nodeId: string; type: AccountType };

export type AppRecord = {
  id: number;
  slug: string;
  name: string;
  owner: string;
  clientId: string;
  /** PEM of the public half of the App's key; app JWTs must verify against it. */
  publicKeyPem: string;
  webhookSecret: string;
  permissions: AppPermissions;
  events: string[];
  createdAt: string;
  /** The `<slug>[bot]` account that installation tokens act as. */
  botLogin: string;
};

export type InstallationRecord = {
  id: number;
  account: string;
  permissions: AppPermissions;
  events: string[];
  repositorySelection: "all" | "selected";
  /** Full names ("owner/name"); for "all", every repository of the account. */
  repositories: string[];
  createdAt: string;
  updatedAt: string;
};

/** Who a token acts as, which decides webhooks' `sender` and which events start workflows. */
export type TokenRecord =
  | {
      kind: "installation";
      token: string;
      installationId: number;
      permissions: AppPermissions;
      /** Full names the token may reach; narrowed when the token was requested for some. */
      repositories: string[];
      expiresAt: string;
    }
  | {
      // A workflow run's GITHUB_TOKEN: the github-actions App acting in one repository.
      kind: "actions";
      token: string;
      repository: string;
      runId: number;
      permissions: AppPermissions;
      expiresAt: string;
    }
  | { kind: "user"; token: string; login: string };

export type LabelRecord = { id: number; nodeId: string; name: string; color: string; description: string | null; default: boolean };

export type ReactionContent = "+1" | "-1" | "laugh" | "confused" | "heart" | "hooray" | "rocket" | "eyes";
export type ReactionRecord = { id: number; nodeId: string; content: ReactionContent; user: string; createdAt: string };

export type CommentRecord = {
  id: number;
  nodeId: string;
  body: string;
  user: string;
  createdAt: string;
  updatedAt: string;
  reactions: ReactionRecord[];
};

/** PENDING until its author submits it; only its author sees it meanwhile. */
export type ReviewState = "PENDING" | "APPROVED" | "CHANGES_REQUESTED" | "COMMENTED";
export type ReviewRecord = {
  id: number;
  nodeId: string;
  user: string;
  body: string;
  state: ReviewState;
  commitId: string;
  submittedAt: string | null;
};

/**
 * A comment on a line of a pull request's diff. `diffHunk` and `position` are read from git at
 * the edge when it is made.
 * https://docs.github.com/en/rest/pulls/comments
 */
export type ReviewCommentRecord = {
  id: number;
  nodeId: string;
  /** null for a lone comment (GitHub files it under a review of its own; the emulator does not). */
  reviewId: number | null;
  path: string;
  line: number;
  side: "LEFT" | "RIGHT";
  position: number;
  diffHunk: string;
  commitId: string;
  body: string;
  user: string;
  createdAt: string;
  updatedAt: string;
};

/** What git says about a pull request, refreshed at the edge whenever its head or base moves. */
export type PullFacts = {
  commits: number;
  additions: number;
  deletions: number;
  changedFiles: number;
  /** null while GitHub has not computed it yet; false when the branches conflict. */
  mergeable: boolean | null;
};

export type PullRecord = {
  headRef: string;
  headSha: string;
  baseRef: string;
  baseSha: string;
  draft: boolean;
  merged: boolean;
  mergedAt: string | null;
  mergedBy: string | null;
  mergeCommitSha: string | null;
  maintainerCanModify: boolean;
  reviews: ReviewRecord[];
  reviewComments: ReviewCommentRecord[];
  facts: PullFacts;
};

export type IssueState = "open" | "closed";
export type StateReason = "completed" | "not_planned" | "reopened" | "duplicate";

/** An issue, or a pull request when `pull` is set: GitHub numbers both from one sequence. */
export type IssueRecord = {
  id: number;
  nodeId: string;
  number: number;
  title: string;
  body: string | null;
  user: string;
  state: IssueState;
  stateReason: StateReason | null;
  labels: string[];
  assignees: string[];
  locked: boolean;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  closedBy: string | null;
  comments: CommentRecord[];
  reactions: ReactionRecord[];
  /** Issue ids of sub-issues, in order; a sub-issue has exactly one parent. */
  subIssues: number[];
  parentId: number | null;
  /** Issue ids of the issues this one is blocked by. */
  blockedBy: number[];
  pull: PullRecord | null;
};

export type CheckStatus = "queued" | "in_progress" | "completed";
export type CheckConclusion =
  | "action_required" | "cancelled" | "failure" | "neutral" | "success" | "skipped" | "stale" | "timed_out";
export type CheckOutput = { title: string | null; summary: string | null; text: string | null };

export type CheckRunRecord = {
  id: number;
  nodeId: string;
  name: string;
  headSha: string;
  status: CheckStatus;
  conclusion: CheckConclusion | null;
  externalId: string;
  detailsUrl: string | null;
  startedAt: string;
  completedAt: string | null;
  output: CheckOutput;
  checkSuiteId: number;
  /** What the run's check suite shows; the same for every run of a suite. */
  suite: CheckSuiteFacts;
  /**
   * The App it belongs to, which alone may update it: the installed App, or GitHub Actions for a
   * run made with a workflow's GITHUB_TOKEN.
   */
  owner: CheckRunOwner;
};

export type CheckRunOwner = "app" | "actions";

/** A check suite's commit, read from git when its first run is made. */
export type CheckSuiteFacts = { headBranch: string | null; headCommit: CommitSummary; createdAt: string };

export type RunStatus = "queued" | "in_progress" | "completed";
// `action_required`: a run waiting for a person to approve it, which never started.
export type RunConclusion = "success" | "failure" | "cancelled" | "skipped" | "neutral" | "timed_out" | "action_required";

export type JobRecord = {
  id: number;
  nodeId: string;
  /** The key under `jobs:` in the workflow file; tests advance jobs by it. */
  key: string;
  name: string;
  status: RunStatus;
  conclusion: RunConclusion | null;
  createdAt: string;
  startedAt: string;
  completedAt: string | null;
  /** The log GitHub serves once the job has completed. */
  log: string;
  runAttempt: number;
};

export type RunRecord = {
  id: number;
  nodeId: string;
  workflowId: number;
  runNumber: number;
  runAttempt: number;
  event: string;
  displayTitle: string;
  headBranch: string;
  headSha: string;
  actor: string;
  triggeringActor: string;
  status: RunStatus;
  conclusion: RunConclusion | null;
  createdAt: string;
  updatedAt: string;
  runStartedAt: string;
  inputs: Record<string, string> | null;
  headCommit: CommitSummary;
  jobs: JobRecord[];
  /** The run's GITHUB_TOKEN. */
  token: string;
};

/** A commit as runs and pushes show it, read from git when the run is made. */
export type CommitSummary = {
  id: string;
  treeId: string;
  message: string;
  timestamp: string;
  author: { name: string; email: string };
  committer: { name: string; email: string };
};

/**
 * A workflow's state as the API shows it: a person (or the API) disables one by hand, and GitHub
 * disables a scheduled one itself after 60 days without activity in a public repository.
 */
export type WorkflowState = "active" | "disabled_manually" | "disabled_inactivity";

/**
 * A commit status, as a CI system reports one (a person's or an App's token).
 * https://docs.github.com/en/rest/commits/statuses
 */
export type CommitStatusState = "error" | "failure" | "pending" | "success";
export type CommitStatusRecord = {
  id: number;
  nodeId: string;
  sha: string;
  state: CommitStatusState;
  targetUrl: string | null;
  description: string | null;
  context: string;
  creator: string;
  createdAt: string;
  updatedAt: string;
};

/**
 * A branch rule as GitHub's REST describes it (`repository-rule-*`); the emulator enforces these
 * four (see ./branch-rules.ts).
 * https://docs.github.com/en/rest/repos/rules
 */
export type BranchRule =
  | {
      type: "required_status_checks";
      parameters: { strict_required_status_checks_policy: boolean; required_status_checks: { context: string; integration_id?: number }[]; do_not_enforce_on_create?: boolean };
    }
  | {
      type: "pull_request";
      parameters: {
        required_approving_review_count: number;
        dismiss_stale_reviews_on_push?: boolean;
        require_code_owner_review?: boolean;
        require_last_push_approval?: boolean;
        required_review_thread_resolution?: boolean;
        allowed_merge_methods?: ("merge" | "squash" | "rebase")[];
      };
    }
  | { type: "required_linear_history" }
  | { type: "non_fast_forward" };

/** The rules on one branch, as a repository ruleset holds them, and who may bypass them. */
export type BranchRuleset = {
  id: number;
  branch: string;
  rules: BranchRule[];
  /** App slugs ("gastown", "github-actions") and user logins that bypass the rules. */
  bypass: string[];
};

export type WorkflowRecord = { id: number; nodeId: string; path: string; name: string; createdAt: string; updatedAt: string; state: WorkflowState };

export type RepoRecord = {
  id: number;
  nodeId: string;
  owner: string;
  name: string;
  private: boolean;
  description: string | null;
  defaultBranch: string;
  createdAt: string;
  updatedAt: string;
  pushedAt: string;
  collaborators: Record<string, Role>;
  labels: LabelRecord[];
  issues: IssueRecord[];
  nextNumber: number;
  checkRuns: CheckRunRecord[];
  /** Workflows by path, registered the first time a run of them is made. */
  workflows: WorkflowRecord[];
  runs: RunRecord[];
  statuses: CommitStatusRecord[];
  /** One ruleset per branch that has rules (Emulator.setBranchRules). */
  rulesets: BranchRuleset[];
};

export type EmulatorState = {
  nextId: number;
  accounts: Record<string, Account>;
  app: AppRecord;
  installations: InstallationRecord[];
  tokens: Record<string, TokenRecord>;
  repos: Record<string, RepoRecord>;
};
