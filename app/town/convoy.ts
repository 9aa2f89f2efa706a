// Convoys and the mayor's waves (issue 18): slinging an epic (`type::epic`), or a tracking issue
// labelled `gt:convoy`, slings its sub-issues, which may live in other repositories of the
// installation, as they become ready. The convoy's state is one `convoy` bead in the tracking
// issue's ledger (`external_ref` `gastown:convoy/<owner>/<repo>#<n>`); each step recomputes it
// from what GitHub and the ledgers show now (planWave), so a missed wake is repaired by the next.
//
// Waves per rig need nothing here: a sling at `limits.max_polecats` waits (sling.ts) and a freed
// slot promotes it (waiting.ts). A wave is every ready sub-issue; a sub-issue blocked by an open
// issue waits for it, and goes in a later wave once its blockers land.
import { beadStatus, type Bead } from "../ledger/bead-schema.js";
import { beadByExternalRef } from "../ledger/external-ref.js";
import type { Ledger } from "../ledger/ledger.js";
import { newBeadId } from "../ledger/new-bead-id.js";
import { gastownMetadata, gastownString, withGastownMetadata } from "../molecules/gastown-metadata.js";
import { timestamp } from "../molecules/pour.js";
import { DISPATCH_GRACE_MS } from "./sling.js";

export const CONVOY_TYPE = "convoy";
/** The label that makes a tracking issue a convoy when slung; an epic is one by its type. */
export const CONVOY_LABEL = "gt:convoy";
export const EPIC_LABEL = "type::epic";

/** Where a tracked sub-issue stands. `landed` and `closed` are done; the rest keep the convoy open. */
export type TrackedState = "waiting" | "slung" | "landed" | "closed" | "escalated" | "refused";

export interface TrackedIssue {
  /** `owner/name`. */
  readonly repo: string;
  readonly number: number;
  /** The issue's database id (what GitHub's sub-issue and dependency APIs take). */
  readonly id: number;
  readonly state: TrackedState;
  /** Why it waits, was refused, or what its work bead shows. */
  readonly why?: string;
  /** When this convoy slung it, so a sling that never reached the ledger is made again. */
  readonly slung_at?: string;
  /** The wave this convoy slung it in, kept from then on (the tracking comment draws the waves). */
  readonly wave?: number;
}

export interface Convoy {
  readonly ref: string;
  /** The tracking issue: `owner/name` and number. */
  readonly repo: string;
  readonly number: number;
  readonly status: "open" | "closed";
  /** Who slung the tracking issue: each sub-issue is slung on their word, and their access checked where it lives. */
  readonly slungBy: string;
  /** When the convoy was made: its work goes first in the merge queue (merge-queue.ts). */
  readonly convoyAt: string;
  /** Waves slung so far. */
  readonly wave: number;
  readonly tracked: readonly TrackedIssue[];
  /** The tracking comment's id, once made. */
  readonly commentId?: number;
}

/** The `external_ref` of the convoy tracking `owner/repo#number`. */
export function convoyRef(repo: string, number: number): string {
  return `gastown:convoy/${repo}#${number}`;
}

/** The tracking issue a convoy ref names. */
export function parseConvoyRef(ref: string): { owner: string; repo: string; number: number } | undefined {
  const match = /^gastown:convoy\/([^/]+)\/([^#]+)#(\d+)$/.exec(ref);
  return match ? { owner: match[1] as string, repo: match[2] as string, number: Number(match[3]) } : undefined;
}

/** Whether slinging an issue with these labels starts a convoy rather than a polecat. */
export function isConvoyIssue(labels: readonly string[]): boolean {
  return labels.includes(CONVOY_LABEL) || labels.includes(EPIC_LABEL);
}

export function convoyOf(ledger: Ledger, ref: string): Convoy | undefined {
  const bead = beadByExternalRef(ledger, ref);
  return bead === undefined || bead.issue_type !== CONVOY_TYPE ? undefined : readConvoy(bead);
}

/** Every convoy still open in the ledger: the patrol's to advance. */
export function openConvoys(ledger: Ledger): Convoy[] {
  return ledger.beads().filter((b) => b.issue_type === CONVOY_TYPE && beadStatus(b) !== "closed" && b.external_ref !== undefined)
    .map(readConvoy);
}

/**
 * The convoys this ledger shows tracking the issue `repo#number` (at `url`): the open ones of this
 * ledger that list it, and the one its work bead here was slung for (`convoy`, withConvoyWork),
 * which may live in another repository's ledger. Refs, each once.
 */
export function convoysTracking(ledger: Ledger, issue: { readonly repo: string; readonly number: number; readonly url: string }): string[] {
  const listing = openConvoys(ledger).filter((c) => c.tracked.some((t) => t.repo === issue.repo && t.number === issue.number)).map((c) => c.ref);
  const work = beadByExternalRef(ledger, issue.url);
  const slungFor = work === undefined ? undefined : gastownString(work, "convoy");
  return [...new Set([...listing, ...(slungFor === undefined ? [] : [slungFor])])];
}

function readConvoy(bead: Bead): Convoy {
  const meta = gastownMetadata(bead);
  const ref = bead.external_ref ?? "";
  const where = parseConvoyRef(ref);
  return {
    ref,
    repo: where ? `${where.owner}/${where.repo}` : "",
    number: where?.number ?? 0,
    status: beadStatus(bead) === "closed" ? "closed" : "open",
    slungBy: gastownString(bead, "slung_by") ?? "",
    convoyAt: gastownString(bead, "convoy_at") ?? bead.created_at ?? "",
    wave: typeof meta.wave === "number" ? meta.wave : 0,
    tracked: Array.isArray(meta.tracked) ? (meta.tracked as TrackedIssue[]) : [],
    ...(typeof meta.comment_id === "number" ? { commentId: meta.comment_id } : {}),
  };
}

export interface ConvoyStart {
  readonly repo: string;
  readonly number: number;
  readonly slungBy: string;
  readonly now: Date;
  readonly prefix: string;
}

/**
 * The convoy made, or opened again by a new sling (its tracked issues kept: they are recomputed
 * at once). Unchanged when it is open already, so a repeated sling writes nothing.
 */
export function startedConvoy(ledger: Ledger, start: ConvoyStart): Ledger {
  const ref = convoyRef(start.repo, start.number);
  const found = beadByExternalRef(ledger, ref);
  const now = timestamp(start.now);
  if (found !== undefined && beadStatus(found) !== "closed") return ledger;
  const title = `Convoy of ${start.repo}#${start.number}`;
  const bead: Bead = found ?? {
    id: newBeadId({ prefix: start.prefix, title, description: ref, creator: start.slungBy, createdAt: start.now }, ledger.records),
    title, description: `The sub-issues of ${start.repo}#${start.number}, slung in waves as they become ready.`,
    priority: 2, issue_type: CONVOY_TYPE, created_at: now, created_by: start.slungBy, updated_at: now, external_ref: ref,
  };
  const { closed_at: _, close_reason: __, ...open } = bead;
  return ledger.withBead(withGastownMetadata({ ...open, status: "open", updated_at: now }, {
    slung_by: start.slungBy, convoy_at: now,
  }));
}

/** What the convoy's step sees of one sub-issue now. */
export interface SubIssueFacts {
  readonly repo: string;
  readonly number: number;
  readonly id: number;
  readonly state: "open" | "closed";
  /** Its work bead in its own repository's ledger, as workStateOf reads it. */
  readonly work: WorkState;
  /** The issues blocking it, as GitHub lists them (read only for a sub-issue not yet slung). */
  readonly blockers: readonly { readonly repo: string; readonly number: number; readonly state: "open" | "closed" }[];
  /** Why the convoy may not sling it (its repository is off, out of reach, or the slinger lacks access there). */
  readonly refused?: string;
}

export type WorkState =
  | { readonly kind: "none" }
  | { readonly kind: "landed" }
  | { readonly kind: "closed" }
  | { readonly kind: "escalated" }
  | { readonly kind: "working"; readonly status: string };

/**
 * A sub-issue's work bead as the convoy counts it. An open bead never slung is no work yet: the
 * mirror imports every issue as one, and the convoy's sling hooks that very bead.
 */
export function workStateOf(bead: Bead | undefined): WorkState {
  if (bead === undefined) return { kind: "none" };
  const status = beadStatus(bead);
  if (status === "closed") return bead.close_reason === "merged" ? { kind: "landed" } : { kind: "closed" };
  if (status !== "hooked" && gastownString(bead, "exit") === "ESCALATE") return { kind: "escalated" };
  if (status === "open" && gastownString(bead, "slung_at") === undefined) return { kind: "none" };
  const waiting = status !== "hooked" && gastownString(bead, "waiting_since") !== undefined;
  return { kind: "working", status: waiting ? "waiting for a free polecat" : status };
}

/**
 * A sub-issue's work as the convoy counts it: its work bead's, or, for a sub-issue that is a
 * convoy itself (an epic under an epic), its own convoy's, which closes its issue when it is done.
 */
export function subIssueWork(ledger: Ledger, sub: { readonly url: string; readonly repo: string; readonly number: number; readonly labels: readonly string[] }): WorkState {
  if (!isConvoyIssue(sub.labels)) return workStateOf(beadByExternalRef(ledger, sub.url));
  const own = convoyOf(ledger, convoyRef(sub.repo, sub.number));
  return own === undefined ? { kind: "none" } : { kind: "working", status: own.status === "closed" ? "its convoy landed" : "a convoy of its own" };
}

export interface WavePlan {
  readonly convoy: Convoy;
  /** The sub-issues to sling now, once the plan is committed. */
  readonly sling: readonly TrackedIssue[];
  /** Every tracked issue landed or closed: the convoy closes. */
  readonly done: boolean;
}

/**
 * The next state of the convoy from what is seen now, and which sub-issues to sling. Pure: a
 * step commits it with compare-and-swap and slings only what its own commit marked slung, so two
 * steps at once sling each sub-issue once.
 */
export function planWave(convoy: Convoy, facts: readonly SubIssueFacts[], now: Date): WavePlan {
  if (convoy.status === "closed") return { convoy, sling: [], done: true };
  const key = (repo: string, number: number) => `${repo}#${number}`;
  const before = new Map(convoy.tracked.map((t) => [key(t.repo, t.number), t]));
  const landed = new Set(facts.filter((f) => f.work.kind === "landed").map((f) => key(f.repo, f.number)));
  const sling: TrackedIssue[] = [];
  const tracked = facts.map((fact): TrackedIssue => {
    const previous = before.get(key(fact.repo, fact.number));
    const base = { repo: fact.repo, number: fact.number, id: fact.id, ...(previous?.wave !== undefined ? { wave: previous.wave } : {}) };
    const { work } = fact;
    if (work.kind === "landed") return { ...base, state: "landed" };
    if (fact.state === "closed" || work.kind === "closed") return { ...base, state: "closed" };
    if (work.kind === "escalated") return { ...base, state: "escalated", why: "escalated to people: see the issue" };
    if (work.kind === "working") return { ...base, state: "slung", why: work.status };
    // Slung by an earlier step whose sling has not reached the ledger yet: left to it a while.
    if (previous?.state === "slung" && previous.slung_at !== undefined && now.getTime() - Date.parse(previous.slung_at) < DISPATCH_GRACE_MS) return previous;
    const open = fact.blockers.filter((b) => b.state === "open" && !landed.has(key(b.repo, b.number)));
    if (open.length > 0) return { ...base, state: "waiting", why: `blocked by ${open.map((b) => key(b.repo, b.number)).join(", ")}` };
    if (fact.refused !== undefined) return { ...base, state: "refused", why: fact.refused };
    const slung: TrackedIssue = { ...base, state: "slung", why: "slung", slung_at: timestamp(now), wave: convoy.wave + 1 };
    sling.push(slung);
    return slung;
  });
  const done = tracked.length > 0 && tracked.every((t) => t.state === "landed" || t.state === "closed");
  return {
    convoy: { ...convoy, tracked, wave: convoy.wave + (sling.length > 0 ? 1 : 0), status: done ? "closed" : "open" },
    sling, done,
  };
}

/**
 * The convoy written back into its bead; the ledger unchanged when nothing differs, so an idle
 * step writes nothing (and no `updated_at` churns).
 */
export function withConvoy(ledger: Ledger, convoy: Convoy, now: Date): Ledger {
  const bead = beadByExternalRef(ledger, convoy.ref);
  if (bead === undefined) return ledger;
  const current = readConvoy(bead);
  const same = current.status === convoy.status && current.wave === convoy.wave && current.commentId === convoy.commentId &&
    JSON.stringify(current.tracked) === JSON.stringify(convoy.tracked);
  if (same) return ledger;
  const at = timestamp(now);
  const closing = convoy.status === "closed" && current.status !== "closed";
  const next: Bead = { ...bead, status: convoy.status, updated_at: at, ...(closing ? { closed_at: at, close_reason: "landed" } : {}) };
  const written = ledger.withBead(withGastownMetadata(next, {
    wave: convoy.wave, tracked: convoy.tracked, comment_id: convoy.commentId,
  }));
  // The tracking issue's own bead (the mirror's import of it) closes with it, as the issue does:
  // the App's closing of the issue is its own event, which the mirror never takes in.
  const issueBead = closing ? written.beads().find((b) => b.issue_type !== CONVOY_TYPE && b.external_ref?.endsWith(`/${convoy.repo}/issues/${convoy.number}`)) : undefined;
  return issueBead === undefined || beadStatus(issueBead) === "closed" ? written :
    written.withBead({ ...issueBead, status: "closed", closed_at: at, close_reason: "landed", updated_at: at });
}

/**
 * A sub-issue's work bead marked as the convoy's, so its landing wakes the convoy and its pull
 * request goes first in the merge queue (`convoy`, `convoy_at`). Unchanged when it is marked already.
 */
export function withConvoyWork(ledger: Ledger, issueUrl: string, convoy: Pick<Convoy, "ref" | "convoyAt">): Ledger {
  const bead = beadByExternalRef(ledger, issueUrl);
  if (bead === undefined || gastownString(bead, "convoy") === convoy.ref) return ledger;
  return ledger.withBead(withGastownMetadata(bead, { convoy: convoy.ref, convoy_at: convoy.convoyAt }));
}
