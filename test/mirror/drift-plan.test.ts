import { describe, expect, it } from "vitest";
import { defaultConfig } from "../../app/config/config-schema.js";
import type { Bead } from "../../app/ledger/bead-schema.js";
import { Ledger } from "../../app/ledger/ledger.js";
import { syncedAtCreation } from "../../app/mirror/bead-issue-sync.js";
import { applyDrift, planDrift, type DriftInput, type DriftIssue } from "../../app/mirror/drift-plan.js";
import { issueShape } from "../../app/mirror/issue-shape.js";

const NOW = new Date("2026-12-03T10:00:00Z");
const MIRROR = defaultConfig().mirror;
const URL = "https://github.com/octo/town/issues";

function bead(id: string, fields: Partial<Bead> = {}): Bead {
  return {
    id, title: `Work ${id}`, status: "open", priority: 2, issue_type: "task",
    created_at: "2026-12-01T09:00:00Z", updated_at: "2026-12-01T09:00:00Z", ...fields,
  };
}

function issueOf(b: Bead, number: number, change: Partial<DriftIssue> = {}): DriftIssue {
  const shape = issueShape(b);
  return {
    id: 1000 + number, number, html_url: `${URL}/${number}`, title: shape.title, body: shape.body, state: shape.state,
    labels: shape.labels.map((name) => ({ name })), assignees: [], ...change,
  };
}

function input(issues: DriftIssue[], mirror = MIRROR): DriftInput {
  return { issues, mirror, prefix: "gt", now: NOW, repository: { owner: "octo", repo: "town" } };
}

const linked = syncedAtCreation(bead("gt-a1", { external_ref: `${URL}/1` }));

describe("planDrift", () => {
  it("does nothing when both sides agree, twice over", () => {
    const ledger = Ledger.empty().withBead(linked);
    const plan = planDrift(ledger, input([issueOf(linked, 1)]));
    expect(plan).toEqual({ beads: [], edits: [], synced: [], recorded: [], imported: [], linked: [], relinked: [], commented: [], unopened: 0, lost: [] });
    expect(applyDrift(ledger, input([issueOf(linked, 1)]))).toBe(ledger);
  });

  it("takes an edit a missed webhook did not bring, and sends one a missed push did not", () => {
    const ledger = Ledger.empty().withBead({ ...linked, priority: 0 });
    const plan = planDrift(ledger, input([issueOf(linked, 1, { title: "Renamed on GitHub" })]));
    expect(plan.synced).toEqual(["gt-a1"]);
    expect(plan.beads.map((b) => [b.title, b.priority])).toEqual([["Renamed on GitHub", 0]]);
    expect(plan.edits).toEqual([{ number: 1, bead: "gt-a1", edit: { addLabels: ["priority::critical"], removeLabels: ["priority::medium"] } }]);
  });

  it("imports an open issue no bead holds, once, and never a closed one or a pull request's", () => {
    const person: DriftIssue = {
      id: 2002, number: 2, html_url: `${URL}/2`, title: "Crash on start", body: "It crashes.", state: "open",
      labels: [{ name: "bug" }], assignees: [{ login: "ann" }], created_at: "2026-12-02T08:00:00Z", user: { login: "ann" },
    };
    const closed = { ...person, id: 2003, number: 3, html_url: `${URL}/3`, state: "closed" };
    const plan = planDrift(Ledger.empty(), input([person, closed]));
    expect(plan.imported).toHaveLength(1);
    const made = plan.beads[0] as Bead;
    expect(made).toMatchObject({
      title: "Crash on start", description: "It crashes.", issue_type: "bug", labels: ["bug"], assignee: "ann",
      external_ref: `${URL}/2`, metadata: { gastown: { issue_id: 2002 } },
    });
    const after = applyDrift(Ledger.empty(), input([person, closed]));
    expect(planDrift(after, input([person, closed])).beads).toEqual([]);
  });

  it("imports only labelled issues when the mirror takes only those", () => {
    const labelled = { ...MIRROR, issues: "labelled" as const };
    const plain = issueOf(bead("x"), 4, { body: "no marker", user: { login: "ann" } });
    expect(planDrift(Ledger.empty(), input([plain], labelled)).imported).toEqual([]);
    const marked = { ...plain, labels: [{ name: "gt:mirror" }] };
    expect(planDrift(Ledger.empty(), input([marked], labelled)).imported).toHaveLength(1);
  });

  it("links a bead to the issue opened for it before a crash kept it from being recorded", () => {
    const opening = bead("gt-b2", { metadata: { gastown: { mirror_opening: "2026-12-03T09:59:00Z" } } });
    const plan = planDrift(Ledger.empty().withBead(opening), input([issueOf(opening, 5)]));
    expect(plan.linked).toEqual(["gt-b2"]);
    expect(plan.beads[0]).toMatchObject({ external_ref: `${URL}/5`, metadata: { gastown: { issue_id: 1005 } } });
    expect((plan.beads[0]?.metadata as { gastown: Record<string, unknown> }).gastown.mirror_opening).toBeUndefined();
    expect(plan.imported).toEqual([]);
  });

  it("counts the beads still to open, and names those whose issue is gone", () => {
    const ledger = Ledger.empty().withBeads([linked, bead("gt-c3"), bead("gt-d4", { issue_type: "molecule" })]);
    const plan = planDrift(ledger, input([]));
    expect(plan.unopened).toBe(1);
    expect(plan.lost).toEqual(["gt-a1"]);
  });
});
