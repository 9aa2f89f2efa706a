// `issues` webhooks as ledger changes, with GitHub's recorded payloads (@octokit/webhooks-examples).
import { describe, expect, it } from "vitest";
import { defaultConfig } from "../../app/config/config-schema.js";
import type { Bead } from "../../app/ledger/bead-schema.js";
import { Ledger } from "../../app/ledger/ledger.js";
import { syncedAtCreation } from "../../app/mirror/bead-issue-sync.js";
import { applyIssueChange, coalesceIssueChanges, issueChangeOf, type IssueChange } from "../../app/mirror/issue-event-changes.js";
import type { MirrorContext } from "../../app/mirror/mirror-context.js";
import { readSynced } from "../../app/mirror/synced-state.js";
import { gastownMetadata } from "../../app/molecules/gastown-metadata.js";
import { webhookPayload, type WebhookPayload } from "../fidelity/webhook-payloads.js";

const NOW = new Date("2026-12-03T10:00:00Z");
const CONTEXT: MirrorContext = {
  now: NOW, mirror: defaultConfig().mirror, configPrefix: undefined, fallbackPrefix: "hw", botLogin: "gastown[bot]",
};
const URL = "https://github.com/Codertocat/Hello-World/issues/1";

/** The bead linked to the recorded issue, as it was when both sides last agreed. */
const LINKED: Bead = syncedAtCreation({
  id: "hw-a1", title: "Spelling error in the README file", description: "It looks like you accidently spelled 'commit' with two 't's.",
  status: "open", priority: 2, issue_type: "bug", labels: ["bug"], assignee: "Codertocat",
  created_at: "2019-05-15T15:20:18Z", updated_at: "2019-05-15T15:20:18Z", external_ref: URL,
  metadata: { gastown: { issue_id: 444500041 } },
});

function change(action: string, overrides?: (payload: WebhookPayload) => void): IssueChange {
  const found = issueChangeOf(action, webhookPayload("issues", action, overrides));
  if (!found) throw new Error(`no change for issues.${action}`);
  return found;
}

const issueOf = (payload: WebhookPayload) => payload["issue"] as Record<string, unknown>;

describe("issueChangeOf", () => {
  it("reads the issue, the label and the old title of an edit", () => {
    const edited = change("edited", (p) => {
      p["changes"] = { title: { from: "Spelling error" } };
    });
    expect(edited.edited).toEqual({ title: { from: "Spelling error" } });
    expect(edited.imports).toEqual({ opened: false, labelled: [] });
    expect(change("labeled").imports).toEqual({ opened: false, labelled: ["bug"] });
    expect(change("opened").imports.opened).toBe(true);
  });

  it("is no change for a pull request, an action the mirror keeps nothing of, or a payload without its issue", () => {
    expect(issueChangeOf("labeled", webhookPayload("issues", "labeled", (p) => {
      issueOf(p)["pull_request"] = { url: "https://api.github.com/repos/Codertocat/Hello-World/pulls/1" };
    }))).toBeUndefined();
    expect(issueChangeOf("pinned", webhookPayload("issues", "pinned"))).toBeUndefined();
    expect(issueChangeOf("edited", webhookPayload("issues", "edited", (p) => {
      delete p["issue"];
    }))).toBeUndefined();
    expect(issueChangeOf("edited", { action: "edited", issue: { number: 1 } })).toBeUndefined();
  });
});

describe("applyIssueChange", () => {
  it("takes a person's title edit into the linked bead, and sends nothing back", () => {
    const ledger = Ledger.empty().withBead(LINKED);
    const edit = change("edited", (p) => {
      issueOf(p)["title"] = "Spelling error in the README";
      p["changes"] = { title: { from: "Spelling error in the README file" } };
    });
    const applied = applyIssueChange(ledger, edit, CONTEXT);
    const bead = applied.ledger.get("hw-a1") as Bead;
    expect(applied.edit).toBeUndefined();
    expect(bead.title).toBe("Spelling error in the README");
    expect(bead.updated_at).toBe("2026-12-03T10:00:00Z");
    expect(readSynced(bead).title?.value).toBe("Spelling error in the README");
    // The same delivery again changes nothing: the very same ledger, no commit.
    expect(applyIssueChange(applied.ledger, edit, CONTEXT).ledger).toBe(applied.ledger);
  });

  it("changes nothing when the issue says what the bead does (a label the bead keeps no record of)", () => {
    const ledger = Ledger.empty().withBead(LINKED);
    const labelled = change("labeled", (p) => {
      issueOf(p)["labels"] = [...(issueOf(p)["labels"] as object[]), { id: 9, node_id: "L", url: "u", name: "gt:sling", color: "fff", default: false, description: null }];
      p["label"] = { id: 9, node_id: "L", url: "u", name: "gt:sling", color: "fff", default: false, description: null };
    });
    expect(applyIssueChange(ledger, labelled, CONTEXT)).toEqual({ ledger, edit: undefined });
  });

  it("sends the ledger's own change back when the issue has not caught up with it", () => {
    const ledger = Ledger.empty().withBead({ ...LINKED, priority: 0 });
    const applied = applyIssueChange(ledger, change("labeled"), CONTEXT);
    expect(applied.edit).toEqual({ issueNumber: 1, edit: { addLabels: ["type::bug", "priority::critical"] } });
  });

  it("records the issue's database id on a linked bead that lacks it", () => {
    const { metadata: _metadata, ...unlinked } = LINKED;
    const ledger = Ledger.empty().withBead(syncedAtCreation(unlinked as Bead));
    const bead = applyIssueChange(ledger, change("labeled"), CONTEXT).ledger.get("hw-a1") as Bead;
    expect(gastownMetadata(bead).issue_id).toBe(444500041);
  });

  it("records the issue's time with the bead, and ignores a delivery older than it (out of order)", () => {
    const ledger = Ledger.empty().withBead(LINKED);
    const edit = (title: string, from: string, at: string) => change("edited", (p) => {
      issueOf(p)["title"] = title;
      issueOf(p)["updated_at"] = at;
      p["changes"] = { title: { from } };
    });
    const older = edit("Spelling error in the README", "Spelling error in the README file", "2026-12-03T09:00:01Z");
    const newer = edit("Spelling error in README.md", "Spelling error in the README", "2026-12-03T09:00:07Z");
    const afterNewer = applyIssueChange(ledger, newer, CONTEXT).ledger;
    const bead = afterNewer.get("hw-a1") as Bead;
    expect(bead.title).toBe("Spelling error in README.md");
    expect(gastownMetadata(bead).issue_updated_at).toBe("2026-12-03T09:00:07Z");
    // The older edit, delivered after: nothing taken, nothing written, nothing sent.
    expect(applyIssueChange(afterNewer, older, CONTEXT)).toEqual({ ledger: afterNewer, edit: undefined });
    expect(applyIssueChange(afterNewer, older, CONTEXT).ledger).toBe(afterNewer);
  });

  it("imports an issue opened when the mirror takes all issues, recorded as synced", () => {
    const applied = applyIssueChange(Ledger.empty(), change("opened"), CONTEXT);
    const [bead] = applied.ledger.beads();
    expect(applied.edit).toBeUndefined();
    expect(bead).toMatchObject({
      title: "Spelling error in the README file", status: "open", issue_type: "bug", external_ref: URL,
      assignee: "Codertocat", created_by: "Codertocat", updated_at: "2026-12-03T10:00:00Z",
      metadata: { gastown: { issue_id: 444500041 } },
    });
    expect(bead?.id).toMatch(/^hw-[a-z0-9]+$/);
    expect(Object.keys(readSynced(bead as Bead)).sort()).toEqual(["assignees", "body", "labels", "priority", "state", "title", "type"]);
    // Synced: the same issue again changes nothing.
    expect(applyIssueChange(applied.ledger, change("opened"), CONTEXT).ledger).toBe(applied.ledger);
  });

  it("with labelled issues, imports only once the mirror's label is put on", () => {
    const labelled: MirrorContext = { ...CONTEXT, mirror: { ...CONTEXT.mirror, issues: "labelled" } };
    expect(applyIssueChange(Ledger.empty(), change("opened"), labelled).ledger.beads()).toEqual([]);
    const mirrorLabel = { id: 9, node_id: "L", url: "u", name: "gt:mirror", color: "fff", default: false, description: null };
    const applied = applyIssueChange(Ledger.empty(), change("labeled", (p) => {
      issueOf(p)["labels"] = [...(issueOf(p)["labels"] as object[]), mirrorLabel];
      p["label"] = mirrorLabel;
    }), labelled);
    // gt:mirror is a trigger, never one of the bead's labels.
    expect(applied.ledger.beads().map((b) => [b.external_ref, b.labels])).toEqual([[URL, ["bug"]]]);
    // Another label on an issue not in the ledger imports nothing: old issues are the drift pass's.
    expect(applyIssueChange(Ledger.empty(), change("labeled"), CONTEXT).ledger.beads()).toEqual([]);
    // In a batch, the mirror's label after another one still imports.
    const batch = coalesceIssueChanges([change("labeled"), change("labeled", (p) => {
      issueOf(p)["labels"] = [...(issueOf(p)["labels"] as object[]), mirrorLabel];
      p["label"] = mirrorLabel;
    })]);
    expect(batch.map((c) => c.imports.labelled)).toEqual([["bug", "gt:mirror"]]);
    expect(applyIssueChange(Ledger.empty(), batch[0] as IssueChange, labelled).ledger.beads()).toHaveLength(1);
  });

  it("leaves a bead the mirror does not keep (mirror off, or a type it does not mirror)", () => {
    const ledger = Ledger.empty().withBead(LINKED);
    const edit = change("edited", (p) => {
      issueOf(p)["title"] = "Other";
    });
    expect(applyIssueChange(ledger, edit, { ...CONTEXT, mirror: { ...CONTEXT.mirror, types: ["task"] } }).ledger).toBe(ledger);
  });
});

describe("coalesceIssueChanges", () => {
  it("keeps each issue's newest state, with the oldest title the batch's edits started from", () => {
    const first = change("edited", (p) => {
      issueOf(p)["title"] = "B";
      issueOf(p)["updated_at"] = "2026-12-03T09:00:01Z";
      p["changes"] = { title: { from: "A" } };
    });
    const second = change("edited", (p) => {
      issueOf(p)["title"] = "C";
      issueOf(p)["updated_at"] = "2026-12-03T09:00:02Z";
      p["changes"] = { title: { from: "B" } };
    });
    const opened = change("opened");
    const [one, ...rest] = coalesceIssueChanges([second, first, opened]);
    expect(rest).toEqual([]);
    expect(one?.issue.title).toBe("C");
    expect(one?.edited).toEqual({ title: { from: "B" } });
    expect(one?.imports.opened).toBe(true);
    expect(coalesceIssueChanges([first, second])[0]?.edited).toEqual({ title: { from: "A" } });
  });
});
