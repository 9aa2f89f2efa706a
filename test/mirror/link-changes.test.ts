// `sub_issues` and `issue_dependencies` webhooks as bead dependencies. GitHub's examples record
// neither event, so the payloads are made of recorded parts (an issue, its repository, the
// sender) in the shape @octokit/openapi-webhooks gives, and checked against its schemas.
import { describe, expect, it } from "vitest";
import { defaultConfig } from "../../app/config/config-schema.js";
import type { Bead } from "../../app/ledger/bead-schema.js";
import { Ledger } from "../../app/ledger/ledger.js";
import { applyLinkChange, linkChangeOf, type LinkChange } from "../../app/mirror/link-changes.js";
import type { MirrorContext } from "../../app/mirror/mirror-context.js";
import { gastownMetadata } from "../../app/molecules/gastown-metadata.js";
import { RECORDED_ISSUES, recordedIssue, subIssuesPayload } from "../fidelity/sub-issue-payloads.js";
import { validateWebhookPayload, webhookPayload, type WebhookPayload } from "../fidelity/webhook-payloads.js";

const CONTEXT: MirrorContext = {
  now: new Date("2026-12-03T10:00:00Z"), mirror: defaultConfig().mirror, configPrefix: undefined, fallbackPrefix: "hw", botLogin: "gastown[bot]",
};
const BASE = RECORDED_ISSUES;

/** An `issue_dependencies` delivery: `blocked` blocked by `blocking`. */
function dependencies(action: string, blocked: number, blocking: number): WebhookPayload {
  const opened = webhookPayload("issues", "opened");
  const side = action.startsWith("blocked_by") ? { blocking_issue_repo: opened["repository"] } : { blocked_issue_repo: opened["repository"] };
  const payload = {
    action, blocked_issue_id: 1000 + blocked, blocked_issue: recordedIssue(blocked), blocking_issue_id: 1000 + blocking, blocking_issue: recordedIssue(blocking),
    ...side, repository: opened["repository"], sender: opened["sender"], installation: opened["installation"], organization: ORGANIZATION,
  };
  validateWebhookPayload("issue_dependencies", action, payload);
  return payload;
}

const ORGANIZATION = {
  login: "Codertocat", id: 21031067, node_id: "MDEyOk9yZ2FuaXphdGlvbjIxMDMxMDY3", url: "https://api.github.com/orgs/Codertocat",
  repos_url: "https://api.github.com/orgs/Codertocat/repos", events_url: "https://api.github.com/orgs/Codertocat/events",
  hooks_url: "https://api.github.com/orgs/Codertocat/hooks", issues_url: "https://api.github.com/orgs/Codertocat/issues",
  members_url: "https://api.github.com/orgs/Codertocat/members{/member}", public_members_url: "https://api.github.com/orgs/Codertocat/public_members{/member}",
  avatar_url: "https://avatars.githubusercontent.com/u/21031067?v=4", description: null,
};

function change(event: string, payload: WebhookPayload): LinkChange {
  const found = linkChangeOf(event, payload["action"] as string, payload);
  if (!found) throw new Error(`no change for ${event}.${String(payload["action"])}`);
  return found;
}

const bead = (id: string, number: number): Bead => ({
  id, title: `Issue ${number}`, status: "open", priority: 2, issue_type: "task",
  created_at: "2026-12-01T09:00:00Z", updated_at: "2026-12-01T09:00:00Z", external_ref: `${BASE}/${number}`,
});
const LEDGER = Ledger.empty().withBeads([bead("hw-p", 1), bead("hw-c", 2)]);

describe("sub-issues", () => {
  it("become a parent-child dependency, recorded as synced, once for GitHub's two deliveries", () => {
    const added = applyLinkChange(LEDGER, change("sub_issues", subIssuesPayload("sub_issue_added", 1, 2)), CONTEXT);
    const child = added.get("hw-c") as Bead;
    expect(child.dependencies).toEqual([
      { issue_id: "hw-c", depends_on_id: "hw-p", type: "parent-child", created_at: "2026-12-03T10:00:00Z", created_by: "Codertocat" },
    ]);
    expect(gastownMetadata(child).synced_links).toEqual({ parent: "hw-p" });
    expect(child.updated_at).toBe("2026-12-03T10:00:00Z");
    expect(added.get("hw-p")).toEqual(LEDGER.get("hw-p"));
    // The child's side of the same change.
    expect(applyLinkChange(added, change("sub_issues", subIssuesPayload("parent_issue_added", 1, 2)), CONTEXT)).toBe(added);

    const removed = applyLinkChange(added, change("sub_issues", subIssuesPayload("parent_issue_removed", 1, 2)), CONTEXT);
    const { dependencies: _none, metadata, ...rest } = removed.get("hw-c") as Bead;
    expect(_none).toBeUndefined();
    expect(metadata).toEqual({ gastown: {} });
    expect(rest).toEqual({ ...bead("hw-c", 2), updated_at: "2026-12-03T10:00:00Z" });
    expect(applyLinkChange(removed, change("sub_issues", subIssuesPayload("sub_issue_removed", 1, 2)), CONTEXT)).toBe(removed);
  });

  it("does nothing when an end is no linked bead", () => {
    expect(applyLinkChange(LEDGER, change("sub_issues", subIssuesPayload("sub_issue_added", 1, 3)), CONTEXT)).toBe(LEDGER);
  });
});

describe("blocked-by links", () => {
  it("become a blocks dependency on the blocked bead, each side's delivery the same change", () => {
    const added = applyLinkChange(LEDGER, change("issue_dependencies", dependencies("blocked_by_added", 2, 1)), CONTEXT);
    const blocked = added.get("hw-c") as Bead;
    expect(blocked.dependencies).toEqual([
      { issue_id: "hw-c", depends_on_id: "hw-p", type: "blocks", created_at: "2026-12-03T10:00:00Z", created_by: "Codertocat" },
    ]);
    expect(gastownMetadata(blocked).synced_links).toEqual({ blocked_by: ["hw-p"] });
    expect(applyLinkChange(added, change("issue_dependencies", dependencies("blocking_added", 2, 1)), CONTEXT)).toBe(added);
    const removed = applyLinkChange(added, change("issue_dependencies", dependencies("blocking_removed", 2, 1)), CONTEXT);
    expect(removed.get("hw-c")?.dependencies).toBeUndefined();
    expect(gastownMetadata(removed.get("hw-c") as Bead).synced_links).toBeUndefined();
  });

  it("records a link already in the ledger as synced, without a second dependency", () => {
    const withLink = LEDGER.withBead({ ...bead("hw-c", 2), dependencies: [{ issue_id: "hw-c", depends_on_id: "hw-p", type: "blocks" }] });
    const applied = applyLinkChange(withLink, change("issue_dependencies", dependencies("blocked_by_added", 2, 1)), CONTEXT);
    expect(applied.get("hw-c")?.dependencies).toHaveLength(1);
    expect(gastownMetadata(applied.get("hw-c") as Bead).synced_links).toEqual({ blocked_by: ["hw-p"] });
  });

  it("is no change for a payload without its issues", () => {
    expect(linkChangeOf("issue_dependencies", "blocked_by_added", { action: "blocked_by_added" })).toBeUndefined();
    expect(linkChangeOf("sub_issues", "sub_issue_renamed", subIssuesPayload("sub_issue_added", 1, 2))).toBeUndefined();
  });
});
