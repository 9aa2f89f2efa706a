// The ledger store against the emulator: real Git Data API calls, held to GitHub's contract,
// on a real bare repository.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LedgerLanes } from "../../app/github/ledger-lanes.js";
import { LedgerStore, LedgerStoreError, LEDGER_CONFIG_PATH, LEDGER_PATH } from "../../app/github/ledger-store.js";
import { beadByExternalRef } from "../../app/ledger/external-ref.js";
import { Ledger } from "../../app/ledger/ledger.js";
import type { Emulator } from "../emulator/emulator.js";
import { octokitFor, startFixedEmulator } from "../emulator/testing.js";
import { parseChangedBeads } from "../../app/mirror/changed-beads-trailer.js";
import { bead } from "../ledger/ledger-builders.js";

let github: Emulator;
let token: string;

beforeEach(async () => {
  github = await startFixedEmulator();
  await github.addRepo({ owner: "octo", name: "town", files: { "README.md": "# Town\n" } });
  token = github.installationToken(github.install({ account: "octo" }));
});

afterEach(async () => {
  await github.close();
  expect(github.problems).toEqual([]);
});

const waits: number[] = [];
function store(options: Partial<ConstructorParameters<typeof LedgerStore>[1]> = {}): LedgerStore {
  return new LedgerStore(octokitFor(github, token), {
    owner: "octo", repo: "town", branch: "gastown/ledger", prefix: "town",
    sleep: async (ms) => { waits.push(ms); }, random: () => 0.5, ...options,
  });
}
const add = (id: string) => (ledger: Ledger) => ledger.withBead(bead(id));

describe("the ledger store", () => {
  it("makes the orphan branch with the ledger and its config on first use", async () => {
    const written = await store().update("Add town-1", add("town-1"));
    expect(written).toMatchObject({ changed: true, attempts: 1 });
    const git = github.git("octo/town");
    const tip = await git.resolveRef("refs/heads/gastown/ledger");
    expect(tip).toBe(written.state.commit);
    const file = async (path: string) => (await git.fileAt(tip as string, path))?.content.toString("utf8");
    expect(await file(LEDGER_PATH)).toBe(JSON.stringify(bead("town-1")) + "\n");
    expect(await file(LEDGER_CONFIG_PATH)).toContain('issue-prefix: "town"');
    // An orphan: the ledger's history shares nothing with the code's.
    const { data } = await octokitFor(github, token).request("GET /repos/{owner}/{repo}/git/commits/{commit_sha}", {
      owner: "octo", repo: "town", commit_sha: tip as string,
    });
    expect(data.parents).toEqual([]);
    expect((await store().read()).ledger.beads().map((b) => b.id)).toEqual(["town-1"]);
  });

  it("names in each commit the beads it changed, for the mirror to read instead of diffing the ledger", async () => {
    await store().update("Add town-1", add("town-1"));
    const written = await store().update("Add two, change one", (ledger) => ledger.withBead(bead("town-3")).withBead(bead("town-2")).withBead({ ...bead("town-1"), title: "Changed" }));
    const { data } = await octokitFor(github, token).request("GET /repos/{owner}/{repo}/git/commits/{commit_sha}", {
      owner: "octo", repo: "town", commit_sha: written.state.commit as string,
    });
    expect(data.message).toMatch(/^Add two, change one\n\nGastown-Beads: town-1 town-2 town-3\nGastown-Write: [0-9a-f-]{36}\n$/);
    expect(parseChangedBeads(data.message)).toEqual(["town-1", "town-2", "town-3"]);
  });

  it("commits on the branch's tip, and writes nothing when the mutation changes nothing", async () => {
    const first = await store().update("Add town-1", add("town-1"));
    const second = await store().update("Add town-2", add("town-2"));
    expect(second.state.ledger.beads().map((b) => b.id)).toEqual(["town-1", "town-2"]);
    const unchanged = await store().update("Nothing", (ledger) => ledger);
    expect(unchanged).toMatchObject({ changed: false, attempts: 1, state: { commit: second.state.commit } });
    expect(second.state.commit).not.toBe(first.state.commit);
  });

  it("loses a race without losing either update: re-reads and applies the mutation again", async () => {
    await store().update("Add town-1", add("town-1"));
    github.inject({ kind: "lost-race", ref: "heads/gastown/ledger" });
    waits.length = 0;
    const written = await store().update("Add town-2", add("town-2"));
    expect(written.attempts).toBe(2);
    expect(waits).toEqual([75]);
    // The rival's commit is under ours: the branch only ever moved forward.
    expect(written.state.ledger.beads().map((b) => b.id)).toEqual(["town-1", "town-2"]);
  });

  it("lets two writers at the same moment both land", async () => {
    await store().update("Start", add("town-0"));
    const results = await Promise.all([store().update("One", add("town-a")), store().update("Two", add("town-b"))]);
    expect(results.map((r) => r.changed)).toEqual([true, true]);
    expect((await store().read()).ledger.beads().map((b) => b.id)).toEqual(["town-0", "town-a", "town-b"]);
  });

  it("lets only one of two writers making the very same change win, though their changes are alike byte for byte", async () => {
    await store().update("Start", add("town-0"));
    // Same mutation, same parent, same second: without a per-write trailer the two commits
    // would be one object, and both writers would see their ref update succeed.
    // The second starts from the state both read, as a writer that read it just before the
    // first landed does.
    const once = (ledger: Ledger) => (ledger.has("town-a") ? ledger : ledger.withBead(bead("town-a")));
    const both = await store().read();
    const first = await store().update("Same", once, { from: both });
    const second = await store().update("Same", once, { from: both });
    expect([first.changed, second.changed]).toEqual([true, false]);
    expect(second.attempts).toBe(2);
  });

  it("reads a ledger of many megabytes, which as one JSON string Octokit cannot parse on Node 20", async () => {
    const big = Array.from({ length: 10_000 }, (_, i) => bead(`town-${i}`, { description: "x".repeat(1_000) }));
    await store().update("Many", (ledger) => ledger.withBeads(big));
    const read = await store().read();
    expect(read.ledger.size).toBe(10_000);
    expect(read.ledger.get("town-9999")?.description).toHaveLength(1_000);
  });

  it("in a lane, writes one after another from the state the last left: none loses, none reads again", async () => {
    await store().update("Start", add("town-0"));
    const lanes = new LedgerLanes();
    github.resetCounters();
    waits.length = 0;
    const results = await Promise.all(["a", "b", "c"].map((x) => store({ lanes }).update(`Add ${x}`, add(`town-${x}`))));
    expect(results.map((r) => [r.changed, r.attempts])).toEqual([[true, 1], [true, 1], [true, 1]]);
    expect(waits).toEqual([]);
    // Only the first write read the branch; the others started from the state before them.
    expect(github.counters["git/get-ref"]?.requests).toBe(1);
    expect(github.counters["git/update-ref"]?.requests).toBe(3);
    expect((await store().read()).ledger.beads().map((b) => b.id)).toEqual(["town-0", "town-a", "town-b", "town-c"]);
    expect(lanes.busy).toBe(0);
  });

  it("in a lane, still loses to another process's write and reads afresh", async () => {
    const lanes = new LedgerLanes();
    await store({ lanes }).update("Start", add("town-0"));
    const [mine] = await Promise.all([
      store({ lanes }).update("Mine", add("town-a")),
      store().update("Theirs", add("town-b")),
    ]);
    expect(mine.changed).toBe(true);
    expect((await store().read()).ledger.beads().map((b) => b.id)).toEqual(["town-0", "town-a", "town-b"]);
  });

  it("reads a ledger whose beads use the config's custom statuses, asking for the config only then", async () => {
    const ledger = store();
    await ledger.update("Add town-1", add("town-1"));
    const before = github.counters;
    expect((await ledger.read()).ledger.get("town-1")?.status).toBe("open");
    expect(github.counters["git/get-blob"]?.requests).toBe((before["git/get-blob"]?.requests ?? 0) + 1);
    expect(await ledger.readConfig()).toEqual({ prefix: "town", customTypes: expect.any(Array), customStatuses: [] });

    // The config allows a status of the team's own, and a bead takes it.
    await ledger.update("town-1 in review", (l) => l.update("town-1", (b) => ({ ...b, status: "review" })), {
      files: async () => [{ path: LEDGER_CONFIG_PATH, content: 'issue-prefix: "town"\nstatus:\n  custom: "review"\n' }],
    });
    const blobs = github.counters["git/get-blob"]?.requests ?? 0;
    expect((await ledger.read()).ledger.get("town-1")?.status).toBe("review");
    // The ledger's blob, then the config's.
    expect(github.counters["git/get-blob"]?.requests).toBe(blobs + 2);
    expect((await ledger.peek()).get("town-1")?.status).toBe("review");
    expect((await ledger.readConfig()).customStatuses).toEqual(["review"]);
  });

  it("gives up, saying why, when it keeps losing", async () => {
    await store().update("Start", add("town-0"));
    github.inject({ kind: "lost-race", ref: "heads/gastown/ledger", times: 3 });
    await expect(store({ maxAttempts: 3 }).update("Add", add("town-1"))).rejects.toThrow(
      new LedgerStoreError("gastown/ledger: gave up after 3 attempts: other writers kept moving the branch"),
    );
  });

  it("warns as the ledger grows large and refuses, writing nothing, past the limit", async () => {
    const warnings: string[] = [];
    const sizes = { warning: 300, limit: 600 };
    await store({ sizes, warn: (m) => warnings.push(m) }).update("Add", add("town-1"));
    expect(warnings).toEqual([]);
    await store({ sizes, warn: (m) => warnings.push(m) }).update("Add", add("town-2"));
    expect(warnings).toEqual([".beads/issues.jsonl is 318 bytes; it cannot grow past 600 bytes"]);
    const before = await store().read();
    await expect(store({ sizes }).update("Add", (l) => l.withBeads([bead("town-3"), bead("town-4")]))).rejects.toThrow(
      ".beads/issues.jsonl would be 636 bytes, over the 600 bytes limit (GitHub refuses files over 100 MB): nothing was written",
    );
    expect((await store().read()).commit).toBe(before.commit);
  });
});

describe("finding an issue's bead", () => {
  it("goes by the issue's URL in external_ref", () => {
    const url = "https://github.com/octo/town/issues/7";
    const ledger = Ledger.of([bead("town-b", { external_ref: url }), bead("town-a", { external_ref: url }), bead("town-c")]);
    expect(beadByExternalRef(ledger, url)?.id).toBe("town-a");
    expect(beadByExternalRef(ledger, "https://github.com/octo/town/issues/8")).toBeUndefined();
  });
});
