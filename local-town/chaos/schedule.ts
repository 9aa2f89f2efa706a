// The faults one chaos seed throws at the local town, as plain data: what, and how long after the
// slinging. The same seed gives the same schedule, so a failing seed replays. Pure.
import type { Fault } from "../../test/emulator/faults/plan.js";
import { seededRandom } from "../../test/bench/synthetic-ledger.js";

export type ChaosFault =
  /** The App killed and a fresh instance served, remembering nothing. */
  | { readonly kind: "restart-app" }
  /** The runner of a running job killed mid-step; `pick` in [0, 1) chooses among the running jobs. */
  | { readonly kind: "kill-job"; readonly pick: number }
  /** A fault the emulator applies (faults/plan.ts): a 5xx, a secondary rate limit, a lost race, a webhook lost or doubled. */
  | { readonly kind: "github"; readonly fault: Fault };

export interface ScheduledFault {
  /** Milliseconds after the issues are slung. */
  readonly atMs: number;
  readonly fault: ChaosFault;
}

export interface ScheduleOptions {
  /** Faults come within this many milliseconds of the slinging, then stop. */
  readonly windowMs: number;
  /** How many faults, at least and at most. */
  readonly faults: readonly [number, number];
}

export const DEFAULT_SCHEDULE: ScheduleOptions = { windowMs: 30_000, faults: [8, 14] };

/** The operations the App and the actions call most, for faults aimed at one; the rest hit whatever comes next. */
const OPERATIONS = [
  "git/get-ref", "git/update-ref", "git/create-commit", "git/create-tree", "repos/get-content",
  "issues/create-comment", "issues/update-comment", "issues/add-labels", "issues/get",
  "actions/create-workflow-dispatch", "pulls/create", "pulls/list",
] as const;

/** The events whose deliveries are lost or doubled; undefined is whichever comes next. */
const EVENTS = [undefined, "issues", "issue_comment", "workflow_run", "workflow_job", "pull_request", "pull_request_review", "repository_dispatch", "check_run"] as const;

const LEDGER_REF = "heads/gastown/ledger";

export function chaosSchedule(seed: number, options: ScheduleOptions = DEFAULT_SCHEDULE): ScheduledFault[] {
  const random = seededRandom(seed);
  const between = (low: number, high: number) => low + Math.floor(random() * (high - low + 1));
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const count = between(options.faults[0], options.faults[1]);
  const faults: ScheduledFault[] = [];
  for (let i = 0; i < count; i++) faults.push({ atMs: Math.floor(random() * options.windowMs), fault: chaosFault(random, pick, between) });
  return faults.sort((a, b) => a.atMs - b.atMs);
}

function chaosFault(random: () => number, pick: <T>(items: readonly T[]) => T, between: (low: number, high: number) => number): ChaosFault {
  const operation = () => (random() < 0.5 ? {} : { operationId: pick(OPERATIONS) });
  const event = () => {
    const name = pick(EVENTS);
    return name === undefined ? {} : { event: name };
  };
  switch (pick(["restart-app", "kill-job", "5xx", "secondary-rate-limit", "lost-race", "drop-delivery", "duplicate-delivery"] as const)) {
    case "restart-app":
      return { kind: "restart-app" };
    case "kill-job":
      return { kind: "kill-job", pick: random() };
    case "5xx":
      return { kind: "github", fault: { kind: "status", status: pick([500, 502, 503]), times: between(1, 3), ...operation() } };
    case "secondary-rate-limit":
      return { kind: "github", fault: { kind: "secondary-rate-limit", retryAfter: between(1, 5), times: between(1, 2), ...operation() } };
    case "lost-race":
      return { kind: "github", fault: { kind: "lost-race", ref: LEDGER_REF, times: between(1, 3) } };
    case "drop-delivery":
      return { kind: "github", fault: { kind: "drop-delivery", times: between(1, 2), ...event() } };
    case "duplicate-delivery":
      return { kind: "github", fault: { kind: "duplicate-delivery", times: between(1, 2), ...event() } };
  }
}

/** A fault in a line of the chaos run's report. */
export function describeFault(fault: ChaosFault): string {
  if (fault.kind === "restart-app") return "the App restarted";
  if (fault.kind === "kill-job") return "a runner killed mid-step";
  const { kind, times, ...rest } = fault.fault;
  const what = Object.entries(rest).map(([key, value]) => `${key} ${String(value)}`).join(", ");
  return `${kind}${what === "" ? "" : ` (${what})`} ×${times ?? 1}`;
}
