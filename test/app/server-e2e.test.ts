// End to end, as `npm start` runs the App: Probot's HTTP server takes the emulator's signed
// webhooks and slings the issue: label → commit on gastown/ledger → workflow dispatched →
// status comment. A delivery the App failed on is asked for again at the patrol clock's next tick.
import { afterEach, expect, it } from "vitest";
import { realDependencies } from "../../app/handlers/app-dependencies.js";
import type { GitHubClient } from "../../app/github/github-client.js";
import { patrolTick, type PatrolApp } from "../../app/handlers/patrol-clock.js";
import { gastownMetadata } from "../../app/molecules/gastown-metadata.js";
import { limitsHash } from "../../app/town/polecat-dispatch.js";
import { REPO, startTown, type Town } from "./app-harness.js";
import { installationClient } from "./witness-harness.js";

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

it("asks GitHub again, at the patrol clock's next tick, for a label delivery the App failed on: the issue is slung once", async () => {
  town = await startTown();
  await town.serve();
  await town.as("ann", "POST", "/repos/octo/town/issues", { title: "Fix the pumps" });
  // GitHub fails the App's 👀 as it takes the label: the handler fails, and so does the delivery.
  town.github.inject({ kind: "status", status: 502, operationId: "reactions/create-for-issue" });
  await town.as("mayor", "POST", "/repos/octo/town/issues/1/labels", { labels: ["gt:sling"] });
  await town.github.settled();
  const labelled = town.github.deliveries.find((d) => d.event === "issues" && d.action === "labeled");
  expect(labelled?.statuses).toEqual([502]);
  expect(town.github.state.repos[REPO]?.runs ?? []).toEqual([]);

  const current = town;
  const app: PatrolApp = {
    installations: async () => current.github.state.installations.map((i) => i.id),
    installationClient: () => installationClient(current),
    botLogin: async () => "gastown[bot]",
    appClient: async () => await current.app().auth() as unknown as GitHubClient,
  };
  // GitHub dates its deliveries by the real clock: the tick's is a minute on, past the wait before a failed one is asked for again.
  const tick = () => patrolTick(app, { ...realDependencies, clock: () => new Date(Date.now() + 60_000), random: () => 0.5, sleep: async () => undefined }, false);
  expect((await tick()).redelivered).toBe(1);
  await town.github.settled();
  expect(labelled?.statuses).toEqual([502, 200]);
  const bead = (await town.ledger())?.beads().find((b) => b.title === "Fix the pumps");
  expect(bead?.status).toBe("hooked");
  expect((town.github.state.repos[REPO]?.runs ?? []).map((r) => r.displayTitle)).toEqual([`polecat furiosa · ${bead?.id} · attempt 1`]);
  // Taken at last, it is asked for no more.
  expect((await tick()).redelivered).toBe(0);
});
