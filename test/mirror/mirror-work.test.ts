import { describe, expect, it } from "vitest";
import { defaultConfig } from "../../app/config/config-schema.js";
import type { Bead } from "../../app/ledger/bead-schema.js";
import { Ledger } from "../../app/ledger/ledger.js";
import { syncedAtCreation } from "../../app/mirror/bead-issue-sync.js";
import { budgetOf, spend, withMirrorBudget } from "../../app/mirror/mirror-budget.js";
import {
  backlogLine, issueNumberOf, mirrorBacklog, mirrorWork, openingCost, withOpenedIssue, withOpeningIntents,
} from "../../app/mirror/mirror-work.js";
import { withGastownMetadata } from "../../app/molecules/gastown-metadata.js";

const MIRROR = defaultConfig().mirror;
const NOW = new Date("2026-06-01T12:00:00Z");
const REPO = { owner: "octo", repo: "town" };
const URL = "https://github.com/octo/town/issues/";
const bead = (id: string, fields: Partial<Bead> = {}): Bead => ({
  id, title: `Bead ${id}`, status: "open", priority: 2, issue_type: "task", created_at: "2026-06-01T11:00:00Z", updated_at: "2026-06-01T11:00:00Z", ...fields,
});
const slot = { now: NOW, prefix: "gt", actor: "gastown[bot]" };

describe("what a pass does with the beads a change touched", () => {
  const ledger = Ledger.of([
    bead("gt-new"),
    bead("gt-linked", { external_ref: `${URL}7` }),
    bead("gt-elsewhere", { external_ref: "https://github.com/octo/other/issues/7" }),
    bead("gt-jira", { external_ref: "PROJ-12" }),
    withGastownMetadata(bead("gt-flying"), { mirror_opening: "2026-06-01T11:59:00Z" }),
    withGastownMetadata(bead("gt-crashed"), { mirror_opening: "2026-06-01T11:57:59Z" }),
    bead("gt-msg", { issue_type: "message" }),
    bead("gt-mol-abc.1", { title: "A step" }),
  ]);

  it("opens the new, recovers a crashed opening past its grace, leaves one in flight, syncs this repository's issues", () => {
    const work = mirrorWork(ledger, ledger.records.keys(), MIRROR, REPO, NOW);
    expect({ open: work.open.map((b) => b.id), recover: work.recover.map((b) => b.id), sync: work.sync.map((b) => b.id) })
      .toEqual({ open: ["gt-new"], recover: ["gt-crashed"], sync: ["gt-linked"] });
  });

  it("reads an issue number of this repository only", () => {
    expect(issueNumberOf(`${URL}7`, REPO)).toBe(7);
    expect(issueNumberOf("https://github.com/Octo/Town/issues/12", REPO)).toBe(12);
    expect(issueNumberOf("https://github.com/octo/town/pull/7", REPO)).toBeUndefined();
    expect(issueNumberOf("https://github.com/octo/other/issues/7", REPO)).toBeUndefined();
  });

  it("counts the backlog of mirrored beads without an issue", () => {
    const backlog = mirrorBacklog(ledger, MIRROR);
    expect(backlog).toEqual({ pending: 3, total: 6, ids: ["gt-crashed", "gt-flying", "gt-new"] });
    expect(backlogLine(backlog)).toBe("3 of 6 beads still to open on GitHub");
    expect(backlogLine({ pending: 1, total: 1 })).toBe("1 of 1 bead still to open on GitHub");
  });
});

describe("the intents", () => {
  const parent = bead("gt-p");
  const child = bead("gt-c", { status: "closed", closed_at: "2026-06-01T11:30:00Z", comments: [{ id: "c1", author: "a", text: "t", created_at: "2026-06-01T11:00:00Z" }], dependencies: [{ issue_id: "gt-c", depends_on_id: "gt-p", type: "parent-child" }, { issue_id: "gt-c", depends_on_id: "gt-x", type: "blocks" }] });
  const ledger = Ledger.of([parent, child, bead("gt-x")]);

  it("cost the issue, its closing, its links and its comments", () => {
    expect(openingCost(ledger, parent, MIRROR)).toBe(1);
    expect(openingCost(ledger, child, MIRROR)).toBe(5);
  });

  it("claim in order what the budget allows, spend it on the slot, and leave the rest waiting", () => {
    const spent = withMirrorBudget(ledger, "octo", "town", spend({}, NOW, 75), slot);
    const intents = withOpeningIntents(spent, { ...REPO, candidates: ["gt-c", "gt-p", "gt-x"], mirror: MIRROR, slot });
    expect(intents.claimed.map((b) => b.id)).toEqual(["gt-c"]);
    expect(intents.deferred).toBe(2);
    expect(intents.ledger.get("gt-c")?.metadata).toEqual({ gastown: { mirror_opening: "2026-06-01T12:00:00Z" } });
    expect(budgetOf(intents.ledger, "octo", "town").minute?.used).toBe(80);
    // Applied again on the ledger they made: nothing left to claim, the same ledger.
    const again = withOpeningIntents(intents.ledger, { ...REPO, candidates: ["gt-c"], mirror: MIRROR, slot });
    expect(again.ledger).toBe(intents.ledger);
    expect(again.claimed).toEqual([]);
  });
});

describe("recording an opened issue", () => {
  it("links the bead, records the id and what was sent as synced, and drops the intent; a bead linked already keeps its issue", () => {
    const sent = withGastownMetadata(bead("gt-a"), { mirror_opening: "2026-06-01T12:00:00Z" });
    const issue = { html_url: `${URL}3`, number: 3, id: 1003 };
    const newer = { ...sent, priority: 0 };
    const recorded = withOpenedIssue(newer, sent, issue);
    expect(recorded).toEqual(withGastownMetadata({ ...syncedAtCreation(bead("gt-a")), priority: 0, external_ref: `${URL}3` }, { issue_id: 1003 }));
    const linked = bead("gt-a", { external_ref: `${URL}9` });
    expect(withOpenedIssue(linked, sent, issue)).toBe(linked);
  });
});
