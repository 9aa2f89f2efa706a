// Convoys through the real App against the emulator: a tracking issue in octo/town whose
// sub-issues live in octo/town and octo/pumps, slung in waves (per repository's
// `limits.max_polecats`, and after their blockers), each landed by that repository's refinery
// with real git, the convoy woken by the landing, its one comment edited in place, and the
// tracking issue closed when all its work has landed.
import { afterEach, describe, expect, it } from "vitest";
import { realDependencies } from "../../app/handlers/app-dependencies.js";
import { patrolRig } from "../../app/handlers/patrol-rig.js";
import { runRefinery } from "../../app/handlers/refinery-run.js";
import { LEDGER_PATH, LedgerStore } from "../../app/github/ledger-store.js";
import { restClient } from "../../app/github/rest-client.js";
import type { Bead } from "../../app/ledger/bead-schema.js";
import type { Ledger } from "../../app/ledger/ledger.js";
import { loadLedger } from "../../app/ledger/read-ledger.js";
import { gastownMetadata, gastownString, withGastownMetadata } from "../../app/molecules/gastown-metadata.js";
import { squash } from "../../app/molecules/squash.js";
import { polecatBranch } from "../../app/town/polecat-names.js";
import { unhooked } from "../../app/town/sling.js";
import { DEFAULT_APP_EVENTS } from "../emulator/emulator.js";
import { POLECAT_WORKFLOW, startTown, type Town } from "./app-harness.js";
import { parseDiagrams } from "../town/mermaid-parser.js";
import { GATES_WORKFLOW } from "./refinery-harness.js";
import { installationClient } from "./witness-harness.js";

let town: Town;
afterEach(async () => {
  await town.close();
  expect(town.github.problems).toEqual([]);
});

const TOWN = "octo/town";
const PUMPS = "octo/pumps";
// The mirror off unless asked, in both repositories as the harness does for the town's: the
// convoy's beads are then the sling's imports, not the mirror's of the issues the test opens.
const settings = (cap: number, mirror = false) =>
  `limits:\n  max_polecats: ${cap}\nrefinery:\n  mode: direct\n  gates: { commands: [npm test], checks: none }\n${mirror ? "" : "mirror:\n  enabled: false\n"}`;
const deps = () => ({ ...realDependencies, clock: () => town.clock.now, random: () => 0.5, sleep: async () => undefined });
/** The events an installation that takes sub-issue changes subscribes to. */
const WITH_SUB_ISSUES = [...DEFAULT_APP_EVENTS, "sub_issues", "issue_dependencies"];

async function start(options: { readonly events?: readonly string[]; readonly mirror?: boolean } = {}): Promise<void> {
  const mirror = options.mirror === true;
  town = await startTown({
    files: { ".github/gastown.yml": settings(1, mirror), ".github/workflows/gastown-gates.yml": GATES_WORKFLOW },
    ...(options.events ? { events: options.events } : {}), ...(mirror ? { mirror: true, pushes: true } : {}),
  });
  await town.github.addRepo({
    owner: "octo", name: "pumps",
    files: { "README.md": "# Pumps\n", ".github/gastown.yml": settings(1, mirror), ".github/workflows/gastown-polecat.yml": POLECAT_WORKFLOW, ".github/workflows/gastown-gates.yml": GATES_WORKFLOW },
  });
  town.github.setCollaborator(PUMPS, "mayor", "maintain");
  town.github.setCollaborator(PUMPS, "ann", "write");
}

/** An issue opened by ann: its number and database id. */
async function open(repo: string, title: string, labels: string[] = []): Promise<{ number: number; id: number }> {
  return await town.as("ann", "POST", `/repos/${repo}/issues`, { title, body: "Work.", labels }) as { number: number; id: number };
}
const addSub = (parent: number, sub: { id: number }) => town.as("mayor", "POST", `/repos/${TOWN}/issues/${parent}/sub_issues`, { sub_issue_id: sub.id });
const blockBy = (repo: string, number: number, blocker: { id: number }) =>
  town.as("mayor", "POST", `/repos/${repo}/issues/${number}/dependencies/blocked_by`, { issue_id: blocker.id });

const issueIn = (repo: string, number: number) => {
  const found = town.github.state.repos[repo]?.issues.find((i) => i.number === number);
  if (!found) throw new Error(`no issue ${repo}#${number}`);
  return found;
};
const runsIn = (repo: string) => (town.github.state.repos[repo]?.runs ?? []).filter((r) => r.displayTitle.startsWith("polecat "));
const convoyComments = () => issueIn(TOWN, 1).comments.filter((c) => c.body.startsWith("<!-- gastown:convoy -->"));
const table = () => (convoyComments()[0]?.body ?? "").split("\n").filter((line) => line.startsWith("| octo/"));

async function ledgerOf(repo: string): Promise<Ledger> {
  const git = town.github.git(repo);
  const tip = await git.resolveRef("refs/heads/gastown/ledger");
  const file = tip === undefined ? undefined : await git.fileAt(tip, LEDGER_PATH);
  return loadLedger(file?.content.toString("utf8") ?? "", { file: LEDGER_PATH });
}
async function beadIn(repo: string, number: number): Promise<Bead> {
  const found = (await ledgerOf(repo)).beads().find((b) => b.external_ref === `${town.github.urls.web}/${repo}/issues/${number}`);
  if (!found) throw new Error(`no bead for ${repo}#${number}`);
  return found;
}
const convoyBead = async () => (await ledgerOf(TOWN)).beads().find((b) => b.issue_type === "convoy") as Bead;

async function editLedgerIn(repo: string, message: string, mutate: (ledger: Ledger) => Ledger): Promise<void> {
  const github = restClient({ token: town.github.userToken("mayor"), baseUrl: town.github.urls.api, paced: false });
  const [owner, name] = repo.split("/") as [string, string];
  await new LedgerStore(github, { owner, repo: name, branch: "gastown/ledger", prefix: name, sleep: async () => undefined, random: () => 0.5 }).update(message, mutate);
}

/** The sub-issue's polecat finished: its pull request opened (closing the issue), its bead in progress, its hook let go. */
async function completed(repo: string, number: number): Promise<number> {
  const bead = await beadIn(repo, number);
  const branch = polecatBranch(gastownString(bead, "polecat") as string, bead.id);
  const main = await town.as("ann", "GET", `/repos/${repo}/git/ref/heads/main`) as { object: { sha: string } };
  const path = `issue-${number}.txt`;
  const tree = await town.as("ann", "POST", `/repos/${repo}/git/trees`, { base_tree: main.object.sha, tree: [{ path, mode: "100644", type: "blob", content: `${path}\n` }] }) as { sha: string };
  const commit = await town.as("ann", "POST", `/repos/${repo}/git/commits`, { message: `Add ${path}`, tree: tree.sha, parents: [main.object.sha] }) as { sha: string };
  await town.as("ann", "POST", `/repos/${repo}/git/refs`, { ref: `refs/heads/${branch}`, sha: commit.sha });
  const pull = await town.as("ann", "POST", `/repos/${repo}/pulls`, { title: `Add ${path}`, head: branch, base: "main", body: `Closes #${number}` }) as { number: number };
  await editLedgerIn(repo, "completed", (ledger) => {
    const squashed = squash(ledger, gastownString(bead, "molecule") as string, { now: town.clock.now, abandon: true }).ledger;
    const work = squashed.get(bead.id) as Bead;
    return squashed.withBead(withGastownMetadata({ ...unhooked(work), status: "in_progress" }, { exit: "COMPLETED", pr: pull.number }));
  });
  await town.deliver();
  return pull.number;
}

/** The pull request queued and landed by the repository's refinery: built, its gates run green, merged. */
async function land(repo: string, pull: number): Promise<void> {
  await town.as("mayor", "POST", `/repos/${repo}/issues/${pull}/comments`, { body: "/queue" });
  await town.deliver();
  await refine(repo);
  await runGates(repo);
  await refine(repo);
  await town.deliver();
}
async function refine(repo: string) {
  const [owner, name] = repo.split("/") as [string, string];
  return await runRefinery({ github: await installationClient(town), owner, repo: name, defaultBranch: "main" }, deps(), "gastown[bot]");
}
async function patrol(repo: string) {
  const [owner, name] = repo.split("/") as [string, string];
  const report = await patrolRig({ github: await installationClient(town), owner, repo: name, defaultBranch: "main" }, deps(), "gastown[bot]");
  await town.deliver();
  return report;
}
async function runGates(repo: string): Promise<void> {
  const state = town.github.state.repos[repo];
  const workflow = state?.workflows.find((w) => w.path === ".github/workflows/gastown-gates.yml");
  for (const run of (state?.runs ?? []).filter((r) => r.workflowId === workflow?.id && r.status !== "completed")) {
    town.github.startJob(repo, run.id, "gates");
    town.github.completeJob(repo, run.id, "gates", "success", "$ npm test\n  ✓ pumps\n");
  }
  await town.github.settled();
}

/** The tracking issue slung by the mayor, with every delivery it causes handled. */
async function sling(number = 1, as = "mayor"): Promise<void> {
  await town.as(as, "POST", `/repos/${TOWN}/issues/${number}/labels`, { labels: ["gt:sling"] });
  await town.deliver();
  await town.deliver();
}

describe("a convoy over two repositories", () => {
  it("lands in waves: per repository's cap, blocked work after its blocker, each landing moving it on, then closes", async () => {
    await start();
    const tracking = await open(TOWN, "Refit the waterworks", ["gt:convoy"]);
    const pumpsTown = await open(TOWN, "Fix the town pumps");
    const tanks = await open(TOWN, "Paint the tanks");
    const valves = await open(PUMPS, "Seal the valves");
    const gauges = await open(PUMPS, "Fit the gauges");
    for (const sub of [pumpsTown, tanks, valves, gauges]) await addSub(tracking.number, sub);
    await blockBy(TOWN, tanks.number, pumpsTown);
    await town.deliver();

    await sling();
    // Wave 1: town#2 (town#3 waits for it); pumps#1, and pumps#2 behind it at octo/pumps's cap of one.
    expect(runsIn(TOWN).map((r) => r.displayTitle)).toEqual([`polecat furiosa · ${(await beadIn(TOWN, 2)).id} · attempt 1`]);
    expect(runsIn(PUMPS).map((r) => r.displayTitle)).toEqual([`polecat furiosa · ${(await beadIn(PUMPS, 1)).id} · attempt 1`]);
    expect(issueIn(PUMPS, 2).labels).toEqual(["gt:waiting", "gt:sling"]);
    expect(issueIn(TOWN, 3).labels).toEqual([]);
    expect(issueIn(TOWN, 1).labels).toEqual(["gt:convoy", "gt:sling"]);
    const convoy = await convoyBead();
    expect(convoy).toMatchObject({ status: "open", external_ref: "gastown:convoy/octo/town#1", title: "Convoy of octo/town#1" });
    expect(gastownMetadata(convoy)).toEqual({
      slung_by: "mayor", convoy_at: "2026-11-24T12:00:00Z", wave: 1, comment_id: convoyComments()[0]?.id,
      tracked: [
        { repo: TOWN, number: 2, id: pumpsTown.id, state: "slung", why: "slung", slung_at: "2026-11-24T12:00:00Z", wave: 1 },
        { repo: TOWN, number: 3, id: tanks.id, state: "waiting", why: "blocked by octo/town#2" },
        { repo: PUMPS, number: 1, id: valves.id, state: "slung", why: "slung", slung_at: "2026-11-24T12:00:00Z", wave: 1 },
        { repo: PUMPS, number: 2, id: gauges.id, state: "slung", why: "slung", slung_at: "2026-11-24T12:00:00Z", wave: 1 },
      ],
    });
    // Each sub-issue's work is the convoy's, so its pull request goes first in its merge queue and its landing wakes the convoy.
    expect(gastownMetadata(await beadIn(PUMPS, 2))).toMatchObject({ convoy: "gastown:convoy/octo/town#1", convoy_at: "2026-11-24T12:00:00Z" });
    expect(convoyComments().map((c) => c.body)).toEqual([[
      "<!-- gastown:convoy -->",
      "### Gas Town · 🚚 Convoy",
      "",
      "Slung by @mayor: 0 of 4 landed or closed, wave 1. Each sub-issue goes to a polecat once nothing blocks it, as many at a time per repository as its `limits.max_polecats` allows.",
      "",
      "| Issue | Title | State |",
      "|---|---|---|",
      "| octo/town#2 | Fix the town pumps | 🪝 slung |",
      "| octo/town#3 | Paint the tanks | ⏳ waiting: blocked by octo/town#2 |",
      "| octo/pumps#1 | Seal the valves | 🪝 slung |",
      "| octo/pumps#2 | Fit the gauges | 🪝 slung |",
      "",
      "```mermaid",
      "flowchart LR",
      "  accTitle: The convoy's waves",
      '  subgraph wave1["Wave 1"]',
      '    i1["#2 Fix the town pumps"]:::current',
      '    i3["octo/pumps#1 Seal the valves"]:::current',
      '    i4["octo/pumps#2 Fit the gauges"]:::current',
      "  end",
      '  subgraph later["Waiting for blockers"]',
      '    i2["#3 Paint the tanks"]:::waiting',
      "  end",
      "  classDef current fill:#fff3bf,stroke:#e67700,color:#5c3c00,stroke-width:2px",
      "  classDef waiting fill:#f1f3f5,stroke:#868e96,color:#343a40,stroke-dasharray:4 3",
      "```",
      "",
      "<sub>`/gt help` lists the commands.</sub>",
      "",
    ].join("\n")]);

    // pumps#1's polecat is done: the patrol gives its slot to pumps#2, and its landing moves the convoy on.
    const valvesPull = await completed(PUMPS, 1);
    await patrol(PUMPS);
    expect(runsIn(PUMPS)).toHaveLength(2);
    await land(PUMPS, valvesPull);
    expect(issueIn(PUMPS, 1).state).toBe("closed");
    expect(table()).toEqual([
      "| octo/town#2 | Fix the town pumps | 🪝 slung: hooked |",
      "| octo/town#3 | Paint the tanks | ⏳ waiting: blocked by octo/town#2 |",
      "| octo/pumps#1 | Seal the valves | 🛬 landed |",
      "| octo/pumps#2 | Fit the gauges | 🪝 slung: hooked |",
    ]);

    // town#2 lands: town#3 is no longer blocked, and goes in wave 2.
    await land(TOWN, await completed(TOWN, 2));
    expect(runsIn(TOWN).map((r) => r.displayTitle)).toEqual([
      `polecat furiosa · ${(await beadIn(TOWN, 2)).id} · attempt 1`, `polecat furiosa · ${(await beadIn(TOWN, 3)).id} · attempt 1`,
    ]);
    expect(gastownMetadata(await convoyBead()).wave).toBe(2);
    expect(table()).toEqual([
      "| octo/town#2 | Fix the town pumps | 🛬 landed |",
      "| octo/town#3 | Paint the tanks | 🪝 slung |",
      "| octo/pumps#1 | Seal the valves | 🛬 landed |",
      "| octo/pumps#2 | Fit the gauges | 🪝 slung: hooked |",
    ]);
    const [waves] = await parseDiagrams(convoyComments()[0]?.body ?? "");
    expect(waves?.groups.map((g) => [g.title, g.nodes])).toEqual([["Wave 1", ["i1", "i3", "i4"]], ["Wave 2", ["i2"]]]);
    expect(waves?.nodes.map((n) => n.classes[0])).toEqual(["done", "done", "current", "current"]);

    // The last two land: the convoy closes, says so in its one comment, and closes its issue.
    await land(PUMPS, await completed(PUMPS, 2));
    expect(issueIn(TOWN, 1).state).toBe("open");
    await land(TOWN, await completed(TOWN, 3));
    expect(issueIn(TOWN, 1)).toMatchObject({ state: "closed", stateReason: "completed" });
    expect(await convoyBead()).toMatchObject({ status: "closed", close_reason: "landed" });
    expect(convoyComments()).toHaveLength(1);
    expect(convoyComments()[0]?.body.split("\n").slice(1, 4)).toEqual([
      "### Gas Town · ✅ Convoy landed", "", "All 4 tracked issues landed or closed, so this convoy is done and its issue closed.",
    ]);
    expect(table().map((row) => row.split(" | ").at(-1))).toEqual(["🛬 landed |", "🛬 landed |", "🛬 landed |", "🛬 landed |"]);
  // Four pull requests built, tested and landed with real git: about 12 s alone, twice that beside other suites.
  }, 90_000);
});

describe("a convoy's reach", () => {
  it("refuses visibly where the slinger lacks access, says which repository is off, and counts a sub-issue a person closed as done", async () => {
    await start();
    await town.github.addRepo({ owner: "octo", name: "attic", files: { "README.md": "# Attic\n" } });
    town.github.setCollaborator("octo/attic", "ann", "write");
    town.github.setCollaborator(TOWN, "bob", "write");
    town.github.setCollaborator(PUMPS, "bob", "read");
    const tracking = await open(TOWN, "Refit the waterworks", ["gt:convoy"]);
    for (const sub of [await open(TOWN, "Fix the town pumps"), await open(PUMPS, "Seal the valves"), await open("octo/attic", "Clear the attic")]) await addSub(tracking.number, sub);
    await town.deliver();

    await sling(1, "bob");
    expect(runsIn(TOWN)).toHaveLength(1);
    expect(runsIn(PUMPS)).toEqual([]);
    expect(issueIn(PUMPS, 1)).toMatchObject({ labels: [], comments: [] });
    expect(await ledgerOf(PUMPS)).toMatchObject({ records: new Map() });
    expect(table()).toEqual([
      "| octo/town#2 | Fix the town pumps | 🪝 slung |",
      "| octo/pumps#1 | Seal the valves | ⛔ not slung: @bob has read access to octo/pumps; driving Gas Town here takes write (trust.permission in .github/gastown.yml) |",
      "| octo/attic#1 | Clear the attic | ⛔ not slung: see below |",
    ]);
    expect(convoyComments()[0]?.body).toContain("\n- octo/attic: Gas Town is not switched on in this repository (it has no `.github/gastown.yml`), so its sub-issues are not slung.\n");

    // A patrol pass sees town#2's bead hooked (the table says so); a second, with nothing new, writes nothing and edits nothing.
    await patrol(TOWN);
    const ledgerTip = () => town.github.git(TOWN).resolveRef("refs/heads/gastown/ledger");
    const tip = await ledgerTip();
    expect((await town.github.git(TOWN).readCommit(tip as string)).message.split("\n")[0]).toBe("Convoy of octo/town#1: progress");
    expect(table()[0]).toBe("| octo/town#2 | Fix the town pumps | 🪝 slung: hooked |");
    const comment = convoyComments()[0]?.body ?? "";
    const sentBefore = town.sent.length;
    await patrol(TOWN);
    expect(town.sent.slice(sentBefore).map((s) => `${s.method} ${s.url}`)).toEqual([
      // The rig's settings and ledger, as every patrol pass reads them.
      "GET /repos/octo/town/contents/.github%2Fgastown.yml",
      "GET /repos/octo/town/contents/.beads%2Fissues.jsonl?ref=refs%2Fheads%2Fgastown%2Fledger",
      // The convoy's step: its sub-issues; each other repository, its settings and ledger; the
      // blockers of what is still to be slung where it can be; the slinger's access where it would sling.
      "GET /repos/octo/town/issues/1/sub_issues?per_page=100&page=1",
      "GET /repos/octo/pumps",
      "GET /repos/octo/pumps/contents/.github%2Fgastown.yml",
      "GET /repos/octo/pumps/contents/.beads%2Fissues.jsonl?ref=refs%2Fheads%2Fgastown%2Fledger",
      "GET /repos/octo/pumps/issues/1/dependencies/blocked_by?per_page=100&page=1",
      "GET /repos/octo/attic",
      "GET /repos/octo/attic/contents/.github%2Fgastown.yml",
      "GET /repos/octo/pumps/collaborators/bob/permission",
      // The comment, found and left as it is.
      "GET /repos/octo/town/issues/1/comments?per_page=100&page=1",
    ]);
    expect(await ledgerTip()).toBe(tip);
    expect(convoyComments()[0]?.body).toBe(comment);

    // People close the three sub-issues themselves. town#2, slung, wakes the convoy at once; pumps#1
    // was never slung and its repository has the mirror off, so its closing is the patrol's to find.
    await town.as("mayor", "PATCH", `/repos/${TOWN}/issues/2`, { state: "closed" });
    await town.deliver();
    await town.as("mayor", "PATCH", `/repos/${PUMPS}/issues/1`, { state: "closed" });
    await town.deliver();
    expect(table().slice(0, 2)).toEqual([
      "| octo/town#2 | Fix the town pumps | ✔️ closed |",
      "| octo/pumps#1 | Seal the valves | ⛔ not slung: @bob has read access to octo/pumps; driving Gas Town here takes write (trust.permission in .github/gastown.yml) |",
    ]);
    await patrol(TOWN);
    expect(table()).toEqual([
      "| octo/town#2 | Fix the town pumps | ✔️ closed |",
      "| octo/pumps#1 | Seal the valves | ✔️ closed |",
      "| octo/attic#1 | Clear the attic | ⛔ not slung: see below |",
    ]);
    expect(issueIn(TOWN, 1).state).toBe("open");
    await town.as("ann", "PATCH", "/repos/octo/attic/issues/1", { state: "closed" });
    await patrol(TOWN);
    expect(issueIn(TOWN, 1)).toMatchObject({ state: "closed", stateReason: "completed" });
    expect(convoyComments()).toHaveLength(1);
  });
});

describe("two App instances", () => {
  it("taking the same sling of a convoy at once sling each sub-issue once and leave one comment", async () => {
    await start();
    const tracking = await open(TOWN, "Refit the waterworks", ["gt:convoy"]);
    for (const sub of [await open(TOWN, "Fix the town pumps"), await open(PUMPS, "Seal the valves")]) await addSub(tracking.number, sub);
    await town.deliver();
    await town.as("mayor", "POST", `/repos/${TOWN}/issues/1/labels`, { labels: ["gt:sling"] });
    const [delivery] = (await town.newDeliveries()).filter((d) => d.event === "issues" && (d.payload as { action?: string }).action === "labeled");
    const event = { id: delivery?.id ?? "", name: "issues" as never, payload: delivery?.payload as never };
    const sentBefore = town.sent.length;
    await Promise.all([town.app(0).receive(event), town.app(1).receive(event)]);
    await town.github.settled();
    // Both took a step (each read the sub-issues); the ledger let one of them sling.
    expect(town.sent.slice(sentBefore).filter((s) => s.url.includes("/sub_issues")).length).toBe(2);
    expect(runsIn(TOWN)).toHaveLength(1);
    expect(runsIn(PUMPS)).toHaveLength(1);
    expect((await ledgerOf(TOWN)).beads().filter((b) => b.issue_type === "convoy")).toHaveLength(1);
    expect(convoyComments()).toHaveLength(1);
    expect(gastownMetadata(await convoyBead())).toMatchObject({ wave: 1, comment_id: convoyComments()[0]?.id });
  });
});

describe("an epic", () => {
  it("slung, lands in waves and closes", async () => {
    await start();
    const epic = await open(TOWN, "Refit the town", ["type::epic"]);
    const first = await open(TOWN, "Lay the pipes");
    const second = await open(TOWN, "Fill the pipes");
    for (const sub of [first, second]) await addSub(epic.number, sub);
    await blockBy(TOWN, second.number, first);
    await town.deliver();

    await town.as("mayor", "POST", `/repos/${TOWN}/issues/${epic.number}/comments`, { body: "/sling" });
    await town.deliver();
    await town.deliver();
    // The epic itself gets no polecat: its sub-issues do, one wave at a time.
    expect((await ledgerOf(TOWN)).beads().filter((b) => b.external_ref?.endsWith("/issues/1"))).toEqual([]);
    expect(runsIn(TOWN)).toHaveLength(1);
    expect(table()).toEqual([
      "| octo/town#2 | Lay the pipes | 🪝 slung |",
      "| octo/town#3 | Fill the pipes | ⏳ waiting: blocked by octo/town#2 |",
    ]);
    await land(TOWN, await completed(TOWN, 2));
    expect(runsIn(TOWN)).toHaveLength(2);
    await land(TOWN, await completed(TOWN, 3));
    expect(issueIn(TOWN, 1)).toMatchObject({ state: "closed", stateReason: "completed" });
    expect(table()).toEqual([
      "| octo/town#2 | Lay the pipes | 🛬 landed |",
      "| octo/town#3 | Fill the pipes | 🛬 landed |",
    ]);
  });
});

describe("wakes from GitHub", () => {
  it("a sub-issue a person closes in another repository moves its convoy at once; an issue no convoy tracks costs no request", async () => {
    await start({ events: WITH_SUB_ISSUES });
    const tracking = await open(TOWN, "Refit the waterworks", ["gt:convoy"]);
    const valves = await open(PUMPS, "Seal the valves");
    const gauges = await open(PUMPS, "Fit the gauges");
    for (const sub of [valves, gauges]) await addSub(tracking.number, sub);
    await blockBy(PUMPS, gauges.number, valves);
    const stray = await open(TOWN, "Sweep the yard");
    await town.deliver();
    await sling();
    expect(table()).toEqual([
      "| octo/pumps#1 | Seal the valves | 🪝 slung |",
      "| octo/pumps#2 | Fit the gauges | ⏳ waiting: blocked by octo/pumps#1 |",
    ]);

    // An issue no convoy tracks, closed: the settings every handler of the delivery shares, and nothing more.
    let sentBefore = town.sent.length;
    await town.as("ann", "PATCH", `/repos/${TOWN}/issues/${stray.number}`, { state: "closed" });
    await town.deliver();
    expect(town.sent.slice(sentBefore).map((s) => `${s.method} ${s.url}`)).toEqual(["GET /repos/octo/town/contents/.github%2Fgastown.yml"]);

    // ann closes pumps#1 herself: the delivery to octo/pumps finds its convoy through the slung bead
    // there, and the convoy's step counts it and slings pumps#2 at once, with no patrol.
    sentBefore = town.sent.length;
    await town.as("ann", "PATCH", `/repos/${PUMPS}/issues/1`, { state: "closed" });
    await town.deliver();
    expect(town.sent.slice(sentBefore).slice(0, 5).map((s) => `${s.method} ${s.url}`)).toEqual([
      "GET /repos/octo/pumps/contents/.github%2Fgastown.yml",
      "GET /repos/octo/pumps/contents/.beads%2Fissues.jsonl?ref=refs%2Fheads%2Fgastown%2Fledger",
      // The convoy's home: its default branch, settings and ledger.
      "GET /repos/octo/town",
      "GET /repos/octo/town/contents/.github%2Fgastown.yml",
      "GET /repos/octo/town/contents/.beads%2Fissues.jsonl?ref=refs%2Fheads%2Fgastown%2Fledger",
    ]);
    expect(table()).toEqual([
      "| octo/pumps#1 | Seal the valves | ✔️ closed |",
      "| octo/pumps#2 | Fit the gauges | 🪝 slung |",
    ]);
    expect(gastownMetadata(await convoyBead()).wave).toBe(2);
    expect(issueIn(PUMPS, 2).labels).toContain("gt:sling");
  });

  it("a sub-issue added to the tracking issue goes in the next wave, one removed stops being tracked, and a parent that is no convoy costs nothing", async () => {
    await start({ events: WITH_SUB_ISSUES });
    const tracking = await open(TOWN, "Refit the waterworks", ["gt:convoy"]);
    await addSub(tracking.number, await open(TOWN, "Fix the town pumps"));
    const plain = await open(TOWN, "Tidy the shed");
    const later = await open(PUMPS, "Seal the valves");
    const child = await open(TOWN, "Oil the hinges");
    await town.deliver();
    await sling();
    expect(table()).toEqual(["| octo/town#2 | Fix the town pumps | 🪝 slung |"]);

    // A sub-issue under a parent that is no convoy: each of GitHub's two deliveries reads the
    // settings (the mirror's, shared), and the wake asks nothing.
    let sentBefore = town.sent.length;
    await addSub(plain.number, child);
    const quiet = await town.deliver();
    expect(quiet.map((d) => `${d.event}.${String((d.payload as { action?: string }).action)}`)).toEqual(["sub_issues.sub_issue_added", "sub_issues.parent_issue_added"]);
    expect(town.sent.slice(sentBefore).map((s) => `${s.method} ${s.url}`)).toEqual([
      "GET /repos/octo/town/contents/.github%2Fgastown.yml", "GET /repos/octo/town/contents/.github%2Fgastown.yml",
    ]);

    // pumps#1 added to the convoy: slung in wave 2 by the delivery to the tracking issue's repository alone.
    sentBefore = town.sent.length;
    await addSub(tracking.number, later);
    await town.deliver();
    expect(town.sent.slice(sentBefore).filter((s) => s.url.includes("/sub_issues")).map((s) => `${s.method} ${s.url}`)).toEqual([
      "GET /repos/octo/town/issues/1/sub_issues?per_page=100&page=1",
    ]);
    expect(table()).toEqual([
      "| octo/town#2 | Fix the town pumps | 🪝 slung: hooked |",
      "| octo/pumps#1 | Seal the valves | 🪝 slung |",
    ]);
    expect(runsIn(PUMPS)).toHaveLength(1);
    expect(gastownMetadata(await convoyBead())).toMatchObject({ wave: 2 });

    // Taken out again: no longer tracked (its own sling goes on, as any sling's would).
    await town.as("mayor", "DELETE", `/repos/${TOWN}/issues/${tracking.number}/sub_issue`, { sub_issue_id: later.id });
    await town.deliver();
    expect(table()).toEqual(["| octo/town#2 | Fix the town pumps | 🪝 slung: hooked |"]);
    expect((gastownMetadata(await convoyBead()).tracked as { number: number }[]).map((t) => t.number)).toEqual([2]);
  });

  it("the convoy's own closing of its issue wakes nothing, and a crash before the closing commit is finished by the next patrol, once", async () => {
    await start({ events: WITH_SUB_ISSUES });
    const tracking = await open(TOWN, "Refit the waterworks", ["gt:convoy"]);
    await addSub(tracking.number, await open(TOWN, "Fix the town pumps"));
    await town.deliver();
    await sling();

    // The last sub-issue closed by a person: the step says so and closes the tracking issue, then
    // its commit fails (GitHub answers 500 moving the ledger's ref).
    await town.as("mayor", "PATCH", `/repos/${TOWN}/issues/2`, { state: "closed" });
    town.github.inject({ kind: "status", status: 500, operationId: "git/update-ref" });
    await expect(town.deliver()).rejects.toThrow();
    expect(issueIn(TOWN, 1)).toMatchObject({ state: "closed", stateReason: "completed" });
    expect(await convoyBead()).toMatchObject({ status: "open" });
    const said = convoyComments()[0]?.body ?? "";
    expect(said.split("\n").slice(1, 4)).toEqual([
      "### Gas Town · ✅ Convoy landed", "", "All 1 tracked issue landed or closed, so this convoy is done and its issue closed.",
    ]);

    // GitHub's deliveries of the App's own comment edit and closing: no request.
    const sentBefore = town.sent.length;
    const own = await town.deliver();
    expect(own.map((d) => `${d.event}.${String((d.payload as { action?: string }).action)}`)).toEqual(["issue_comment.edited", "issues.closed"]);
    expect(town.sent.slice(sentBefore)).toEqual([]);

    // The patrol finds the convoy open and done: the comment is left as it is, the issue closed again changes nothing, the bead closes.
    const patrolFrom = town.sent.length;
    await patrol(TOWN);
    expect(town.sent.slice(patrolFrom).filter((s) => s.method !== "GET").map((s) => `${s.method} ${s.url}`)).toEqual([
      "PATCH /repos/octo/town/issues/1",
      "POST /repos/octo/town/git/trees", "POST /repos/octo/town/git/commits", "PATCH /repos/octo/town/git/refs/heads%2Fgastown%2Fledger",
    ]);
    expect(await convoyBead()).toMatchObject({ status: "closed", close_reason: "landed" });
    expect(gastownMetadata(await convoyBead()).comment_id).toBe(convoyComments()[0]?.id);
    expect(convoyComments().map((c) => c.body)).toEqual([said]);
    expect(issueIn(TOWN, 1).comments.filter((c) => c.user === "gastown[bot]" && c.body.includes("landed"))).toHaveLength(1);
    expect(await town.deliver()).toEqual([]);

    // And the next pass has nothing left to do for it.
    const idleFrom = town.sent.length;
    await patrol(TOWN);
    expect(town.sent.slice(idleFrom).filter((s) => s.method !== "GET")).toEqual([]);
  });
});

describe("a convoy with the mirror on", () => {
  it("over two repositories: one bead per issue, lands in waves and closes, and an issue no convoy tracks costs only the mirror's requests", async () => {
    await start({ events: WITH_SUB_ISSUES, mirror: true });
    const tracking = await open(TOWN, "Refit the waterworks", ["gt:convoy"]);
    const pipes = await open(TOWN, "Lay the pipes");
    const valves = await open(PUMPS, "Seal the valves");
    const gauges = await open(PUMPS, "Fit the gauges");
    const stray = await open(TOWN, "Sweep the yard");
    for (const sub of [pipes, valves, gauges]) await addSub(tracking.number, sub);
    await blockBy(PUMPS, gauges.number, valves);
    await town.deliver();
    await town.deliver();

    await sling();
    await town.deliver();
    expect(table()).toEqual([
      "| octo/town#2 | Lay the pipes | 🪝 slung |",
      "| octo/pumps#1 | Seal the valves | 🪝 slung |",
      "| octo/pumps#2 | Fit the gauges | ⏳ waiting: blocked by octo/pumps#1 |",
    ]);

    // An issue no convoy tracks, closed: the mirror's settings, ledger read and commit, and not one request more.
    const sentBefore = town.sent.length;
    await town.as("ann", "PATCH", `/repos/${TOWN}/issues/${stray.number}`, { state: "closed" });
    await town.deliver();
    expect(town.sent.slice(sentBefore).map((s) => `${s.method} ${s.url.replace(/\/[0-9a-f]{40}/, "/SHA")}`)).toEqual([
      "GET /repos/octo/town/contents/.github%2Fgastown.yml",
      "GET /repos/octo/town/git/ref/heads%2Fgastown%2Fledger",
      "GET /repos/octo/town/git/commits/SHA",
      "GET /repos/octo/town/git/trees/SHA?recursive=1",
      "GET /repos/octo/town/git/blobs/SHA",
      "POST /repos/octo/town/git/trees",
      "POST /repos/octo/town/git/commits",
      "PATCH /repos/octo/town/git/refs/heads%2Fgastown%2Fledger",
    ]);

    await land(PUMPS, await completed(PUMPS, 1));
    await town.deliver();
    expect(table()).toEqual([
      "| octo/town#2 | Lay the pipes | 🪝 slung: hooked |",
      "| octo/pumps#1 | Seal the valves | 🛬 landed |",
      "| octo/pumps#2 | Fit the gauges | 🪝 slung |",
    ]);
    await land(TOWN, await completed(TOWN, 2));
    await land(PUMPS, await completed(PUMPS, 2));
    await town.deliver();
    expect(issueIn(TOWN, 1)).toMatchObject({ state: "closed", stateReason: "completed" });
    expect(await convoyBead()).toMatchObject({ status: "closed", close_reason: "landed" });
    expect(convoyComments()).toHaveLength(1);
    expect(table().map((row) => row.split(" | ").at(-1))).toEqual(["🛬 landed |", "🛬 landed |", "🛬 landed |"]);

    // Exactly one bead per issue in each repository, the convoy's own aside; each work bead the convoy's and landed.
    for (const repo of [TOWN, PUMPS]) {
      const refs = (await ledgerOf(repo)).beads().map((b) => b.external_ref).filter((r) => r?.includes("/issues/"));
      expect(refs.length, repo).toBe(new Set(refs).size);
    }
    expect((await ledgerOf(TOWN)).beads().filter((b) => b.external_ref?.endsWith("/issues/1")).map((b) => b.status)).toEqual(["closed"]);
    for (const [repo, number] of [[TOWN, 2], [PUMPS, 1], [PUMPS, 2]] as const) {
      expect(await beadIn(repo, number)).toMatchObject({ status: "closed", close_reason: "merged" });
      expect(gastownString(await beadIn(repo, number), "convoy")).toBe("gastown:convoy/octo/town#1");
    }
  }, 90_000);
});
