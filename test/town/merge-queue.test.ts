// The merge queue in the ledger: a pull request queued once, found again by its ref, moved to a
// new head; the order (priority, convoy, tries, age); its position; leaving, with why.
import { describe, expect, it } from "vitest";
import { Ledger } from "../../app/ledger/ledger.js";
import { parseLedgerConfig, renderLedgerConfig } from "../../app/ledger/ledger-config.js";
import { beadRules, validateBead } from "../../app/ledger/validate-bead.js";
import {
  leaveQueue, mergeRequestOf, queueLine, queueOrder, queuePosition, queuePull, queueRef, recordTry, type QueuedPull,
} from "../../app/town/merge-queue.js";
import { polecatOfPull } from "../../app/town/polecat-names.js";
import { minutesAfter, NOW } from "./town-builders.js";

const REPO = "octo/town";
const pull = (number: number, fields: Partial<QueuedPull> = {}): QueuedPull => ({
  repo: REPO, number, title: `Fix pump ${number}`, head: `polecat/nux/gt-${number}`, headSha: `${number}`.padStart(40, "a"), base: "main", ...fields,
});
const by = (minutes: number) => ({ by: "mayor", now: minutesAfter(NOW, minutes), prefix: "gt" });
const numbers = (ledger: Ledger) => queueOrder(ledger, "main").map((r) => r.number);

describe("queueing", () => {
  it("makes one merge-request bead a pull request, which a second /queue or a redelivery leaves alone", () => {
    const first = queuePull(Ledger.empty(), pull(7, { bead: "gt-w7", polecat: "nux", priority: 1 }), by(0));
    expect(first.outcome.kind).toBe("queued");
    const [bead] = first.ledger.beads();
    expect(bead).toEqual({
      id: bead?.id, title: "Merge #7: Fix pump 7", description: "Pull request #7 (polecat/nux/gt-7 into main), queued by mayor.",
      status: "open", priority: 1, issue_type: "merge-request", created_at: "2026-11-24T12:00:00Z", created_by: "mayor",
      updated_at: "2026-11-24T12:00:00Z", external_ref: "gastown:queue/octo/town#7", labels: ["gt:queue"],
      metadata: { gastown: {
        pr: 7, repo: REPO, head: "polecat/nux/gt-7", head_sha: pull(7).headSha, base: "main", bead: "gt-w7", polecat: "nux", tries: 0,
        queued_at: "2026-11-24T12:00:00Z", queued_by: "mayor",
      } },
    });
    // The ledger the App makes lists Gas Town's types as custom ones.
    expect(validateBead(bead, beadRules(parseLedgerConfig(renderLedgerConfig("gt"))))).toEqual([]);
    const again = queuePull(first.ledger, pull(7, { bead: "gt-w7", polecat: "nux", priority: 1 }), by(5));
    expect(again.outcome.kind).toBe("already");
    expect(again.ledger).toBe(first.ledger);
    expect(queueRef(REPO, 7)).toBe("gastown:queue/octo/town#7");
  });

  it("moves a queued pull request to its new head, keeping its place and tries", () => {
    let { ledger } = queuePull(Ledger.empty(), pull(7), by(0));
    const [bead] = ledger.beads();
    ledger = recordTry(ledger, bead?.id as string, minutesAfter(NOW, 1));
    const moved = queuePull(ledger, pull(7, { headSha: "b".repeat(40) }), by(2));
    expect(moved.outcome).toMatchObject({ kind: "moved", from: pull(7).headSha, request: { headSha: "b".repeat(40), tries: 1, queuedAt: "2026-11-24T12:00:00Z" } });
  });

  it("queues again, on the same bead, a pull request that left, keeping the batches it failed in", () => {
    let { ledger } = queuePull(Ledger.empty(), pull(7), by(0));
    const id = ledger.beads()[0]?.id as string;
    ledger = leaveQueue(recordTry(ledger, id, minutesAfter(NOW, 1)), REPO, 7, { reason: "ejected", why: "failed: ci", now: minutesAfter(NOW, 1) });
    const requeued = queuePull(ledger, { ...pull(7), headSha: "f".repeat(40) }, by(2));
    expect(requeued.outcome).toMatchObject({ kind: "queued", request: { id, tries: 1 } });
    expect(requeued.ledger.beads()).toHaveLength(1);
    expect(requeued.ledger.beads()[0]).toMatchObject({ status: "open", created_at: "2026-11-24T12:00:00Z", updated_at: "2026-11-24T12:02:00Z", metadata: { gastown: { tries: 1 } } });
    expect(queueLine(requeued.ledger, REPO, 7)).toBe(`**Merge queue:** number 1 of 1 into \`main\`, after 1 failed batch, at \`${"f".repeat(12)}\`.`);
  });
});

describe("the order", () => {
  it("is priority, then a convoy's age, then tries, then how long it has waited", () => {
    let ledger = Ledger.empty();
    const queue = (p: QueuedPull, minutes: number) => { ledger = queuePull(ledger, p, by(minutes)).ledger; };
    queue(pull(1), 0);
    queue(pull(2, { priority: 1 }), 1);
    queue(pull(3, { convoyAt: "2026-11-20T00:00:00Z" }), 2);
    queue(pull(4, { convoyAt: "2026-11-10T00:00:00Z" }), 3);
    queue(pull(5), 4);
    queue(pull(6, { base: "release" }), 5);
    expect(numbers(ledger)).toEqual([2, 4, 3, 1, 5]);
    // Pull request 1 failed a batch: it goes behind 5, which has not.
    ledger = recordTry(ledger, ledger.beads().find((b) => b.external_ref === queueRef(REPO, 1))?.id as string, NOW);
    expect(numbers(ledger)).toEqual([2, 4, 3, 5, 1]);
    expect(queuePosition(ledger, REPO, 5)).toEqual({ position: 4, of: 5 });
    expect(queuePosition(ledger, REPO, 6)).toEqual({ position: 1, of: 1 });
    expect(queuePosition(ledger, REPO, 99)).toBeUndefined();
  });
});

describe("leaving", () => {
  it("closes the bead with how and why, and a second leave changes nothing", () => {
    let { ledger } = queuePull(Ledger.empty(), pull(7), by(0));
    ledger = leaveQueue(ledger, REPO, 7, { reason: "ejected", why: "the gate `npm test` failed twice", now: minutesAfter(NOW, 3) });
    const [bead] = ledger.beads();
    expect(bead).toMatchObject({ status: "closed", closed_at: "2026-11-24T12:03:00Z", close_reason: "ejected", metadata: { gastown: { left_why: "the gate `npm test` failed twice" } } });
    expect(leaveQueue(ledger, REPO, 7, { reason: "dequeued", why: "again", now: NOW })).toBe(ledger);
    expect(numbers(ledger)).toEqual([]);
    expect(queuePosition(ledger, REPO, 7)).toBeUndefined();
    expect(mergeRequestOf({ ...bead, issue_type: "task" } as never)).toBeUndefined();
  });
});

describe("whose pull request", () => {
  it("is a polecat's only from a polecat's branch in this repository: a fork's is nobody's, whatever its branch is called", () => {
    expect(polecatOfPull({ ref: "polecat/nux/gt-7", repository: "Octo/Town" }, REPO)).toEqual({ polecat: "nux", bead: "gt-7" });
    expect(polecatOfPull({ ref: "polecat/nux/gt-7", repository: "mallory/town" }, REPO)).toBeUndefined();
    expect(polecatOfPull({ ref: "polecat/nux/gt-7", repository: null }, REPO)).toBeUndefined();
    expect(polecatOfPull({ ref: "fix/pumps", repository: REPO }, REPO)).toBeUndefined();
  });
});
