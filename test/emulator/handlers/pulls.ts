// Pull requests and reviews. Git does the work (facts, merges); transitions keep the record.
import { workflowCredential } from "../auth/workflows-permission.js";
import { ZERO_SHA } from "../git/bare-repo.js";
import { mergeCommit, type MergeMethod } from "../git/merge-pull.js";
import { workflowMoveRefusal } from "../git/workflow-guard.js";
import { pullFacts } from "../git/pull-facts.js";
import type { ApiRequest, Core, Handlers } from "../http/handler.js";
import { paginate } from "../http/pagination.js";
import { failure, json, type ApiResponse } from "../http/responses.js";
import { findIssue } from "../state/issues.js";
import type { IssueRecord, ReviewRecord } from "../state/model.js";
import { diffPlace } from "../git/diff-hunk.js";
import { createPull, createReviewComment, markMerged, submitPendingReview, submitReview, updatePull, type ReviewEvent } from "../state/pulls.js";
import { pullMergeViolations, ruleViolationMessage } from "../state/branch-rules.js";
import { fail, notFound, validationFailed } from "../state/result.js";
import { pullView, reviewCommentView, reviewView } from "../views/pull.js";
import { authorOf, body, fullName, numberParam, repoOf, respond } from "./respond.js";

function renderPull(core: Core, request: ApiRequest) {
  return (issue: IssueRecord) => pullView(core.view(), repoOf(core, request), issue);
}

function renderReview(core: Core, request: ApiRequest, pull: IssueRecord) {
  return (review: ReviewRecord) => reviewView(core.view(), repoOf(core, request), pull, review);
}

function findPull(core: Core, request: ApiRequest): IssueRecord | undefined {
  const issue = findIssue(repoOf(core, request), numberParam(request, "pull_number"));
  return issue?.pull ? issue : undefined;
}

/** "owner:branch" or "branch" to the branch. */
function branchOf(head: string): string {
  const colon = head.indexOf(":");
  return colon < 0 ? head : head.slice(colon + 1);
}

async function create(request: ApiRequest, core: Core): Promise<ApiResponse> {
  const input = body<{ title?: string; body?: string; head: string; base: string; draft?: boolean; maintainer_can_modify?: boolean; issue?: number }>(request);
  if (input.title === undefined) {
    core.report("pulls/create: turning an issue into a pull request is not implemented by the emulator");
    return failure(validationFailed([{ resource: "PullRequest", code: "missing_field", field: "title" }]), request.documentationUrl);
  }
  const git = core.git(fullName(request));
  const headRef = branchOf(input.head);
  const headSha = await git.resolveRef(`refs/heads/${headRef}`);
  const baseSha = await git.resolveRef(`refs/heads/${input.base}`);
  if (headSha === undefined) return failure(validationFailed([{ resource: "PullRequest", code: "invalid", field: "head" }]), request.documentationUrl);
  if (baseSha === undefined) return failure(validationFailed([{ resource: "PullRequest", code: "invalid", field: "base" }]), request.documentationUrl);
  const facts = await pullFacts(git, baseSha, headSha);
  return respond(core, request, 201, (state) =>
    createPull(state, fullName(request), {
      title: input.title as string,
      body: input.body ?? null,
      headRef,
      headSha,
      baseRef: input.base,
      baseSha,
      draft: input.draft ?? false,
      maintainerCanModify: input.maintainer_can_modify ?? true,
      facts,
    }, request.actor, core.timestamp()),
    renderPull(core, request),
  );
}

async function update(request: ApiRequest, core: Core): Promise<ApiResponse> {
  const pull = findPull(core, request);
  if (!pull?.pull) return failure(notFound(), request.documentationUrl);
  const input = body<{ title?: string; body?: string; state?: "open" | "closed"; base?: string; maintainer_can_modify?: boolean }>(request);
  let baseMove: { base: string; baseSha: string; facts: Awaited<ReturnType<typeof pullFacts>> } | undefined;
  if (input.base !== undefined && input.base !== pull.pull.baseRef) {
    const git = core.git(fullName(request));
    const baseSha = await git.resolveRef(`refs/heads/${input.base}`);
    if (baseSha === undefined) return failure(validationFailed([{ resource: "PullRequest", code: "invalid", field: "base" }]), request.documentationUrl);
    baseMove = { base: input.base, baseSha, facts: await pullFacts(git, baseSha, pull.pull.headSha) };
  }
  return respond(core, request, 200, (state) =>
    updatePull(state, fullName(request), pull.number, {
      ...(input.title === undefined ? {} : { title: input.title }),
      ...(input.body === undefined ? {} : { body: input.body }),
      ...(input.state === undefined ? {} : { state: input.state }),
      ...(input.maintainer_can_modify === undefined ? {} : { maintainer_can_modify: input.maintainer_can_modify }),
      ...(baseMove ?? {}),
    }, request.actor, core.timestamp()),
    renderPull(core, request),
  );
}

/**
 * Merges with the method asked for. A closed or conflicting pull request is 405, and so is one
 * the base branch's rules do not let merge yet (../state/branch-rules.ts); a `sha` that is not
 * the head any more is 409; a merge that changes workflow files, by a credential that may not,
 * 403.
 * https://docs.github.com/en/rest/pulls/pulls#merge-a-pull-request
 */
async function merge(request: ApiRequest, core: Core): Promise<ApiResponse> {
  const repo = fullName(request);
  const found = findPull(core, request);
  const pull = found?.pull;
  if (!found || !pull) return failure(notFound(), request.documentationUrl);
  const input = body<{ commit_title?: string; commit_message?: string; sha?: string; merge_method?: MergeMethod }>(request);
  if (found.state !== "open" || pull.merged) return failure(fail(405, "Pull Request is not mergeable"), request.documentationUrl);
  if (input.sha !== undefined && input.sha !== pull.headSha) {
    return failure(fail(409, "Head branch was modified. Review and try the merge again."), request.documentationUrl);
  }
  const git = core.git(repo);
  const baseRef = `refs/heads/${pull.baseRef}`;
  const baseSha = (await git.resolveRef(baseRef)) ?? ZERO_SHA;
  const method = input.merge_method ?? "merge";
  const headContainsBase = await git.isAncestor(baseSha, pull.headSha);
  const violations = pullMergeViolations(core.state, repoOf(core, request), pull, method, request.actor, { headContainsBase });
  if (violations.length > 0) return failure(fail(405, ruleViolationMessage(violations)), request.documentationUrl);
  const messages = await Promise.all((await git.commitsBetween(baseSha, pull.headSha)).map(async (sha) => (await git.readCommit(sha)).message.split("\n")[0] ?? ""));
  const defaults: Record<MergeMethod, [string, string]> = {
    merge: [`Merge pull request #${found.number} from ${repoOf(core, request).owner}/${pull.headRef}`, found.title],
    squash: [`${found.title} (#${found.number})`, messages.map((m) => `* ${m}`).join("\n\n")],
    rebase: ["", ""],
  };
  const [defaultTitle, defaultMessage] = defaults[method];
  const merger = authorOf(core, request.actor);
  const sha = await mergeCommit(git, {
    method,
    baseSha,
    headSha: pull.headSha,
    title: input.commit_title ?? defaultTitle,
    message: input.commit_message ?? defaultMessage,
    merger,
  });
  if (sha === undefined) return failure(fail(405, "Pull Request is not mergeable"), request.documentationUrl);
  // GitHub refuses to let a credential without the workflows permission land a change to
  // .github/workflows/ (../git/workflow-guard.ts), with the message its pushes get. The status
  // for a merge is not documented; 403, the description's "Forbidden", is assumed here.
  const workflows = await workflowMoveRefusal(git, workflowCredential(request.principal), baseSha, sha);
  if (workflows !== undefined) return failure(fail(403, workflows), request.documentationUrl);
  if (!(await git.compareAndSwapRef(baseRef, sha, baseSha))) return failure(fail(409, "Base branch was modified. Review and try the merge again."), request.documentationUrl);
  const facts = pull.facts;
  await core.pushed(repo, [{ ref: baseRef, before: baseSha, after: sha }], request.actor);
  // A merge commit brings the head into the base, so following the push has marked the pull
  // request merged already (../git/follow-pulls.ts); a squash or a rebase does not.
  if (findPull(core, request)?.pull?.merged !== true) {
    const merged = core.apply((state) => markMerged(state, repo, found.number, sha, request.actor, core.timestamp()));
    if (!merged.ok) return failure(merged, request.documentationUrl);
  }
  // The facts stay those of the pull request as merged, not of its now-merged branches.
  core.apply((state) => updatePull(state, repo, found.number, { facts }, request.actor, core.timestamp()));
  return json(200, { sha, merged: true, message: "Pull Request successfully merged" });
}

/**
 * Comments on one line of the diff. The commit must be one of the pull request's, and the
 * line must be in a hunk of the file's diff.
 * https://docs.github.com/en/rest/pulls/comments#create-a-review-comment-for-a-pull-request
 */
async function createComment(request: ApiRequest, core: Core): Promise<ApiResponse> {
  const found = findPull(core, request);
  const pull = found?.pull;
  if (!found || !pull) return failure(notFound(), request.documentationUrl);
  const input = body<{ body: string; commit_id: string; path: string; line?: number; side?: "LEFT" | "RIGHT"; position?: number; start_line?: number; in_reply_to?: number; subject_type?: string }>(request);
  if (input.line === undefined || input.position !== undefined || input.start_line !== undefined || input.in_reply_to !== undefined || input.subject_type === "file") {
    core.report("pulls/create-review-comment: only single-line comments by `line` are implemented by the emulator");
    return failure(validationFailed(undefined), request.documentationUrl);
  }
  const thread = (field: string, message: string) => failure(validationFailed([{ resource: "PullRequestReviewComment", code: "custom", field: `pull_request_review_thread.${field}`, message }]), request.documentationUrl);
  const git = core.git(fullName(request));
  if (!(await git.commitsBetween(pull.baseSha, pull.headSha)).includes(input.commit_id)) {
    return thread("end_commit_oid", "pull_request_review_thread.end_commit_oid is not part of the pull request");
  }
  const side = input.side ?? "RIGHT";
  const place = await diffPlace(git, pull.baseSha, input.commit_id, input.path, input.line, side);
  if (!place) return thread("line", "could not be resolved");
  return respond(core, request, 201, (state) =>
    createReviewComment(state, fullName(request), found.number, { path: input.path, line: input.line as number, side, ...place, commitId: input.commit_id, body: input.body }, request.actor, core.timestamp()),
    (comment) => reviewCommentView(core.view(), repoOf(core, request), found, comment),
  );
}

/**
 * A listed pull request (`pull-request-simple`) whose labels' descriptions are strings: GitHub's
 * description says so there, though a label made by adding it to an issue has none (null, as
 * `pulls/get` may say). The emulator answers "" to keep to the description it is held to.
 */
function withStringLabelDescriptions(pull: Record<string, unknown>): Record<string, unknown> {
  const labels = pull["labels"] as Record<string, unknown>[];
  return { ...pull, labels: labels.map((label) => ({ ...label, description: label["description"] ?? "" })) };
}

export const pullHandlers: Handlers = {
  "pulls/list": (request, core) => {
    const state = request.query.get("state") ?? "open";
    const head = request.query.get("head");
    const base = request.query.get("base");
    const ascending = request.query.get("direction") === "asc";
    const pulls = repoOf(core, request)
      .issues.filter((i) => i.pull && (state === "all" || i.state === state))
      .filter((i) => head === null || i.pull?.headRef === branchOf(head))
      .filter((i) => base === null || i.pull?.baseRef === base)
      .sort((a, b) => (ascending ? a.number - b.number : b.number - a.number));
    const page = paginate(pulls, request.query, request.url);
    return json(200, page.items.map(renderPull(core, request)).map(withStringLabelDescriptions), page.headers);
  },

  "pulls/get": (request, core) => {
    const pull = findPull(core, request);
    return pull ? json(200, renderPull(core, request)(pull)) : failure(notFound(), request.documentationUrl);
  },

  "pulls/create": create,
  "pulls/update": update,
  "pulls/merge": merge,

  // Pending reviews are seen only by their author.
  "pulls/list-reviews": (request, core) => {
    const pull = findPull(core, request);
    if (!pull?.pull) return failure(notFound(), request.documentationUrl);
    const visible = pull.pull.reviews.filter((review) => review.state !== "PENDING" || review.user === request.actor.login);
    const page = paginate(visible, request.query, request.url);
    return json(200, page.items.map(renderReview(core, request, pull)), page.headers);
  },

  "pulls/create-review": (request, core) => {
    const input = body<{ event?: ReviewEvent; body?: string; commit_id?: string; comments?: unknown[] }>(request);
    if ((input.comments ?? []).length > 0) {
      core.report("pulls/create-review: review comments in a review are not implemented by the emulator");
      return failure(validationFailed(undefined, "Unprocessable Entity"), request.documentationUrl);
    }
    const number = numberParam(request, "pull_number");
    return respond(core, request, 200, (state) =>
      submitReview(state, fullName(request), number, {
        ...(input.event === undefined ? {} : { event: input.event }),
        body: input.body ?? "",
        ...(input.commit_id === undefined ? {} : { commitId: input.commit_id }),
      }, request.actor, core.timestamp()),
      (review) => renderReview(core, request, findIssue(repoOf(core, request), number) as IssueRecord)(review),
    );
  },

  "pulls/submit-review": (request, core) => {
    const input = body<{ event: ReviewEvent; body?: string }>(request);
    const number = numberParam(request, "pull_number");
    return respond(core, request, 200, (state) =>
      submitPendingReview(state, fullName(request), number, numberParam(request, "review_id"), { event: input.event, ...(input.body === undefined ? {} : { body: input.body }) }, request.actor, core.timestamp()),
      (review) => renderReview(core, request, findIssue(repoOf(core, request), number) as IssueRecord)(review),
    );
  },

  "pulls/list-review-comments": (request, core) => {
    const pull = findPull(core, request);
    if (!pull?.pull) return failure(notFound(), request.documentationUrl);
    const page = paginate(pull.pull.reviewComments, request.query, request.url);
    return json(200, page.items.map((comment) => reviewCommentView(core.view(), repoOf(core, request), pull, comment)), page.headers);
  },

  "pulls/create-review-comment": createComment,
};
