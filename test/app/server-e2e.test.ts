// End to end, as `npm start` runs the App: Probot's HTTP server takes the emulator's signed
// webhooks and slings the issue: label → commit on gastown/ledger → workflow dispatched →
// status comment.
import { afterEach, expect, it } from "vitest";
import { gastownMetadata } from "../../app/molecules/gastown-metadata.js";
import { limitsHash } from "../../app/town/polecat-dispatch.js";
import { REPO, startTown, type Town } from "./app-harness.js";

let town: Town;
afterEach(async () => {
  await town.close();
  expect(town.github.problems).toEqual([]);
});

it("slings an issue labelled gt:sling, over HTTP with signed webhooks", async () => {
  town = await startTown();
  await town.serve();
  await town.as("ann", "POST", "/repos/octo/town/issues", { title: "Fix the pumps" });
  await town.as("mayor", "POST", "/repos/octo/town/issues/1/labels", { labels: ["gt:sling"] });
  await town.github.settled();

  const labelled = town.github.deliveries.find((d) => d.event === "issues" && d.action === "labeled");
  expect(labelled?.statuses).toEqual([200]);
  const ledger = await town.ledger();
  const bead = ledger?.beads().find((b) => b.title === "Fix the pumps");
  expect(bead?.status).toBe("hooked");
  const runs = town.github.state.repos[REPO]?.runs ?? [];
  expect(runs.map((r) => [r.displayTitle, r.inputs?.bead])).toEqual([[`polecat furiosa · ${bead?.id} · attempt 1`, bead?.id]]);
  expect(gastownMetadata(bead as NonNullable<typeof bead>)).toMatchObject({ attempt: 1, limits_hash: limitsHash(runs[0]?.inputs?.["limits"] ?? "") });
  const status = town.issue(1).comments.find((c) => c.user === "gastown[bot]");
  expect(status?.body).toContain(`<!-- gastown:bead ${bead?.id} -->`);
  expect(status?.body).toContain("Slung by @mayor to polecat **furiosa** (attempt 1). It is on its way.");
  expect(town.issue(1).labels).toEqual(["gt:sling", "status::hooked"]);
});
