// The refinery's state in the ledger, driven through whole queues with a scripted CI: a batch of
// eight with one bad pull request found by bisection, a flake run again and recorded, a lone
// failure retried before it is blamed, a base that moved, two runs racing on one trial, a landing
// that closes the work beads.
import { describe, expect, it } from "vitest";
import { defaultConfig, type GastownConfig } from "../../app/config/config-schema.js";
import { Ledger } from "../../app/ledger/ledger.js";
import { mergeRequestOf, queuePull, queueRef, type QueuedPull } from "../../app/town/merge-queue.js";
import {
  abandonTrial, advanceTrial, recordBuild, recordLanded, recordVerdict, rebuildTrial, slotOf, startTrial, trialOutdated, trialRequests, withSlot, type TrialState,
} from "../../app/town/refinery.js";
import { beadByExternalRef } from "../../app/ledger/external-ref.js";
import { minutesAfter, NOW } from "./town-builders.js";

const REPO = "octo/town";
const sha = (n: number, c = "a") => `${n}`.padStart(40, c);
const write = (minutes: number) => ({ now: minutesAfter(NOW, minutes), prefix: "gt", actor: "gastown[bot]" });
const config = (refinery: Partial<GastownConfig["refinery"]> = {}): GastownConfig => {
  const base = defaultConfig();
  return { ...base, refinery: { ...base.refinery, ...refinery } };
};

function queued(numbers: readonly number[], extra: (n: number) => Partial<QueuedPull> = () => ({})): Ledger {
  let ledger = Ledger.empty();
  numbers.forEach((n, i) => {
    ledger = queuePull(ledger, { repo: REPO, number: n, title: `Change ${n}`, head: `b${n}`, headSha: sha(n), base: "main", ...extra(n) },
      { by: "mayor", now: minutesAfter(NOW, i), prefix: "gt" }).ledger;
  });
  return ledger;
}

/** The slot with twenty landed pull requests behind it: a queue where few fail. */
const seasoned = (ledger: Ledger) => withSlot(ledger, { ...slotOf(ledger, REPO, "main"), recent: Array(20).fill("landed") }, write(0));

const numbersOf = (ledger: Ledger, trial: TrialState) => trialRequests(ledger, trial).map((r) => r.number);
const seen = (trial: TrialState) => ({ repo: REPO, base: "main", seen: { attempt: trial.attempt, stage: trial.stage } });

/**
 * Runs the queue to the end: each trial built and tested, red when it holds a bad pull request
 * (or, for `flaky`, red the first time a tree is run), landed when green. Returns every trial's
 * pull requests and what became of each.
 */
function drain(ledger: Ledger, cfg: GastownConfig, bad: ReadonlySet<number>, flaky = new Set<number>()) {
  const runs: string[] = [];
  const landed: number[] = [];
  const ejected: number[] = [];
  let minute = 100;
  for (let guard = 0; guard < 60; guard++) {
    const started = startTrial(ledger, { repo: REPO, base: "main", baseSha: sha(0, "f"), config: cfg, ...write(minute++) });
    if (started.trial === undefined) break;
    let trial = started.trial;
    ledger = advanceTrial(started.ledger, { ...seen(trial), ...write(minute++), to: "testing", set: { stagingSha: sha(trial.attempt, "c") } });
    trial = slotOf(ledger, REPO, "main").trial as TrialState;
    const numbers = numbersOf(ledger, trial);
    const flake = numbers.some((n) => flaky.has(n)) && trial.redBefore === undefined;
    const red = numbers.some((n) => bad.has(n)) || flake;
    runs.push(`${numbers.join(",")}${red ? " red" : " green"}`);
    const after = recordVerdict(ledger, { ...seen(trial), ...write(minute++), config: cfg, verdict: red ? { kind: "red", failing: ["ci"] } : { kind: "green" } });
    ledger = after.ledger;
    ejected.push(...after.ejected.map((e) => e.request.number));
    if (!red) {
      const green = after.trial as TrialState;
      expect(green.stage).toBe(cfg.refinery.mode === "review" ? "review" : "landing");
      const out = recordLanded(ledger, { ...seen(green), ...write(minute++), where: "main" });
      ledger = out.ledger;
      landed.push(...out.landed.map((l) => l.request.number));
    }
  }
  return { ledger, runs, landed, ejected };
}

describe("a queue run to the end", () => {
  it("lands a batch of eight good pull requests on one run", () => {
    const { runs, landed, ejected, ledger } = drain(queued([1, 2, 3, 4, 5, 6, 7, 8]), config({ mode: "direct" }), new Set());
    expect(runs).toEqual(["1,2,3,4,5,6,7,8 green"]);
    expect(landed).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(ejected).toEqual([]);
    const slot = slotOf(ledger, REPO, "main");
    expect(slot).toMatchObject({ attempt: 1, plan: [], runs: 1, flakes: 0, recent: Array(8).fill("landed") });
    expect(slot.trial).toBeUndefined();
  });

  it("finds the one bad pull request in a batch of eight by bisection, and, five having landed, runs it alone again before blaming it", () => {
    const { runs, landed, ejected, ledger } = drain(queued([1, 2, 3, 4, 5, 6, 7, 8]), config({ mode: "direct" }), new Set([6]));
    expect(runs).toEqual([
      "1,2,3,4,5,6,7,8 red",
      "1,2,3,4 green",
      "5,6 red",
      "5 green",
      "6 red",
      "6 red",
      "7,8 green",
    ]);
    expect(landed).toEqual([1, 2, 3, 4, 5, 7, 8]);
    expect(ejected).toEqual([6]);
    const six = beadByExternalRef(ledger, queueRef(REPO, 6));
    // Closed in the same commit as what it is owed: its send-back, with the gate that failed and where.
    expect(six).toMatchObject({ status: "closed", close_reason: "ejected", metadata: { gastown: {
      left_why: "failed: ci", tries: 1, send_back: { why: "failed", red: [{ name: "ci" }], staging_sha: sha(6, "c") },
    } } });
    // Every run since the batch was taken from the queue, for the refinery pull request's picture.
    expect(slotOf(ledger, REPO, "main").tested).toEqual([
      { attempt: 1, prs: [1, 2, 3, 4, 5, 6, 7, 8], verdict: "red" },
      { attempt: 2, prs: [1, 2, 3, 4], verdict: "green" },
      { attempt: 3, prs: [5, 6], verdict: "red" },
      { attempt: 4, prs: [5], verdict: "green" },
      { attempt: 5, prs: [6], verdict: "red" },
      { attempt: 6, prs: [6], verdict: "red" },
      { attempt: 7, prs: [7, 8], verdict: "green" },
    ]);
    // The next batch from the queue starts a record of its own.
    const next = startTrial(queued([9]).withBead(beadByExternalRef(ledger, "gastown:refinery/octo/town@main")!), {
      repo: REPO, base: "main", baseSha: sha(0, "f"), config: config({ mode: "direct" }), ...write(500),
    });
    expect(next.trial?.attempt).toBe(8);
    expect(slotOf(next.ledger, REPO, "main").tested).toEqual([]);
  });

  it("where pull requests seldom fail, runs a lone one's red tree again before blaming it: a flake lands and its gate is recorded", () => {
    const { runs, landed, ledger } = drain(seasoned(queued([1])), config({ mode: "direct" }), new Set(), new Set([1]));
    expect(runs).toEqual(["1 red", "1 green"]);
    expect(landed).toEqual([1]);
    expect(slotOf(ledger, REPO, "main")).toMatchObject({ runs: 2, flakes: 1, flaky: { ci: 1 } });
    // Where failures are common, a red of a gate on the record as flaky is still run again once.
    const common = withSlot(ledger, { ...slotOf(ledger, REPO, "main"), recent: Array(20).fill("ejected") }, write(50));
    const again = queuePull(common, { repo: REPO, number: 2, title: "Change 2", head: "b2", headSha: sha(2), base: "main" }, { by: "mayor", now: minutesAfter(NOW, 50), prefix: "gt" }).ledger;
    expect(drain(again, config({ mode: "direct" }), new Set([2])).runs).toEqual(["2 red", "2 red"]);
  });

  it("where pull requests often fail, believes a lone one's red: a real failure costs one run", () => {
    const { runs, ejected } = drain(queued([1]), config({ mode: "direct" }), new Set([1]));
    expect(runs).toEqual(["1 red"]);
    expect(ejected).toEqual([1]);
  });

  it("in review mode waits for review once green", () => {
    const { landed } = drain(queued([1, 2]), config(), new Set());
    expect(landed).toEqual([1, 2]);
  });
});

describe("one trial", () => {
  const begin = (ledger: Ledger) => {
    const started = startTrial(ledger, { repo: REPO, base: "main", baseSha: sha(0, "f"), config: config(), ...write(10) });
    return { ledger: started.ledger, trial: started.trial as TrialState };
  };

  it("is begun once: a second start while it is under way changes nothing", () => {
    const { ledger, trial } = begin(queued([1, 2]));
    expect(trial).toMatchObject({ attempt: 1, stage: "building", baseSha: sha(0, "f"), heads: { [trial.prs[0] as string]: sha(1) } });
    expect(startTrial(ledger, { repo: REPO, base: "main", baseSha: sha(9, "f"), config: config(), ...write(11) }).ledger).toBe(ledger);
  });

  it("acts once when two runs race: the second's update finds the trial moved on", () => {
    const { ledger, trial } = begin(queued([1]));
    const first = advanceTrial(ledger, { ...seen(trial), ...write(11), to: "testing", set: { stagingSha: sha(1, "c") } });
    const second = advanceTrial(first, { ...seen(trial), ...write(12), to: "testing", set: { stagingSha: sha(2, "c") } });
    expect(second).toBe(first);
    expect(slotOf(second, REPO, "main").trial?.stagingSha).toBe(sha(1, "c"));
  });

  it("is outdated when a pull request in it is pushed to, and is built again under a fresh attempt", () => {
    const { ledger, trial } = begin(queued([1, 2]));
    const pushed = queuePull(ledger, { repo: REPO, number: 2, title: "Change 2", head: "b2", headSha: sha(22), base: "main" }, { by: "mayor", now: minutesAfter(NOW, 12), prefix: "gt" }).ledger;
    expect(trialOutdated(pushed, trial)).toBe(`#2 was pushed to (now at ${sha(22).slice(0, 12)})`);
    const rebuilt = rebuildTrial(pushed, { ...seen(trial), ...write(13), baseSha: sha(1, "f") });
    expect(rebuilt.trial).toMatchObject({ attempt: 2, stage: "building", baseSha: sha(1, "f") });
    expect(Object.values(rebuilt.trial?.heads ?? {})).toEqual([sha(1), sha(22)]);
  });

  it("given up keeps its pull requests queued and says why", () => {
    const { ledger, trial } = begin(queued([1]));
    const given = abandonTrial(ledger, { ...seen(trial), ...write(200), why: "no verdict" });
    expect(slotOf(given, REPO, "main")).toMatchObject({ stalled: "no verdict" });
    expect(slotOf(given, REPO, "main").trial).toBeUndefined();
    expect(mergeRequestOf(beadByExternalRef(given, queueRef(REPO, 1)) as never)).toBeDefined();
  });

  it("landed closes each pull request's work bead", () => {
    let ledger = queued([1], () => ({ bead: "gt-w1", polecat: "nux" }));
    ledger = ledger.withBead({ id: "gt-w1", title: "Work", status: "in_progress", priority: 2, issue_type: "task", created_at: "2026-11-24T11:00:00Z", updated_at: "2026-11-24T11:00:00Z" });
    const started = begin(ledger);
    ledger = advanceTrial(started.ledger, { ...seen(started.trial), ...write(11), to: "landing", set: { stagingSha: sha(1, "c") } });
    const trial = slotOf(ledger, REPO, "main").trial as TrialState;
    const out = recordLanded(ledger, { ...seen(trial), ...write(12), where: "#9" });
    expect(out.landed.map((l) => [l.request.number, l.work?.status, l.work?.close_reason])).toEqual([[1, "closed", "merged"]]);
    expect(beadByExternalRef(out.ledger, queueRef(REPO, 1))).toMatchObject({ status: "closed", close_reason: "landed", metadata: { gastown: { left_why: "landed in #9" } } });
  });

  it("at its build, ejects a head that conflicts, owing its send-back, lands one the base holds already, and tests the rest", () => {
    let ledger = queued([1, 2, 3], (n) => (n === 2 ? { bead: "gt-w2", polecat: "nux" } : {}));
    ledger = ledger.withBead({ id: "gt-w2", title: "Work", status: "in_progress", priority: 2, issue_type: "task", created_at: "2026-11-24T11:00:00Z", updated_at: "2026-11-24T11:00:00Z" });
    const { ledger: begun, trial } = begin(ledger);
    const [one, two, three] = trial.prs as [string, string, string];
    const out = recordBuild(begun, { ...seen(trial), ...write(11), ejected: [{ id: one, why: "conflict", text: "#1 does not merge" }], inBase: [two], where: "`main`" });
    expect(out.ejected.map((e) => [e.request.number, e.why])).toEqual([[1, "conflict"]]);
    expect(out.landed.map((l) => [l.request.number, l.work?.close_reason])).toEqual([[2, "merged"]]);
    expect(beadByExternalRef(out.ledger, queueRef(REPO, 1))).toMatchObject({ close_reason: "ejected", metadata: { gastown: { left_why: "#1 does not merge", send_back: { why: "conflict" } } } });
    expect(beadByExternalRef(out.ledger, queueRef(REPO, 2))).toMatchObject({ close_reason: "landed", metadata: { gastown: { left_why: "landed in `main`" } } });
    expect(slotOf(out.ledger, REPO, "main")).toMatchObject({ trial: { attempt: 1, stage: "building", prs: [three] }, recent: ["ejected", "landed"] });
    // A run that lost the race records nothing.
    expect(recordBuild(out.ledger, { ...seen({ ...trial, attempt: 0 }), ...write(12), ejected: [], inBase: [three], where: "`main`" }).ledger).toBe(out.ledger);
  });
});
