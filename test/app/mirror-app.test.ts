// The ledger mirrored to GitHub issues through the real App in Probot, against the emulator:
// each push to the ledger branch handed to the App, exact requests, exact issues, exact ledger.
import { afterEach, describe, expect, it } from "vitest";
import type { Bead } from "../../app/ledger/bead-schema.js";
import { syncedAtCreation } from "../../app/mirror/bead-issue-sync.js";
import { mirrorSlotRef } from "../../app/mirror/mirror-budget.js";
import { gastownMetadata, withGastownMetadata } from "../../app/molecules/gastown-metadata.js";
import { commitOnBranch } from "../emulator/testing.js";
import { REPO, type Town } from "./app-harness.js";
import { agentWrites, appStore, blocks, LEDGER_BRANCH, parentOf, personPushes, sentSince, startMirrorTown, T, workBead } from "./mirror-harness.js";
import { patrol } from "./witness-harness.js";

let town: Town;
afterEach(async () => {
  await town.close();
  expect(town.github.problems).toEqual([]);
});

const issues = () => (town.github.state.repos[REPO]?.issues ?? []).map((i) => ({
  number: i.number, title: i.title, body: i.body, state: i.state, labels: i.labels, user: i.user, subIssues: i.subIssues, blockedBy: i.blockedBy,
}));
const url = (n: number) => `${town.github.urls.web}/octo/town/issues/${n}`;
const issueId = (n: number) => town.issue(n).id;
const syncedLinksOf = (b: Bead | undefined) => (b === undefined ? undefined : gastownMetadata(b).synced_links);
const beads = async () => (await town.ledger())?.beads() ?? [];
/** The bead as the mirror records it right after opening its issue. */
function opened(bead: Bead, n: number, gastown: Record<string, unknown> = {}): Bead {
  return withGastownMetadata({ ...syncedAtCreation(bead), external_ref: url(n) }, { issue_id: issueId(n), ...gastown });
}

/** A REFACTOR's work: an epic, two children, the second blocking the first. */
const P1 = workBead("gt-p1", "Split the pump controller", { issue_type: "epic", description: "Two parts; ask @ann first." });
const C1 = workBead("gt-c1", "Move the valve logic", { dependencies: [parentOf("gt-c1", "gt-p1"), blocks("gt-c1", "gt-c2")], labels: ["pumps"] });
const C2 = workBead("gt-c2", "Extract the sensor API", { priority: 1, dependencies: [parentOf("gt-c2", "gt-p1")] });

const LEDGER_WRITE_AFTER_READ = [
  "GET /repos/octo/town/git/ref/heads/gastown/ledger",
  "GET /repos/octo/town/git/commits/<sha>",
  "GET /repos/octo/town/git/trees/<sha>?recursive=1",
  "GET /repos/octo/town/git/blobs/<sha>",
  "POST /repos/octo/town/git/trees",
  "POST /repos/octo/town/git/commits",
  "PATCH /repos/octo/town/git/refs/heads/gastown/ledger",
];
const COMMIT = LEDGER_WRITE_AFTER_READ.slice(4);

describe("a bead an agent filed", () => {
  it("appears as an issue with its labels, a REFACTOR's children as sub-issues, a blocked-by link, exactly once", async () => {
    town = await startMirrorTown();
    await agentWrites(town, (ledger) => ledger.withBeads([P1, C1, C2]));
    let from = town.sent.length;
    const [push] = await town.deliver();

    expect(sentSince(town, from)).toEqual([
      "GET /repos/octo/town/contents/.github/gastown.yml",
      "GET /repos/octo/town/contents/.beads/issues.jsonl?ref=<sha>",
      "GET /app",
      ...LEDGER_WRITE_AFTER_READ,
      "POST /repos/octo/town/issues",
      "POST /repos/octo/town/issues",
      "POST /repos/octo/town/issues",
      "POST /repos/octo/town/issues/3/sub_issues",
      "POST /repos/octo/town/issues/1/dependencies/blocked_by",
      "POST /repos/octo/town/issues/3/sub_issues",
      ...COMMIT,
    ]);
    expect(issues()).toEqual([
      { number: 1, title: "Move the valve logic", body: "<!-- gastown:bead gt-c1 -->", state: "open", labels: ["type::task", "priority::medium", "pumps"], user: "gastown[bot]", subIssues: [], blockedBy: [issueId(2)] },
      { number: 2, title: "Extract the sensor API", body: "<!-- gastown:bead gt-c2 -->", state: "open", labels: ["type::task", "priority::high"], user: "gastown[bot]", subIssues: [], blockedBy: [] },
      {
        number: 3, title: "Split the pump controller", body: "Two parts; ask @\u200bann first.\n\n<!-- gastown:bead gt-p1 -->", state: "open",
        labels: ["type::epic", "priority::medium"], user: "gastown[bot]", subIssues: [issueId(1), issueId(2)], blockedBy: [],
      },
    ]);
    const slot = (await beads()).find((b) => b.external_ref === mirrorSlotRef("octo", "town"));
    expect(await beads()).toEqual([
      opened(C1, 1, { synced_links: { parent: "gt-p1", blocked_by: ["gt-c2"] } }),
      opened(C2, 2, { synced_links: { parent: "gt-p1" } }),
      opened(P1, 3),
      slot,
    ].sort((a, b) => (a!.id < b!.id ? -1 : 1)));
    // The budget: three issues and three links, counted in the intents' commit.
    expect(slot?.metadata).toEqual({ gastown: { minute: { since: "2026-11-24T12:00:00Z", used: 6 }, hour: { since: "2026-11-24T12:00:00Z", used: 6 } } });

    // The mirror's own commits: nothing to read, nothing to send.
    from = town.sent.length;
    expect((await town.deliver()).filter((d) => d.event === "push")).toHaveLength(2);
    expect(sentSince(town, from)).toEqual([]);

    // The agent's push delivered again: read, found mirrored, and nothing made twice.
    const before = await beads();
    from = town.sent.length;
    await town.app(0).receive({ id: `${push!.id}-again`, name: "push", payload: push!.payload as never });
    expect(sentSince(town, from).filter((r) => !r.startsWith("GET "))).toEqual([]);
    expect(issues().map((i) => i.number)).toEqual([1, 2, 3]);
    expect(await beads()).toEqual(before);
  });

  it("posts its comments once, mentions neutralised, and records their ids", async () => {
    town = await startMirrorTown();
    const note = { id: "c-1", issue_id: "gt-a1", author: "polecat/nux", text: "Ask @ann about the valve.", created_at: T };
    const bead = workBead("gt-a1", "Fix the valve", { comments: [note] });
    await agentWrites(town, (ledger) => ledger.withBead(bead));
    await town.deliver();

    const body = (text: string, id: string) => `${text}\n\n<sub>polecat/nux, in the ledger</sub>\n\n<!-- gastown:comment ${id} -->`;
    expect(town.issue(1).comments.map((c) => ({ user: c.user, body: c.body }))).toEqual([{ user: "gastown[bot]", body: body("Ask @\u200bann about the valve.", "c-1") }]);
    const firstId = town.issue(1).comments[0]!.id;
    expect((await town.ledger())?.get("gt-a1")?.comments).toEqual([{ ...note, github_id: firstId }]);

    // A second comment on a bead already mirrored: looked for first (a crash may have posted it), then posted.
    const second = { id: "c-2", issue_id: "gt-a1", author: "polecat/nux", text: "Done with @ann's fix.", created_at: "2026-11-24T11:30:00Z" };
    await town.deliver();
    await agentWrites(town, (ledger) => ledger.update("gt-a1", (b) => ({ ...b, comments: [...(b.comments ?? []), second] })), "Polecat nux: a note");
    let from = town.sent.length;
    await town.deliver();
    expect(sentSince(town, from)).toEqual([
      "GET /repos/octo/town/contents/.github/gastown.yml",
      "GET /repos/octo/town/contents/.beads/issues.jsonl?ref=<sha>",
      "GET /repos/octo/town/issues/1",
      "GET /repos/octo/town/issues/1/comments?since=2026-11-24T11:20:00.000Z&per_page=100&page=1",
      "POST /repos/octo/town/issues/1/comments",
      ...LEDGER_WRITE_AFTER_READ,
    ]);
    from = town.sent.length;
    // The mirror's own commit: nothing to send.
    expect((await town.deliver()).filter((d) => d.event === "push")).toHaveLength(1);
    expect(sentSince(town, from)).toEqual([]);
    expect(town.issue(1).comments.map((c) => c.body)).toEqual([body("Ask @\u200bann about the valve.", "c-1"), body("Done with @\u200bann's fix.", "c-2")]);
    expect((await town.ledger())?.get("gt-a1")?.comments).toEqual([{ ...note, github_id: firstId }, { ...second, github_id: town.issue(1).comments[1]!.id }]);
  });
});

describe("a crash", () => {
  it("between opening an issue and recording it: the patrol finds the same issue, and opens no other", async () => {
    town = await startMirrorTown();
    const bead = workBead("gt-a1", "Fix the valve");
    await agentWrites(town, (ledger) => ledger.withBead(bead));
    // The recording commit fails after the issue is made, as if the App died there.
    const stop = town.github.onArrival((arrival) => {
      if (arrival.method === "POST" && arrival.url.endsWith("/repos/octo/town/issues")) town.github.inject({ kind: "status", status: 500, operationId: "git/create-commit", times: 1 });
    });
    await expect(town.deliver()).rejects.toThrow();
    stop();
    const intent = (await town.ledger())?.get("gt-a1");
    expect(intent).toEqual(withGastownMetadata(bead, { mirror_opening: "2026-11-24T12:00:00Z" }));
    expect(issues().map((i) => i.number)).toEqual([1]);

    // Within the grace the intent is another pass's work in flight: left alone.
    await town.deliver();
    expect((await patrol(town)).kind).toBe("patrolled");
    expect(issues().map((i) => i.number)).toEqual([1]);

    town.clock.now = new Date("2026-11-24T12:03:00Z");
    const from = town.sent.length;
    const report = await patrol(town);
    expect(report).toMatchObject({ mirror: ["The mirror found #1 (gt-a1), opened before a crash."] });
    expect(sentSince(town, from).filter((r) => r.includes("/issues") && !r.includes("/contents/"))).toEqual([
      "GET /repos/octo/town/issues?creator=gastown[bot]&state=all&since=2026-11-24T11:50:00.000Z&per_page=100&page=1",
    ]);
    expect(issues().map((i) => i.number)).toEqual([1]);
    const recorded = (await town.ledger())?.get("gt-a1");
    // Synced with the issue as found: the time of its state is recorded with it.
    expect(recorded).toEqual(opened(bead, 1, { issue_updated_at: town.issue(1).updatedAt }));
  });
});

describe("more crashes", () => {
  it("between posting a comment and recording it: found by its marker, not posted again", async () => {
    town = await startMirrorTown();
    await agentWrites(town, (ledger) => ledger.withBead(workBead("gt-a1", "Fix the valve")));
    await town.deliver();
    await town.deliver();
    const note = { id: "c-9", issue_id: "gt-a1", author: "polecat/nux", text: "Half way.", created_at: "2026-11-24T11:40:00Z" };
    await agentWrites(town, (ledger) => ledger.update("gt-a1", (b) => ({ ...b, comments: [note] })), "Polecat nux: a note");
    const stop = town.github.onArrival((arrival) => {
      if (arrival.method === "POST" && arrival.url.endsWith("/issues/1/comments")) town.github.inject({ kind: "status", status: 502, operationId: "git/create-commit", times: 1 });
    });
    const [push] = await town.newDeliveries();
    const receive = (id: string) => town.app(0).receive({ id, name: "push", payload: push!.payload as never });
    await expect(receive(push!.id)).rejects.toThrow();
    stop();
    expect(town.issue(1).comments).toHaveLength(1);
    expect((await town.ledger())?.get("gt-a1")?.comments).toEqual([note]);

    // The delivery again (GitHub's redelivery, or a person's): the comment is found, and recorded.
    await receive(`${push!.id}-again`);
    expect(town.issue(1).comments).toHaveLength(1);
    expect((await town.ledger())?.get("gt-a1")?.comments).toEqual([{ ...note, github_id: town.issue(1).comments[0]!.id }]);
  });

  it("a secondary rate limit mid-pass: what was opened is recorded, the rest is found or opened later, none twice", async () => {
    town = await startMirrorTown();
    // The second issue of the pass is refused (the fault applies to the request that arrives).
    let opened = 0;
    const stop = town.github.onArrival((arrival) => {
      if (arrival.method === "POST" && arrival.url.endsWith("/repos/octo/town/issues") && ++opened === 2) {
        town.github.inject({ kind: "secondary-rate-limit", retryAfter: 60, operationId: "issues/create", times: 1 });
      }
    });
    await agentWrites(town, (ledger) => ledger.withBeads([workBead("gt-a1", "One"), workBead("gt-a2", "Two")]));
    await expect(town.deliver()).rejects.toThrow();
    stop();
    expect(issues().map((i) => i.title)).toEqual(["One"]);
    expect((await town.ledger())?.get("gt-a1")?.external_ref).toBe(url(1));
    expect((await town.ledger())?.get("gt-a2")?.metadata).toEqual({ gastown: { mirror_opening: "2026-11-24T12:00:00Z" } });

    town.clock.now = new Date("2026-11-24T12:02:30Z");
    expect(await patrol(town)).toMatchObject({ mirror: ["The mirror opened #2 (gt-a2)."] });
    expect(issues().map((i) => i.title)).toEqual(["One", "Two"]);
    expect((await town.ledger())?.get("gt-a2")?.external_ref).toBe(url(2));
  });

  it("a child opened before its parent (the budget held the parent back) is linked once the parent opens", async () => {
    town = await startMirrorTown();
    const spent = { since: "2026-11-24T11:59:30Z", used: 78 };
    const slot = {
      ...workBead("gt-s0", "Mirror of octo/town to GitHub issues", { issue_type: "slot", external_ref: mirrorSlotRef("octo", "town") }),
      metadata: { gastown: { minute: spent, hour: spent } },
    };
    await agentWrites(town, (ledger) => ledger.withBeads([slot, workBead("gt-a1", "The part", { dependencies: [parentOf("gt-a1", "gt-z9")] }), workBead("gt-z9", "The whole", { issue_type: "epic" })]));
    await town.deliver();
    expect(issues().map((i) => i.title)).toEqual(["The part"]);
    expect(syncedLinksOf((await town.ledger())?.get("gt-a1"))).toBeUndefined();

    town.clock.now = new Date("2026-11-24T12:01:00Z");
    await patrol(town);
    expect(issues().map((i) => [i.title, i.subIssues])).toEqual([["The part", []], ["The whole", [issueId(1)]]]);
    expect(syncedLinksOf((await town.ledger())?.get("gt-a1"))).toEqual({ parent: "gt-z9" });
  });
});

describe("a person's git push", () => {
  it("without trailers is diffed against the ledger before it, and mirrored", async () => {
    town = await startMirrorTown();
    await agentWrites(town, (ledger) => ledger.withBead(workBead("gt-a1", "Fix the valve")));
    await town.deliver();
    await town.deliver();
    await personPushes(town, (ledger) => ledger
      .withBead(workBead("gt-b2", "Oil the pump", { created_by: "mayor" }))
      .update("gt-a1", (b) => ({ ...b, title: "Fix the east valve", updated_at: "2026-11-24T11:50:00Z" })));
    const from = town.sent.length;
    await town.deliver();

    expect(sentSince(town, from)).toEqual([
      "GET /repos/octo/town/contents/.github/gastown.yml",
      "GET /repos/octo/town/contents/.beads/issues.jsonl?ref=<sha>",
      "GET /repos/octo/town/contents/.beads/issues.jsonl?ref=<sha>",
      ...LEDGER_WRITE_AFTER_READ,
      "POST /repos/octo/town/issues",
      "GET /repos/octo/town/issues/1",
      "PATCH /repos/octo/town/issues/1",
      ...COMMIT,
    ]);
    expect(town.sent.find((s) => s.method === "PATCH" && s.url === "/repos/octo/town/issues/1")?.body).toEqual({ title: "Fix the east valve" });
    expect(issues().map((i) => [i.number, i.title])).toEqual([[1, "Fix the east valve"], [2, "Oil the pump"]]);
    expect((await town.ledger())?.get("gt-b2")?.external_ref).toBe(url(2));
  });
});

describe("what the pass finds on the issue", () => {
  it("records the issue's time from the answer to its edit, and takes in a status:: label naming a custom status, reading the config once", async () => {
    town = await startMirrorTown();
    await agentWrites(town, (ledger) => ledger.withBead(workBead("gt-a1", "Fix the valve")));
    await town.deliver();
    await town.deliver();
    await commitOnBranch(town.github, REPO, town.github.userToken("mayor"), {
      branch: LEDGER_BRANCH, message: "Statuses of our own", files: { ".beads/config.yaml": 'issue-prefix: "gt"\nstatus:\n  custom: "review"\n' },
    });
    // A person puts the issue in review; the webhook is lost.
    await town.as("mayor", "POST", "/repos/octo/town/issues/1/labels", { labels: ["status::review"] });
    await town.newDeliveries();
    await agentWrites(town, (ledger) => ledger.update("gt-a1", (b) => ({ ...b, title: "Fix the east valve" })), "Polecat nux: retitled");
    const from = town.sent.length;
    await town.deliver();

    expect(sentSince(town, from)).toEqual([
      "GET /repos/octo/town/contents/.github/gastown.yml",
      "GET /repos/octo/town/contents/.beads/issues.jsonl?ref=<sha>",
      "GET /repos/octo/town/issues/1",
      "GET /repos/octo/town/contents/.beads/config.yaml?ref=refs/heads/gastown/ledger",
      "PATCH /repos/octo/town/issues/1",
      ...LEDGER_WRITE_AFTER_READ,
    ]);
    const bead = (await appStore(town).peek()).get("gt-a1");
    expect(bead).toMatchObject({ title: "Fix the east valve", status: "review" });
    expect(gastownMetadata(bead as Bead).issue_updated_at).toBe(town.issue(1).updatedAt);
    expect(town.issue(1).labels).toEqual(["type::task", "priority::medium", "status::review"]);
  });
});

describe("the budget", () => {
  it("stops a pass at GitHub's secondary limit, says what is left, and the patrol continues it", async () => {
    town = await startMirrorTown();
    const spent = { since: "2026-11-24T11:59:30Z", used: 78 };
    const slot = {
      ...workBead("gt-s0", "Mirror of octo/town to GitHub issues", { issue_type: "slot", external_ref: mirrorSlotRef("octo", "town") }),
      metadata: { gastown: { minute: spent, hour: spent } },
    };
    await agentWrites(town, (ledger) => ledger.withBeads([slot, workBead("gt-a1", "One"), workBead("gt-a2", "Two"), workBead("gt-a3", "Three")]));
    await town.deliver();
    expect(issues().map((i) => i.title)).toEqual(["One", "Two"]);
    expect((await town.ledger())?.get("gt-a3")?.external_ref).toBeUndefined();

    // Still the same minute: the patrol opens nothing, asks nothing more for it, and says what waits.
    await town.deliver();
    const from = town.sent.length;
    expect(await patrol(town)).toMatchObject({ mirror: ["1 of 3 beads still to open on GitHub, as GitHub's secondary limits allow."] });
    expect(sentSince(town, from)).toEqual([
      "GET /repos/octo/town/contents/.github/gastown.yml",
      "GET /repos/octo/town/contents/.beads/issues.jsonl?ref=refs/heads/gastown/ledger",
    ]);
    expect(issues()).toHaveLength(2);
    // And `/peek all` says so too.
    await town.as("mayor", "POST", "/repos/octo/town/issues/1/comments", { body: "/peek all" });
    await town.deliver();
    expect(town.issue(1).comments.at(-1)?.body).toMatch(/\n\nThe mirror: 1 of 3 beads still to open on GitHub\.\n$/);

    town.clock.now = new Date("2026-11-24T12:00:31Z");
    expect(await patrol(town)).toMatchObject({ mirror: ["The mirror opened #3 (gt-a3)."] });
    expect(issues().map((i) => i.title)).toEqual(["One", "Two", "Three"]);
    const budget = (await town.ledger())?.get("gt-s0")?.metadata;
    expect(budget).toEqual({ gastown: { minute: { since: "2026-11-24T12:00:31Z", used: 1 }, hour: { since: "2026-11-24T11:59:30Z", used: 81 } } });
    // Nothing left: a patrol pass costs the mirror nothing.
    expect(await patrol(town)).not.toHaveProperty("mirror");
  });
});

describe("sub-issues past GitHub's limit", () => {
  it("keep the link in the ledger, and say so on the bead and in the report", async () => {
    town = await startMirrorTown();
    await town.as("mayor", "POST", "/repos/octo/town/issues", { title: "The big epic" });
    for (let n = 2; n <= 101; n++) {
      const child = await town.as("mayor", "POST", "/repos/octo/town/issues", { title: `Part ${n}` }) as { id: number };
      await town.as("mayor", "POST", "/repos/octo/town/issues/1/sub_issues", { sub_issue_id: child.id });
    }
    const epic = workBead("gt-e1", "The big epic", { issue_type: "epic", external_ref: url(1) });
    await agentWrites(town, (ledger) => ledger.withBead(epic));
    await town.deliver();
    await town.deliver();
    await agentWrites(town, (ledger) => ledger.withBead(workBead("gt-x1", "One part too many", { dependencies: [parentOf("gt-x1", "gt-e1")] })));
    await town.deliver();

    expect(town.issue(1).subIssues).toHaveLength(100);
    expect(town.issue(102).title).toBe("One part too many");
    const note = "GitHub would not make this issue a sub-issue of #1 (gt-e1): Parent cannot have more than 100 sub-issues. The link is kept in the ledger only.";
    const part = workBead("gt-x1", "One part too many", { dependencies: [parentOf("gt-x1", "gt-e1")] });
    expect((await town.ledger())?.get("gt-x1")).toEqual(withGastownMetadata({ ...opened(part, 102), notes: note }, { mirror_unlinked: { parent: "gt-e1" } }));
    // Not asked again while the ledger names the same parent.
    await town.deliver();
    const from = town.sent.length;
    await agentWrites(town, (ledger) => ledger.update("gt-x1", (b) => ({ ...b, priority: 1 })), "Polecat nux: more urgent");
    await town.deliver();
    expect(sentSince(town, from).filter((r) => r.includes("sub_issues"))).toEqual([]);
  });
});

describe("a parent moved in the ledger", () => {
  it("moves the sub-issue; from a parent someone set on GitHub meanwhile, the ledger wins and says why", async () => {
    town = await startMirrorTown();
    const epics = [workBead("gt-p1", "First epic", { issue_type: "epic" }), workBead("gt-p2", "Second epic", { issue_type: "epic" })];
    await agentWrites(town, (ledger) => ledger.withBeads([...epics, workBead("gt-c", "The part", { dependencies: [parentOf("gt-c", "gt-p1")] })]));
    await town.deliver();
    await town.deliver();
    expect(town.issue(2).subIssues).toEqual([issueId(1)]);
    // Someone moves it on GitHub (the GitHub→ledger direction is not what this test is about).
    await town.as("mayor", "POST", "/repos/octo/town/issues/3/sub_issues", { sub_issue_id: issueId(1), replace_parent: true });
    await town.newDeliveries();

    // The ledger gives it a third parent since the last sync: the ledger's change wins.
    await agentWrites(town, (ledger) => ledger.withBead(workBead("gt-p3", "Third epic", { issue_type: "epic" }))
      .update("gt-c", (b) => ({ ...b, dependencies: [parentOf("gt-c", "gt-p3")] })), "Polecat nux: regrouped");
    let from = town.sent.length;
    await town.deliver();
    expect(town.sent.slice(from).filter((r) => r.url.endsWith("/sub_issues") || r.url.endsWith("/comments")).map((r) => [r.url, r.body])).toEqual([
      ["/repos/octo/town/issues/4/sub_issues", { sub_issue_id: issueId(1), replace_parent: true }],
      ["/repos/octo/town/issues/1/comments", {
        body: "Gas Town moved this issue from #3 to #4: its bead's parent changed in the ledger since the mirror last synced it, and a change made in the ledger since the last sync wins. Make the change in the ledger (or move it back here) to keep another parent.",
      }],
    ]);
    expect([town.issue(2).subIssues, town.issue(3).subIssues, town.issue(4).subIssues]).toEqual([[], [], [issueId(1)]]);
    expect(syncedLinksOf((await town.ledger())?.get("gt-c"))).toEqual({ parent: "gt-p3" });

    // Moved again, from the parent both sides agreed on: moved, and nothing to explain.
    await town.deliver();
    await agentWrites(town, (ledger) => ledger.update("gt-c", (b) => ({ ...b, dependencies: [parentOf("gt-c", "gt-p1")] })), "Polecat nux: back");
    from = town.sent.length;
    await town.deliver();
    expect(town.sent.slice(from).filter((r) => r.url.endsWith("/sub_issues") || r.url.endsWith("/comments")).map((r) => [r.url, r.body])).toEqual([
      ["/repos/octo/town/issues/2/sub_issues", { sub_issue_id: issueId(1), replace_parent: true }],
    ]);
    expect([town.issue(2).subIssues, town.issue(4).subIssues]).toEqual([[issueId(1)], []]);
    expect(town.issue(1).comments).toHaveLength(1);
  });
});

describe("costs", () => {
  it("reads only what it must when nothing mirrored changed, and nothing for a push that touches no ledger", async () => {
    town = await startMirrorTown();
    await agentWrites(town, (ledger) => ledger.withBead(workBead("gt-m1", "Mail for the witness", { issue_type: "message" })));
    town.github.resetCounters();
    await town.deliver();
    // The App's token and login aside, asked once a process.
    const { "apps/create-installation-access-token": _token, "apps/get-authenticated": _login, ...counted } = town.github.counters;
    expect(counted).toEqual({ "repos/get-content": expect.objectContaining({ requests: 2 }) });

    await commitOnBranch(town.github, REPO, town.github.userToken("mayor"), { branch: "main", files: { "README.md": "# Town, again\n" }, message: "Say it again" });
    town.github.resetCounters();
    await town.deliver();
    expect(town.github.counters).toEqual({});
  });
});
