// The convoy's decisions: which sub-issues a wave slings, which wait and why, when it is done;
// its bead written once per change; its comment's text.
import { describe, expect, it } from "vitest";
import type { Bead } from "../../app/ledger/bead-schema.js";
import { Ledger } from "../../app/ledger/ledger.js";
import { gastownMetadata } from "../../app/molecules/gastown-metadata.js";
import { renderConvoyComment } from "../../app/town/convoy-comment.js";
import {
  convoyOf, convoyRef, convoysTracking, isConvoyIssue, openConvoys, parseConvoyRef, planWave, startedConvoy, subIssueWork, withConvoy, withConvoyWork, workStateOf,
  type Convoy, type SubIssueFacts,
} from "../../app/town/convoy.js";
import { minutesAfter, NOW } from "./town-builders.js";

const REF = convoyRef("octo/town", 1);

function started(): { ledger: Ledger; convoy: Convoy } {
  const ledger = startedConvoy(Ledger.empty(), { repo: "octo/town", number: 1, slungBy: "mayor", now: NOW, prefix: "town" });
  return { ledger, convoy: convoyOf(ledger, REF) as Convoy };
}

function sub(repo: string, number: number, fields: Partial<SubIssueFacts> = {}): SubIssueFacts {
  return { repo, number, id: number * 100, state: "open", work: { kind: "none" }, blockers: [], ...fields };
}

const work = (fields: Partial<Bead>): Bead => ({ id: "town-a1", title: "Work", created_at: "2026-11-24T12:00:00Z", updated_at: "2026-11-24T12:00:00Z", ...fields });

describe("the convoy bead", () => {
  it("is made once, open, with who slung it and when, under the tracking issue's ref", () => {
    const { ledger, convoy } = started();
    expect(REF).toBe("gastown:convoy/octo/town#1");
    expect(parseConvoyRef(REF)).toEqual({ owner: "octo", repo: "town", number: 1 });
    expect(convoy).toEqual({ ref: REF, repo: "octo/town", number: 1, status: "open", slungBy: "mayor", convoyAt: "2026-11-24T12:00:00Z", wave: 0, tracked: [] });
    const [bead] = ledger.beads();
    expect(bead).toMatchObject({ issue_type: "convoy", status: "open", title: "Convoy of octo/town#1", external_ref: REF });
    // Slung again while open: nothing written.
    expect(startedConvoy(ledger, { repo: "octo/town", number: 1, slungBy: "ann", now: minutesAfter(NOW, 5), prefix: "town" })).toBe(ledger);
    expect(openConvoys(ledger).map((c) => c.ref)).toEqual([REF]);
  });

  it("opens again when slung after it closed, without its close fields", () => {
    const { ledger, convoy } = started();
    const closed = withConvoy(ledger, { ...convoy, status: "closed" }, NOW);
    expect(closed.beads()[0]).toMatchObject({ status: "closed", close_reason: "landed", closed_at: "2026-11-24T12:00:00Z" });
    const reopened = startedConvoy(closed, { repo: "octo/town", number: 1, slungBy: "ann", now: minutesAfter(NOW, 5), prefix: "town" });
    const bead = reopened.beads()[0] as Bead;
    expect(bead.status).toBe("open");
    expect(bead.closed_at).toBeUndefined();
    expect(gastownMetadata(bead)).toMatchObject({ slung_by: "ann", convoy_at: "2026-11-24T12:05:00Z" });
  });

  it("is written only when its state changes", () => {
    const { ledger, convoy } = started();
    const plan = planWave(convoy, [sub("octo/town", 2)], NOW);
    const once = withConvoy(ledger, plan.convoy, NOW);
    expect(once).not.toBe(ledger);
    expect(withConvoy(once, convoyOf(once, REF) as Convoy, minutesAfter(NOW, 1))).toBe(once);
  });
});

describe("a wave", () => {
  it("slings every ready sub-issue across repositories; one blocked waits for its blocker", () => {
    const { convoy } = started();
    const plan = planWave(convoy, [
      sub("octo/town", 2),
      sub("octo/town", 3, { blockers: [{ repo: "octo/town", number: 2, state: "open" }] }),
      sub("octo/pumps", 1),
    ], NOW);
    expect(plan.sling.map((t) => `${t.repo}#${t.number}`)).toEqual(["octo/town#2", "octo/pumps#1"]);
    expect(plan.done).toBe(false);
    expect(plan.convoy.wave).toBe(1);
    expect(plan.convoy.tracked).toEqual([
      { repo: "octo/town", number: 2, id: 200, state: "slung", why: "slung", slung_at: "2026-11-24T12:00:00Z", wave: 1 },
      { repo: "octo/town", number: 3, id: 300, state: "waiting", why: "blocked by octo/town#2" },
      { repo: "octo/pumps", number: 1, id: 100, state: "slung", why: "slung", slung_at: "2026-11-24T12:00:00Z", wave: 1 },
    ]);
  });

  it("slings a blocked sub-issue once its blocker landed, even before GitHub closes the blocker", () => {
    const { convoy } = started();
    const plan = planWave(convoy, [
      sub("octo/town", 2, { work: { kind: "landed" } }),
      sub("octo/town", 3, { blockers: [{ repo: "octo/town", number: 2, state: "open" }] }),
      sub("octo/town", 4, { blockers: [{ repo: "octo/far", number: 9, state: "closed" }] }),
    ], NOW);
    expect(plan.sling.map((t) => t.number)).toEqual([3, 4]);
  });

  it("does not sling twice what an earlier step slung within the grace period, and slings again past it", () => {
    const { convoy } = started();
    const first = planWave(convoy, [sub("octo/town", 2)], NOW).convoy;
    expect(planWave(first, [sub("octo/town", 2)], minutesAfter(NOW, 1)).sling).toEqual([]);
    expect(planWave(first, [sub("octo/town", 2)], minutesAfter(NOW, 3)).sling.map((t) => t.slung_at)).toEqual(["2026-11-24T12:03:00Z"]);
  });

  it("counts work in progress as slung, with its bead's state, and never slings it again", () => {
    const { convoy } = started();
    const plan = planWave(convoy, [
      sub("octo/town", 2, { work: { kind: "working", status: "hooked" } }),
      sub("octo/town", 3, { work: { kind: "working", status: "waiting for a free polecat" } }),
    ], NOW);
    expect(plan.sling).toEqual([]);
    expect(plan.convoy.tracked.map((t) => [t.state, t.why])).toEqual([["slung", "hooked"], ["slung", "waiting for a free polecat"]]);
    expect(plan.convoy.wave).toBe(0);
  });

  it("refuses a sub-issue its repository does not allow, and keeps the convoy open", () => {
    const { convoy } = started();
    const plan = planWave(convoy, [sub("octo/town", 2, { work: { kind: "landed" } }), sub("octo/far", 1, { refused: "@mayor has read access to octo/far" })], NOW);
    expect(plan.sling).toEqual([]);
    expect(plan.convoy.tracked[1]).toEqual({ repo: "octo/far", number: 1, id: 100, state: "refused", why: "@mayor has read access to octo/far" });
    expect(plan.done).toBe(false);
  });

  it("is done when every tracked issue landed or was closed by a person; escalated work keeps it open", () => {
    const { convoy } = started();
    const landed = [sub("octo/town", 2, { work: { kind: "landed" } }), sub("octo/pumps", 1, { state: "closed" })];
    const done = planWave(convoy, landed, NOW);
    expect(done.done).toBe(true);
    expect(done.convoy.status).toBe("closed");
    expect(done.convoy.tracked.map((t) => t.state)).toEqual(["landed", "closed"]);
    expect(planWave(convoy, [...landed, sub("octo/town", 3, { work: { kind: "escalated" } })], NOW).done).toBe(false);
    // A convoy with nothing to track yet is not done: sub-issues may be added.
    expect(planWave(convoy, [], NOW).done).toBe(false);
    // A closed convoy plans nothing.
    expect(planWave(done.convoy, [sub("octo/town", 9)], NOW).sling).toEqual([]);
  });
});

describe("a sub-issue's work bead", () => {
  it("reads as landed when merged, closed otherwise, escalated after an ESCALATE exit, else working", () => {
    expect(workStateOf(undefined)).toEqual({ kind: "none" });
    expect(workStateOf(work({ status: "closed", close_reason: "merged" }))).toEqual({ kind: "landed" });
    expect(workStateOf(work({ status: "closed", close_reason: "done" }))).toEqual({ kind: "closed" });
    expect(workStateOf(work({ status: "open", metadata: { gastown: { exit: "ESCALATE" } } }))).toEqual({ kind: "escalated" });
    expect(workStateOf(work({ status: "open", metadata: { gastown: { slung_at: "2026-11-24T12:00:00Z", waiting_since: "2026-11-24T12:00:00Z" } } })))
      .toEqual({ kind: "working", status: "waiting for a free polecat" });
    expect(workStateOf(work({ status: "in_progress" }))).toEqual({ kind: "working", status: "in_progress" });
    // Slung once and unslung since: left to the person who unslung it.
    expect(workStateOf(work({ status: "open", metadata: { gastown: { slung_at: "2026-11-24T12:00:00Z" } } }))).toEqual({ kind: "working", status: "open" });
  });

  it("is no work yet when the mirror imported it and no one has slung it", () => {
    expect(workStateOf(work({ status: "open", external_ref: "https://github.com/octo/town/issues/2" }))).toEqual({ kind: "none" });
  });

  it("is, for a sub-issue that is a convoy itself, its own convoy", () => {
    const url = "https://github.com/octo/town/issues/5";
    const epic = { url, repo: "octo/town", number: 5, labels: ["type::epic"] };
    expect(subIssueWork(Ledger.empty(), epic)).toEqual({ kind: "none" });
    const ledger = startedConvoy(Ledger.empty(), { repo: "octo/town", number: 5, slungBy: "mayor", now: NOW, prefix: "town" });
    expect(subIssueWork(ledger, epic)).toEqual({ kind: "working", status: "a convoy of its own" });
    expect(subIssueWork(ledger, { ...epic, labels: [] })).toEqual({ kind: "none" });
  });

  it("is marked as the convoy's once", () => {
    const ledger = Ledger.empty().withBead(work({ external_ref: "https://github.com/octo/pumps/issues/1" }));
    const marked = withConvoyWork(ledger, "https://github.com/octo/pumps/issues/1", { ref: REF, convoyAt: "2026-11-24T12:00:00Z" });
    expect(gastownMetadata(marked.get("town-a1") as Bead)).toEqual({ convoy: REF, convoy_at: "2026-11-24T12:00:00Z" });
    expect(withConvoyWork(marked, "https://github.com/octo/pumps/issues/1", { ref: REF, convoyAt: "2026-11-24T12:00:00Z" })).toBe(marked);
  });
});

describe("the convoys tracking an issue", () => {
  it("are the open ones of the ledger that list it, and the one its work bead was slung for, each once", () => {
    const { ledger, convoy } = started();
    const tracking = withConvoy(ledger, planWave(convoy, [sub("octo/town", 2), sub("octo/pumps", 1)], NOW).convoy, NOW);
    const elsewhere = convoyRef("octo/yard", 9);
    const url = (repo: string, n: number) => `https://github.com/${repo}/issues/${n}`;
    const ledgerNow = withConvoyWork(tracking.withBead(work({ external_ref: url("octo/town", 2) })), url("octo/town", 2), { ref: elsewhere, convoyAt: "2026-11-24T12:00:00Z" });
    expect(convoysTracking(ledgerNow, { repo: "octo/town", number: 2, url: url("octo/town", 2) })).toEqual([REF, elsewhere]);
    expect(convoysTracking(ledgerNow, { repo: "octo/pumps", number: 1, url: url("octo/pumps", 1) })).toEqual([REF]);
    expect(convoysTracking(ledgerNow, { repo: "octo/town", number: 3, url: url("octo/town", 3) })).toEqual([]);
    // A closed convoy tracks nothing any more.
    const closed = withConvoy(ledgerNow, { ...(convoyOf(ledgerNow, REF) as Convoy), status: "closed" }, NOW);
    expect(convoysTracking(closed, { repo: "octo/pumps", number: 1, url: url("octo/pumps", 1) })).toEqual([]);
  });

  it("closing, closes the tracking issue's own bead (the mirror's import) with it, and no other", () => {
    const { ledger, convoy } = started();
    const epic = work({ id: "town-e1", status: "open", issue_type: "epic", external_ref: "https://github.com/octo/town/issues/1" });
    const other = work({ id: "town-e2", status: "open", external_ref: "https://github.com/octo/town/issues/11" });
    const closed = withConvoy(ledger.withBead(epic).withBead(other), { ...convoy, status: "closed" }, NOW);
    expect(closed.get("town-e1")).toEqual({ ...epic, status: "closed", closed_at: "2026-11-24T12:00:00Z", close_reason: "landed", updated_at: "2026-11-24T12:00:00Z" });
    expect(closed.get("town-e2")).toEqual(other);
  });
});

describe("slinging an issue", () => {
  it("starts a convoy for an epic or a gt:convoy issue only", () => {
    expect(isConvoyIssue(["type::epic"])).toBe(true);
    expect(isConvoyIssue(["gt:convoy", "gt:sling"])).toBe(true);
    expect(isConvoyIssue(["type::feature", "gt:sling"])).toBe(false);
  });
});

describe("the tracking comment", () => {
  it("shows each tracked issue's state in a table, titles as plain text that pings no one", () => {
    const { convoy } = started();
    const plan = planWave(convoy, [
      sub("octo/town", 2, { work: { kind: "landed" } }),
      sub("octo/town", 3, { blockers: [{ repo: "octo/town", number: 4, state: "open" }] }),
      sub("octo/pumps", 1, { refused: "see below" }),
    ], NOW);
    const titles = new Map([["octo/town#2", "Fix the pumps"], ["octo/town#3", "Ask @mayor | [click](https://evil.example) <b>now</b>"], ["octo/pumps#1", "Seal"]]);
    expect(renderConvoyComment({ convoy: plan.convoy, titles, notes: ["octo/pumps: Gas Town is not switched on in this repository"] })).toBe([
      "<!-- gastown:convoy -->",
      "### Gas Town · 🚚 Convoy",
      "",
      "Slung by @mayor: 1 of 3 landed or closed, wave 0. Each sub-issue goes to a polecat once nothing blocks it, as many at a time per repository as its `limits.max_polecats` allows.",
      "",
      "| Issue | Title | State |",
      "|---|---|---|",
      "| octo/town#2 | Fix the pumps | 🛬 landed |",
      "| octo/town#3 | Ask @\u200bmayor \\| \\[click\\]\\(https://evil.example\\) now | ⏳ waiting: blocked by octo/town#4 |",
      "| octo/pumps#1 | Seal | ⛔ not slung: see below |",
      "",
      "```mermaid",
      "flowchart LR",
      "  accTitle: The convoy's waves",
      '  subgraph unwaved["In no wave"]',
      '    i1["#2 Fix the pumps"]:::done',
      '    i3["octo/pumps#1 Seal"]:::failed',
      "  end",
      '  subgraph later["Waiting for blockers"]',
      '    i2["#3 Ask #64;mayor #124; #91;click#93;(https#58;//evil.example) n#8230;"]:::waiting',
      "  end",
      "  classDef done fill:#d3f9d8,stroke:#2b8a3e,color:#1b4332",
      "  classDef waiting fill:#f1f3f5,stroke:#868e96,color:#343a40,stroke-dasharray:4 3",
      "  classDef failed fill:#ffe3e3,stroke:#c92a2a,color:#5c0011",
      "```",
      "",
      "- octo/pumps: Gas Town is not switched on in this repository",
      "",
      "<sub>`/gt help` lists the commands.</sub>",
      "",
    ].join("\n"));
  });

  it("says the convoy is done once it closes", () => {
    const { convoy } = started();
    const done = planWave(convoy, [sub("octo/town", 2, { work: { kind: "landed" } })], NOW).convoy;
    expect(renderConvoyComment({ convoy: done, titles: new Map(), notes: [] }).split("\n").slice(1, 4)).toEqual([
      "### Gas Town · ✅ Convoy landed", "", "All 1 tracked issue landed or closed, so this convoy is done and its issue closed.",
    ]);
  });
});
