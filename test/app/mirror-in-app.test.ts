// The mirror, GitHub → ledger, through the real App in Probot against the emulator: people act on
// GitHub as themselves, the webhooks that causes are handed to the App, and the ledger on its
// branch is read back whole.
import { afterEach, describe, expect, it } from "vitest";
import { LedgerStore } from "../../app/github/ledger-store.js";
import { restClient } from "../../app/github/rest-client.js";
import type { Bead } from "../../app/ledger/bead-schema.js";
import { syncBeadAndIssue, syncedAtCreation } from "../../app/mirror/bead-issue-sync.js";
import { commentUuid } from "../../app/mirror/comment-changes.js";
import type { GitHubIssue } from "../../app/mirror/issue-shape.js";
import { gastownMetadata, withGastownMetadata } from "../../app/molecules/gastown-metadata.js";
import { DEFAULT_APP_EVENTS } from "../emulator/emulator.js";
import { call, commitOnBranch } from "../emulator/testing.js";
import type { Delivery } from "../emulator/webhooks/deliveries.js";
import { REPO, startTown, type Town, type TownOptions } from "./app-harness.js";

let town: Town;
afterEach(async () => {
  await town.close();
  expect(town.github.problems).toEqual([]);
});

const URL_OF = (number: number) => `${town.github.urls.web}/octo/town/issues/${number}`;

async function start(options: TownOptions = {}): Promise<Town> {
  town = await startTown({ events: [...DEFAULT_APP_EVENTS, "sub_issues", "issue_dependencies"], mirror: true, ...options });
  return town;
}

const openIssue = (title: string, body?: string, labels: string[] = []) =>
  town.as("ann", "POST", "/repos/octo/town/issues", { title, ...(body === undefined ? {} : { body }), labels });
const requests = () => town.sent.map((s) => `${s.method} ${s.url.replace(/\b[0-9a-f]{40}\b/g, "<sha>")}`);
const commits = () => town.github.counters["git/create-commit"]?.requests ?? 0;

async function beadOf(number: number): Promise<Bead> {
  const found = (await town.ledger())?.beads().find((b) => b.external_ref === URL_OF(number));
  if (!found) throw new Error(`no bead for issue ${number}`);
  return found;
}

/**
 * The bead `bd github sync` would make of issue `number` opened by ann, as the mirror records it:
 * with the time of the issue's state it last took in, the issue's last change.
 */
function importedBead(id: string, number: number, fields: Partial<Bead>): Bead {
  const issue = town.issue(number);
  const bead: Bead = {
    id, title: issue.title, status: "open", priority: 2, issue_type: "task",
    created_at: issue.createdAt, created_by: "ann", updated_at: "2026-11-24T12:00:00Z", external_ref: URL_OF(number), ...fields,
  };
  return syncedAtCreation(withGastownMetadata(bead, { issue_id: issue.id, issue_updated_at: issue.updatedAt }));
}

/** The issue as the REST API shows it now, as the ledger → GitHub direction reads it. */
async function issueNow(number: number): Promise<GitHubIssue> {
  return await town.as("mayor", "GET", `/repos/octo/town/issues/${number}`) as GitHubIssue;
}

/** Writes the ledger as another writer would (a polecat, a person's push): not the App. */
async function writeLedger(change: (bead: Bead) => Bead, number = 1): Promise<void> {
  const bead = await beadOf(number);
  await mayorsStore().update("A change in the ledger", (ledger) => ledger.withBead(change(bead)));
}

/** The ledger as another writer reads and writes it: with its config when its beads need it. */
function mayorsStore(): LedgerStore {
  const github = restClient({ token: town.github.userToken("mayor"), baseUrl: town.github.urls.api, retries: 0 });
  return new LedgerStore(github, { owner: "octo", repo: "town", branch: "gastown/ledger", prefix: "town" });
}

/** Hands the deliveries to the App all at once, as a burst of webhooks arrives at a server. */
async function deliverAtOnce(deliveries: readonly Delivery[]): Promise<void> {
  await Promise.all(deliveries.map((d) => town.app(0).receive({ id: d.id, name: d.event as never, payload: d.payload as never })));
}

describe("an issue on GitHub becomes a bead", () => {
  it("with mirror.issues all, as soon as it is opened, recorded as synced", async () => {
    await start();
    await openIssue("Fix the pumps", "They leak.", ["priority::high", "bug"]);
    await town.deliver();

    const bead = await beadOf(1);
    expect(bead).toEqual(importedBead(bead.id, 1, { description: "They leak.", priority: 1, issue_type: "bug", labels: ["bug"] }));
    expect(bead.id).toMatch(/^town-[a-z0-9]+$/);
    expect(requests().filter((r) => !r.startsWith("GET"))).toEqual([
      "POST /repos/octo/town/git/trees", "POST /repos/octo/town/git/commits", "POST /repos/octo/town/git/refs",
    ]);
    const [commit] = town.sent.filter((s) => s.url.endsWith("/git/commits")).map((s) => (s.body as { message: string }).message);
    expect(commit).toMatch(new RegExp(`^Mirror: taken from GitHub \\(1 issue event\\)\n\nGastown-Beads: ${bead.id}\nGastown-Write: `));
  });

  it("with mirror.issues labelled, only once the mirror's label is put on", async () => {
    await start({ files: { ".github/gastown.yml": "mirror:\n  issues: labelled\n" } });
    await openIssue("Fix the pumps");
    await town.deliver();
    expect(await town.ledger()).toBeUndefined();

    await town.as("mayor", "POST", "/repos/octo/town/issues/1/labels", { labels: ["gt:mirror"] });
    await town.deliver();
    const bead = await beadOf(1);
    expect(bead).toEqual(importedBead(bead.id, 1, {}));
  });

  it("a gt: label put on or taken off, not the mirror's, costs only the settings' read and no ledger read", async () => {
    await start();
    await openIssue("Fix the pumps");
    await town.deliver();
    town.sent.length = 0;
    await town.as("mayor", "POST", "/repos/octo/town/issues/1/labels", { labels: ["gt:waiting"] });
    await town.as("mayor", "DELETE", "/repos/octo/town/issues/1/labels/gt:waiting");
    await town.deliver();
    // One read of the settings, which the labeled event's two handlers share; none for the unlabeled.
    expect(requests()).toEqual(["GET /repos/octo/town/contents/.github%2Fgastown.yml"]);
  });

  it("not while the mirror is off", async () => {
    await start({ files: { ".github/gastown.yml": "mirror:\n  enabled: false\n" } });
    await openIssue("Fix the pumps");
    await town.deliver();
    expect(await town.ledger()).toBeUndefined();
    // Only the settings were read.
    expect(requests()).toEqual(["GET /app", "GET /repos/octo/town/contents/.github%2Fgastown.yml"]);
  });
});

describe("bad input", () => {
  it("a delivery without its issue is left alone: no error, no request, the ledger as it was", async () => {
    await start();
    await openIssue("Fix the pumps");
    await town.deliver();
    const before = await town.ledger();
    await town.as("ann", "PATCH", "/repos/octo/town/issues/1", { title: "Fix the pumps for good" });
    const [edited] = (await town.newDeliveries()).filter((d) => d.event === "issues");
    if (!edited) throw new Error("no delivery");
    const { issue: _issue, ...withoutIssue } = edited.payload;
    town.sent.length = 0;
    await town.app().receive({ id: edited.id, name: "issues", payload: withoutIssue as never });
    await town.app().receive({ id: edited.id, name: "issue_comment", payload: { ...withoutIssue, action: "created" } as never });
    expect(town.sent).toEqual([]);
    expect((await town.ledger())?.beads()).toEqual(before?.beads());
  });
});

describe("the sling and the mirror", () => {
  it("agree on one bead per issue, and a bead the sling imported is recorded as synced", async () => {
    // Labelled: the issue is not imported when opened, so the sling imports it.
    await start({ files: { ".github/gastown.yml": "mirror:\n  issues: labelled\n" } });
    await openIssue("Fix the pumps", "They leak.");
    await town.deliver();
    await town.as("mayor", "POST", "/repos/octo/town/issues/1/labels", { labels: ["gt:sling"] });
    await town.deliver();
    const slung = await beadOf(1);
    expect(gastownMetadata(slung).issue_id).toBe(town.issue(1).id);
    expect(gastownMetadata(importedBead(slung.id, 1, { description: "They leak." })).synced).toEqual(gastownMetadata(slung).synced);

    // The mirror's label now: the bead is there already, so no second one.
    await town.as("mayor", "POST", "/repos/octo/town/issues/1/labels", { labels: ["gt:mirror"] });
    town.clock.now = new Date("2026-11-24T12:05:00Z");
    await town.as("ann", "PATCH", "/repos/octo/town/issues/1", { title: "Fix the pumps for good" });
    await town.deliver();
    const beads = (await town.ledger())?.beads().filter((b) => b.external_ref === URL_OF(1));
    expect(beads?.map((b) => [b.id, b.title, b.notes])).toEqual([[slung.id, "Fix the pumps for good", undefined]]);
  });
});

describe("a person's edit on GitHub", () => {
  it("appears in the ledger exactly once: one commit, no request back, and a duplicated delivery changes nothing", async () => {
    await start();
    await openIssue("Fix the pumps", "They leak.");
    await town.deliver();
    const before = await beadOf(1);
    town.sent.length = 0;
    town.github.resetCounters();

    town.clock.now = new Date("2026-11-24T12:05:00Z");
    await town.as("ann", "PATCH", "/repos/octo/town/issues/1", { title: "Fix the pumps for good" });
    const deliveries = await town.deliver();
    const edited = deliveries.filter((d) => d.event === "issues");
    expect(edited.map((d) => `${d.event}.${String(d.action)}`)).toEqual(["issues.edited"]);

    const bead = await beadOf(1);
    expect(bead).toEqual(importedBead(before.id, 1, { title: "Fix the pumps for good", description: "They leak.", updated_at: "2026-11-24T12:05:00Z" }));
    expect(commits()).toBe(1);
    expect(town.sent.filter((s) => s.url.startsWith("/repos/octo/town/issues"))).toEqual([]);
    // The ledger → GitHub direction, reading that commit's bead, finds both sides agree.
    const issue = await issueNow(1);
    const again = syncBeadAndIssue(bead, issue, { now: town.clock.now });
    expect(again.bead).toBe(bead);
    expect(again.edit).toBeUndefined();

    // A redelivery keeps its id and payload: the App reads the ledger, finds it says so already, and writes nothing.
    const [delivery] = edited as [Delivery];
    town.sent.length = 0;
    town.clock.now = new Date("2026-11-24T12:10:00Z");
    await town.app().receive({ id: delivery.id, name: delivery.event as never, payload: delivery.payload as never });
    expect(commits()).toBe(1);
    expect(town.sent.every((s) => s.method === "GET")).toBe(true);
    expect(await beadOf(1)).toEqual(bead);
  });
});

describe("no loops, no churn", () => {
  it("a ledger change that reaches GitHub by the mirror makes one round trip, and the App's own edit echoes nothing", async () => {
    await start();
    await openIssue("Fix the pumps", "They leak.");
    await town.deliver();
    // The ledger makes the work urgent; then a person retitles the issue, not knowing.
    await writeLedger((bead) => ({ ...bead, priority: 0, updated_at: "2026-11-24T12:01:00Z" }));
    town.clock.now = new Date("2026-11-24T12:05:00Z");
    await town.as("ann", "PATCH", "/repos/octo/town/issues/1", { title: "Fix the pumps for good" });
    town.sent.length = 0;
    town.github.resetCounters();
    await town.deliver();

    // One commit takes the title in; after it, the priority the ledger set goes to GitHub: the
    // labels the issue lacks, in one request, and no PATCH.
    expect(commits()).toBe(1);
    const edits = town.sent.filter((s) => s.method !== "GET" && s.url.startsWith("/repos/octo/town/issues/1"));
    expect(edits.map((s) => [`${s.method} ${s.url}`, s.body])).toEqual([["POST /repos/octo/town/issues/1/labels", { labels: ["type::task", "priority::critical"] }]]);
    expect(town.issue(1).labels).toEqual(["type::task", "priority::critical"]);
    const bead = await beadOf(1);
    expect(bead.title).toBe("Fix the pumps for good");
    expect(bead.priority).toBe(0);

    // The App's edit comes back as its own webhooks: ignored, with no request and no commit.
    town.sent.length = 0;
    town.github.resetCounters();
    const echoes = await town.deliver();
    expect(echoes.length).toBeGreaterThan(0);
    expect(echoes.every((d) => (d.payload as { sender: { login: string } }).sender.login === "gastown[bot]")).toBe(true);
    expect(town.sent).toEqual([]);
    expect(commits()).toBe(0);
    // Both sides agree: nothing to send, no updated_at bumped. The commit came before the edit, so
    // it recorded GitHub's priority until the edit landed (an edit lost is sent again); the next
    // sync only records the agreement, and the one after changes nothing.
    const again = syncBeadAndIssue(bead, await issueNow(1), { now: new Date("2026-11-24T13:00:00Z") });
    expect(again.edit).toBeUndefined();
    expect(again.plan.toLedger).toEqual({});
    expect(again.bead.updated_at).toBe(bead.updated_at);
    expect(syncBeadAndIssue(again.bead, await issueNow(1), { now: new Date("2026-11-24T14:00:00Z") }).bead).toBe(again.bead);
  });

  it("a gt: label the App puts on between the mirror's read and its edit stays: labels are added and removed, never set", async () => {
    await start();
    await openIssue("Fix the pumps", "They leak.", ["priority::high"]);
    await town.deliver();
    // The ledger makes the work urgent; a person retitles the issue (the mirror reads the issue
    // from that webhook); then, before the mirror edits, the App marks the issue as waiting.
    await writeLedger((bead) => ({ ...bead, priority: 0, updated_at: "2026-11-24T12:01:00Z" }));
    town.clock.now = new Date("2026-11-24T12:05:00Z");
    await town.as("ann", "PATCH", "/repos/octo/town/issues/1", { title: "Fix the pumps for good" });
    const installation = town.github.state.installations[0]?.id as number;
    const marked = await call(town.github, "POST", "/repos/octo/town/issues/1/labels", { token: town.github.installationToken(installation), body: { labels: ["gt:waiting"] } });
    expect(marked.status).toBe(200);
    town.sent.length = 0;
    const deliveries = await town.deliver();
    // The issue as the mirror read it, from the person's edit: without the App's label.
    const read = deliveries.find((d) => d.event === "issues" && d.action === "edited")?.payload as { issue: GitHubIssue };
    expect(read.issue.labels?.map((label) => typeof label === "string" ? label : label.name)).toEqual(["priority::high"]);

    const edits = town.sent.filter((s) => s.method !== "GET" && s.url.startsWith("/repos/octo/town/issues/1"));
    expect(edits.map((s) => [`${s.method} ${decodeURIComponent(s.url)}`, s.body])).toEqual([
      ["POST /repos/octo/town/issues/1/labels", { labels: ["type::task", "priority::critical"] }],
      ["DELETE /repos/octo/town/issues/1/labels/priority::high", undefined],
    ]);
    expect(town.issue(1).labels).toEqual(["gt:waiting", "type::task", "priority::critical"]);
    expect((await beadOf(1)).priority).toBe(0);
    expect((await beadOf(1)).title).toBe("Fix the pumps for good");
  });

  it("two edits delivered in reverse order, in separate batches, leave the newer title, taken in once", async () => {
    await start();
    await openIssue("Fix the pumps", "They leak.");
    await town.deliver();
    await town.as("ann", "PATCH", "/repos/octo/town/issues/1", { title: "Fix the pumps now" });
    // GitHub's times are to the second: the second edit is a second later.
    const first = town.github.timestamp();
    while (town.github.timestamp() === first) await new Promise((resolve) => setTimeout(resolve, 50));
    await town.as("ann", "PATCH", "/repos/octo/town/issues/1", { title: "Fix the pumps for good" });
    const [older, newer] = (await town.newDeliveries()).filter((d) => d.event === "issues");
    expect([older, newer].map((d) => (d?.payload as { issue: { title: string } }).issue.title)).toEqual(["Fix the pumps now", "Fix the pumps for good"]);
    town.sent.length = 0;
    town.github.resetCounters();

    await town.app().receive({ id: (newer as Delivery).id, name: "issues", payload: (newer as Delivery).payload as never });
    expect(commits()).toBe(1);
    const bead = await beadOf(1);
    expect(bead.title).toBe("Fix the pumps for good");
    expect(gastownMetadata(bead).issue_updated_at).toBe(town.issue(1).updatedAt);

    // The older edit arrives last: the ledger is read, and found to know better; nothing is written or sent.
    town.sent.length = 0;
    await town.app().receive({ id: (older as Delivery).id, name: "issues", payload: (older as Delivery).payload as never });
    expect(requests()).toEqual([
      "GET /repos/octo/town/contents/.github%2Fgastown.yml",
      "GET /repos/octo/town/git/ref/heads%2Fgastown%2Fledger",
      "GET /repos/octo/town/git/commits/<sha>",
      "GET /repos/octo/town/git/trees/<sha>?recursive=1",
      "GET /repos/octo/town/git/blobs/<sha>",
    ]);
    expect(commits()).toBe(1);
    expect(await beadOf(1)).toEqual(bead);
  });

  it("a status:: label naming one of the ledger's custom statuses reaches the bead, the config read for that batch only", async () => {
    await start();
    await openIssue("Fix the pumps", "They leak.");
    await town.deliver();
    await commitOnBranch(town.github, REPO, town.github.userToken("mayor"), {
      branch: "gastown/ledger", message: "Statuses of our own", files: { ".beads/config.yaml": 'issue-prefix: "town"\nstatus:\n  custom: "review"\n' },
    });
    const configReads = () => requests().filter((r) => r === "GET /repos/octo/town/contents/.beads%2Fconfig.yaml?ref=refs%2Fheads%2Fgastown%2Fledger");
    town.sent.length = 0;
    await town.as("ann", "POST", "/repos/octo/town/issues/1/labels", { labels: ["status::blocked"] });
    await town.deliver();
    expect((await beadOf(1)).status).toBe("blocked");
    expect(configReads()).toEqual([]);

    town.sent.length = 0;
    town.github.resetCounters();
    await town.as("ann", "DELETE", "/repos/octo/town/issues/1/labels/status::blocked");
    await town.as("ann", "POST", "/repos/octo/town/issues/1/labels", { labels: ["status::review"] });
    await deliverAtOnce(await town.newDeliveries());
    const ledger = await mayorsStore().peek();
    expect(ledger.beads().find((b) => b.external_ref === URL_OF(1))?.status).toBe("review");
    expect(configReads()).toHaveLength(1);
    expect(commits()).toBe(1);
    expect(town.sent.filter((s) => s.method !== "GET")).toHaveLength(3);
  });

  it("a title changed on both sides keeps GitHub's, with both versions in the bead's notes", async () => {
    await start();
    await openIssue("Fix the pumps", "They leak.");
    await town.deliver();
    await writeLedger((bead) => ({ ...bead, title: "Fix the ledger's pumps" }));
    town.clock.now = new Date("2026-11-24T12:05:00Z");
    await town.as("ann", "PATCH", "/repos/octo/town/issues/1", { title: "Fix GitHub's pumps" });
    town.sent.length = 0;
    await town.deliver();

    const bead = await beadOf(1);
    expect(bead.title).toBe("Fix GitHub's pumps");
    expect(bead.notes).toBe([
      "The title was changed both in the ledger and on GitHub since the mirror last synced them. GitHub's version, a person's edit, is kept; the ledger's version was:",
      "```text\nFix the ledger's pumps\n```",
      "GitHub's version, now on both sides:",
      "```text\nFix GitHub's pumps\n```",
    ].join("\n\n"));
    expect(town.sent.filter((s) => s.method === "PATCH" && s.url.startsWith("/repos/octo/town/issues"))).toEqual([]);
  });
});

describe("comments", () => {
  it("a comment made then edited on GitHub appears once, then updated; a slash command and the App's answers never do", async () => {
    await start();
    await openIssue("Fix the pumps");
    await town.deliver();
    const { id } = await beadOf(1);

    town.clock.now = new Date("2026-11-24T12:05:00Z");
    await town.as("ann", "POST", "/repos/octo/town/issues/1/comments", { body: "The left pump leaks too." });
    await town.as("mayor", "POST", "/repos/octo/town/issues/1/comments", { body: "/gt help" });
    await town.deliver();
    const comment = town.issue(1).comments[0];
    if (!comment) throw new Error("no comment");
    const taken = {
      id: commentUuid(`${URL_OF(1)}#issuecomment-${comment.id}`), issue_id: id, author: "ann", text: "The left pump leaks too.",
      created_at: comment.createdAt, github_id: comment.id,
    };
    expect((await beadOf(1)).comments).toEqual([taken]);
    // The App answered the /gt help: its answer is no bead comment either.
    expect(town.issue(1).comments.map((c) => c.user)).toEqual(["ann", "mayor", "gastown[bot]"]);
    await town.deliver();

    await town.as("ann", "PATCH", `/repos/octo/town/issues/comments/${comment.id}`, { body: "Both pumps leak." });
    await town.deliver();
    const bead = await beadOf(1);
    expect(bead.comments).toEqual([{ ...taken, text: "Both pumps leak." }]);
    expect(bead.updated_at).toBe("2026-11-24T12:05:00Z");

    await town.as("ann", "DELETE", `/repos/octo/town/issues/comments/${comment.id}`);
    await town.deliver();
    expect((await beadOf(1)).comments).toBeUndefined();
  });
});

describe("links", () => {
  it("a sub-issue added on GitHub becomes a parent-child dependency, and stops being one when removed", async () => {
    await start();
    await openIssue("Rebuild the pumps");
    await openIssue("Order the valves");
    await town.deliver();
    const parent = await beadOf(1);
    const child = await beadOf(2);
    town.github.resetCounters();

    await town.as("mayor", "POST", "/repos/octo/town/issues/1/sub_issues", { sub_issue_id: town.issue(2).id });
    const added = (await town.deliver()).filter((d) => d.event === "sub_issues");
    expect(added.map((d) => `${d.event}.${String(d.action)}`)).toEqual(["sub_issues.sub_issue_added", "sub_issues.parent_issue_added"]);
    let linked = await beadOf(2);
    expect(linked.dependencies).toEqual([
      { issue_id: child.id, depends_on_id: parent.id, type: "parent-child", created_at: "2026-11-24T12:00:00Z", created_by: "mayor" },
    ]);
    expect(gastownMetadata(linked).synced_links).toEqual({ parent: parent.id });
    // GitHub's second delivery of the same change made no commit.
    expect(commits()).toBe(1);

    await town.as("mayor", "DELETE", "/repos/octo/town/issues/1/sub_issue", { sub_issue_id: town.issue(2).id });
    await town.deliver();
    linked = await beadOf(2);
    expect(linked.dependencies).toBeUndefined();
    expect(gastownMetadata(linked).synced_links).toBeUndefined();
    expect(commits()).toBe(2);
  });

  it("a blocked-by link added on GitHub becomes a blocks dependency", async () => {
    await start();
    await openIssue("Rebuild the pumps");
    await openIssue("Order the valves");
    await town.deliver();
    const blocker = await beadOf(2);
    const blocked = await beadOf(1);

    await town.as("mayor", "POST", "/repos/octo/town/issues/1/dependencies/blocked_by", { issue_id: town.issue(2).id });
    await town.deliver();
    const bead = await beadOf(1);
    expect(bead.dependencies).toEqual([
      { issue_id: blocked.id, depends_on_id: blocker.id, type: "blocks", created_at: "2026-11-24T12:00:00Z", created_by: "mayor" },
    ]);
    expect(gastownMetadata(bead).synced_links).toEqual({ blocked_by: [blocker.id] });
  });
});

describe("batching", () => {
  it("several deliveries arriving at once make one ledger commit", async () => {
    await start();
    await openIssue("Rebuild the pumps");
    await openIssue("Order the valves");
    await openIssue("Test the gauges");
    const deliveries = await town.newDeliveries();
    expect(deliveries).toHaveLength(3);
    town.github.resetCounters();

    await deliverAtOnce(deliveries);
    expect(commits()).toBe(1);
    expect(town.github.counters["git/create-ref"]?.requests).toBe(1);
    expect(town.github.counters["repos/get-content"]?.requests).toBe(1);
    expect((await town.ledger())?.beads().map((b) => b.title).sort()).toEqual(["Order the valves", "Rebuild the pumps", "Test the gauges"]);
    expect(town.github.state.repos[REPO]?.issues).toHaveLength(3);
  });
});
