// Issues: open, edit, close and reopen, labels and assignees. Each change emits the webhook
// GitHub sends — `issues`, or `pull_request` when the issue is a pull request.
// https://docs.github.com/en/rest/issues/issues
// https://docs.github.com/en/webhooks/webhook-events-and-payloads#issues
import { roleOf } from "./collaborators.js";
import type { Actor, DomainEvent } from "./events.js";
import type { EmulatorState, IssueRecord, LabelRecord, RepoRecord, StateReason } from "./model.js";
import { addLabel, findLabel } from "./labels.js";
import { allocateId, nodeId, notFound, ok, produce, validationFailed, type Result } from "./result.js";

export function findIssue(repo: RepoRecord, number: number): IssueRecord | undefined {
  return repo.issues.find((issue) => issue.number === number);
}

/** The event for a change to an issue: `pull_request` for a pull request, else `issues`. */
export function issueChange(
  repo: string,
  issue: IssueRecord,
  action: "opened" | "edited" | "closed" | "reopened" | "labeled" | "unlabeled" | "assigned" | "unassigned",
  actor: Actor,
  extra: { label?: LabelRecord; assignee?: string; changes?: { title?: { from: string }; body?: { from: string } } } = {},
): DomainEvent {
  if (issue.pull) {
    const event: DomainEvent = { event: "pull_request", action, repo, actor, number: issue.number };
    if (extra.label) event.label = structuredClone(extra.label);
    if (extra.assignee !== undefined) event.assignee = extra.assignee;
    if (extra.changes) event.changes = extra.changes;
    return event;
  }
  const event: DomainEvent = { event: "issues", action, repo, actor, number: issue.number };
  if (extra.label) event.label = structuredClone(extra.label);
  if (extra.assignee !== undefined) event.assignee = extra.assignee;
  if (extra.changes) event.changes = extra.changes;
  return event;
}

/** A new issue record (shared with pull requests, which are issues too). */
export function newIssue(draft: EmulatorState, repo: RepoRecord, fields: { title: string; body: string | null; user: string; at: string }): IssueRecord {
  const id = allocateId(draft);
  const issue: IssueRecord = {
    id,
    nodeId: nodeId("Issue", id),
    number: repo.nextNumber,
    title: fields.title,
    body: fields.body,
    user: fields.user,
    state: "open",
    stateReason: null,
    labels: [],
    assignees: [],
    locked: false,
    createdAt: fields.at,
    updatedAt: fields.at,
    closedAt: null,
    closedBy: null,
    comments: [],
    reactions: [],
    subIssues: [],
    parentId: null,
    blockedBy: [],
    pull: null,
  };
  repo.nextNumber += 1;
  repo.issues.push(issue);
  return issue;
}

/**
 * Adds labels by name (existing ones keep their case; missing ones are created, as GitHub
 * does) and returns the events for those newly on the issue.
 */
export function applyLabels(draft: EmulatorState, fullName: string, repo: RepoRecord, issue: IssueRecord, names: readonly string[], actor: Actor): DomainEvent[] {
  const events: DomainEvent[] = [];
  for (const name of names) {
    const label = findLabel(repo, name) ?? addLabel(draft, repo, name);
    if (issue.labels.includes(label.name)) continue;
    issue.labels.push(label.name);
    events.push(issueChange(fullName, issue, "labeled", actor, { label }));
  }
  return events;
}

export function removeLabels(fullName: string, repo: RepoRecord, issue: IssueRecord, names: readonly string[], actor: Actor): DomainEvent[] {
  const events: DomainEvent[] = [];
  for (const name of names) {
    const label = findLabel(repo, name);
    if (!label || !issue.labels.includes(label.name)) continue;
    issue.labels = issue.labels.filter((l) => l !== label.name);
    events.push(issueChange(fullName, issue, "unlabeled", actor, { label }));
  }
  return events;
}

/**
 * Who can be assigned: people with access to the repository. Others are dropped silently, as
 * GitHub drops them.
 * https://docs.github.com/en/rest/issues/assignees#add-assignees-to-an-issue
 */
function assignable(repo: RepoRecord, login: string): boolean {
  return roleOf(repo, login) !== null;
}

export function applyAssignees(fullName: string, repo: RepoRecord, issue: IssueRecord, logins: readonly string[], actor: Actor): DomainEvent[] {
  const events: DomainEvent[] = [];
  for (const login of logins) {
    if (!assignable(repo, login) || issue.assignees.includes(login)) continue;
    // GitHub allows ten assignees; more are ignored.
    if (issue.assignees.length >= 10) break;
    issue.assignees.push(login);
    events.push(issueChange(fullName, issue, "assigned", actor, { assignee: login }));
  }
  return events;
}

export function removeAssignees(fullName: string, issue: IssueRecord, logins: readonly string[], actor: Actor): DomainEvent[] {
  const events: DomainEvent[] = [];
  for (const login of logins) {
    if (!issue.assignees.includes(login)) continue;
    issue.assignees = issue.assignees.filter((a) => a !== login);
    events.push(issueChange(fullName, issue, "unassigned", actor, { assignee: login }));
  }
  return events;
}

export type IssueInput = { title: string; body?: string | null; labels?: string[]; assignees?: string[] };

export function createIssue(state: EmulatorState, fullName: string, input: IssueInput, actor: Actor, at: string): Result<IssueRecord> {
  return produce(state, (draft) => {
    const repo = draft.repos[fullName];
    if (!repo) return notFound();
    if (input.title.trim() === "") return validationFailed([{ resource: "Issue", code: "missing_field", field: "title" }]);
    const issue = newIssue(draft, repo, { title: input.title, body: input.body ?? null, user: actor.login, at });
    // GitHub sends `opened` first, then a `labeled`/`assigned` for each label and assignee.
    const events: DomainEvent[] = [{ event: "issues", action: "opened", repo: fullName, actor, number: issue.number }];
    events.push(...applyLabels(draft, fullName, repo, issue, input.labels ?? [], actor));
    events.push(...applyAssignees(fullName, repo, issue, input.assignees ?? [], actor));
    return ok(draft, issue, events);
  });
}

export type IssueUpdate = {
  title?: string;
  body?: string | null;
  state?: "open" | "closed";
  state_reason?: StateReason | null;
  labels?: string[];
  assignees?: string[];
};

/** Closing or reopening, with GitHub's defaults for the reason. */
export function setIssueState(issue: IssueRecord, state: "open" | "closed", reason: StateReason | null | undefined, actor: Actor, at: string): boolean {
  if (issue.state === state) {
    if (state === "closed" && reason) issue.stateReason = reason;
    return false;
  }
  issue.state = state;
  if (state === "closed") {
    issue.stateReason = reason ?? "completed";
    issue.closedAt = at;
    issue.closedBy = actor.login;
  } else {
    issue.stateReason = "reopened";
    issue.closedAt = null;
    issue.closedBy = null;
  }
  return true;
}

export function updateIssue(state: EmulatorState, fullName: string, number: number, update: IssueUpdate, actor: Actor, at: string): Result<IssueRecord> {
  return produce(state, (draft) => {
    const repo = draft.repos[fullName];
    const issue = repo && findIssue(repo, number);
    if (!repo || !issue) return notFound();
    const events: DomainEvent[] = [];
    const changes: { title?: { from: string }; body?: { from: string } } = {};
    if (update.title !== undefined && update.title !== issue.title) {
      changes.title = { from: issue.title };
      issue.title = update.title;
    }
    if (update.body !== undefined && update.body !== issue.body) {
      changes.body = { from: issue.body ?? "" };
      issue.body = update.body;
    }
    if (changes.title || changes.body) events.push(issueChange(fullName, issue, "edited", actor, { changes }));
    if (update.labels !== undefined) {
      const wanted = update.labels;
      const keep = new Set(wanted.map((name) => (findLabel(repo, name)?.name ?? name).toLowerCase()));
      events.push(...removeLabels(fullName, repo, issue, issue.labels.filter((l) => !keep.has(l.toLowerCase())), actor));
      events.push(...applyLabels(draft, fullName, repo, issue, wanted, actor));
    }
    if (update.assignees !== undefined) {
      events.push(...removeAssignees(fullName, issue, issue.assignees.filter((a) => !(update.assignees as string[]).includes(a)), actor));
      events.push(...applyAssignees(fullName, repo, issue, update.assignees, actor));
    }
    if (update.state !== undefined && setIssueState(issue, update.state, update.state_reason, actor, at)) {
      events.push(issueChange(fullName, issue, update.state === "closed" ? "closed" : "reopened", actor));
    } else if (update.state === undefined && update.state_reason !== undefined && update.state_reason !== null && issue.state === "closed") {
      issue.stateReason = update.state_reason;
    }
    if (events.length > 0) issue.updatedAt = at;
    return ok(draft, issue, events);
  });
}

/** Labels on an issue: add (POST), replace (PUT), remove one or all (DELETE). */
export function changeIssueLabels(
  state: EmulatorState,
  fullName: string,
  number: number,
  change: { add?: string[]; set?: string[]; remove?: string; removeAll?: boolean },
  actor: Actor,
  at: string,
): Result<IssueRecord> {
  return produce(state, (draft) => {
    const repo = draft.repos[fullName];
    const issue = repo && findIssue(repo, number);
    if (!repo || !issue) return notFound();
    const events: DomainEvent[] = [];
    if (change.remove !== undefined) {
      const label = findLabel(repo, change.remove);
      // GitHub answers 404 "Label does not exist" when the issue does not carry it.
      if (!label || !issue.labels.includes(label.name)) return { ok: false, status: 404, message: "Label does not exist" };
      events.push(...removeLabels(fullName, repo, issue, [label.name], actor));
    }
    if (change.removeAll || change.set !== undefined) {
      const keep = new Set((change.set ?? []).map((name) => (findLabel(repo, name)?.name ?? name).toLowerCase()));
      events.push(...removeLabels(fullName, repo, issue, issue.labels.filter((l) => !keep.has(l.toLowerCase())), actor));
    }
    events.push(...applyLabels(draft, fullName, repo, issue, change.set ?? change.add ?? [], actor));
    if (events.length > 0) issue.updatedAt = at;
    return ok(draft, issue, events);
  });
}

export function changeAssignees(
  state: EmulatorState,
  fullName: string,
  number: number,
  change: { add?: string[]; remove?: string[] },
  actor: Actor,
  at: string,
): Result<IssueRecord> {
  return produce(state, (draft) => {
    const repo = draft.repos[fullName];
    const issue = repo && findIssue(repo, number);
    if (!repo || !issue) return notFound();
    const events = [...removeAssignees(fullName, issue, change.remove ?? [], actor), ...applyAssignees(fullName, repo, issue, change.add ?? [], actor)];
    if (events.length > 0) issue.updatedAt = at;
    return ok(draft, issue, events);
  });
}
