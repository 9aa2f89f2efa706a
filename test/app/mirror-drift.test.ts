// The drift repair against the emulator: what missed webhooks and pushes left apart is brought
// back together by listing the issues, and looking again when nothing changed is one conditional
// request GitHub answers 304, free of the rate limit, and writes nothing.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { realDependencies } from "../../app/handlers/app-dependencies.js";
import { describeDrift, repairDrift, type DriftReport } from "../../app/handlers/mirror-drift.js";
import { openTown, type Town } from "../../app/handlers/repository-town.js";
import { memoryPageCache, type PageCache } from "../../app/github/issue-pages.js";
import { restClient } from "../../app/github/rest-client.js";
import { runCli } from "../../app/cli/run-cli.js";
import type { Bead } from "../../app/ledger/bead-schema.js";
import { commentUuid } from "../../app/mirror/comment-changes.js";
import { STATUS_MARKER } from "../../app/github/issue-comments.js";
import type { Emulator } from "../emulator/emulator.js";
import { call, commitOnBranch, FIXED_NOW, startFixedEmulator } from "../emulator/testing.js";

let github: Emulator;
let town: Town;
let cache: PageCache;
let now: Date;

beforeEach(async () => {
  now = FIXED_NOW;
  github = await startFixedEmulator({ clock: () => now });
  await github.addRepo({ owner: "octo", name: "town", files: { "README.md": "# Town\n", ".github/gastown.yml": "" } });
  const installation = github.install({ account: "octo" });
  github.setCollaborator("octo/town", "ann", "write");
  const client = restClient({ token: github.installationToken(installation), baseUrl: github.urls.api, paced: false, retries: 0 });
  const opened = await openTown({ github: client, owner: "octo", repo: "town", defaultBranch: "main" }, {
    ...realDependencies, clock: () => now, sleep: async () => undefined, random: () => 0.5,
  });
  if (opened.kind !== "on") throw new Error("town is off");
  town = opened.town;
  cache = memoryPageCache();
});

afterEach(async () => {
  expect(github.problems).toEqual([]);
  await github.close();
});

async function asAnn(method: string, path: string, body?: unknown): Promise<unknown> {
  const answer = await call(github, method, path, { token: github.userToken("ann"), ...(body === undefined ? {} : { body }) });
  return answer.body;
}

/** The one work bead: the mirror's slot, where the drift keeps its comment watermark, aside. */
async function onlyBead(): Promise<Bead> {
  const beads = (await town.store.read()).ledger.beads().filter((bead) => bead.issue_type !== "slot");
  expect(beads).toHaveLength(1);
  return beads[0] as Bead;
}

async function onlyBeadOf(title: string): Promise<Bead> {
  const beads = (await town.store.read()).ledger.beads().filter((bead) => bead.title === title);
  expect(beads).toHaveLength(1);
  return beads[0] as Bead;
}

function repaired(report: DriftReport) {
  if (report.kind !== "repaired") throw new Error("the mirror is off");
  return report;
}

describe("the drift repair", () => {
  it("imports an issue whose webhook was lost, takes a later edit, and then costs one free request", async () => {
    await asAnn("POST", "/repos/octo/town/issues", { title: "Crash on start", body: "It crashes.", labels: ["bug"] });

    const first = repaired(await repairDrift(town, cache));
    expect(first.plan.imported).toHaveLength(1);
    const bead = await onlyBead();
    expect(bead).toMatchObject({
      title: "Crash on start", description: "It crashes.", issue_type: "bug", priority: 2, labels: ["bug"], status: "open",
      created_by: "ann", external_ref: `${github.urls.web}/octo/town/issues/1`,
    });

    await asAnn("PATCH", "/repos/octo/town/issues/1", { title: "Crash on start-up", state: "closed", state_reason: "completed" });
    const second = repaired(await repairDrift(town, cache));
    expect(second.plan.synced).toEqual([bead.id]);
    expect(await onlyBead()).toMatchObject({ title: "Crash on start-up", status: "closed", close_reason: "completed" });

    const before = github.counters;
    const third = repaired(await repairDrift(town, cache));
    expect(third.wrote).toBe(false);
    expect(third.listing).toEqual({ requests: 1, notModified: 1 });
    // The ledger's one read; nothing written, nothing edited.
    expect(github.counters["issues/update"]?.requests ?? 0).toBe(before["issues/update"]?.requests ?? 0);
    expect(github.counters["git/create-commit"]?.requests ?? 0).toBe(before["git/create-commit"]?.requests ?? 0);
    expect(describeDrift(third)).toBe("Mirror: 0 beads brought up to date from GitHub, 0 issues edited, 0 issues imported; 1 page read, 1 unchanged.");
  });

  it("sends the issue a change a lost push left in the ledger alone, once", async () => {
    await asAnn("POST", "/repos/octo/town/issues", { title: "Slow search" });
    await repairDrift(town, cache);
    const bead = await onlyBead();
    await town.store.update("Raise the priority", (ledger) => ledger.update(bead.id, (b) => ({ ...b, priority: 0 })));

    const report = repaired(await repairDrift(town, cache));
    expect(report.plan.edits).toEqual([{ number: 1, bead: bead.id, edit: { addLabels: ["type::task", "priority::critical"] } }]);
    const issue = github.state.repos["octo/town"]?.issues[0];
    expect(issue?.labels).toEqual(["type::task", "priority::critical"]);
    // The record of what was synced is written once; then both sides agree.
    expect(report.wrote).toBe(true);
    const again = repaired(await repairDrift(town, cache));
    expect(again.plan.edits).toEqual([]);
    expect(again.wrote).toBe(false);
  });

  it("takes a status:: label naming one of the ledger's custom statuses into the bead, reading the ledger's config only then", async () => {
    await town.store.update("The ledger begins", (ledger) => ledger);
    await town.store.update("The ledger begins", (ledger) => ledger.withBead({
      id: "town-aa1", title: "Elsewhere", status: "open", priority: 2, issue_type: "message", created_at: "2025-06-01T11:00:00Z", updated_at: "2025-06-01T11:00:00Z",
    }));
    await commitOnBranch(github, "octo/town", github.userToken("ann"), {
      branch: "gastown/ledger", message: "Statuses of our own", files: { ".beads/config.yaml": 'issue-prefix: "town"\nstatus:\n  custom: "review,qa:active"\n' },
    });
    await asAnn("POST", "/repos/octo/town/issues", { title: "Check the docs" });
    await repairDrift(town, cache);
    // Each pass reads the ledger's file (one request for its contents); the config is a second.
    const contentReads = () => github.counters["repos/get-content"]?.requests ?? 0;
    let before = contentReads();
    // A built-in status needs no config: no request for it.
    await asAnn("POST", "/repos/octo/town/issues/1/labels", { labels: ["status::blocked"] });
    await repairDrift(town, cache);
    expect((await town.store.read()).ledger.beads().find((b) => b.title === "Check the docs")?.status).toBe("blocked");
    expect(contentReads()).toBe(before + 1);
    before = contentReads();

    await asAnn("DELETE", "/repos/octo/town/issues/1/labels/status::blocked");
    await asAnn("POST", "/repos/octo/town/issues/1/labels", { labels: ["status::qa"] });
    const report = repaired(await repairDrift(town, cache));
    const bead = (await town.store.read()).ledger.beads().find((b) => b.title === "Check the docs");
    expect(report.plan.synced).toEqual([bead?.id]);
    expect(bead?.status).toBe("qa");
    expect(report.plan.edits).toEqual([]);
    expect(contentReads()).toBe(before + 2);
  });

  it("takes in sub-issue and blocked-by links made and removed on GitHub, reading only the lists whose counts moved", async () => {
    for (const title of ["Epic", "Part one", "Part two"]) await asAnn("POST", "/repos/octo/town/issues", { title });
    await repairDrift(town, cache);
    const ids = github.state.repos["octo/town"]?.issues.map((issue) => issue.id) ?? [];
    await asAnn("POST", "/repos/octo/town/issues/1/sub_issues", { sub_issue_id: ids[1] });
    await asAnn("POST", "/repos/octo/town/issues/3/dependencies/blocked_by", { issue_id: ids[1] });

    const linked = repaired(await repairDrift(town, cache));
    const beads = async () => {
      const ledger = (await town.store.read()).ledger;
      const byTitle = (title: string) => ledger.beads().find((b) => b.title === title) as Bead;
      return { epic: byTitle("Epic"), one: byTitle("Part one"), two: byTitle("Part two") };
    };
    const { epic, one, two } = await beads();
    expect([...linked.plan.relinked].sort()).toEqual([one.id, two.id].sort());
    expect(one.dependencies).toEqual([{ issue_id: one.id, depends_on_id: epic.id, type: "parent-child", created_at: "2025-06-01T12:00:00Z", created_by: "github" }]);
    expect(two.dependencies).toEqual([{ issue_id: two.id, depends_on_id: one.id, type: "blocks", created_at: "2025-06-01T12:00:00Z", created_by: "github" }]);
    expect((one.metadata as { gastown: { synced_links: unknown } }).gastown.synced_links).toEqual({ parent: epic.id });
    expect((two.metadata as { gastown: { synced_links: unknown } }).gastown.synced_links).toEqual({ blocked_by: [one.id] });

    // The counts now agree: no list is read, nothing is written.
    github.resetCounters();
    const idle = repaired(await repairDrift(town, cache));
    expect(idle.wrote).toBe(false);
    expect(github.counters["issues/list-sub-issues"]).toBeUndefined();
    expect(github.counters["issues/list-dependencies-blocked-by"]).toBeUndefined();

    await asAnn("DELETE", "/repos/octo/town/issues/1/sub_issue", { sub_issue_id: ids[1] });
    const unlinked = repaired(await repairDrift(town, cache));
    expect(unlinked.plan.relinked).toEqual([one.id]);
    expect((await beads()).one.dependencies).toBeUndefined();
  });

  it("takes in a comment made and one edited on GitHub whose webhooks were lost, once, and then costs free requests", async () => {
    // The emulator here delivers no webhooks at all: every comment's is lost.
    const app = { ...town, botLogin: "gastown[bot]" };
    await asAnn("POST", "/repos/octo/town/issues", { title: "Fix the pumps" });
    const first = repaired(await repairDrift(app, cache));
    // The first look sets the watermark at the newest comment then: there is none, so all are to come.
    expect(first.plan.watermark).toBe("1970-01-01T00:00:00Z");
    const bead = await onlyBead();
    const url = `${github.urls.web}/octo/town/issues/1`;

    now = new Date("2025-06-01T12:05:00Z");
    await asAnn("POST", "/repos/octo/town/issues/1/comments", { body: "The valve sticks." });
    const second = repaired(await repairDrift(app, cache));
    expect(second.plan.commented).toEqual([bead.id]);
    const [valve] = github.state.repos["octo/town"]?.issues[0]?.comments ?? [];
    if (!valve) throw new Error("no comment");
    const taken = {
      id: commentUuid(`${url}#issuecomment-${valve.id}`), issue_id: bead.id, author: "ann", text: "The valve sticks.",
      created_at: "2025-06-01T12:05:00Z", github_id: valve.id,
    };
    expect((await onlyBead()).comments).toEqual([taken]);

    now = new Date("2025-06-01T12:10:00Z");
    await asAnn("POST", "/repos/octo/town/issues/1/comments", { body: "The left pump leaks too." });
    await asAnn("PATCH", `/repos/octo/town/issues/comments/${valve.id}`, { body: "The valve sticks when cold." });
    await asAnn("POST", "/repos/octo/town/issues/1/comments", { body: "/gt help" });
    await town.github.request("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", { owner: "octo", repo: "town", issue_number: 1, body: "The App's answer." });
    const third = repaired(await repairDrift(app, cache));
    expect(third.plan.commented).toEqual([bead.id]);
    expect(third.plan.watermark).toBeUndefined();
    const leak = github.state.repos["octo/town"]?.issues[0]?.comments[1];
    if (!leak) throw new Error("no comment");
    expect((await onlyBead()).comments).toEqual([
      { ...taken, text: "The valve sticks when cold." },
      { id: commentUuid(`${url}#issuecomment-${leak.id}`), issue_id: bead.id, author: "ann", text: "The left pump leaks too.", created_at: "2025-06-01T12:10:00Z", github_id: leak.id },
    ]);

    // Nothing new: the same two listings, both 304; the ledger's read is the only request charged.
    github.resetCounters();
    const idle = repaired(await repairDrift(app, cache));
    expect(idle.wrote).toBe(false);
    expect(idle.plan.commented).toEqual([]);
    expect(idle.listing).toEqual({ requests: 2, notModified: 2 });
    expect(github.counters["issues/list-comments-for-repo"]).toMatchObject({ requests: 1, notModified: 1 });
    const counts = Object.values(github.counters);
    expect(counts.reduce((sum, c) => sum + c.requests - (c.notModified ?? 0), 0)).toBe(1);
    expect(describeDrift(idle)).toBe("Mirror: 0 beads brought up to date from GitHub, 0 issues edited, 0 issues imported; 2 pages read, 2 unchanged.");
  });

  it("never takes in the App's status comment on a pass that acts as github-actions[bot], in the second its first look starts at too", async () => {
    // The patrol on its workflow's GITHUB_TOKEN, beside the App: each knows only its own login.
    const patrol = { ...town, botLogin: "github-actions[bot]" };
    await asAnn("POST", "/repos/octo/town/issues", { title: "Fix the pumps" });
    await town.github.request("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", {
      owner: "octo", repo: "town", issue_number: 1, body: `${STATUS_MARKER}\n<!-- gastown:bead town-a1 -->\n### Gas Town`,
    });
    const first = repaired(await repairDrift(patrol, cache));
    expect(first.plan.watermark).toBe("2025-06-01T12:00:00Z");
    expect(first.plan.commented).toEqual([]);

    now = new Date("2025-06-01T12:05:00Z");
    await town.github.request("PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}", {
      owner: "octo", repo: "town", comment_id: github.state.repos["octo/town"]?.issues[0]?.comments[0]?.id, body: `${STATUS_MARKER}\nWorking.`,
    });
    expect(repaired(await repairDrift(patrol, cache)).plan.commented).toEqual([]);
    expect((await onlyBead()).comments).toBeUndefined();
  });

  it("makes the same repair once when run twice at once", async () => {
    await asAnn("POST", "/repos/octo/town/issues", { title: "One" });
    await Promise.all([repairDrift(town), repairDrift(town)]);
    await onlyBead();
  });

  it("runs from the command line as `gt mirror sync`, opening the beads without an issue when told who it is", async () => {
    await asAnn("POST", "/repos/octo/town/issues", { title: "From the terminal" });
    await town.store.update("An agent's bead", (ledger) => ledger.withBead({
      id: "town-zz9", title: "Filed in the ledger", status: "open", priority: 2, issue_type: "task",
      created_at: "2025-06-01T11:00:00Z", updated_at: "2025-06-01T11:00:00Z",
    }));
    const gt = async (...args: string[]) => {
      let stdout = "";
      const code = await runCli(["mirror", "sync", "--repo", "octo/town", ...args], {
        cwd: "/", env: { GITHUB_TOKEN: github.userToken("ann"), GITHUB_API_URL: github.urls.api },
        stdout: (text) => { stdout += text; }, stderr: () => undefined, now: () => FIXED_NOW,
      });
      return { code, stdout };
    };
    expect(await gt()).toEqual({
      code: 0,
      stdout: "Mirror: 0 beads brought up to date from GitHub, 0 issues edited, 1 issue imported; 1 page read, 0 unchanged.\n" +
        "1 bead still to open on GitHub: the patrol opens them, or give --login to open them now.\n",
    });
    const opened = await gt("--login", "ann");
    expect(opened.code).toBe(0);
    expect(opened.stdout).toBe("Mirror: 0 beads brought up to date from GitHub, 0 issues edited, 0 issues imported; 1 page read, 0 unchanged.\n" +
      "The mirror opened #2 (town-zz9).\n");
    expect(github.state.repos["octo/town"]?.issues.map((i) => [i.number, i.title, i.user])).toEqual([
      [1, "From the terminal", "ann"], [2, "Filed in the ledger", "ann"],
    ]);
    expect((await gt("--login", "ann")).stdout).toBe("Mirror: 0 beads brought up to date from GitHub, 0 issues edited, 0 issues imported; 1 page read, 0 unchanged.\n");

    // Told who Gas Town comments as, it takes in comments too: the first time, from the newest one there is.
    await asAnn("POST", "/repos/octo/town/issues/1/comments", { body: "Seen from the terminal too." });
    expect((await gt("--bot-login", "gastown[bot]")).stdout).toBe(
      "Mirror: 0 beads brought up to date from GitHub, 0 issues edited, 0 issues imported, 1 bead with comments taken from GitHub; 3 pages read, 0 unchanged.\n",
    );
    expect((await onlyBeadOf("From the terminal")).comments?.map((c) => [c.author, c.text])).toEqual([["ann", "Seen from the terminal too."]]);
  });
});
