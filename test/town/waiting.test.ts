// The waiting sling that goes next when a slot frees: highest priority, then oldest; none while
// the cap is reached; applied again on a newer ledger, nothing twice.
import { describe, expect, it } from "vitest";
import { Ledger } from "../../app/ledger/ledger.js";
import { gastownMetadata } from "../../app/molecules/gastown-metadata.js";
import { sling, unhooked } from "../../app/town/sling.js";
import { promoteWaiting, waitingBeads } from "../../app/town/waiting.js";
import { config, issue, minutesAfter, NOW, slingInput } from "./town-builders.js";

const ONE = config((c) => ({ ...c, limits: { ...c.limits, max_polecats: 1 } }));

/** Issue 7 hooked; 8 (normal), then 9 (urgent), then 10 (normal) waiting, a minute apart. */
function town() {
  let ledger = Ledger.empty();
  const slingAt = (number: number, minutes: number, labels: string[] = ["gt:sling"]) => {
    ledger = sling(ledger, slingInput({ issue: issue(number, { labels }), config: ONE, now: minutesAfter(NOW, minutes) })).ledger;
  };
  slingAt(7, 0);
  slingAt(8, 1);
  slingAt(9, 2, ["gt:sling", "priority::high"]);
  slingAt(10, 3);
  return ledger;
}
const byIssue = (ledger: Ledger, number: number) => ledger.beads().find((b) => b.external_ref?.endsWith(`/issues/${number}`));

describe("a freed slot", () => {
  it("goes to the waiting bead of highest priority, then the one that waited longest", () => {
    const ledger = town();
    expect(waitingBeads(ledger).map((b) => b.external_ref?.split("/").at(-1))).toEqual(["9", "8", "10"]);
  });

  it("is none while the cap is reached, and hooks the next in the same write once the bead lets go", () => {
    const ledger = town();
    expect(promoteWaiting(ledger, ONE, NOW)).toEqual({ ledger });
    const hookedOne = byIssue(ledger, 7);
    if (hookedOne === undefined) throw new Error("setup");
    const freed = ledger.withBead(unhooked(hookedOne));
    const later = minutesAfter(NOW, 5);
    const promoted = promoteWaiting(freed, ONE, later);
    const next = byIssue(promoted.ledger, 9);
    expect(next?.status).toBe("hooked");
    expect(gastownMetadata(next ?? hookedOne)).toMatchObject({ attempt: 1, dispatched_at: "2026-11-24T12:05:00Z" });
    expect(gastownMetadata(next ?? hookedOne)).not.toHaveProperty("waiting_since");
    expect(promoted.hooked?.assignment).toEqual({
      bead: next?.id, molecule: gastownMetadata(next ?? hookedOne).molecule, polecat: gastownMetadata(next ?? hookedOne).polecat, attempt: 1,
    });
    // Applied again (a lost race): the slot is taken, nothing more.
    expect(promoteWaiting(promoted.ledger, ONE, later)).toEqual({ ledger: promoted.ledger });
  });
});
