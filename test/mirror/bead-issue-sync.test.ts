import { describe, expect, it } from "vitest";
import type { Bead } from "../../app/ledger/bead-schema.js";
import { ledgerFields, syncBeadAndIssue, syncedAtCreation, type IssueEdit } from "../../app/mirror/bead-issue-sync.js";
import { issueLabelNames, issueShape, type GitHubIssue } from "../../app/mirror/issue-shape.js";
import { ISSUE_UPDATED_AT_KEY } from "../../app/mirror/issue-seen-at.js";
import { gastownMetadata, withGastownMetadata } from "../../app/molecules/gastown-metadata.js";

const NOW = new Date("2026-12-03T10:00:00Z");
const BEAD: Bead = {
  id: "gt-a1b2", title: "Fix the login", description: "It fails on @alice's machine.", status: "open",
  priority: 1, issue_type: "bug", labels: ["ui"], assignee: "alice",
  created_at: "2026-12-01T09:00:00Z", updated_at: "2026-12-01T09:00:00Z",
};

/** The issue the mirror opened for `bead`, plus the labels people put on it. */
function issueOf(bead: Bead, extraLabels: string[] = []): GitHubIssue {
  const shape = issueShape(bead);
  return {
    html_url: "https://github.com/octo/town/issues/7", number: 7, title: shape.title, body: shape.body,
    state: shape.state, state_reason: shape.state_reason,
    labels: [...shape.labels, ...extraLabels].map((name) => ({ name })),
    assignees: (shape.assignees ?? []).map((login) => ({ login })),
  };
}

/** The issue's labels once `edit` put some on and took some off, as GitHub keeps them. */
function labelsAfter(issue: GitHubIssue, edit: IssueEdit): { name: string }[] {
  const names = issueLabelNames(issue).filter((name) => !(edit.removeLabels ?? []).includes(name));
  return [...names, ...(edit.addLabels ?? []).filter((name) => !names.includes(name))].map((name) => ({ name }));
}

/** The issue as it is once `edit` is applied. */
function edited(issue: GitHubIssue, edit: IssueEdit | undefined): GitHubIssue {
  if (!edit) return issue;
  return {
    ...issue,
    ...(edit.title !== undefined ? { title: edit.title } : {}),
    ...(edit.body !== undefined ? { body: edit.body } : {}),
    ...(edit.state !== undefined ? { state: edit.state, state_reason: edit.state === "closed" ? edit.state_reason ?? null : null } : {}),
    labels: labelsAfter(issue, edit),
    ...(edit.assignees !== undefined ? { assignees: edit.assignees.map((login) => ({ login })) } : {}),
  };
}

const SYNCED = syncedAtCreation(BEAD);

describe("syncBeadAndIssue", () => {
  it("changes nothing, and sends nothing, when both sides agree", () => {
    const outcome = syncBeadAndIssue(SYNCED, issueOf(BEAD, ["gt:sling"]), { now: NOW });
    expect(outcome.bead).toBe(SYNCED);
    expect(outcome.edit).toBeUndefined();
  });

  it("takes a person's title edit into the bead and stamps it", () => {
    const issue = { ...issueOf(BEAD), title: "Fix the login page" };
    const outcome = syncBeadAndIssue(SYNCED, issue, { now: NOW });
    expect(outcome.edit).toBeUndefined();
    expect(outcome.bead.title).toBe("Fix the login page");
    expect(outcome.bead.updated_at).toBe("2026-12-03T10:00:00Z");
    expect(syncBeadAndIssue(outcome.bead, issue, { now: NOW }).bead).toBe(outcome.bead);
  });

  it("sends a status change as the label to add, never the whole set, so the issue's gt: labels stay", () => {
    const bead = { ...SYNCED, status: "in_progress" };
    const issue = issueOf(BEAD, ["gt:queue", "gt:sling"]);
    const outcome = syncBeadAndIssue(bead, issue, { now: NOW });
    expect(outcome.edit).toEqual({ addLabels: ["status::in_progress"] });
    expect(outcome.bead.updated_at).toBe(BEAD.updated_at);
    expect(issueLabelNames(edited(issue, outcome.edit))).toEqual(["type::bug", "priority::high", "ui", "gt:queue", "gt:sling", "status::in_progress"]);
  });

  it("takes off the labels the bead no longer shows, and never a gt: one", () => {
    const bead = { ...SYNCED, status: "hooked", priority: 3, labels: [] };
    const issue = issueOf({ ...BEAD, status: "in_progress" }, ["gt:sling", "gt:waiting"]);
    const synced = syncedAtCreation({ ...BEAD, status: "in_progress" });
    const outcome = syncBeadAndIssue({ ...bead, metadata: synced.metadata }, issue, { now: NOW });
    expect(outcome.edit).toEqual({ addLabels: ["priority::low", "status::hooked"], removeLabels: ["priority::high", "status::in_progress", "ui"] });
    expect(issueLabelNames(edited(issue, outcome.edit))).toEqual(["type::bug", "gt:sling", "gt:waiting", "priority::low", "status::hooked"]);
  });


  it("takes a label spelt in another case on GitHub for the bead's own, as GitHub takes label names", () => {
    const issue = { ...issueOf(BEAD), labels: issueLabelNames(issueOf(BEAD)).map((name) => ({ name: name === "ui" ? "UI" : name })) };
    const outcome = syncBeadAndIssue(SYNCED, issue, { now: NOW });
    expect(outcome.bead).toBe(SYNCED);
    expect(outcome.edit).toBeUndefined();
    // A label new to both still comes in as GitHub spells it.
    const added = syncBeadAndIssue(SYNCED, { ...issue, labels: [...issue.labels, { name: "Needs-Docs" }] }, { now: NOW });
    expect(added.bead.labels).toEqual(["Needs-Docs", "ui"]);
    expect(added.edit).toBeUndefined();
  });

  it("closes the issue with the reason the bead gives, and reopens it", () => {
    const closed = { ...SYNCED, status: "closed", close_reason: "Duplicate of gt-c3", closed_at: "2026-12-02T00:00:00Z" };
    const closing = syncBeadAndIssue(closed, issueOf(BEAD), { now: NOW });
    expect(closing.edit).toEqual({ state: "closed", state_reason: "not_planned" });
    const issue = edited(issueOf(BEAD), closing.edit);
    expect(syncBeadAndIssue(closing.bead, issue, { now: NOW }).edit).toBeUndefined();
    const reopened = syncBeadAndIssue(closing.bead, { ...issue, state: "open", state_reason: "reopened" }, { now: NOW });
    expect(reopened.bead.status).toBe("open");
    expect(reopened.bead.closed_at).toBeUndefined();
    expect(reopened.bead.close_reason).toBeUndefined();
  });

  it("closes the bead a person closed on GitHub, with GitHub's reason", () => {
    const outcome = syncBeadAndIssue(SYNCED, { ...issueOf(BEAD), state: "closed", state_reason: "not_planned" }, { now: NOW });
    expect(outcome.bead).toMatchObject({ status: "closed", close_reason: "not_planned", closed_at: "2026-12-03T10:00:00Z" });
    expect(outcome.edit).toBeUndefined();
  });

  it("keeps both versions of a body edited on both sides in the bead's notes", () => {
    const bead = { ...SYNCED, description: "Ledger's text" };
    const issue = { ...issueOf(BEAD), body: "GitHub's text" };
    const outcome = syncBeadAndIssue(bead, issue, { now: NOW });
    expect(outcome.bead.description).toBe("GitHub's text");
    expect(outcome.bead.notes).toContain("Ledger's text");
    expect(outcome.conflicts.map((c) => c.field)).toEqual(["body"]);
    // The marker a person's edit dropped is not put back: only a crash while opening needs it.
    expect(outcome.edit).toBeUndefined();
  });

  it("sends again an edit whose write came first and which never landed, rather than losing it", () => {
    // Both sides changed the priority: the more urgent, the ledger's, is kept and sent to GitHub.
    const bead = { ...SYNCED, priority: 0 };
    const issue = { ...issueOf(BEAD), labels: issueOf({ ...BEAD, priority: 3 }).labels };
    const outcome = syncBeadAndIssue(bead, issue, { now: NOW });
    expect(outcome.edit).toEqual({ addLabels: ["priority::critical"], removeLabels: ["priority::low"] });
    // The edit is lost: the record written first says GitHub's, so the ledger's change goes again.
    const again = syncBeadAndIssue(outcome.beadUntilEdited, issue, { now: NOW });
    expect(again.bead.priority).toBe(0);
    expect(again.edit).toEqual(outcome.edit);
    // Had `bead` been written before a lost edit, GitHub's old value would have won.
    expect(syncBeadAndIssue(outcome.bead, issue, { now: NOW }).bead.priority).toBe(3);
    // The edit lands: the next sync only records the agreement.
    const landed = syncBeadAndIssue(outcome.beadUntilEdited, edited(issue, outcome.edit), { now: NOW });
    expect(landed.edit).toBeUndefined();
    expect(landed.bead).toEqual(outcome.bead);
  });

  it("ignores an issue older than one the bead took in, and records the time only when the bead is written anyway", () => {
    const seen = withGastownMetadata(SYNCED, { [ISSUE_UPDATED_AT_KEY]: "2026-12-02T10:00:05Z" });
    const stale = { ...issueOf(BEAD), title: "Fix the login (old)", updated_at: "2026-12-02T10:00:04Z" };
    const ignored = syncBeadAndIssue({ ...seen, priority: 0 }, stale, { now: NOW });
    expect(ignored.edit).toBeUndefined();
    expect(ignored.bead).toEqual({ ...seen, priority: 0 });
    expect(ignored.beadUntilEdited).toBe(ignored.bead);

    // The same second is not older: GitHub's times are to the second.
    const same = syncBeadAndIssue(seen, { ...stale, updated_at: "2026-12-02T10:00:05Z" }, { now: NOW });
    expect(same.bead.title).toBe("Fix the login (old)");
    expect(gastownMetadata(same.bead)[ISSUE_UPDATED_AT_KEY]).toBe("2026-12-02T10:00:05Z");
    const newer = syncBeadAndIssue(seen, { ...stale, updated_at: "2026-12-02T10:00:09Z" }, { now: NOW });
    expect(gastownMetadata(newer.bead)[ISSUE_UPDATED_AT_KEY]).toBe("2026-12-02T10:00:09Z");

    // A newer issue that changes nothing mirrored (a comment, a gt: label) leaves the bead as it is.
    const untouched = { ...issueOf(BEAD, ["gt:sling"]), updated_at: "2026-12-02T11:00:00Z" };
    expect(syncBeadAndIssue(seen, untouched, { now: NOW }).bead).toBe(seen);
    // An edit to send, and nothing to write before it: the bead keeps its time until one is written.
    const changed = { ...seen, priority: 0 };
    const sending = syncBeadAndIssue(changed, untouched, { now: NOW });
    expect(sending.edit).toEqual({ addLabels: ["priority::critical"], removeLabels: ["priority::high"] });
    expect(sending.beadUntilEdited).toBe(changed);
    expect(gastownMetadata(sending.bead)[ISSUE_UPDATED_AT_KEY]).toBe("2026-12-02T11:00:00Z");
  });

  it("neutralises mentions on the way out and restores them on the way in", () => {
    const issue = issueOf(BEAD);
    expect(issue.body).toContain("@\u200balice");
    expect(syncBeadAndIssue(SYNCED, issue, { now: NOW }).bead.description).toBe(BEAD.description);
  });

  it("leaves a person assigned on GitHub alone while a polecat holds the bead", () => {
    const bead = syncedAtCreation({ ...BEAD, assignee: "polecat/nux" });
    const issue = { ...issueOf(BEAD), assignees: [{ login: "bob" }] };
    const outcome = syncBeadAndIssue(bead, issue, { now: NOW });
    expect(outcome.bead.assignee).toBe("polecat/nux");
    expect(outcome.edit).toBeUndefined();
  });

  it("reads the bead's fields as the issue shows them", () => {
    expect(ledgerFields(BEAD)).toEqual({
      title: "Fix the login", body: BEAD.description, state: "open", priority: 1, type: "bug", labels: ["ui"], assignees: ["alice"],
    });
  });
});
