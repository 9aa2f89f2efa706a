// A send-back owed: recorded by the ejection, read back with its evidence, found overdue only
// past its grace and only in its rig, cleared once paid; a marker that does not read owes nothing.
import { describe, expect, it } from "vitest";
import type { Bead } from "../../app/ledger/bead-schema.js";
import { Ledger } from "../../app/ledger/ledger.js";
import { withGastownMetadata } from "../../app/molecules/gastown-metadata.js";
import { leaveQueue, queuePull, type QueuedPull } from "../../app/town/merge-queue.js";
import { overdueSendBacks, owedSendBack, owingSendBack, sendBackOf, sendBackPaid, SEND_BACK_GRACE_MS } from "../../app/town/send-back.js";
import { minutesAfter, NOW } from "./town-builders.js";

const REPO = "octo/town";
const pull = (number: number): QueuedPull => ({
  repo: REPO, number, title: `Fix pump ${number}`, head: `polecat/nux/gt-${number}`, headSha: `${number}`.padStart(40, "a"), base: "main", bead: `gt-w${number}`, polecat: "nux",
});

/** #number queued, then ejected at `minutes` with `why`, owing what `owed` says. */
function ejected(number: number, owed: Parameters<typeof owingSendBack>[2], why = "conflict with main", ledger = Ledger.empty()) {
  const queued = queuePull(ledger, pull(number), { by: "mayor", now: NOW, prefix: "gt" }).ledger;
  const left = leaveQueue(queued, REPO, number, { reason: "ejected", why, now: NOW });
  const bead = left.beads().find((b) => b.external_ref === `gastown:queue/${REPO}#${number}`) as Bead;
  return { ledger: owingSendBack(left, bead.id, owed), id: bead.id };
}

describe("a send-back owed", () => {
  it("reads back a failure's gates and staging commit as its evidence, and a conflict's words from why it left", () => {
    const red = [{ name: "gates", url: "https://github.com/octo/town/actions/runs/9", gatesRunId: 9 }];
    const failed = ejected(7, { why: "failed", red, staging_sha: "c".repeat(40) }, "failed: gates");
    expect(sendBackOf(failed.ledger.get(failed.id) as Bead)).toEqual({
      ejected: { request: expect.objectContaining({ id: failed.id, number: 7, bead: "gt-w7", polecat: "nux" }), why: "failed" },
      evidence: { red, stagingSha: "c".repeat(40) }, at: "2026-11-24T12:00:00Z",
    });
    const conflict = ejected(8, { why: "conflict" }, "#8 does not merge cleanly");
    expect(sendBackOf(conflict.ledger.get(conflict.id) as Bead)?.evidence).toBe("#8 does not merge cleanly");
  });

  it("is overdue only past its grace, and only in its own rig", () => {
    const { ledger, id } = ejected(7, { why: "conflict" });
    expect(overdueSendBacks(ledger, REPO, new Date(NOW.getTime() + SEND_BACK_GRACE_MS - 1))).toEqual([]);
    expect(overdueSendBacks(ledger, REPO, minutesAfter(NOW, 3)).map((owed) => owed.ejected.request.id)).toEqual([id]);
    expect(overdueSendBacks(ledger, "octo/other", minutesAfter(NOW, 3))).toEqual([]);
  });

  it("is owed no more once its pull request is queued again, nor by one that left the queue another way", () => {
    const { ledger, id } = ejected(7, { why: "conflict" });
    const again = queuePull(ledger, { ...pull(7), headSha: "b".repeat(40) }, { by: "mayor", now: minutesAfter(NOW, 1), prefix: "gt" }).ledger;
    expect(owedSendBack(again.get(id) as Bead)).toBeUndefined();
    const landed = ledger.withBead({ ...(ledger.get(id) as Bead), close_reason: "landed" });
    expect(overdueSendBacks(landed, REPO, minutesAfter(NOW, 3))).toEqual([]);
  });

  it("once paid owes nothing, and paying again changes nothing", () => {
    const { ledger, id } = ejected(7, { why: "conflict" });
    const paid = sendBackPaid(ledger, id);
    expect(owedSendBack(paid.get(id) as Bead)).toBeUndefined();
    expect(overdueSendBacks(paid, REPO, minutesAfter(NOW, 3))).toEqual([]);
    expect(sendBackPaid(paid, id)).toBe(paid);
  });

  it("owes nothing where the marker does not read: a why it does not know, or no object", () => {
    const { ledger, id } = ejected(7, { why: "conflict" });
    const bead = ledger.get(id) as Bead;
    expect(owedSendBack(withGastownMetadata(bead, { send_back: { why: "bored" } }))).toBeUndefined();
    expect(owedSendBack(withGastownMetadata(bead, { send_back: "pending" }))).toBeUndefined();
    // Gates that do not read are left out; the rest stand.
    expect(owedSendBack(withGastownMetadata(bead, { send_back: { why: "failed", red: [{ name: "gates" }, 3, { url: "x" }] } }))).toEqual({ why: "failed", red: [{ name: "gates" }] });
  });
});
