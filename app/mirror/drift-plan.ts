// The drift repair: every issue of the repository against every bead of its ledger, for what
// missed webhooks and pushes left apart. Pure: given the ledger and the issues as they are now,
// which beads to write and which issues to edit so both sides agree, by the very rules a webhook
// or a push applies (bead-issue-sync.ts). Repairing twice changes nothing the second time.
//
// - A bead linked to an issue (`external_ref`, its URL) is synced with it.
// - A bead whose issue was opened but not recorded (a crash between the two, `mirror_opening`)
//   is linked to the issue whose body carries its marker.
// - An open issue no bead holds becomes one when the mirror takes such issues (`mirror.issues`).
//   Closed issues are not imported: a repository's history is not work to do.
// - A mirrored bead with no issue yet is the ledger→GitHub backlog, counted here and opened by
//   that pass within GitHub's limits, never here.
// - Comments made or edited on GitHub since the watermark are taken in (drift-comments.ts).
import type { MirrorSettings } from "../config/config-schema.js";
import type { Bead } from "../ledger/bead-schema.js";
import type { Ledger } from "../ledger/ledger.js";
import { gastownMetadata, withGastownMetadata } from "../molecules/gastown-metadata.js";
import { beadFromIssue } from "../town/import-issue.js";
import { syncBeadAndIssue, type IssueEdit } from "./bead-issue-sync.js";
import { markerBeadId } from "./issue-body.js";
import { issueNumberOf, type RepoName } from "./mirror-work.js";
import { applyLinkChange, type LinkChange } from "./link-changes.js";
import { takeInComments, type CommentLook } from "./drift-comments.js";
import { beadByExternalRef } from "../ledger/external-ref.js";
import { isImportedIssue, isMirrored, issueLabelNames, type GitHubIssue } from "./issue-shape.js";

/** An issue as the repository's listing gives it. */
export interface DriftIssue extends GitHubIssue {
  readonly id: number;
  readonly created_at?: string;
  readonly user?: { readonly login: string } | null;
}

export interface DriftInput {
  readonly issues: readonly DriftIssue[];
  readonly mirror: MirrorSettings;
  /** The prefix of an imported bead's id. */
  readonly prefix: string;
  readonly now: Date;
  /** Statuses of the ledger's config a `status::` label may name. */
  readonly customStatuses?: readonly string[];
  /** The repository: a bead linked to one of its issues that the listing lacks was lost. */
  readonly repository: RepoName;
  /** Links GitHub made or removed since the ledger last agreed (drift-links.ts), to take in. */
  readonly links?: readonly LinkChange[];
  /** Comments made or edited on GitHub since the watermark, to take in; none when the App's login is unknown. */
  readonly comments?: CommentLook;
}

export interface IssueRepair {
  readonly number: number;
  readonly bead: string;
  readonly edit: IssueEdit;
}

export interface DriftPlan {
  /** Beads to write, changed or new: the ledger's side of the repair. */
  readonly beads: readonly Bead[];
  /** Edits to send: GitHub's side. */
  readonly edits: readonly IssueRepair[];
  /** Beads brought up to date from their issue. */
  readonly synced: readonly string[];
  /** Beads whose sides already agreed, now recording so (first synced, or an unreadable record). */
  readonly recorded: readonly string[];
  /** Beads made from issues no bead held. */
  readonly imported: readonly string[];
  /** Beads linked to the issue whose marker names them, after a crash while opening it. */
  readonly linked: readonly string[];
  /** Beads whose sub-issue or blocked-by links were brought up to date from GitHub. */
  readonly relinked: readonly string[];
  /** Beads with comments made or edited on GitHub taken in. */
  readonly commented: readonly string[];
  /** The comment watermark recorded, when it was recorded or moved. */
  readonly watermark?: string;
  /** Mirrored beads whose issue is not opened yet: the backlog. */
  readonly unopened: number;
  /** Beads linked to an issue of this repository that the listing no longer has (deleted or transferred). */
  readonly lost: readonly string[];
}

/** The bead linked to `issue`: the same object when it was already. */
function linkedTo(bead: Bead, issue: DriftIssue): Bead {
  const meta = gastownMetadata(bead);
  if (bead.external_ref === issue.html_url && meta.issue_id === issue.id && meta.mirror_opening === undefined) return bead;
  return { ...withGastownMetadata(bead, { issue_id: issue.id, mirror_opening: undefined }), external_ref: issue.html_url };
}

/** What to write to bring `ledger` and `issues` into agreement. */
export function planDrift(ledger: Ledger, input: DriftInput): DriftPlan {
  const byUrl = new Map<string, Bead>();
  for (const bead of ledger.beads()) if (bead.external_ref !== undefined && !byUrl.has(bead.external_ref)) byUrl.set(bead.external_ref, bead);
  const beads: Bead[] = [];
  const edits: IssueRepair[] = [];
  const synced: string[] = [];
  const recorded: string[] = [];
  const imported: string[] = [];
  const linked: string[] = [];
  const listed = new Set<string>();
  let next = ledger;
  const options = { now: input.now, ...(input.customStatuses ? { customStatuses: input.customStatuses } : {}) };
  const sync = (bead: Bead, issue: DriftIssue) => {
    const outcome = syncBeadAndIssue(bead, issue, options);
    if (outcome.bead !== bead) {
      beads.push(outcome.bead);
      next = next.withBead(outcome.bead);
    }
    if (outcome.edit) edits.push({ number: issue.number, bead: bead.id, edit: outcome.edit });
    return outcome;
  };
  for (const issue of input.issues) {
    listed.add(issue.html_url);
    const held = byUrl.get(issue.html_url);
    if (held !== undefined) {
      if (!isMirrored(held, input.mirror)) continue;
      const { bead, plan } = sync(held, issue);
      const workChanged = Object.keys(plan.toLedger).length > 0 || plan.conflicts.length > 0;
      if (workChanged) synced.push(held.id);
      else if (bead !== held) recorded.push(held.id);
      continue;
    }
    const marked = markerBeadId(issue.body);
    const opening = marked === undefined ? undefined : next.get(marked);
    if (opening !== undefined && opening.external_ref === undefined && isMirrored(opening, input.mirror)) {
      sync(linkedTo(opening, issue), issue);
      linked.push(opening.id);
      continue;
    }
    if (issue.state === "closed" || marked !== undefined || !isImportedIssue(issueLabelNames(issue), input.mirror)) continue;
    const bead = beadFromIssue(next, {
      url: issue.html_url, number: issue.number, title: issue.title, body: issue.body ?? null,
      labels: issueLabelNames(issue), state: "open", createdAt: issue.created_at ?? input.now.toISOString(),
      author: issue.user?.login ?? "github",
    }, { prefix: input.prefix, now: input.now, actor: issue.user?.login ?? "github" });
    const fresh = withGastownMetadata(bead, { issue_id: issue.id });
    next = next.withBead(fresh);
    // Never synced: every field counts as changed on both sides, and its rule takes GitHub's.
    const made = syncBeadAndIssue(fresh, issue, options).bead;
    beads.push(made);
    next = next.withBead(made);
    imported.push(made.id);
  }
  const relinked: string[] = [];
  const context = { now: input.now, mirror: input.mirror, configPrefix: undefined, fallbackPrefix: input.prefix, botLogin: "" };
  for (const change of input.links ?? []) {
    const after = applyLinkChange(next, change, context);
    if (after === next) continue;
    next = after;
    const bead = beadByExternalRef(next, change.from);
    if (bead !== undefined) {
      beads.push(bead);
      if (!relinked.includes(bead.id)) relinked.push(bead.id);
    }
  }
  const taken = input.comments === undefined ? undefined : takeInComments(next, input.comments, context, {
    repository: input.repository, slot: { now: input.now, prefix: input.prefix, actor: input.comments.botLogin },
  });
  if (taken !== undefined) {
    beads.push(...taken.beads);
    next = taken.ledger;
  }
  const lost = ledger.beads()
    .filter((bead) => bead.external_ref !== undefined && issueNumberOf(bead.external_ref, input.repository) !== undefined && !listed.has(bead.external_ref))
    .map((bead) => bead.id);
  const unopened = next.beads().filter((bead) => bead.external_ref === undefined && isMirrored(bead, input.mirror)).length;
  return {
    beads: dedupe(beads), edits, synced, recorded, imported, linked, relinked, commented: taken?.commented ?? [], unopened, lost,
    ...(taken?.watermark === undefined ? {} : { watermark: taken.watermark }),
  };
}

/** Each bead once, as last written. */
function dedupe(beads: readonly Bead[]): Bead[] {
  const last = new Map<string, Bead>();
  for (const bead of beads) last.set(bead.id, bead);
  return [...last.values()];
}

/** The ledger with the plan's beads written: the pure mutation of the repair's one commit. */
export function applyDrift(ledger: Ledger, input: DriftInput): Ledger {
  const plan = planDrift(ledger, input);
  return plan.beads.length === 0 ? ledger : ledger.withBeads(plan.beads);
}
