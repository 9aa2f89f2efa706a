// The town the fuzz tests that go through the App share: started once for a describe block (its
// cases then run one after another against it), with issue 1 slung by the mayor, so there is a
// ledger for bad input to leave alone. GitHub's problems with the App's requests fail the block.
import { afterAll, beforeAll, expect } from "vitest";
import { REPO, startTown, type Town } from "../app/app-harness.js";

/** The emulator and the App start in a few seconds; more on a busy machine. */
const START_MS = 60_000;

/** Registers the block's hooks; the answer gives the town once they have run. */
export function slungTown(titles: readonly string[] = ["Fix the pumps"]): () => Town {
  let town: Town | undefined;
  beforeAll(async () => {
    town = await startTown();
    for (const title of titles) await town.as("ann", "POST", `/repos/${REPO}/issues`, { title, body: "They leak." });
    await town.deliver();
    await town.as("mayor", "POST", `/repos/${REPO}/issues/1/comments`, { body: "/sling" });
    await town.deliver();
  }, START_MS);
  afterAll(async () => {
    await town?.close();
    expect(town?.github.problems ?? []).toEqual([]);
  });
  return () => {
    if (town === undefined) throw new Error("the town has not started");
    return town;
  };
}
