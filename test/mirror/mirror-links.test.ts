import { describe, expect, it } from "vitest";
import type { Bead } from "../../app/ledger/bead-schema.js";
import { Ledger } from "../../app/ledger/ledger.js";
import { beadsLinkingTo, ledgerLinks, linkChanges, noLinkChanges, syncedLinks, withSyncedLinks } from "../../app/mirror/mirror-links.js";

const bead = (id: string, fields: Partial<Bead> = {}): Bead => ({
  id, title: `Bead ${id}`, status: "open", priority: 2, issue_type: "task", created_at: "2026-06-01T12:00:00Z", updated_at: "2026-06-01T12:00:00Z", ...fields,
});
const dep = (from: string, to: string, type: string) => ({ issue_id: from, depends_on_id: to, type });
const mirrored = (b: Bead) => b.issue_type !== "message";

describe("a bead's links", () => {
  const ledger = Ledger.of([
    bead("gt-p"), bead("gt-q"), bead("gt-b"), bead("gt-m", { issue_type: "message" }),
    bead("gt-c", { dependencies: [dep("gt-c", "gt-q", "parent-child"), dep("gt-c", "gt-p", "parent-child"), dep("gt-c", "gt-b", "blocks"), dep("gt-c", "gt-m", "blocks"), dep("gt-c", "gt-b", "related"), dep("gt-c", "gt-gone", "blocks")] }),
  ]);

  it("are its parent (the smallest id should a merge leave two) and its blockers, among mirrored beads only", () => {
    expect(ledgerLinks(ledger, ledger.get("gt-c") as Bead, mirrored)).toEqual({ parent: "gt-p", blocked_by: ["gt-b"] });
    expect(ledgerLinks(ledger, ledger.get("gt-p") as Bead, mirrored)).toEqual({ blocked_by: [] });
  });

  it("name the beads that wait on another's issue", () => {
    expect(beadsLinkingTo(ledger, new Set(["gt-b"]))).toEqual(["gt-c"]);
    expect(beadsLinkingTo(ledger, new Set(["gt-m"]))).toEqual(["gt-c"]);
    expect(beadsLinkingTo(ledger, new Set(["gt-c"]))).toEqual([]);
  });

  it("are recorded as synced with keys absent when empty, and the same bead when nothing changes", () => {
    const b = bead("gt-c");
    const linked = withSyncedLinks(b, { parent: "gt-p", blocked_by: ["gt-z", "gt-b"] });
    expect(linked.metadata).toEqual({ gastown: { synced_links: { parent: "gt-p", blocked_by: ["gt-b", "gt-z"] } } });
    expect(syncedLinks(linked)).toEqual({ parent: "gt-p", blocked_by: ["gt-b", "gt-z"] });
    expect(withSyncedLinks(linked, { parent: "gt-p", blocked_by: ["gt-b", "gt-z"] })).toBe(linked);
    expect(withSyncedLinks(b, { blocked_by: [] })).toBe(b);
    expect(withSyncedLinks(linked, { blocked_by: [] }).metadata).toEqual({ gastown: {} });
  });
});

describe("what the ledger changed since the last sync", () => {
  it("adds a new parent, moving from the synced one, and adds and removes blockers", () => {
    expect(linkChanges({ parent: "gt-q", blocked_by: ["gt-a", "gt-b"] }, { parent: "gt-p", blocked_by: ["gt-b", "gt-c"] })).toEqual({
      parent: { add: "gt-q", remove: "gt-p" }, blockedBy: { add: ["gt-a"], remove: ["gt-c"] },
    });
  });

  it("removes a parent the ledger dropped, and sends nothing when both agree", () => {
    expect(linkChanges({ blocked_by: [] }, { parent: "gt-p", blocked_by: [] })).toEqual({ parent: { remove: "gt-p" }, blockedBy: { add: [], remove: [] } });
    expect(noLinkChanges(linkChanges({ parent: "gt-p", blocked_by: ["gt-a"] }, { parent: "gt-p", blocked_by: ["gt-a"] }))).toBe(true);
  });

  it("does not ask again for a parent GitHub refused", () => {
    expect(noLinkChanges(linkChanges({ parent: "gt-full", blocked_by: [] }, { blocked_by: [] }, "gt-full"))).toBe(true);
    expect(linkChanges({ parent: "gt-other", blocked_by: [] }, { blocked_by: [] }, "gt-full").parent).toEqual({ add: "gt-other" });
  });
});
