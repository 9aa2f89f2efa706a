// How many content-creating requests the mirror may still send: GitHub's secondary limits are 80
// a minute and 500 an hour, so opening issues for a whole ledger (5,000 beads: 10 hours at
// least) is a job a pass continues, never one long loop. What the passes spent is kept in the
// ledger, on the repository's mirror `slot` bead (`external_ref` `gastown:mirror/<owner>/<repo>`,
// as the refinery keeps its slot), written in the same CAS commit as the intents it pays for, so
// every replica and the patrol share one budget. Each window starts with its first request and
// lasts its length; GitHub does not say how it counts, so the mirror counts conservatively. The
// drift repair keeps its comment watermark on the same slot.
import type { Bead } from "../ledger/bead-schema.js";
import { beadByExternalRef } from "../ledger/external-ref.js";
import type { Ledger } from "../ledger/ledger.js";
import { newBeadId } from "../ledger/new-bead-id.js";
import { gastownMetadata, withGastownMetadata } from "../molecules/gastown-metadata.js";
import { timestamp } from "../molecules/pour.js";

export const MIRROR_SLOT_TYPE = "slot";
/** The slot's key of the drift repair's comment watermark. */
export const COMMENTS_SINCE_KEY = "comments_since";

/** GitHub's secondary limits on content-creating requests. */
export const SECONDARY_LIMITS = { perMinute: 80, perHour: 500 } as const;

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;

export interface BudgetWindow {
  /** When the window's first request was counted. */
  readonly since: string;
  readonly used: number;
}

export interface MirrorBudget {
  readonly minute?: BudgetWindow;
  readonly hour?: BudgetWindow;
}

export function mirrorSlotRef(owner: string, repo: string): string {
  return `gastown:mirror/${owner}/${repo}`;
}

function readWindow(value: unknown): BudgetWindow | undefined {
  const window = value as Partial<BudgetWindow> | null | undefined;
  if (typeof window !== "object" || window === null) return undefined;
  if (typeof window.since !== "string" || Number.isNaN(Date.parse(window.since)) || typeof window.used !== "number" || !(window.used >= 0)) return undefined;
  return { since: window.since, used: window.used };
}

/** What the slot records as spent; nothing when the mirror has never opened an issue here. */
export function budgetOf(ledger: Ledger, owner: string, repo: string): MirrorBudget {
  const slot = beadByExternalRef(ledger, mirrorSlotRef(owner, repo));
  const meta = slot === undefined ? {} : gastownMetadata(slot);
  const minute = readWindow(meta.minute);
  const hour = readWindow(meta.hour);
  return { ...(minute ? { minute } : {}), ...(hour ? { hour } : {}) };
}

/** The window's use at `now`: 0 once its length has passed since it began. */
function usedIn(window: BudgetWindow | undefined, now: Date, length: number): number {
  if (window === undefined) return 0;
  const age = now.getTime() - Date.parse(window.since);
  return age >= 0 && age < length ? window.used : 0;
}

/** How many content-creating requests may be sent at `now`. */
export function allowance(budget: MirrorBudget, now: Date): number {
  return Math.max(0, Math.min(
    SECONDARY_LIMITS.perMinute - usedIn(budget.minute, now, MINUTE_MS),
    SECONDARY_LIMITS.perHour - usedIn(budget.hour, now, HOUR_MS),
  ));
}

function spendIn(window: BudgetWindow | undefined, now: Date, length: number, requests: number): BudgetWindow {
  const age = window === undefined ? Infinity : now.getTime() - Date.parse(window.since);
  return window !== undefined && age >= 0 && age < length ? { since: window.since, used: window.used + requests } : { since: timestamp(now), used: requests };
}

/** The budget once `requests` more are counted at `now`. */
export function spend(budget: MirrorBudget, now: Date, requests: number): MirrorBudget {
  if (requests <= 0) return budget;
  return { minute: spendIn(budget.minute, now, MINUTE_MS, requests), hour: spendIn(budget.hour, now, HOUR_MS, requests) };
}

export interface SlotWrite {
  readonly now: Date;
  /** The prefix of the slot bead's id, the first time it is made. */
  readonly prefix: string;
  readonly actor: string;
}

/** The ledger with `fields` written on the repository's mirror slot's metadata (the slot made the first time). */
function withMirrorSlot(ledger: Ledger, owner: string, repo: string, fields: Record<string, unknown>, write: SlotWrite): Ledger {
  const ref = mirrorSlotRef(owner, repo);
  const now = timestamp(write.now);
  const title = `Mirror of ${owner}/${repo} to GitHub issues`;
  const bead: Bead = beadByExternalRef(ledger, ref) ?? {
    id: newBeadId({ prefix: write.prefix, title, description: ref, creator: write.actor, createdAt: write.now }, ledger.records),
    title, description: "What the mirror has spent of GitHub's secondary limits (80 content-creating requests a minute, 500 an hour) while it opens issues for work beads.",
    status: "open", priority: 4, issue_type: MIRROR_SLOT_TYPE, created_at: now, created_by: write.actor, updated_at: now, external_ref: ref,
  };
  return ledger.withBead(withGastownMetadata({ ...bead, updated_at: now }, fields));
}

/** The ledger with the budget written on the repository's mirror slot (made the first time). */
export function withMirrorBudget(ledger: Ledger, owner: string, repo: string, budget: MirrorBudget, write: SlotWrite): Ledger {
  return withMirrorSlot(ledger, owner, repo, { minute: budget.minute, hour: budget.hour }, write);
}

/**
 * The drift repair's comment watermark (drift-comments.ts): the `updated_at` from which it lists
 * the repository's comments. Undefined until its first look.
 */
export function commentWatermarkOf(ledger: Ledger, owner: string, repo: string): string | undefined {
  const slot = beadByExternalRef(ledger, mirrorSlotRef(owner, repo));
  const since = slot === undefined ? undefined : gastownMetadata(slot)[COMMENTS_SINCE_KEY];
  return typeof since === "string" && !Number.isNaN(Date.parse(since)) ? since : undefined;
}

/** The ledger with the comment watermark written on the repository's mirror slot (made the first time). */
export function withCommentWatermark(ledger: Ledger, owner: string, repo: string, since: string, write: SlotWrite): Ledger {
  return withMirrorSlot(ledger, owner, repo, { [COMMENTS_SINCE_KEY]: since }, write);
}
