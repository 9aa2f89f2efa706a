// `issue_comment` webhooks as bead comments, with GitHub's recorded payloads.
import { describe, expect, it } from "vitest";
import { defaultConfig } from "../../app/config/config-schema.js";
import type { Bead } from "../../app/ledger/bead-schema.js";
import { Ledger } from "../../app/ledger/ledger.js";
import { applyCommentChange, commentChangeOf, commentUuid, type CommentChange } from "../../app/mirror/comment-changes.js";
import type { MirrorContext } from "../../app/mirror/mirror-context.js";
import { webhookPayload, type WebhookPayload } from "../fidelity/webhook-payloads.js";

const CONTEXT: MirrorContext = {
  now: new Date("2026-12-03T10:00:00Z"), mirror: defaultConfig().mirror, configPrefix: undefined, fallbackPrefix: "hw", botLogin: "gastown[bot]",
};
const URL = "https://github.com/Codertocat/Hello-World/issues/1";
const COMMENT_URL = "https://github.com/Codertocat/Hello-World/issues/1#issuecomment-492700400";
const BEAD: Bead = {
  id: "hw-a1", title: "Spelling error in the README file", status: "open", priority: 2, issue_type: "bug",
  created_at: "2019-05-15T15:20:18Z", updated_at: "2019-05-15T15:20:18Z", external_ref: URL,
};

function change(action: string, overrides?: (payload: WebhookPayload) => void): CommentChange {
  const found = commentChangeOf(action, webhookPayload("issue_comment", action, overrides));
  if (!found) throw new Error(`no change for issue_comment.${action}`);
  return found;
}
const commentOf = (payload: WebhookPayload) => payload["comment"] as Record<string, unknown>;

const TAKEN = {
  id: commentUuid(COMMENT_URL), issue_id: "hw-a1", author: "Codertocat",
  text: "You are totally right! I'll get this fixed right away.", created_at: "2019-05-15T15:20:21Z", github_id: 492700400,
};

describe("issue comments taken into the bead", () => {
  it("takes a comment made in once, edits its text, and removes it when deleted", () => {
    const ledger = Ledger.empty().withBead(BEAD);
    const created = applyCommentChange(ledger, change("created"), CONTEXT);
    expect(created.get("hw-a1")).toEqual({ ...BEAD, comments: [TAKEN], updated_at: "2026-12-03T10:00:00Z" });
    // Delivered again: nothing new.
    expect(applyCommentChange(created, change("created"), CONTEXT)).toBe(created);

    const edited = applyCommentChange(created, change("edited"), CONTEXT);
    expect(edited.get("hw-a1")?.comments).toEqual([{ ...TAKEN, text: "You are totally right! I'll get this fixed today." }]);
    expect(applyCommentChange(edited, change("edited"), CONTEXT)).toBe(edited);

    const deleted = applyCommentChange(edited, change("deleted"), CONTEXT);
    expect(deleted.get("hw-a1")).toEqual({ ...BEAD, updated_at: "2026-12-03T10:00:00Z" });
    expect(applyCommentChange(deleted, change("deleted"), CONTEXT)).toBe(deleted);
  });

  it("makes the same id for the same GitHub comment, a UUID", () => {
    expect(commentUuid(COMMENT_URL)).toBe(commentUuid(COMMENT_URL));
    expect(commentUuid(COMMENT_URL)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(commentUuid(`${COMMENT_URL}1`)).not.toBe(commentUuid(COMMENT_URL));
  });

  it("takes in an edit of a comment the ledger never had", () => {
    const ledger = Ledger.empty().withBead(BEAD);
    expect(applyCommentChange(ledger, change("edited"), CONTEXT).get("hw-a1")?.comments).toEqual([
      { ...TAKEN, text: "You are totally right! I'll get this fixed today." },
    ]);
  });

  it("never takes in the App's own comments, slash commands, or comments on an issue with no bead", () => {
    const ledger = Ledger.empty().withBead(BEAD);
    const byApp = change("created", (p) => {
      (commentOf(p)["user"] as Record<string, unknown>)["login"] = "gastown[bot]";
    });
    expect(applyCommentChange(ledger, byApp, CONTEXT)).toBe(ledger);
    // The town's status comment made by a workflow on its GITHUB_TOKEN: a bot's, with Gas Town's marker.
    const byWorkflow = change("created", (p) => {
      commentOf(p)["user"] = { ...(commentOf(p)["user"] as Record<string, unknown>), login: "github-actions[bot]", type: "Bot" };
      commentOf(p)["body"] = "<!-- gastown:status -->\n<!-- gastown:bead hw-a1 -->\n### Gas Town";
    });
    expect(applyCommentChange(ledger, byWorkflow, CONTEXT)).toBe(ledger);
    const command = change("created", (p) => {
      commentOf(p)["body"] = "/sling\nplease";
    });
    expect(applyCommentChange(ledger, command, CONTEXT)).toBe(ledger);
    expect(applyCommentChange(Ledger.empty(), change("created"), CONTEXT).beads()).toEqual([]);
  });

  it("is no change on a pull request, or for a payload without its comment", () => {
    expect(commentChangeOf("created", webhookPayload("issue_comment", "created", (p) => {
      (p["issue"] as Record<string, unknown>)["pull_request"] = { url: "https://api.github.com/repos/Codertocat/Hello-World/pulls/1" };
    }))).toBeUndefined();
    expect(commentChangeOf("created", webhookPayload("issue_comment", "created", (p) => {
      delete p["comment"];
    }))).toBeUndefined();
  });
});
