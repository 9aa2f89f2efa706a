// The drift repair of comments: a repository's comment listing taken in by the webhook's rules,
// and the watermark it is listed from.
import { describe, expect, it } from "vitest";
import { defaultConfig } from "../../app/config/config-schema.js";
import type { Bead } from "../../app/ledger/bead-schema.js";
import { Ledger } from "../../app/ledger/ledger.js";
import { applyCommentChange, commentChangeOf, commentUuid } from "../../app/mirror/comment-changes.js";
import { driftCommentChanges, nextCommentWatermark, takeInComments, type CommentLook, type ListedComment } from "../../app/mirror/drift-comments.js";
import { planDrift } from "../../app/mirror/drift-plan.js";
import { commentWatermarkOf, mirrorSlotRef, withCommentWatermark } from "../../app/mirror/mirror-budget.js";
import type { MirrorContext } from "../../app/mirror/mirror-context.js";

const NOW = new Date("2026-12-03T10:00:00Z");
const REPO = { owner: "octo", repo: "town" };
const CONTEXT: MirrorContext = { now: NOW, mirror: defaultConfig().mirror, configPrefix: undefined, fallbackPrefix: "gt", botLogin: "" };
const SLOT = { now: NOW, prefix: "gt", actor: "gastown[bot]" };
const ISSUES = "https://github.com/octo/town/issues";

const BEAD: Bead = {
  id: "gt-a1", title: "Fix the pumps", status: "open", priority: 2, issue_type: "task",
  created_at: "2026-12-01T09:00:00Z", updated_at: "2026-12-01T09:00:00Z", external_ref: `${ISSUES}/1`,
};

function comment(id: number, body: string, fields: Partial<ListedComment> = {}): ListedComment {
  return {
    id, html_url: `${ISSUES}/1#issuecomment-${id}`, issue_url: "https://api.github.com/repos/octo/town/issues/1", body,
    user: { login: "ann" }, created_at: "2026-12-02T08:00:00Z", updated_at: "2026-12-02T08:00:00Z", ...fields,
  };
}

function look(comments: ListedComment[], since = "2026-12-01T00:00:00Z", pageSize = 100): CommentLook {
  return { comments, since, pageSize, botLogin: "gastown[bot]" };
}

const taken = (c: ListedComment, text = c.body ?? "") => ({
  id: commentUuid(c.html_url), issue_id: "gt-a1", author: "ann", text, created_at: c.created_at, github_id: c.id,
});

describe("comments listed by the drift repair", () => {
  it("takes in a comment made and the text of one edited, once; never the App's, a slash command's or a pull request's", () => {
    const held = comment(11, "The valve sticks.");
    const ledger = Ledger.empty().withBead({ ...BEAD, comments: [taken(held)] });
    const edited = { ...held, body: "The valve sticks when cold.", updated_at: "2026-12-02T09:00:00Z" };
    const made = comment(12, "The left pump leaks too.", { created_at: "2026-12-02T08:30:00Z", updated_at: "2026-12-02T08:30:00Z" });
    const listed = [
      made, edited,
      comment(13, "/gt help"),
      comment(14, "Slung to polecat nux.", { user: { login: "gastown[bot]" } }),
      comment(15, "On the pull request.", { html_url: "https://github.com/octo/town/pull/2#issuecomment-15", issue_url: "https://api.github.com/repos/octo/town/issues/2" }),
    ];
    const after = takeInComments(ledger, look(listed), CONTEXT, { repository: REPO, slot: SLOT });
    expect(after.commented).toEqual(["gt-a1"]);
    expect(after.ledger.get("gt-a1")?.comments).toEqual([taken(held, "The valve sticks when cold."), taken(made)]);
    expect(after.ledger.get("gt-a1")?.updated_at).toBe("2026-12-03T10:00:00Z");
    expect(after.watermark).toBe("2026-12-01T00:00:00Z");

    // The next look lists the same: nothing changes.
    const again = takeInComments(after.ledger, look(listed), CONTEXT, { repository: REPO, slot: SLOT });
    expect(again).toEqual({ ledger: after.ledger, beads: [], commented: [] });
  });

  it("makes the very comment the webhook makes, so whichever comes second adds nothing", () => {
    const made = comment(12, "The left pump leaks too.");
    const ledger = Ledger.empty().withBead(BEAD);
    const [change] = driftCommentChanges(ledger, [made], REPO);
    const webhook = commentChangeOf("created", { issue: { html_url: `${ISSUES}/1` }, comment: made });
    expect(change).toEqual(webhook);
    const byWebhook = applyCommentChange(ledger, webhook!, { ...CONTEXT, botLogin: "gastown[bot]" });
    const byDrift = takeInComments(byWebhook, look([made]), CONTEXT, { repository: REPO, slot: SLOT });
    expect(byDrift.commented).toEqual([]);
    expect(byDrift.ledger.get("gt-a1")?.comments).toEqual([taken(made)]);
  });

  it("never takes in the town's comments made under its other login, the first look's second included", () => {
    // A patrol on GITHUB_TOKEN looks first just after the App's status comment and its own, both
    // in one second: GitHub's times are whole seconds, so `since` lists them both.
    const second = "2026-12-02T08:00:00Z";
    const status = "<!-- gastown:status -->\n<!-- gastown:bead gt-a1 -->\n### Gas Town";
    const byApp = comment(21, status, { user: { login: "gastown[bot]", type: "Bot" }, created_at: second, updated_at: second });
    const byPatrol = comment(22, `${status}\nThe witness restarted polecat nux.`, { user: { login: "github-actions[bot]", type: "Bot" }, created_at: second, updated_at: second });
    const ledger = Ledger.empty().withBead(BEAD);
    const first = { comments: [byApp, byPatrol], since: second, pageSize: 100, botLogin: "github-actions[bot]" };
    const after = takeInComments(ledger, first, CONTEXT, { repository: REPO, slot: SLOT });
    expect(after.commented).toEqual([]);
    expect(after.ledger.get("gt-a1")?.comments).toBeUndefined();
    expect(after.watermark).toBe(second);
    // The App's own look, the other way round; and a ledger comment the mirror posted.
    const posted = comment(23, "The valve sticks.\n\n<!-- gastown:comment 5c8f3a1e-2b7d-8c4e-9a10-3f6b2d7e8c91 -->", { user: { login: "github-actions[bot]" } });
    const byTheApp = takeInComments(ledger, look([byPatrol, posted]), CONTEXT, { repository: REPO, slot: SLOT });
    expect(byTheApp.commented).toEqual([]);
    // A person who quotes a marker is still heard.
    const quoted = comment(24, `It said:\n${status}`);
    expect(takeInComments(ledger, { ...first, comments: [byApp, quoted] }, CONTEXT, { repository: REPO, slot: SLOT }).ledger.get("gt-a1")?.comments)
      .toEqual([taken(quoted)]);
  });

  it("takes the listing's comments for the bead that holds the issue only when it is mirrored", () => {
    const ledger = Ledger.empty().withBead({ ...BEAD, issue_type: "message" });
    const after = takeInComments(ledger, look([comment(12, "Hello.")]), CONTEXT, { repository: REPO, slot: SLOT });
    expect(after.commented).toEqual([]);
    expect(after.ledger.get("gt-a1")?.comments).toBeUndefined();
  });
});

describe("the comment watermark", () => {
  const at = (minute: number) => `2026-12-02T08:${String(minute).padStart(2, "0")}:00Z`;
  const full = [comment(1, "a", { updated_at: at(1) }), comment(2, "b", { updated_at: at(2) })];

  it("starts at the first look, and moves to the newest comment only once a page is full", () => {
    expect(nextCommentWatermark(undefined, look([], at(0)))).toBe(at(0));
    expect(nextCommentWatermark(undefined, look(full, at(0), 2))).toBe(at(2));
    expect(nextCommentWatermark(at(0), look(full, at(0), 3))).toBeUndefined();
    expect(nextCommentWatermark(at(0), look(full, at(0), 2))).toBe(at(2));
    // Never back, nor on by a look that began later than the one recorded.
    expect(nextCommentWatermark(at(5), look(full, at(0), 2))).toBeUndefined();
    expect(nextCommentWatermark(at(0), look([], at(5)))).toBeUndefined();
  });

  it("is kept on the repository's mirror slot, in the drift's one commit", () => {
    const plan = planDrift(Ledger.empty().withBead(BEAD), {
      issues: [], mirror: CONTEXT.mirror, prefix: "gt", now: NOW, repository: REPO, comments: look([], "2026-12-03T10:00:00Z"),
    });
    expect(plan.watermark).toBe("2026-12-03T10:00:00Z");
    const slot = plan.beads.find((bead) => bead.external_ref === mirrorSlotRef("octo", "town"));
    expect(slot).toMatchObject({ issue_type: "slot", created_by: "gastown[bot]", metadata: { gastown: { comments_since: "2026-12-03T10:00:00Z" } } });
    const written = Ledger.empty().withBeads(plan.beads);
    expect(commentWatermarkOf(written, "octo", "town")).toBe("2026-12-03T10:00:00Z");
    expect(commentWatermarkOf(written, "octo", "other")).toBeUndefined();
    expect(commentWatermarkOf(withCommentWatermark(written, "octo", "town", at(9), SLOT), "octo", "town")).toBe(at(9));
  });
});
