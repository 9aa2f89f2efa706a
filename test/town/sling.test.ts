import { describe, expect, it } from "vitest";
import type { Bead } from "../../app/ledger/bead-schema.js";
import { Ledger } from "../../app/ledger/ledger.js";
import { syncedAtCreation } from "../../app/mirror/bead-issue-sync.js";
import { gastownMetadata, withGastownMetadata } from "../../app/molecules/gastown-metadata.js";
import { MoleculeError } from "../../app/molecules/molecule.js";
import { timestamp } from "../../app/molecules/pour.js";
import { closeStep } from "../../app/molecules/step-done.js";
import { releaseRefusedDispatch } from "../../app/town/dispatch-records.js";
import { limitsHash, polecatLimits } from "../../app/town/polecat-dispatch.js";
import { sling, type SlingOutcome } from "../../app/town/sling.js";
import { promoteWaiting } from "../../app/town/waiting.js";
import { unsling } from "../../app/town/unsling.js";
import { bead } from "../ledger/ledger-builders.js";
import { claimedBy, config, issue, minutesAfter, NOW, slingInput } from "./town-builders.js";

function dispatched(outcome: SlingOutcome) {
  if (outcome.kind !== "dispatch") throw new Error(`expected a dispatch, got ${outcome.kind}`);
  return outcome;
}

/** What issue 7 and its bead agreed on when the sling imported it, recorded for the mirror (on by default). */
const SYNCED_7 = gastownMetadata(syncedAtCreation({
  id: "town-x", title: "Issue 7", description: "Body of 7", status: "open", priority: 2, issue_type: "task",
  created_at: "2026-11-20T09:30:00Z", updated_at: "2026-11-24T12:00:00Z",
})).synced;

/** A ledger with issue 7 slung once, at NOW. */
function slungOnce() {
  const first = sling(Ledger.empty(), slingInput());
  return { ledger: first.ledger, outcome: dispatched(first.outcome) };
}

describe("slinging an issue the ledger does not have", () => {
  it("imports it, pours the formula and hooks the bead in one change", () => {
    const { ledger, outcome } = slungOnce();
    const id = outcome.bead.id;
    expect(id).toMatch(/^town-[0-9a-z]{3}$/);
    const molecule = outcome.assignment.molecule;
    expect(outcome).toEqual({
      kind: "dispatch", reason: "new", imported: true, bead: ledger.get(id),
      assignment: { bead: id, molecule, polecat: "furiosa", attempt: 1 },
    });
    expect(ledger.get(id)).toEqual({
      id,
      title: "Issue 7",
      description: "Body of 7",
      status: "hooked",
      priority: 2,
      issue_type: "task",
      created_at: "2026-11-20T09:30:00Z",
      created_by: "ann",
      updated_at: "2026-11-24T12:00:00Z",
      external_ref: "https://github.com/octo/town/issues/7",
      assignee: "polecat/furiosa",
      metadata: {
        gastown: {
          molecule, formula: "work", polecat: "furiosa", slung_by: "mayor", slung_at: "2026-11-24T12:00:00Z",
          attempt: 1, dispatched_at: "2026-11-24T12:00:00Z", limits_hash: limitsHash(polecatLimits(config().polecat)),
          synced: SYNCED_7,
        },
      },
    });
    expect(ledger.beads().map((b) => [b.id, b.status, b.title])).toEqual([
      [id, "hooked", "Issue 7"],
      [molecule, "open", "work: Issue 7"],
      [`${molecule}.1`, "open", `Load ${id} on polecat/furiosa/${id}`],
      [`${molecule}.2`, "open", "Implement"],
    ]);
    expect(gastownMetadata(ledger.get(molecule) as Bead)).toEqual({
      bead: id, formula: "work", vars: { bead: id, polecat: "furiosa", branch: `polecat/furiosa/${id}`, base_branch: "main" },
    });
  });

  it("maps priority, type and labels as bd github sync does, leaving Gas Town's labels off", () => {
    const labelled = issue(8, { labels: ["gt:sling", "priority::high", "type::bug", "status::blocked", "ui", "api"], body: null });
    const { ledger, outcome } = sling(Ledger.empty(), slingInput({ issue: labelled }));
    expect(ledger.get(outcome.bead?.id as string)).toMatchObject({ priority: 1, issue_type: "bug", labels: ["api", "ui"] });
    expect(ledger.get(outcome.bead?.id as string)).not.toHaveProperty("description");
  });

  it("takes the ledger's prefix over the repository's name, and the config's over both", () => {
    const ledger = Ledger.of([bead("gt-abc")]);
    expect(sling(ledger, slingInput()).outcome.bead?.id).toMatch(/^gt-/);
    const configured = slingInput({ config: config((c) => ({ ...c, ledger: { ...c.ledger, prefix: "tw" } })) });
    expect(sling(ledger, configured).outcome.bead?.id).toMatch(/^tw-/);
  });
});

describe("slinging a bead already hooked", () => {
  it("leaves it alone when nobody looked at its run: another writer just hooked it", () => {
    const { ledger } = slungOnce();
    const again = sling(ledger, slingInput());
    expect(again.ledger).toBe(ledger);
    expect(again.outcome).toMatchObject({ kind: "already-hooked", why: "dispatching" });
  });

  it("leaves it alone while its run lives", () => {
    const { ledger } = slungOnce();
    const later = minutesAfter(NOW, 30);
    const again = sling(ledger, slingInput({ now: later, observedRun: { attempt: 1, live: true } }));
    expect(again.ledger).toBe(ledger);
    expect(again.outcome).toMatchObject({ kind: "already-hooked", why: "running" });
  });

  it("leaves it alone within the grace period, though no run shows yet", () => {
    const { ledger } = slungOnce();
    const again = sling(ledger, slingInput({ now: minutesAfter(NOW, 1.9), observedRun: { attempt: 1, live: false } }));
    expect(again.outcome).toMatchObject({ kind: "already-hooked", why: "dispatching" });
  });

  it("dispatches it again as the next attempt past the grace period, same molecule and polecat", () => {
    const { ledger, outcome } = slungOnce();
    const withRun = claimedBy(ledger, outcome.assignment, 991);
    const later = minutesAfter(NOW, 2);
    const again = sling(withRun, slingInput({ now: later, observedRun: { attempt: 1, live: false } }));
    expect(dispatched(again.outcome)).toMatchObject({
      reason: "retry", imported: false, assignment: { ...outcome.assignment, attempt: 2 },
    });
    const meta = gastownMetadata(again.ledger.get(outcome.bead.id) as Bead);
    expect(meta).toMatchObject({ attempt: 2, dispatched_at: "2026-11-24T12:02:00Z", slung_at: "2026-11-24T12:00:00Z" });
    expect(meta).not.toHaveProperty("run_id");
  });

  it("ignores what was seen of an earlier attempt: the later one is its writer's", () => {
    const { ledger } = slungOnce();
    const again = sling(ledger, slingInput({ now: minutesAfter(NOW, 10), observedRun: { attempt: 0, live: false } }));
    expect(again.outcome).toMatchObject({ kind: "already-hooked", why: "dispatching" });
  });

  it("escalates past witness.max_attempts instead, letting the bead go", () => {
    let { ledger } = slungOnce();
    let now = NOW;
    for (const attempt of [1, 2]) {
      now = minutesAfter(now, 5);
      ledger = sling(ledger, slingInput({ now, observedRun: { attempt, live: false } })).ledger;
    }
    now = minutesAfter(now, 5);
    const escalated = sling(ledger, slingInput({ now, observedRun: { attempt: 3, live: false } }));
    expect(escalated.outcome).toMatchObject({ kind: "escalate", attempts: 3 });
    const released = escalated.ledger.get(escalated.outcome.bead?.id as string) as Bead;
    expect(released.status).toBe("open");
    expect(released).not.toHaveProperty("assignee");
    expect(gastownMetadata(released)).toMatchObject({
      attempt: 3, polecat: "furiosa", exit: "ESCALATE",
      exit_reason: "no polecat run was seen after 3 attempts since it was slung (witness.max_attempts is 3)",
    });
    expect(gastownMetadata(released)).not.toHaveProperty("dispatched_at");
  });
});

describe("attempts counted per sling (witness.max_attempts)", () => {
  /** Issue 7 slung at NOW, then dispatched again as if each dispatch were lost, until it escalates at attempt 3. */
  function escalatedAtThree() {
    let { ledger } = slungOnce();
    let now = NOW;
    for (const attempt of [1, 2, 3]) {
      now = minutesAfter(now, 5);
      ledger = sling(ledger, slingInput({ now, observedRun: { attempt, live: false } })).ledger;
    }
    return { ledger, now };
  }
  const metaOf = (ledger: Ledger) => gastownMetadata(ledger.beads().find((b) => b.external_ref === issue(7).url) as Bead);

  it("records no count on a first sling: it counts from 0", () => {
    expect(metaOf(slungOnce().ledger)).not.toHaveProperty("attempts_before_sling");
  });

  it("starts again when a person slings an escalated bead: its lost dispatches escalate only after max_attempts more", () => {
    const { ledger: escalated, now: escalatedAt } = escalatedAtThree();
    expect(metaOf(escalated)).toMatchObject({ attempt: 3, exit: "ESCALATE" });
    let now = minutesAfter(escalatedAt, 10);
    let ledger = sling(escalated, slingInput({ now })).ledger;
    expect(metaOf(ledger)).toMatchObject({ attempt: 4, attempts_before_sling: 3, slung_at: timestamp(now) });
    for (const attempt of [4, 5]) {
      now = minutesAfter(now, 5);
      const again = sling(ledger, slingInput({ now, observedRun: { attempt, live: false } }));
      expect(dispatched(again.outcome).assignment.attempt).toBe(attempt + 1);
      ledger = again.ledger;
    }
    // A dispatch again (not a person's sling) keeps the count.
    expect(metaOf(ledger)).toMatchObject({ attempt: 6, attempts_before_sling: 3 });
    now = minutesAfter(now, 5);
    const third = sling(ledger, slingInput({ now, observedRun: { attempt: 6, live: false } }));
    expect(third.outcome).toMatchObject({ kind: "escalate", attempts: 3 });
    expect(metaOf(third.ledger)).toMatchObject({
      attempt: 6, exit: "ESCALATE", exit_reason: "no polecat run was seen after 3 attempts since it was slung (witness.max_attempts is 3)",
    });
  });

  it("starts again at a /retry: a person asking again", () => {
    const { ledger } = slungOnce();
    const retried = sling(ledger, slingInput({ now: minutesAfter(NOW, 1), observedRun: { attempt: 1, live: true }, retry: true }));
    expect(dispatched(retried.outcome).assignment.attempt).toBe(2);
    expect(metaOf(retried.ledger)).toMatchObject({ attempt: 2, attempts_before_sling: 1 });
    // Two more lost dispatches (attempts 3 and 4) are 3 since the /retry; the next escalates.
    let next = retried.ledger;
    let now = minutesAfter(NOW, 1);
    for (const attempt of [2, 3]) {
      now = minutesAfter(now, 5);
      next = sling(next, slingInput({ now, observedRun: { attempt, live: false } })).ledger;
    }
    now = minutesAfter(now, 5);
    expect(sling(next, slingInput({ now, observedRun: { attempt: 4, live: false } })).outcome).toMatchObject({ kind: "escalate", attempts: 3 });
  });

  it("starts the witness's stuck ladder again at a /retry", () => {
    const { ledger } = slungOnce();
    const bead = ledger.beads().find((b) => b.external_ref === issue(7).url) as Bead;
    const laddered = ledger.withBead(withGastownMetadata(bead, { witness_rung: 2, witness_at: "2026-11-24T12:00:30Z" }));
    const retried = sling(laddered, slingInput({ now: minutesAfter(NOW, 1), observedRun: { attempt: 1, live: true }, retry: true }));
    const meta = metaOf(retried.ledger);
    expect([meta.attempt, meta.witness_rung, meta.witness_at]).toEqual([2, undefined, undefined]);
  });

  it("keeps the count a waiting sling recorded when the freed slot hooks it", () => {
    const { ledger: escalated, now } = escalatedAtThree();
    const full = escalated.withBead(bead("town-z", { status: "hooked", metadata: { gastown: { polecat: "nux", attempt: 1 } } }));
    const one = config((c) => ({ ...c, limits: { max_polecats: 1 } }));
    const waiting = sling(full, slingInput({ now: minutesAfter(now, 1), config: one }));
    expect(waiting.outcome.kind).toBe("waiting");
    expect(metaOf(waiting.ledger)).toMatchObject({ attempt: 3, attempts_before_sling: 3 });
    const freed = waiting.ledger.update("town-z", (b) => ({ ...b, status: "closed", closed_at: "2026-11-24T13:00:00Z" }));
    const promoted = promoteWaiting(freed, one, minutesAfter(now, 2));
    expect(promoted.hooked?.assignment.attempt).toBe(4);
    expect(metaOf(promoted.ledger)).toMatchObject({ attempt: 4, attempts_before_sling: 3 });
  });

  it("counts an older bead, slung before the count was recorded, from 0", () => {
    const { ledger, outcome } = slungOnce();
    const old = ledger.update(outcome.bead.id, (b) => withGastownMetadata(b, { attempt: 3, attempts_before_sling: undefined }));
    expect(sling(old, slingInput({ now: minutesAfter(NOW, 5), observedRun: { attempt: 3, live: false } })).outcome)
      .toMatchObject({ kind: "escalate", attempts: 3 });
  });
});

describe("the concurrency cap", () => {
  const busy = () => Ledger.of(["a", "b", "c"].map((x, i) => bead(`town-${x}`, {
    status: "hooked", metadata: { gastown: { polecat: ["furiosa", "nux", "slit"][i], attempt: 1 } },
  })));

  it("marks the bead waiting at the cap, poured but not hooked, and says so once", () => {
    const waiting = sling(busy(), slingInput());
    expect(waiting.outcome).toMatchObject({ kind: "waiting", imported: true, hooked: 3 });
    const id = waiting.outcome.bead?.id as string;
    const held = waiting.ledger.get(id) as Bead;
    expect(held.status).toBe("open");
    expect(gastownMetadata(held)).toEqual({
      molecule: expect.stringMatching(/^town-mol-/), formula: "work", polecat: "capable",
      slung_by: "mayor", slung_at: "2026-11-24T12:00:00Z", waiting_since: "2026-11-24T12:00:00Z", synced: SYNCED_7,
    });
    const again = sling(waiting.ledger, slingInput({ now: minutesAfter(NOW, 3) }));
    expect(again.ledger).toBe(waiting.ledger);
    expect(again.outcome).toMatchObject({ kind: "waiting", imported: false });
  });

  it("hooks a waiting bead once a polecat is free, resuming the molecule it was poured", () => {
    const waiting = sling(busy(), slingInput());
    const freed = waiting.ledger.update("town-a", (b) => ({ ...b, status: "closed", closed_at: "2026-11-24T12:01:00Z" }));
    const hooked = dispatched(sling(freed, slingInput({ now: minutesAfter(NOW, 5) })).outcome);
    expect(hooked).toMatchObject({ reason: "resume", assignment: { polecat: "capable", attempt: 1 } });
    expect(gastownMetadata(hooked.bead)).not.toHaveProperty("waiting_since");
  });

  it("counts a config's own cap", () => {
    const roomy = slingInput({ config: config((c) => ({ ...c, limits: { max_polecats: 4 } })) });
    expect(sling(busy(), roomy).outcome.kind).toBe("dispatch");
  });
});

describe("slinging again after an unsling", () => {
  it("resumes the open molecule with the same polecat, closed steps kept, as the next attempt", () => {
    const { ledger, outcome } = slungOnce();
    const stepDone = closeStep(ledger, outcome.assignment.molecule, "load", NOW);
    const released = unsling(stepDone, issue(7).url, { abandon: false, now: minutesAfter(NOW, 1) }).ledger;
    // Another bead takes the first name meanwhile; this one keeps its own.
    const other = sling(released, slingInput({ issue: issue(9) })).ledger;
    const again = dispatched(sling(other, slingInput({ now: minutesAfter(NOW, 3) })).outcome);
    expect(again).toMatchObject({ reason: "resume", assignment: { ...outcome.assignment, attempt: 2 } });
    expect(again.bead.assignee).toBe("polecat/furiosa");
    expect(other.get(`${outcome.assignment.molecule}.1`)?.status).toBe("closed");
  });

  it("forgets the exit of the attempt before, its blocker too", () => {
    const { ledger, outcome } = slungOnce();
    const exited = ledger.update(outcome.bead.id, (b) =>
      withGastownMetadata(b, { exit: "BLOCKED", exit_reason: "Needs the API", exit_blocker: "town-b1" }));
    const released = unsling(exited, issue(7).url, { abandon: false, now: minutesAfter(NOW, 1) }).ledger;
    const again = dispatched(sling(released, slingInput({ now: minutesAfter(NOW, 3) })).outcome);
    expect(Object.keys(gastownMetadata(again.bead)).filter((key) => key.startsWith("exit"))).toEqual([]);
  });

  it("refuses to pour a different formula over an open molecule, saying how to start over", () => {
    const { ledger } = slungOnce();
    const released = unsling(ledger, issue(7).url, { abandon: false, now: NOW }).ledger;
    const other = slingInput({
      formula: "other",
      cook: (name, vars) => ({ ...slingInput().cook("work", vars), formula: name }),
    });
    expect(() => sling(released, other)).toThrow(MoleculeError);
    expect(() => sling(released, other)).toThrow(/already has molecule town-mol-\w+ \(formula work\) open/);
  });
});

describe("what is not slung", () => {
  it("a closed issue, or a closed bead, changes nothing", () => {
    const empty = Ledger.empty();
    const closedIssue = sling(empty, slingInput({ issue: issue(7, { state: "closed" }) }));
    expect(closedIssue.ledger).toBe(empty);
    expect(closedIssue.outcome).toEqual({ kind: "closed", bead: undefined });
    const done = Ledger.of([bead("town-x", { status: "closed", closed_at: "2026-11-23T00:00:00Z", external_ref: issue(7).url })]);
    const closedBead = sling(done, slingInput());
    expect(closedBead.ledger).toBe(done);
    expect(closedBead.outcome).toEqual({ kind: "closed", bead: done.get("town-x") });
  });
});

describe("polecat names", () => {
  it("takes the first name no hooked bead holds, and numbers the first when all are taken", () => {
    const pool = ["ace", "dag"];
    const small = slingInput({ config: config((c) => ({ ...c, polecat: { ...c.polecat, name_pool: pool }, limits: { max_polecats: 5 } })) });
    let ledger = Ledger.empty();
    const names: string[] = [];
    for (const n of [1, 2, 3, 4]) {
      const slung = sling(ledger, { ...small, issue: issue(n) });
      names.push(dispatched(slung.outcome).assignment.polecat);
      ledger = slung.ledger;
    }
    expect(names).toEqual(["ace", "dag", "ace-2", "ace-3"]);
  });
});

describe("records after a dispatch", () => {
  it("release a refused dispatch only for the same hooked attempt", () => {
    const { ledger, outcome } = slungOnce();
    const id = outcome.bead.id;
    expect(releaseRefusedDispatch(ledger, id, 2, NOW)).toBe(ledger);
    const released = releaseRefusedDispatch(ledger, id, 1, minutesAfter(NOW, 1)).get(id) as Bead;
    expect(released).toMatchObject({ status: "open", updated_at: "2026-11-24T12:01:00Z" });
    expect(released).not.toHaveProperty("assignee");
    expect(gastownMetadata(released)).toEqual({
      molecule: outcome.assignment.molecule, formula: "work", polecat: "furiosa", slung_by: "mayor",
      slung_at: "2026-11-24T12:00:00Z", attempt: 1, limits_hash: limitsHash(polecatLimits(config().polecat)), synced: SYNCED_7,
    });
  });
});

describe("slinging an issue the mirror has not imported", () => {
  it("imports it as the mirror would: its database id and what both sides agree on; with the mirror off, neither", () => {
    const mirrored = sling(Ledger.empty(), slingInput({ issue: issue(7, { id: 4007 }) }));
    const bead = mirrored.ledger.get(mirrored.outcome.bead?.id as string) as Bead;
    expect(gastownMetadata(bead)).toMatchObject({ issue_id: 4007, synced: SYNCED_7 });

    const off = config((c) => ({ ...c, mirror: { ...c.mirror, enabled: false } }));
    const plain = sling(Ledger.empty(), slingInput({ issue: issue(7, { id: 4007 }), config: off }));
    const meta = gastownMetadata(plain.ledger.get(plain.outcome.bead?.id as string) as Bead);
    expect(meta).not.toHaveProperty("issue_id");
    expect(meta).not.toHaveProperty("synced");
  });
});
