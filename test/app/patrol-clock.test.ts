// The server's patrol clock: jittered ticks that never overlap, each patrolling every repository
// of every installation (and every few, the deacon's round), against the emulator.
import { afterEach, describe, expect, it } from "vitest";
import { realDependencies } from "../../app/handlers/app-dependencies.js";
import { DEACON_EVERY_TICKS, nextTickDelay, patrolEveryMs, startPatrolClock, type PatrolApp } from "../../app/handlers/patrol-clock.js";
import { minutesAfter } from "../town/town-builders.js";
import { startTown, type Town } from "./app-harness.js";
import { beadOf, beat, installationClient, slungIssue, startAndClaim, witnessOf } from "./witness-harness.js";

let town: Town | undefined;
afterEach(async () => {
  await town?.close();
  expect(town?.github.problems ?? []).toEqual([]);
  town = undefined;
});

describe("the clock's setting", () => {
  it("is every 5 minutes unless GASTOWN_PATROL_MINUTES says otherwise, off at 0, and an error naming the variable else", () => {
    expect(patrolEveryMs(undefined)).toEqual({ patrolEveryMs: 300_000 });
    expect(patrolEveryMs(" ")).toEqual({ patrolEveryMs: 300_000 });
    expect(patrolEveryMs("2")).toEqual({ patrolEveryMs: 120_000 });
    expect(patrolEveryMs("0")).toEqual({});
    expect(() => patrolEveryMs("soon")).toThrow('GASTOWN_PATROL_MINUTES is "soon": give the minutes between patrols (5 unless set), or 0 for none');
    expect(() => patrolEveryMs("-1")).toThrow("GASTOWN_PATROL_MINUTES");
  });

  it("jitters each wait by up to a quarter either way, so replicas drift apart", () => {
    expect([0, 0.5, 0.999].map((r) => nextTickDelay(300_000, () => r))).toEqual([225_000, 300_000, 374_850]);
  });
});

describe("a tick", () => {
  it("patrols the installation's repositories, re-arms only once it is done, runs the deacon on the first of every few, and stops", async () => {
    town = await startTown();
    const current = town;
    const { runId } = await slungIssue(current);
    await startAndClaim(current, runId);
    await beat(current, runId);
    current.clock.now = minutesAfter(current.clock.now, 25);
    const app: PatrolApp = {
      installations: async () => current.github.state.installations.map((i) => i.id),
      installationClient: () => installationClient(current),
      botLogin: async () => "gastown[bot]",
    };
    const timers: { run: () => void; ms: number }[] = [];
    const logs: string[] = [];
    let armed: () => void = () => undefined;
    const stop = startPatrolClock(app, { ...realDependencies, clock: () => current.clock.now, random: () => 0.5, sleep: async () => undefined }, {
      everyMs: 60_000,
      log: { info: (m) => logs.push(m), warn: (m) => logs.push(`warn: ${m}`) },
      setTimer: (run, ms) => { timers.push({ run, ms }); armed(); return {}; },
    });
    expect(timers.map((t) => t.ms)).toEqual([60_000]);
    const ticked = new Promise<void>((resolve) => { armed = resolve; });
    timers[0]?.run();
    await ticked;
    expect(timers.map((t) => t.ms)).toEqual([60_000, 60_000]);
    expect(logs).toEqual([`Patrol: 1 repositories, 1 repaired, 0 failed; the deacon's round too.`]);
    expect(witnessOf(await beadOf(current, 1))).toMatchObject({ attempt: 2, status: "hooked" });
    expect(DEACON_EVERY_TICKS).toBeGreaterThan(1);
    stop();
    // A timer that fires after the stop does nothing.
    timers[1]?.run();
    expect(timers).toHaveLength(2);
  });
});
