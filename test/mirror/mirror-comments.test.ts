import { describe, expect, it } from "vitest";
import type { Bead } from "../../app/ledger/bead-schema.js";
import { commentsToPost, markerCommentId, mirroredCommentBody, withCommentGitHubIds } from "../../app/mirror/mirror-comments.js";

const comment = (id: string | number | undefined, text: string, extra: Record<string, unknown> = {}) => ({
  ...(id === undefined ? {} : { id }), issue_id: "gt-a", author: "polecat/nux", text, created_at: "2026-06-01T12:00:00Z", ...extra,
});
const bead: Bead = {
  id: "gt-a", title: "A", status: "open", priority: 2, issue_type: "task", created_at: "2026-06-01T12:00:00Z", updated_at: "2026-06-01T12:00:00Z",
  comments: [comment("c1", "Ping @ann"), comment("c2", "Taken in", { github_id: 55 }), comment(undefined, "Old, with no id"), comment(7, "An old numeric id")],
};

describe("ledger comments on GitHub", () => {
  it("posts those with an id and no github_id", () => {
    expect(commentsToPost(bead).map((c) => c.id)).toEqual(["c1", 7]);
  });

  it("neutralises mentions, says who wrote it, and ends with the marker a crash is found by", () => {
    const body = mirroredCommentBody(comment("c1", "Ping @ann and @org/team, not a@b.c", { author: "@mallory" }));
    expect(body).toBe("Ping @\u200bann and @\u200borg/team, not a@b.c\n\n<sub>@\u200bmallory, in the ledger</sub>\n\n<!-- gastown:comment c1 -->");
    expect(markerCommentId(body)).toBe("c1");
    expect(markerCommentId("<!-- gastown:comment c1 -->\nthen more")).toBeUndefined();
    expect(markerCommentId(null)).toBeUndefined();
  });

  it("records the GitHub ids once, and is the same bead when none is new", () => {
    const recorded = withCommentGitHubIds(bead, new Map([["c1", 101], ["7", 102], ["c2", 999]]));
    expect(recorded.comments?.map((c) => (c as { github_id?: number }).github_id)).toEqual([101, 55, undefined, 102]);
    expect(withCommentGitHubIds(recorded, new Map([["c1", 101]]))).toBe(recorded);
  });
});
