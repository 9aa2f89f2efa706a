// A polecat's heartbeat (DESIGN §7): a `gastown/polecat` check run on the tip of the work ref,
// `external_id` `<bead>@<attempt>`, whose `output.summary` starts with
// `<!-- gastown:heartbeat {"at":ISO,"progress_at":ISO,"state":…,"step":…,"attempt":n} -->` (and, from a
// sandboxed run, `"spent":{"turns":n,"cost_usd":x}` by its model proxy). GitHub sends no webhook
// when a check run's output changes, so the App reads it when asked. Anyone who can write check
// runs could write one, so the summary is untrusted: what does not parse is no heartbeat, and a
// field that is not what the contract says is left out rather than shown.

export const HEARTBEAT_CHECK_NAME = "gastown/polecat";
/**
 * Whose heartbeats count: a polecat beats with its run's GITHUB_TOKEN, so its check runs belong
 * to GitHub Actions, and only another workflow run can change them.
 */
export const HEARTBEAT_APP_SLUG = "github-actions";

export const HEARTBEAT_STATES = ["working", "stuck", "done", "crashed"] as const;
export type HeartbeatState = (typeof HEARTBEAT_STATES)[number];

export interface Heartbeat {
  /** When the polecat last beat: the action beats on a timer, so this shows the action alive. */
  readonly at: Date;
  /** The agent's last output, tool call or commit: stuck is judged by this. */
  readonly progressAt?: Date;
  readonly state?: HeartbeatState;
  /** The step it is on: its formula step id, or its number n (of `<root>.<n>`). */
  readonly step?: string | number;
  readonly attempt?: number;
  /**
   * On the final heartbeat, the exit the run is about to record in the ledger, so a ledger write
   * lost after it can be repaired from here.
   */
  readonly exit?: HeartbeatExit;
  /** What the run has spent, by its model proxy's meter (a sandboxed run only). */
  readonly spent?: HeartbeatSpend;
}

export interface HeartbeatSpend {
  readonly turns: number;
  readonly costUsd: number;
}

export interface HeartbeatExit {
  readonly exit: "COMPLETED" | "BLOCKED" | "REFACTOR" | "ESCALATE";
  readonly reason: string;
  readonly attempt: number;
  /** The work ref's tip the run last pushed. */
  readonly workTip: string;
  readonly blocker?: string;
}

/** The check run's `external_id` for one attempt on one bead. */
export function heartbeatExternalId(bead: string, attempt: number): string {
  return `${bead}@${attempt}`;
}

// The marker and its JSON are short; a summary may be up to 65,535 characters, so only its
// start is read.
const MAX_MARKER_CHARS = 4000;
/** An exit's reason in the marker is cut to this: the marker is read from the summary's start, and the ledger has the whole. */
const MARKER_REASON_CHARS = 1500;
const MARKER = /^\s*<!-- gastown:heartbeat (.*?) -->/s;
// RFC 3339 as the action writes it (`toISOString()`), with or without fractions or an offset.
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;
// Formula step ids are identifiers; anything else is not shown.
const STEP_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
// More steps than any formula has: a bigger number is garbage.
const MAX_STEP_NUMBER = 10_000;

/** The heartbeat in a check run's `output.summary`, or undefined when there is none to trust. */
export function parseHeartbeat(summary: unknown): Heartbeat | undefined {
  if (typeof summary !== "string") return undefined;
  const match = MARKER.exec(summary.slice(0, MAX_MARKER_CHARS));
  if (!match) return undefined;
  let fields: unknown;
  try {
    fields = JSON.parse(match[1] ?? "");
  } catch {
    return undefined;
  }
  if (typeof fields !== "object" || fields === null || Array.isArray(fields)) return undefined;
  const { at, progress_at: progressAt, state, step, attempt, exit, spent } = fields as Record<string, unknown>;
  const time = isoTime(at);
  if (time === undefined) return undefined;
  const progress = isoTime(progressAt);
  return {
    at: time,
    ...(progress ? { progressAt: progress } : {}),
    ...(isHeartbeatState(state) ? { state } : {}),
    ...(isStep(step) ? { step } : {}),
    ...(isPositiveInteger(attempt) ? { attempt } : {}),
    ...(heartbeatExit(exit) ?? {}),
    ...(heartbeatSpend(spent) ?? {}),
  };
}

/** The most a run could spend: a figure past it is garbage. */
const MAX_SPEND_USD = 1_000_000;

/** What an untrusted heartbeat says was spent, when both figures are what the contract says. */
function heartbeatSpend(value: unknown): { spent: HeartbeatSpend } | undefined {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
  const { turns, cost_usd: costUsd } = value as Record<string, unknown>;
  if (typeof turns !== "number" || !Number.isSafeInteger(turns) || turns < 0) return undefined;
  if (typeof costUsd !== "number" || !Number.isFinite(costUsd) || costUsd < 0 || costUsd > MAX_SPEND_USD) return undefined;
  return { spent: { turns, costUsd } };
}

const EXITS: readonly string[] = ["COMPLETED", "BLOCKED", "REFACTOR", "ESCALATE"];
const SHA = /^[0-9a-f]{40}$/;
const MAX_REASON_CHARS = 16_384;

/** The exit an untrusted heartbeat says, when every field is what the contract says. */
function heartbeatExit(value: unknown): { exit: HeartbeatExit } | undefined {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
  const { exit, reason, attempt, work_tip: workTip, blocker } = value as Record<string, unknown>;
  if (typeof exit !== "string" || !EXITS.includes(exit)) return undefined;
  if (typeof reason !== "string" || reason.length > MAX_REASON_CHARS) return undefined;
  if (!isPositiveInteger(attempt) || typeof workTip !== "string" || !SHA.test(workTip)) return undefined;
  if (blocker !== undefined && (typeof blocker !== "string" || !STEP_ID.test(blocker))) return undefined;
  return { exit: { exit: exit as HeartbeatExit["exit"], reason, attempt, workTip, ...(typeof blocker === "string" ? { blocker } : {}) } };
}

/** The heartbeat's marker, as a polecat writes it at the start of its check run's summary. */
export function heartbeatMarker(heartbeat: Heartbeat & { readonly state: HeartbeatState; readonly step: string | number; readonly attempt: number }): string {
  const fields = {
    at: heartbeat.at.toISOString(),
    progress_at: (heartbeat.progressAt ?? heartbeat.at).toISOString(),
    state: heartbeat.state,
    step: heartbeat.step,
    attempt: heartbeat.attempt,
    ...(heartbeat.exit ? {
      exit: {
        exit: heartbeat.exit.exit, reason: heartbeat.exit.reason.slice(0, MARKER_REASON_CHARS), attempt: heartbeat.exit.attempt,
        work_tip: heartbeat.exit.workTip,
        ...(heartbeat.exit.blocker ? { blocker: heartbeat.exit.blocker } : {}),
      },
    } : {}),
    ...(heartbeat.spent ? { spent: { turns: heartbeat.spent.turns, cost_usd: Math.round(heartbeat.spent.costUsd * 1e6) / 1e6 } } : {}),
  };
  // `<` and `>` escaped, so no text in it (an exit's reason) can end the HTML comment early.
  return `<!-- gastown:heartbeat ${JSON.stringify(fields).replace(/</g, "\\u003c").replace(/>/g, "\\u003e")} -->`;
}

function isoTime(value: unknown): Date | undefined {
  if (typeof value !== "string" || !ISO_TIME.test(value)) return undefined;
  const time = Date.parse(value);
  return Number.isFinite(time) ? new Date(time) : undefined;
}

function isHeartbeatState(value: unknown): value is HeartbeatState {
  return typeof value === "string" && (HEARTBEAT_STATES as readonly string[]).includes(value);
}

function isStep(value: unknown): value is string | number {
  if (typeof value === "string") return STEP_ID.test(value);
  return isPositiveInteger(value) && value <= MAX_STEP_NUMBER;
}

function isPositiveInteger(value: unknown): value is number {
  return typeof value === "number" && Number.isSafeInteger(value) && value > 0;
}
