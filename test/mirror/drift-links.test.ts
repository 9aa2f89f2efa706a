import { describe, expect, it } from "vitest";
import { defaultConfig } from "../../app/config/config-schema.js";
import type { Bead } from "../../app/ledger/bead-schema.js";
import { Ledger } from "../../app/ledger/ledger.js";
import { driftLinkChanges, linkListsToRead } from "../../app/mirror/drift-links.js";

const MIRROR = defaultConfig().mirror;
const URL = "https://github.com/octo/town/issues";

function bead(id: string, number: number, links?: Record<string, unknown>): Bead {
  return {
    id, title: id, status: "open", priority: 2, issue_type: "task", external_ref: `${URL}/${number}`,
    created_at: "2026-12-01T09:00:00Z", updated_at: "2026-12-01T09:00:00Z",
    ...(links ? { metadata: { gastown: { synced_links: links } } } : {}),
  };
}

const ledger = Ledger.empty().withBeads([bead("gt-p", 1), bead("gt-c", 2, { parent: "gt-p", blocked_by: ["gt-b"] }), bead("gt-b", 3)]);

describe("the drift repair of links", () => {
  it("reads only the lists whose counts differ from what was last agreed", () => {
    const issues = [
      { html_url: `${URL}/1`, number: 1, sub_issues_summary: { total: 1 } },
      { html_url: `${URL}/2`, number: 2, issue_dependencies_summary: { total_blocked_by: 2 } },
      { html_url: `${URL}/3`, number: 3, sub_issues_summary: { total: 0 }, issue_dependencies_summary: { total_blocked_by: 0 } },
    ];
    expect(linkListsToRead(ledger, issues, MIRROR)).toEqual({ subIssues: [], blockedBy: [{ number: 2, html_url: `${URL}/2` }] });
  });

  it("takes in only what GitHub changed since: a link the ledger dropped and GitHub still lists is the push pass's to remove", () => {
    const dropped = ledger.update("gt-c", (b) => ({ ...b, dependencies: [] }));
    const lists = { subIssues: new Map([[`${URL}/1`, [`${URL}/2`]]]), blockedBy: new Map([[`${URL}/2`, [`${URL}/3`, `${URL}/9`]]]) };
    expect(driftLinkChanges(dropped, lists, MIRROR)).toEqual([]);
    const removed = { subIssues: new Map([[`${URL}/1`, []]]), blockedBy: new Map([[`${URL}/2`, []]]) };
    expect(driftLinkChanges(ledger, removed, MIRROR).map((c) => [c.link, c.added, c.from, c.to])).toEqual([
      ["parent", false, `${URL}/2`, `${URL}/1`], ["blocked_by", false, `${URL}/2`, `${URL}/3`],
    ]);
  });
});
