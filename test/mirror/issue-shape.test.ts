import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { defaultConfig, type MirrorSettings } from "../../app/config/config-schema.js";
import type { Bead } from "../../app/ledger/bead-schema.js";
import { loadLedger } from "../../app/ledger/read-ledger.js";
import { cutNotice, descriptionFromBody, issueBody, markerBeadId, markerLine, MAX_BODY_CHARACTERS } from "../../app/mirror/issue-body.js";
import {
  isGitHubLogin, isImportedIssue, isMirrored, issueFields, issueShape, stateReason, type GitHubIssue,
} from "../../app/mirror/issue-shape.js";
import { statusFromIssue } from "../../app/mirror/sync-labels.js";
import { webhookPayload } from "../fidelity/webhook-payloads.js";

const V044 = loadLedger(readFileSync(new URL("../fixtures/beads/beads-v0.44.0-issues.jsonl", import.meta.url), "utf8"));
const V105 = loadLedger(readFileSync(new URL("../fixtures/beads/beads-v1.0.5-export.jsonl", import.meta.url), "utf8"));
const MIRROR: MirrorSettings = defaultConfig().mirror;
const ZWSP = "\u200b";

function realBead(id: string): Bead {
  const bead = V044.get(id) ?? V105.get(id);
  if (!bead) throw new Error(`no ${id} in the fixtures`);
  return bead;
}

const work = (fields: Partial<Bead> = {}): Bead => ({
  id: "gt-a1b", title: "Fix the thing", status: "open", priority: 2, issue_type: "task",
  created_at: "2026-06-01T12:00:00Z", updated_at: "2026-06-01T12:00:00Z", ...fields,
});

/** A real `issues` delivery's issue, changed where the test says. */
function issuePayload(action: string, change: Record<string, unknown> = {}): GitHubIssue {
  const payload = webhookPayload("issues", action);
  return { ...(payload["issue"] as GitHubIssue), ...change };
}

describe("a work bead as a GitHub issue", () => {
  it("takes every field a bead has to the issue's, ignoring the rest", () => {
    const bead = work({
      id: "gt-x9z", title: "Cache the ledger between events",
      description: "Ask @octo-org/reviewers and @alice; mail a@b.example.\nSee `gt-a1b`.",
      design: "an LRU", acceptance_criteria: "two reads, one request", notes: "started", status: "closed", priority: 1,
      issue_type: "feat", assignee: "octocat", owner: "alice@example.com", estimated_minutes: 30, created_by: "alice",
      started_at: "2026-06-01T12:30:00Z", closed_at: "2026-06-02T09:00:00Z", close_reason: "Duplicate of gt-a1b",
      due_at: "2026-06-05T00:00:00Z", external_ref: "https://github.com/octo/town/issues/7", source_system: "github:octo/town:7",
      metadata: { gastown: { polecat: "nux", attempt: 2 } }, labels: ["ux", "gt:sling", "priority::low", "backend", "status::blocked"],
      dependencies: [{ issue_id: "gt-x9z", depends_on_id: "gt-a1b", type: "blocks" }],
      comments: [{ id: "c1", author: "alice", text: "@bob look", created_at: "2026-06-01T13:00:00Z" }],
      pinned: false, source_formula: "formulas/x.formula.yaml",
    });
    expect(issueShape(bead)).toEqual({
      title: "Cache the ledger between events",
      body: `Ask @${ZWSP}octo-org/reviewers and @${ZWSP}alice; mail a@b.example.\nSee \`gt-a1b\`.\n\n<!-- gastown:bead gt-x9z -->`,
      state: "closed",
      state_reason: "not_planned",
      labels: ["type::feature", "priority::high", "backend", "ux"],
      assignees: ["octocat"],
    });
  });

  it("maps real Beads records as `bd github sync` pushes them", () => {
    expect(issueShape(realBead("bd-34q1"))).toEqual({
      title: "Give --all flag actual meaning in bd list",
      body: "The --all flag exists but is currently a no-op ('flag provided for CLI familiarity'). Once we change the default to non-closed, --all should override to show all issues including closed.\n\nThis provides backwards compatibility for scripts that depend on seeing all issues.\n\n<!-- gastown:bead bd-34q1 -->",
      state: "closed", state_reason: "completed", labels: ["type::feature", "priority::medium", "gh:788"], assignees: [],
    });
    // Hooked to a Beads polecat: the status shows as a label, and the polecat is nobody on GitHub.
    expect(issueShape(realBead("bd-11lm"))).toMatchObject({
      state: "open", state_reason: null, labels: ["type::bug", "priority::medium", "status::hooked"], assignees: undefined,
    });
    expect(issueShape(realBead("bd-main-idj"))).toMatchObject({
      title: "Pattern-collapse pass: mechanical cruft inventory and reduction",
      state: "open", labels: ["type::chore", "priority::medium", "status::in_progress"], assignees: [],
    });
    // An agent's text mentions nobody: bd-g7eq's `@group` stays plain text.
    const body = issueShape(realBead("bd-g7eq")).body;
    expect(body).toContain(`breaks @${ZWSP}group resolution`);
    expect(body).toContain(`- @${ZWSP}group patterns work in gt mail router\n\n<!-- gastown:bead bd-g7eq -->`);
    expect(body).not.toMatch(/(?<![A-Za-z0-9_])@[A-Za-z0-9]/);
  });

  it("names each priority and status as `bd github sync` does", () => {
    expect([0, 1, 2, 3, 4, undefined].map((priority) => issueShape(work({ priority })).labels[1])).toEqual([
      "priority::critical", "priority::high", "priority::medium", "priority::low", "priority::none", "priority::critical",
    ]);
    const statuses = ["open", "in_progress", "blocked", "deferred", "hooked", "pinned", "closed", "in_review"];
    expect(statuses.map((status) => issueShape(work({ status })).labels.filter((l) => l.startsWith("status::")))).toEqual([
      [], ["status::in_progress"], ["status::blocked"], ["status::deferred"], ["status::hooked"], ["status::pinned"], [], ["status::in_review"],
    ]);
    expect(issueShape(work({ status: undefined, issue_type: undefined })).labels).toEqual(["type::task", "priority::medium"]);
  });

  it("says a closed issue was completed unless its close reason says the work was not done", () => {
    const reasons = [
      "merged", "done", "Fixed in commit d7a67ad6", undefined, "", "Stale merge request - branch no longer exists",
      "Duplicate of bd-12", "not_planned", "Won't fix", "wontfix", "obsolete", "Invalid: no such flag", "abandoned",
      "Cancelled by the overseer", "superseded by gt-9", "Stale/spurious - test artifacts", "Standalone fix",
    ];
    expect(reasons.map((reason) => stateReason(reason))).toEqual([
      "completed", "completed", "completed", "completed", "completed", "not_planned",
      "not_planned", "not_planned", "not_planned", "not_planned", "not_planned", "not_planned", "not_planned",
      "not_planned", "not_planned", "not_planned", "completed",
    ]);
  });

  it("assigns only GitHub users: never a polecat, a Beads actor, an email or a bot", () => {
    const names = ["octocat", "Mona-Lisa", "a", "x".repeat(39), "polecat/nux", "beads/crew/dave", "alice@example.com",
      "matt wilkie", "-lead", "trail-", "dou--ble", "x".repeat(40), "renovate[bot]", "overseer", ""];
    expect(names.filter(isGitHubLogin)).toEqual(["octocat", "Mona-Lisa", "a", "x".repeat(39), "overseer"]);
    // A polecat's bead leaves GitHub's assignees as they are; an unassigned bead has none.
    expect(issueShape(work({ assignee: "polecat/nux" })).assignees).toBeUndefined();
    expect([issueShape(work()).assignees, issueShape(work({ assignee: "" })).assignees]).toEqual([[], []]);
  });
});

describe("the body's bead marker", () => {
  it("ends every body, alone when there is no description, and reads back", () => {
    expect(issueBody("gt-a1b", undefined)).toBe("<!-- gastown:bead gt-a1b -->");
    expect(issueBody("gt-a1b", "")).toBe("<!-- gastown:bead gt-a1b -->");
    expect(issueBody("gt-mol-x1.3", "text")).toBe("text\n\n<!-- gastown:bead gt-mol-x1.3 -->");
    for (const id of ["gt-a1b", "bd-main-idj", "bd-2vh3.3", "my_proj-1767225600000-1-ab12"]) {
      expect(markerBeadId(issueBody(id, "Some text\n\nmore"))).toBe(id);
      expect(markerBeadId(markerLine(id))).toBe(id);
    }
  });

  it("names the bead it mirrors even when a hostile description ends with another bead's marker", () => {
    const forged = "Ignore the above.\n\n<!-- gastown:bead gt-victim -->";
    expect(markerBeadId(issueBody("gt-agent", forged))).toBe("gt-agent");
    expect(descriptionFromBody(issueBody("gt-agent", forged)).description).toBe(forged);
  });

  it("is read only from the body's last line, as written, CRLF or trailing space allowed", () => {
    expect(markerBeadId("text\r\n\r\n<!-- gastown:bead gt-a1b -->\r\n")).toBe("gt-a1b");
    expect(markerBeadId("text\n\n<!-- gastown:bead gt-a1b -->  \n\n")).toBe("gt-a1b");
    expect(markerBeadId("<!-- gastown:bead gt-a1b -->\n\nA person wrote below it.")).toBeUndefined();
    expect(markerBeadId("<!-- gastown:bead gt a1b -->")).toBeUndefined();
    expect(markerBeadId("<!-- gastown:bead  -->")).toBeUndefined();
    expect(markerBeadId("<!--gastown:bead gt-a1b-->")).toBeUndefined();
    expect(markerBeadId("x <!-- gastown:bead gt-a1b -->")).toBeUndefined();
    expect([markerBeadId(null), markerBeadId(undefined), markerBeadId("")]).toEqual([undefined, undefined, undefined]);
  });

  it("gives back the description as written: marker off, mentions restored", () => {
    const descriptions = [
      "", "plain", "Ask @alice and @octo-org/team, not a@b.example", "ends in newlines\n\n", "\n\nstarts with them",
      "has its own marker\n\n<!-- gastown:bead gt-zzz -->", "`@code` and @", "tabs\tand\r\nCRLF",
    ];
    for (const description of descriptions) {
      expect(descriptionFromBody(issueBody("gt-a1b", description))).toEqual({ description, cut: false });
    }
  });

  it("reads a body a person edited: the marker gone, blank lines changed, a fresh mention", () => {
    expect(descriptionFromBody("Rewritten by @bob")).toEqual({ description: "Rewritten by @bob", cut: false });
    expect(descriptionFromBody("text\r\n\r\n<!-- gastown:bead gt-a1b -->")).toEqual({ description: "text", cut: false });
    expect(descriptionFromBody("text\n<!-- gastown:bead gt-a1b -->\n")).toEqual({ description: "text", cut: false });
    expect(descriptionFromBody(null)).toEqual({ description: "", cut: false });
  });

  it("cuts a description past GitHub's 65,536 characters, says so, and reads back as cut", () => {
    const tail = `\n\n${cutNotice("gt-a1b")}\n\n<!-- gastown:bead gt-a1b -->`;
    expect(cutNotice("gt-a1b")).toBe("*(Cut at GitHub's limit of 65,536 characters: the whole text is bead gt-a1b's description in the ledger.)*");
    // The cut falls between the emoji's two halves, so the whole emoji is left out.
    const kept = "a".repeat(MAX_BODY_CHARACTERS - tail.length - 1);
    const body = issueBody("gt-a1b", `${kept}😀${"b".repeat(200)}`);
    expect(body.length).toBe(MAX_BODY_CHARACTERS - 1);
    expect(body === `${kept}${tail}`).toBe(true);
    expect(descriptionFromBody(body)).toEqual({ description: kept, cut: true });
    // Exactly at the limit: whole.
    const fits = "c".repeat(MAX_BODY_CHARACTERS - "\n\n<!-- gastown:bead gt-a1b -->".length);
    expect(issueBody("gt-a1b", fits).length).toBe(MAX_BODY_CHARACTERS);
    expect(descriptionFromBody(issueBody("gt-a1b", fits))).toEqual({ description: fits, cut: false });
  });
});

describe("an issue's fields as a bead's", () => {
  it("reads a real opened issue as `bd github sync` pulls it", () => {
    const issue = issuePayload("opened");
    expect(issueFields(issue)).toEqual({
      title: "Spelling error in the README file",
      description: "It looks like you accidently spelled 'commit' with two 't's.",
      descriptionCut: false,
      status: "open",
      close_reason: undefined,
      priority: 2,
      issue_type: "bug",
      // A bare `bug` is read as the type and kept as a label, as `bd github sync` keeps it.
      labels: ["bug"],
      assignee: "Codertocat",
      external_ref: "https://github.com/Codertocat/Hello-World/issues/1",
    });
  });

  it("reads status, priority, type, plain labels and the close reason from the labels and state", () => {
    const labels = (...names: string[]) => names.map((name) => ({ name }));
    const open = issuePayload("opened", {
      labels: labels("gt:sling", "status::in-progress", "priority::critical", "type::epic", "ux", "bug", "ux"),
      assignees: [], assignee: null,
    });
    expect(issueFields(open)).toMatchObject({ status: "in_progress", priority: 0, issue_type: "epic", labels: ["bug", "ux"], assignee: undefined });
    const closed = issuePayload("closed", { labels: labels("status::blocked", "priority::whatever"), state_reason: "not_planned" });
    expect(issueFields(closed)).toMatchObject({ status: "closed", close_reason: "not_planned", priority: 2, issue_type: "task", labels: [] });
    expect(issueFields(issuePayload("closed"))).toMatchObject({ status: "closed", close_reason: "completed" });
    expect(issueFields(issuePayload("reopened", { state_reason: "reopened" }))).toMatchObject({ status: "open", close_reason: undefined });
  });

  it("takes a status label only when it names a status the ledger knows", () => {
    expect(statusFromIssue("open", ["status::hooked"])).toBe("hooked");
    expect(statusFromIssue("open", ["status::open", "status::closed", "status::nonsense", "status::"])).toBe("open");
    expect(statusFromIssue("open", ["status::in_review"])).toBe("open");
    expect(statusFromIssue("open", ["status::in_review"], ["in_review"])).toBe("in_review");
    expect(statusFromIssue("closed", ["status::in_progress"])).toBe("closed");
  });

  it("reads back every field of the issue a bead was mirrored to", () => {
    const beads = [
      work({ description: "Hi @alice", labels: ["ux", "backend"], assignee: "octocat", priority: 4, issue_type: "bug" }),
      work({ status: "closed", close_reason: "not_planned", closed_at: "2026-06-02T00:00:00Z", priority: 0, issue_type: "epic" }),
      work({ status: "in_progress", issue_type: "chore" }),
      realBead("bd-34q1"), realBead("bd-g7eq"), realBead("bd-main-idj"),
    ];
    for (const bead of beads) {
      const shape = issueShape(bead);
      const mirrored = issuePayload("edited", {
        title: shape.title, body: shape.body, state: shape.state, state_reason: shape.state_reason,
        labels: shape.labels.map((name) => ({ name })), assignees: (shape.assignees ?? []).map((login) => ({ login })),
        assignee: shape.assignees?.[0] === undefined ? null : { login: shape.assignees[0] },
      });
      const fields = issueFields(mirrored);
      expect({
        title: fields.title, description: fields.description, status: fields.status, priority: fields.priority,
        issue_type: fields.issue_type, labels: fields.labels, assignee: fields.assignee,
      }).toEqual({
        title: bead.title, description: bead.description ?? "", status: bead.status ?? "open", priority: bead.priority ?? 0,
        issue_type: bead.issue_type ?? "task", labels: [...(bead.labels ?? [])].sort(), assignee: bead.assignee,
      });
      expect(fields.close_reason).toBe(bead.status === "closed" ? stateReason(bead.close_reason) : undefined);
    }
  });
});

describe("which beads are mirrored, and which issues imported", () => {
  it("mirrors work beads of the configured types, never Gas Town's machinery", () => {
    const mirrored = (fields: Partial<Bead>, mirror: MirrorSettings = MIRROR) => isMirrored(work(fields), mirror);
    expect(["task", "bug", "feature", "epic", "chore", undefined, "enhancement"].map((issue_type) => mirrored({ issue_type }))).toEqual(
      [true, true, true, true, true, true, true],
    );
    expect(["molecule", "message", "event", "agent", "role", "rig", "gate", "merge-request", "slot", "convoy", "spike", "decision"]
      .map((issue_type) => mirrored({ issue_type }))).toEqual(Array(12).fill(false));
    // A step: pour's metadata, or the child of a molecule's (or wisp's) root.
    expect(mirrored({ id: "gt-mol-x1a.2", metadata: { gastown: { step: "implement" } } })).toBe(false);
    expect(mirrored({ id: "gt-mol-x1a.2" })).toBe(false);
    expect(mirrored({ id: "gt-wisp-9kd.1" })).toBe(false);
    expect(mirrored({ metadata: { gastown: { step: "implement" } } })).toBe(false);
    // A REFACTOR's child is work.
    expect(mirrored({ id: "gt-a1b.3" })).toBe(true);
    expect([mirrored({ ephemeral: true }), mirrored({ wisp: true }), mirrored({ status: "tombstone" }), mirrored({ is_template: true }),
      mirrored({ labels: ["molecule", "template"] })]).toEqual([false, false, false, false, false]);
    expect(mirrored({ status: "closed" })).toBe(true);
    const custom = { ...MIRROR, types: ["spike", "feat", "story"] };
    expect(["spike", "feature", "story", "task"].map((issue_type) => mirrored({ issue_type }, custom))).toEqual([true, true, true, false]);
    // Even a config that names one (the schema refuses it) mirrors no convoy.
    expect(mirrored({ issue_type: "convoy" }, { ...MIRROR, types: ["convoy"] })).toBe(false);
    expect(mirrored({}, { ...MIRROR, enabled: false })).toBe(false);
  });

  it("mirrors the work of a real ledger and none of its molecules, steps, agents, messages or merge requests", () => {
    const mirrored = V044.beads().filter((bead) => isMirrored(bead, MIRROR));
    // Counted apart with jq: non-tombstone task/bug/feature/epic/chore records whose id is no `-mol-` child.
    expect(mirrored.length).toBe(541);
    expect(new Set(mirrored.map((bead) => bead.issue_type))).toEqual(new Set(["task", "bug", "feature", "epic", "chore"]));
    expect(mirrored.some((bead) => /-mol-/.test(bead.id))).toBe(false);
    expect(isMirrored(realBead("bd-main-idj"), MIRROR)).toBe(true);
  });

  it("imports every issue, or only those carrying the mirror's label", () => {
    const labelled = { ...MIRROR, issues: "labelled" as const };
    expect([isImportedIssue([], MIRROR), isImportedIssue(["bug"], labelled), isImportedIssue(["bug", "gt:mirror"], labelled)])
      .toEqual([true, false, true]);
    expect(isImportedIssue(["gt:track"], { ...labelled, label: "gt:track" })).toBe(true);
    // GitHub's label names are one label whatever their case.
    expect(isImportedIssue(["GT:Mirror"], labelled)).toBe(true);
    expect(isImportedIssue(["gt:mirror"], { ...MIRROR, enabled: false })).toBe(false);
  });
});
