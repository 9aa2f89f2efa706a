// The whole way, with the mirror on as a new town has it: an issue opened and slung, a real
// polecat run (the stand-in agent, behind the sandbox), its exit published as a pull request, the
// refinery's batch tested, approved and landed, every webhook and ledger push handed to the App
// as GitHub sends them. One bead for the issue throughout, a person's edit taken in once, nothing
// the App did echoed back, and once it has landed a drift look finds nothing to do.
import { afterEach, describe, expect, it } from "vitest";
import { realDependencies } from "../../app/handlers/app-dependencies.js";
import { repairDrift } from "../../app/handlers/mirror-drift.js";
import { openTown } from "../../app/handlers/repository-town.js";
import { memoryPageCache } from "../../app/github/issue-pages.js";
import { gastownMetadata } from "../../app/molecules/gastown-metadata.js";
import { AGENTS, startPolecatTown, type PolecatTown } from "../polecat/polecat-harness.js";
import { REPO } from "./app-harness.js";
import { commentsOn, pullRequests } from "./publish-harness.js";
import { GATES_WORKFLOW, refine, runGates, tipOf } from "./refinery-harness.js";
import { installationClient } from "./witness-harness.js";

let polecat: PolecatTown | undefined;
afterEach(async () => {
  await polecat?.close();
  expect(polecat?.town.github.problems ?? []).toEqual([]);
  polecat = undefined;
});

const MERGE_REQUEST = "merge-request";

describe("from a sling to landed work, with the mirror on", () => {
  it("lands the issue's work through the refinery, with one bead for the issue and no echo", async () => {
    polecat = await startPolecatTown({
      command: `${AGENTS}/diligent.sh`,
      pushes: true,
      polecat: "",
      files: {
        ".github/gastown.yml": `polecat:\n  agent: command\n  command: ${AGENTS}/diligent.sh\nrefinery:\n  gates: { commands: [npm test], checks: none }\n`,
        ".github/workflows/gastown-gates.yml": GATES_WORKFLOW,
      },
    });
    const town = polecat.town;
    const slung = await polecat.bead();
    expect(slung).toMatchObject({ title: "Fix the pumps", description: "They leak.", status: "hooked", created_by: "ann" });
    // Opened before it was slung: the mirror imported it on `opened`, and the sling took that bead.
    const workBeads = async () => (await polecat?.ledger())?.beads().filter((b) => ["task", "bug", "feature", "epic", "chore"].includes(b.issue_type ?? "task") && !b.id.includes("-mol-")) ?? [];
    expect((await workBeads()).map((b) => b.id)).toEqual([slung.id]);

    // A person retitles the issue while the polecat works.
    await town.as("ann", "PATCH", `/repos/${REPO}/issues/1`, { title: "Fix the leaking pumps" });
    await town.deliver();
    expect((await polecat.bead()).title).toBe("Fix the leaking pumps");

    const { outcome } = await polecat.runPolecat();
    expect(outcome).toMatchObject({ kind: "exited" });
    // The run's mail, its ledger pushes and its workflow events, as GitHub would send them.
    await town.deliver();
    await town.deliver();
    const done = await polecat.bead();
    expect(done).toMatchObject({ id: slung.id, title: "Fix the leaking pumps", status: "in_progress" });
    const pr = gastownMetadata(done).pr as number;
    expect(pullRequests(town)).toEqual([
      { number: pr, head: `polecat/furiosa/${slung.id}`, base: "main", title: "Fix the leaking pumps", state: "open", labels: ["gt:queue"] },
    ]);

    // The refinery: the batch built, its gates green, its pull request approved, then landed.
    await refine(town);
    expect(await runGates(town)).toEqual(["1: green"]);
    await refine(town);
    await town.deliver();
    const refinery = pullRequests(town).find((p) => p.head === "gastown-refinery/main/1");
    expect(refinery).toMatchObject({ state: "open" });
    await town.as("mayor", "POST", `/repos/${REPO}/pulls/${refinery?.number}/reviews`, { event: "APPROVE", body: "" });
    await refine(town);
    await town.deliver();
    await town.deliver();

    expect(town.issue(pr)).toMatchObject({ state: "closed", pull: { merged: true } });
    expect(town.issue(1)).toMatchObject({ state: "closed", stateReason: "completed", title: "Fix the leaking pumps" });
    const landed = await polecat.bead();
    expect(landed).toMatchObject({ id: slung.id, status: "closed", close_reason: "merged", title: "Fix the leaking pumps" });
    // Still one bead for the issue; the pull requests are the merge queue's, not work to mirror.
    expect((await workBeads()).map((b) => b.id)).toEqual([slung.id]);
    expect((await polecat.ledger()).beads().filter((b) => b.issue_type === MERGE_REQUEST).map((b) => [b.title, b.status])).toEqual([
      [`Merge #${pr}: Fix the leaking pumps`, "closed"],
    ]);
    // No issue opened by the mirror: the work was GitHub's issue from the start.
    expect((town.github.state.repos[REPO]?.issues ?? []).filter((i) => !i.pull).map((i) => i.number)).toEqual([1]);
    // The issue's comments are the App's own, and none came back into the ledger.
    expect(commentsOn(town, 1).every((c) => c.user === "gastown[bot]")).toBe(true);
    expect(landed.comments ?? []).toEqual([]);

    // Each side's change recorded once: the mirror's commits only take in the issue and record
    // what both sides agree on after the App's own edits, and none answers another.
    const log = await town.github.git(REPO).git(["log", "--reverse", "--format=%s", "gastown/ledger"]);
    const id = slung.id;
    expect(log.trimEnd().split("\n").map((line) => line.replace(/\b[0-9a-f]{12}\b/, "<sha>").replace(/\(run \d+\)/, "(run <id>)"))).toEqual([
      "Mirror: taken from GitHub (1 issue event)",
      `Sling #1 (${id}) to polecat furiosa, attempt 1`,
      "Mirror: synced with GitHub",
      `Polecat furiosa claims ${id}, attempt 1 (run <id>)`,
      `${id}: step plan done by polecat furiosa, attempt 1`,
      `${id}: step build done by polecat furiosa, attempt 1`,
      `${id}: polecat furiosa ends attempt 1 as COMPLETED`,
      "Mirror: synced with GitHub",
      `Claim publishing ${id}'s attempt 1 (COMPLETED)`,
      `Record that ${id}'s attempt 1 (COMPLETED) is published as pull request #${pr}`,
      "Refinery: begin a batch into main",
      "Refinery: batch 1 into main built at <sha>",
      `Refinery: batch 1 into main is pull request #${refinery?.number}`,
      "Refinery: batch 1 into main is green",
      "Refinery: batch 1 into main landed at <sha>",
      "Mirror: synced with GitHub",
    ]);
    // Everything handed over: a further delivery round and a drift look change nothing.
    const ledgerTip = await tipOf(town, "gastown/ledger");
    const sent = town.sent.length;
    expect(await town.deliver()).toEqual([]);
    const opened = await openTown({ github: await installationClient(town), owner: "octo", repo: "town", defaultBranch: "main" }, {
      ...realDependencies, clock: () => town.clock.now, sleep: async () => undefined, random: () => 0.5,
    });
    if (opened.kind !== "on") throw new Error("town is off");
    const drift = await repairDrift(opened.town, memoryPageCache());
    expect(drift).toMatchObject({ kind: "repaired", wrote: false });
    expect(await tipOf(town, "gastown/ledger")).toBe(ledgerTip);
    // The drift look's own reads, and nothing written.
    expect(town.sent.slice(sent).map((s) => `${s.method} ${s.url}`)).toEqual([
      "GET /repos/octo/town/contents/.github%2Fgastown.yml",
      "GET /repos/octo/town/issues?state=all&sort=created&direction=asc&per_page=100&page=1",
      "GET /repos/octo/town/contents/.beads%2Fissues.jsonl?ref=refs%2Fheads%2Fgastown%2Fledger",
    ]);
    // The whole way is a polecat run, a refinery batch and some forty deliveries: longer than one role's test.
  }, 90_000);
});
