// A polecat's health from its bead, its run and its heartbeat's age: each rule at its boundaries.
import { describe, expect, it } from "vitest";
import type { Bead } from "../../app/ledger/bead-schema.js";
import { withGastownMetadata } from "../../app/molecules/gastown-metadata.js";
import { polecatHealth, type HealthInput } from "../../app/town/polecat-health.js";
import { DISPATCH_GRACE_MS } from "../../app/town/sling.js";
import { NOW } from "./town-builders.js";

const MINUTE = 60_000;
const ago = (ms: number) => new Date(NOW.getTime() - ms);

function bead(status: string, gastown: Record<string, unknown> = {}): Bead {
  return withGastownMetadata(
    { id: "town-a1b", title: "Fix the pumps", status, priority: 2, issue_type: "task", created_at: "2026-11-24T10:00:00Z", updated_at: "2026-11-24T10:00:00Z" },
    { polecat: "furiosa", attempt: 1, ...gastown },
  );
}

const hooked = (dispatchedMsAgo: number | undefined) =>
  bead("hooked", dispatchedMsAgo === undefined ? {} : { dispatched_at: ago(dispatchedMsAgo).toISOString() });
const live = { live: true, status: "in_progress", conclusion: null };
const health = (fields: Partial<HealthInput> & Pick<HealthInput, "bead">) => polecatHealth({ now: NOW, stuckMinutes: 20, ...fields });

describe("a polecat with a live run", () => {
  it("is working while its heartbeat is at most stuck_minutes old, stuck after", () => {
    const at = (ms: number) => health({ bead: hooked(30 * MINUTE), run: live, heartbeat: { at: ago(ms), state: "working" } });
    expect(at(0)).toEqual({ state: "working", reason: { kind: "fresh", heartbeatAgeMs: 0 } });
    expect(at(20 * MINUTE)).toEqual({ state: "working", reason: { kind: "fresh", heartbeatAgeMs: 20 * MINUTE } });
    expect(at(20 * MINUTE + 1)).toEqual({ state: "stuck", reason: { kind: "stale", heartbeatAgeMs: 20 * MINUTE + 1 } });
  });

  it("is stuck when its action beats but its agent has made no progress for stuck_minutes", () => {
    const at = (progressMs: number) =>
      health({ bead: hooked(30 * MINUTE), run: live, heartbeat: { at: ago(MINUTE), progressAt: ago(progressMs), state: "working" } });
    expect(at(20 * MINUTE)).toEqual({ state: "working", reason: { kind: "fresh", heartbeatAgeMs: MINUTE } });
    expect(at(20 * MINUTE + 1)).toEqual({ state: "stuck", reason: { kind: "idle", heartbeatAgeMs: MINUTE, progressAgeMs: 20 * MINUTE + 1 } });
  });

  it("takes stuck_minutes from the config", () => {
    const input = { bead: hooked(30 * MINUTE), run: live, heartbeat: { at: ago(6 * MINUTE) } };
    expect(polecatHealth({ ...input, now: NOW, stuckMinutes: 5 }).state).toBe("stuck");
    expect(polecatHealth({ ...input, now: NOW, stuckMinutes: 6 }).state).toBe("working");
  });

  it("counts a heartbeat from the future (clock skew) as just now", () => {
    expect(health({ bead: hooked(MINUTE), run: live, heartbeat: { at: ago(-5 * MINUTE) } }))
      .toEqual({ state: "working", reason: { kind: "fresh", heartbeatAgeMs: 0 } });
  });

  it("is stuck when its fresh heartbeat says stuck or crashed", () => {
    for (const said of ["stuck", "crashed"] as const) {
      expect(health({ bead: hooked(MINUTE), run: live, heartbeat: { at: ago(MINUTE), state: said } }))
        .toEqual({ state: "stuck", reason: { kind: "reported", heartbeatAgeMs: MINUTE, said } });
    }
    // Done while the run is still finishing (pushing, squashing) is working.
    expect(health({ bead: hooked(MINUTE), run: live, heartbeat: { at: ago(MINUTE), state: "done" } }).state).toBe("working");
  });

  it("is stale once its heartbeat is older than stuck_minutes, whatever it last said: the runner is gone", () => {
    for (const said of ["stuck", "crashed", "working"] as const) {
      expect(health({ bead: hooked(30 * MINUTE), run: live, heartbeat: { at: ago(20 * MINUTE + 1), state: said } }))
        .toEqual({ state: "stuck", reason: { kind: "stale", heartbeatAgeMs: 20 * MINUTE + 1 } });
      // At stuck_minutes exactly it is still fresh, so what it said still counts.
      expect(health({ bead: hooked(30 * MINUTE), run: live, heartbeat: { at: ago(20 * MINUTE), state: said } }).reason.kind)
        .toBe(said === "working" ? "fresh" : "reported");
    }
  });

  it("with no heartbeat yet, is working until stuck_minutes after dispatch, stuck after", () => {
    expect(health({ bead: hooked(20 * MINUTE), run: live })).toEqual({ state: "working", reason: { kind: "starting", sinceDispatchMs: 20 * MINUTE } });
    expect(health({ bead: hooked(20 * MINUTE + 1), run: live })).toEqual({ state: "stuck", reason: { kind: "silent", sinceDispatchMs: 20 * MINUTE + 1 } });
  });

  it("with no heartbeat, waits for a runner while GitHub has not started its run, past stuck_minutes too", () => {
    for (const status of ["queued", "waiting", "pending", "requested"]) {
      const waiting = { ...live, status };
      expect(health({ bead: hooked(20 * MINUTE), run: waiting })).toEqual({ state: "working", reason: { kind: "starting", sinceDispatchMs: 20 * MINUTE } });
      expect(health({ bead: hooked(20 * MINUTE + 1), run: waiting })).toEqual({ state: "stuck", reason: { kind: "queued", sinceDispatchMs: 20 * MINUTE + 1 } });
    }
    // Started and still silent: a runner that never beats.
    expect(health({ bead: hooked(20 * MINUTE + 1), run: { ...live, status: "in_progress" } }).reason.kind).toBe("silent");
  });

  it("without a dispatch time, counts from the run's creation, and without either is starting", () => {
    const created = (ms: number) => ({ ...live, created_at: ago(ms).toISOString() });
    expect(health({ bead: hooked(undefined), run: created(21 * MINUTE) }).state).toBe("stuck");
    expect(health({ bead: hooked(undefined), run: created(19 * MINUTE) }).state).toBe("working");
    expect(health({ bead: hooked(undefined), run: live })).toEqual({ state: "working", reason: { kind: "starting", sinceDispatchMs: undefined } });
    // The ledger's dispatch time, written by the App's own clock, wins over the run's.
    expect(health({ bead: hooked(MINUTE), run: created(60 * MINUTE) }).state).toBe("working");
  });

  it("is judged by its run even when the bead is no longer hooked (unslung, run still stopping)", () => {
    expect(health({ bead: bead("open"), run: live, heartbeat: { at: ago(MINUTE) } }).state).toBe("working");
  });
});

describe("a polecat whose run has completed", () => {
  it("is done with the run's conclusion, whatever the heartbeat says", () => {
    for (const conclusion of ["success", "failure", "cancelled", null]) {
      expect(health({ bead: hooked(90 * MINUTE), run: { live: false, status: "completed", conclusion }, heartbeat: { at: ago(80 * MINUTE), state: "working" } }))
        .toEqual({ state: "done", reason: { kind: "completed", conclusion } });
    }
  });
});

describe("a polecat with no run", () => {
  it("when hooked, is working within the dispatch grace period and stuck from it on", () => {
    expect(health({ bead: hooked(DISPATCH_GRACE_MS - 1) })).toEqual({ state: "working", reason: { kind: "dispatching", sinceDispatchMs: DISPATCH_GRACE_MS - 1 } });
    expect(health({ bead: hooked(DISPATCH_GRACE_MS) })).toEqual({ state: "stuck", reason: { kind: "lost", sinceDispatchMs: DISPATCH_GRACE_MS } });
    expect(health({ bead: hooked(undefined) })).toEqual({ state: "stuck", reason: { kind: "lost", sinceDispatchMs: undefined } });
    expect(health({ bead: bead("hooked", { dispatched_at: "garbage" }) }).state).toBe("stuck");
  });

  it("when not hooked, is done if the bead records an exit, else idle", () => {
    expect(health({ bead: bead("in_progress", { exit: "COMPLETED" }) })).toEqual({ state: "done", reason: { kind: "exited", exit: "COMPLETED" } });
    expect(health({ bead: bead("blocked", { exit: "BLOCKED" }) }).state).toBe("done");
    expect(health({ bead: bead("open", { attempt: undefined, waiting_since: "2026-11-24T11:00:00Z" }) })).toEqual({ state: "idle", reason: { kind: "not-hooked" } });
    expect(health({ bead: bead("open") }).state).toBe("idle");
  });
});
