// Issues, their labels, assignees, comments, reactions, sub-issues and dependencies.
import type { ApiRequest, Core, Handlers } from "../http/handler.js";
import { paginate } from "../http/pagination.js";
import { empty, failure, json, type ApiResponse } from "../http/responses.js";
import { createComment, deleteComment, findComment, updateComment } from "../state/comments.js";
import { addBlockedBy, removeBlockedBy } from "../state/dependencies.js";
import { changeAssignees, changeIssueLabels, createIssue, findIssue, updateIssue, type IssueInput, type IssueUpdate } from "../state/issues.js";
import { findLabel } from "../state/labels.js";
import type { IssueRecord, ReactionContent } from "../state/model.js";
import { react, type ReactionTarget } from "../state/reactions.js";
import { notFound } from "../state/result.js";
import { addSubIssue, issueWithId, removeSubIssue, subIssuesOf } from "../state/sub-issues.js";
import { commentView, issueView } from "../views/issue.js";
import { labelView } from "../views/label.js";
import { reactionView } from "../views/reactions.js";
import { body, fullName, numberParam, repoOf, respond } from "./respond.js";

function renderIssue(core: Core, request: ApiRequest) {
  return (issue: IssueRecord) => issueView(core.view(), repoOf(core, request), issue);
}

/** An issue anywhere (sub-issues and blockers may live in another repository of the owner). */
function renderIssueById(core: Core) {
  return (issue: IssueRecord) => {
    const found = issueWithId(core.state, issue.id);
    const repo = found && core.state.repos[found.repo];
    if (!found || !repo) throw new Error(`issue ${issue.id} vanished`);
    return issueView(core.view(), repo, found.issue);
  };
}

function labelsOf(core: Core, request: ApiRequest, issue: IssueRecord) {
  const repo = repoOf(core, request);
  return issue.labels.map((name) => findLabel(repo, name)).filter((label) => label !== undefined).map((label) => labelView(core.view(), fullName(request), label));
}

function renderLabels(core: Core, request: ApiRequest) {
  return (issue: IssueRecord) => labelsOf(core, request, issue);
}

/** Label names from any of the shapes GitHub accepts: ["a"], {labels: ["a"]}, {labels: [{name}]}. */
function labelNames(raw: unknown): string[] {
  const list = Array.isArray(raw) ? raw : ((raw as { labels?: unknown[] } | undefined)?.labels ?? []);
  return list.map((item) => (typeof item === "string" ? item : String((item as { name?: unknown }).name)));
}

function withIssue(core: Core, request: ApiRequest, render: (issue: IssueRecord) => ApiResponse): ApiResponse {
  const issue = findIssue(repoOf(core, request), numberParam(request, "issue_number"));
  return issue ? render(issue) : failure(notFound(), request.documentationUrl);
}

// The list filters GitHub applies: state (open by default), labels (all of them), creator,
// assignee ("none", "*" or a login), newest first unless asked otherwise.
function listFilter(query: URLSearchParams): (issue: IssueRecord) => boolean {
  const state = query.get("state") ?? "open";
  const labels = (query.get("labels") ?? "").split(",").map((l) => l.trim().toLowerCase()).filter(Boolean);
  const creator = query.get("creator");
  const assignee = query.get("assignee");
  const since = query.get("since");
  return (issue) =>
    (state === "all" || issue.state === state) &&
    labels.every((label) => issue.labels.some((l) => l.toLowerCase() === label)) &&
    (creator === null || issue.user === creator) &&
    (assignee === null || (assignee === "none" ? issue.assignees.length === 0 : assignee === "*" ? issue.assignees.length > 0 : issue.assignees.includes(assignee))) &&
    (since === null || issue.updatedAt >= since);
}

function listOrder(query: URLSearchParams): (a: IssueRecord, b: IssueRecord) => number {
  const key = query.get("sort") === "updated" ? "updatedAt" : "createdAt";
  const sign = query.get("direction") === "asc" ? 1 : -1;
  return (a, b) => sign * (a[key] === b[key] ? a.number - b.number : a[key] < b[key] ? -1 : 1);
}

export const issueHandlers: Handlers = {
  "issues/list-for-repo": (request, core) => {
    const issues = repoOf(core, request).issues.filter(listFilter(request.query)).sort(listOrder(request.query));
    const page = paginate(issues, request.query, request.url);
    return json(200, page.items.map(renderIssue(core, request)), page.headers);
  },

  "issues/get": (request, core) => withIssue(core, request, (issue) => json(200, renderIssue(core, request)(issue))),

  "issues/create": (request, core) => {
    const input = body<Omit<IssueInput, "labels"> & { title: string | number; labels?: unknown[] }>(request);
    const normalized: IssueInput = { title: String(input.title) };
    if (input.body !== undefined) normalized.body = input.body;
    if (input.labels !== undefined) normalized.labels = labelNames(input.labels);
    if (input.assignees !== undefined) normalized.assignees = input.assignees;
    return respond(core, request, 201, (state) => createIssue(state, fullName(request), normalized, request.actor, core.timestamp()), renderIssue(core, request));
  },

  "issues/update": (request, core) => {
    const update = body<Omit<IssueUpdate, "labels"> & { title?: string | number | null; labels?: unknown[] }>(request);
    const normalized: IssueUpdate = {
      ...update,
      title: update.title === undefined || update.title === null ? undefined : String(update.title),
      labels: update.labels === undefined ? undefined : labelNames(update.labels),
    };
    return respond(core, request, 200, (state) => updateIssue(state, fullName(request), numberParam(request, "issue_number"), normalized, request.actor, core.timestamp()), renderIssue(core, request));
  },

  "issues/list-labels-on-issue": (request, core) => withIssue(core, request, (issue) => json(200, labelsOf(core, request, issue))),

  "issues/add-labels": (request, core) =>
    respond(core, request, 200, (state) => changeIssueLabels(state, fullName(request), numberParam(request, "issue_number"), { add: labelNames(request.body) }, request.actor, core.timestamp()), renderLabels(core, request)),

  "issues/set-labels": (request, core) =>
    respond(core, request, 200, (state) => changeIssueLabels(state, fullName(request), numberParam(request, "issue_number"), { set: labelNames(request.body) }, request.actor, core.timestamp()), renderLabels(core, request)),

  "issues/remove-label": (request, core) =>
    respond(core, request, 200, (state) => changeIssueLabels(state, fullName(request), numberParam(request, "issue_number"), { remove: request.params["name"] ?? "" }, request.actor, core.timestamp()), renderLabels(core, request)),

  "issues/remove-all-labels": (request, core) => {
    const result = core.apply((state) => changeIssueLabels(state, fullName(request), numberParam(request, "issue_number"), { removeAll: true }, request.actor, core.timestamp()));
    return result.ok ? empty(204) : failure(result, request.documentationUrl);
  },

  "issues/add-assignees": (request, core) =>
    respond(core, request, 201, (state) => changeAssignees(state, fullName(request), numberParam(request, "issue_number"), { add: body<{ assignees?: string[] }>(request).assignees ?? [] }, request.actor, core.timestamp()), renderIssue(core, request)),

  "issues/remove-assignees": (request, core) =>
    respond(core, request, 200, (state) => changeAssignees(state, fullName(request), numberParam(request, "issue_number"), { remove: body<{ assignees?: string[] }>(request).assignees ?? [] }, request.actor, core.timestamp()), renderIssue(core, request)),

  "issues/list-comments": (request, core) =>
    withIssue(core, request, (issue) => {
      const since = request.query.get("since");
      const comments = issue.comments.filter((c) => since === null || c.updatedAt >= since);
      const page = paginate(comments, request.query, request.url);
      return json(200, page.items.map((comment) => commentView(core.view(), repoOf(core, request), issue, comment)), page.headers);
    }),

  // Every comment of the repository, on issues and pull requests alike: by id unless sorted
  // (created or updated; direction only with a sort), `since` on the time last updated.
  "issues/list-comments-for-repo": (request, core) => {
    const repo = repoOf(core, request);
    const since = request.query.get("since");
    const sort = request.query.get("sort");
    const key = sort === "updated" ? "updatedAt" : "createdAt";
    const sign = sort !== null && request.query.get("direction") === "desc" ? -1 : 1;
    const comments = repo.issues.flatMap((issue) => issue.comments.map((comment) => ({ issue, comment })))
      .filter(({ comment }) => since === null || comment.updatedAt >= since)
      .sort((a, b) => sort === null || a.comment[key] === b.comment[key] ? a.comment.id - b.comment.id : sign * (a.comment[key] < b.comment[key] ? -1 : 1));
    const page = paginate(comments, request.query, request.url);
    return json(200, page.items.map(({ issue, comment }) => commentView(core.view(), repo, issue, comment)), page.headers);
  },

  "issues/get-comment": (request, core) => {
    const found = findComment(repoOf(core, request), numberParam(request, "comment_id"));
    return found ? json(200, commentView(core.view(), repoOf(core, request), found.issue, found.comment)) : failure(notFound(), request.documentationUrl);
  },

  "issues/create-comment": (request, core) =>
    respond(core, request, 201, (state) => createComment(state, fullName(request), numberParam(request, "issue_number"), body<{ body: string }>(request).body, request.actor, core.timestamp()), (comment) => {
      const issue = findIssue(repoOf(core, request), numberParam(request, "issue_number")) as IssueRecord;
      return commentView(core.view(), repoOf(core, request), issue, comment);
    }),

  "issues/update-comment": (request, core) =>
    respond(core, request, 200, (state) => updateComment(state, fullName(request), numberParam(request, "comment_id"), body<{ body: string }>(request).body, request.actor, core.timestamp()), (comment) => {
      const found = findComment(repoOf(core, request), comment.id);
      if (!found) throw new Error(`comment ${comment.id} vanished`);
      return commentView(core.view(), repoOf(core, request), found.issue, found.comment);
    }),

  "issues/delete-comment": (request, core) => {
    const result = core.apply((state) => deleteComment(state, fullName(request), numberParam(request, "comment_id"), request.actor));
    return result.ok ? empty(204) : failure(result, request.documentationUrl);
  },

  "reactions/list-for-issue": (request, core) => withIssue(core, request, (issue) => json(200, issue.reactions.map((r) => reactionView(core.view(), r)))),
  "reactions/create-for-issue": (request, core) => reactTo(core, request, { issue: numberParam(request, "issue_number") }),
  "reactions/list-for-issue-comment": (request, core) => {
    const found = findComment(repoOf(core, request), numberParam(request, "comment_id"));
    return found ? json(200, found.comment.reactions.map((r) => reactionView(core.view(), r))) : failure(notFound(), request.documentationUrl);
  },
  "reactions/create-for-issue-comment": (request, core) => reactTo(core, request, { comment: numberParam(request, "comment_id") }),

  "issues/list-sub-issues": (request, core) =>
    withIssue(core, request, (issue) => {
      const subs = subIssuesOf(core.state, issue).map(({ issue: sub }) => renderIssueById(core)(sub));
      const page = paginate(subs, request.query, request.url);
      return json(200, page.items, page.headers);
    }),

  "issues/add-sub-issue": (request, core) => {
    const input = body<{ sub_issue_id: number; replace_parent?: boolean }>(request);
    return respond(core, request, 201, (state) => addSubIssue(state, fullName(request), numberParam(request, "issue_number"), input.sub_issue_id, input.replace_parent === true, request.actor, core.timestamp()), renderIssue(core, request));
  },

  "issues/remove-sub-issue": (request, core) =>
    respond(core, request, 200, (state) => removeSubIssue(state, fullName(request), numberParam(request, "issue_number"), body<{ sub_issue_id: number }>(request).sub_issue_id, request.actor, core.timestamp()), renderIssue(core, request)),

  "issues/list-dependencies-blocked-by": (request, core) =>
    withIssue(core, request, (issue) => {
      const blockers = issue.blockedBy.map((id) => issueWithId(core.state, id)).filter((found) => found !== undefined);
      const page = paginate(blockers, request.query, request.url);
      return json(200, page.items.map(({ issue: blocker }) => renderIssueById(core)(blocker)), page.headers);
    }),

  "issues/add-blocked-by-dependency": (request, core) =>
    respond(core, request, 201, (state) => addBlockedBy(state, fullName(request), numberParam(request, "issue_number"), body<{ issue_id: number }>(request).issue_id, request.actor, core.timestamp()), renderIssueById(core)),

  "issues/remove-dependency-blocked-by": (request, core) =>
    respond(core, request, 200, (state) => removeBlockedBy(state, fullName(request), numberParam(request, "issue_number"), numberParam(request, "issue_id"), request.actor, core.timestamp()), renderIssueById(core)),
};

function reactTo(core: Core, request: ApiRequest, target: ReactionTarget): ApiResponse {
  const content = body<{ content: ReactionContent }>(request).content;
  const result = core.apply((state) => react(state, fullName(request), target, content, request.actor, core.timestamp()));
  if (!result.ok) return failure(result, request.documentationUrl);
  return json(result.value.created ? 201 : 200, reactionView(core.view(), result.value.reaction));
}
