// The drift repair's effects (app/mirror/drift-plan.ts decides): list the repository's issues
// (conditional requests: unchanged pages are free), compare them with the ledger, send the edits
// GitHub lacks, then write what the ledger lacks in one compare-and-swap commit. The edits go
// first: a commit that records a field as synced before its edit landed would, if the edit then
// failed, make the next look take GitHub's old value as a person's change and lose the ledger's.
// Idempotent, so `gt mirror sync`, the patrol and a second replica may all run it. Comments are
// looked at only when the App's login is known: without it, the App's own would be taken in.
import { sendIssueEdit } from "../github/edit-issue.js";
import { listCommentsSince, listIssues, newestCommentUpdate, type PageCache } from "../github/issue-pages.js";
import { PER_PAGE } from "../github/pages.js";
import { ledgerPrefix } from "../ledger/id-prefix.js";
import type { Ledger } from "../ledger/ledger.js";
import type { CommentLook } from "../mirror/drift-comments.js";
import { commentWatermarkOf } from "../mirror/mirror-budget.js";
import { applyDrift, planDrift, type DriftInput, type DriftPlan } from "../mirror/drift-plan.js";
import { driftLinkChanges, linkListsToRead, type IssueAt, type LinkLists, type ListsToRead } from "../mirror/drift-links.js";
import { listBlockedBy, listSubIssues, type LinkedIssue } from "../github/sub-issues.js";
import { LedgerStatuses } from "./mirror-statuses.js";
import type { Town } from "./repository-town.js";

/** Where the comment listing starts in a repository that has none yet: they are all to come. */
const BEFORE_ANY_COMMENT = "1970-01-01T00:00:00Z";

export type DriftReport =
  | { readonly kind: "off" }
  | {
      readonly kind: "repaired";
      readonly plan: DriftPlan;
      /** Requests made listing the issues and comments, and how many of them GitHub answered 304 (unchanged, free). */
      readonly listing: { readonly requests: number; readonly notModified: number };
      /** Whether the ledger was written. */
      readonly wrote: boolean;
    };

/** `botLogin`: who the App acts as, whose comments are its own; without it comments are not looked at. */
export async function repairDrift(town: Town & { readonly botLogin?: string }, cache?: PageCache): Promise<DriftReport> {
  if (!town.config.mirror.enabled) return { kind: "off" };
  const repo = { owner: town.owner, repo: town.repo };
  const listing = await listIssues(town.github, repo, cache);
  const ledger = await town.store.peek();
  const lists = await readLinkLists(town, linkListsToRead(ledger, listing.issues, town.config.mirror));
  const customStatuses = await new LedgerStatuses(town.store).for(listing.issues);
  const comments = town.botLogin === undefined ? undefined : await readComments(town, town.botLogin, commentWatermarkOf(ledger, town.owner, town.repo), cache);
  const input = (current: Ledger): DriftInput => ({
    issues: listing.issues, mirror: town.config.mirror, now: town.deps.clock(), repository: repo, customStatuses,
    prefix: ledgerPrefix(town.config.ledger.prefix ?? undefined, current.records.keys()) ?? town.fallbackPrefix,
    links: driftLinkChanges(current, lists, town.config.mirror),
    ...(comments ? { comments: comments.look } : {}),
  });
  const plan = planDrift(ledger, input(ledger));
  for (const repair of plan.edits) await sendIssueEdit(town.github, { ...repo, issue_number: repair.number }, repair.edit);
  let wrote = false;
  if (plan.beads.length > 0) {
    const written = await town.store.update(() => driftMessage(plan), (current) => applyDrift(current, input(current)));
    wrote = written.changed;
  }
  const read = { requests: listing.requests + (comments?.requests ?? 0), notModified: listing.notModified + (comments?.notModified ?? 0) };
  return { kind: "repaired", plan, listing: read, wrote };
}

/**
 * The comments made or edited since the watermark. The first look starts at the newest comment
 * there is, by GitHub's clock rather than the machine's, which may be off.
 */
async function readComments(
  town: Town, botLogin: string, recorded: string | undefined, cache: PageCache | undefined,
): Promise<{ readonly look: CommentLook; readonly requests: number; readonly notModified: number }> {
  const repo = { owner: town.owner, repo: town.repo };
  const since = recorded ?? await newestCommentUpdate(town.github, repo) ?? BEFORE_ANY_COMMENT;
  const listing = await listCommentsSince(town.github, repo, since, cache);
  return {
    look: { comments: listing.items, since, pageSize: PER_PAGE, botLogin },
    requests: listing.requests + (recorded === undefined ? 1 : 0), notModified: listing.notModified,
  };
}

/** The sub-issue and blocked-by lists of the issues whose counts moved: one request each, mostly none. */
async function readLinkLists(town: Town, toRead: ListsToRead): Promise<LinkLists> {
  const urls = (linked: readonly LinkedIssue[]) => linked.map((issue) => issue.payload.html_url);
  const ref = (issue: IssueAt) => ({ owner: town.owner, repo: town.repo, issue_number: issue.number });
  const subIssues = new Map<string, readonly string[]>();
  const blockedBy = new Map<string, readonly string[]>();
  for (const issue of toRead.subIssues) subIssues.set(issue.html_url, urls(await listSubIssues(town.github, ref(issue))));
  for (const issue of toRead.blockedBy) blockedBy.set(issue.html_url, urls(await listBlockedBy(town.github, ref(issue))));
  return { subIssues, blockedBy };
}

function driftMessage(plan: DriftPlan): string {
  const parts = [
    plan.synced.length > 0 ? `${plan.synced.length} brought up to date` : "",
    plan.recorded.length > 0 ? `${plan.recorded.length} recorded as in agreement` : "",
    plan.imported.length > 0 ? `${plan.imported.length} imported` : "",
    plan.linked.length > 0 ? `${plan.linked.length} linked to the issue opened for them` : "",
    plan.relinked.length > 0 ? `${plan.relinked.length} with sub-issue or blocked-by links taken from GitHub` : "",
    plan.commented.length > 0 ? `${plan.commented.length} with comments taken from GitHub` : "",
    plan.watermark !== undefined ? `the comment watermark at ${plan.watermark}` : "",
  ].filter(Boolean);
  return `Mirror: beads repaired from their issues (${parts.join(", ")})`;
}

/** The report in a line or two, for the patrol's log and `gt mirror sync`. */
export function describeDrift(report: DriftReport): string {
  if (report.kind === "off") return "The mirror is off (mirror.enabled: false).";
  const { plan, listing } = report;
  const did = [
    `${plan.synced.length} bead${plan.synced.length === 1 ? "" : "s"} brought up to date from GitHub`,
    `${plan.edits.length} issue${plan.edits.length === 1 ? "" : "s"} edited`,
    `${plan.imported.length} issue${plan.imported.length === 1 ? "" : "s"} imported`,
    ...(plan.linked.length > 0 ? [`${plan.linked.length} linked after an interrupted opening`] : []),
    ...(plan.recorded.length > 0 ? [`${plan.recorded.length} recorded as in agreement`] : []),
    ...(plan.relinked.length > 0 ? [`${plan.relinked.length} with links taken from GitHub`] : []),
    ...(plan.commented.length > 0 ? [`${plan.commented.length} bead${plan.commented.length === 1 ? "" : "s"} with comments taken from GitHub`] : []),
  ];
  const lines = [
    `Mirror: ${did.join(", ")}; ${listing.requests} page${listing.requests === 1 ? "" : "s"} read, ${listing.notModified} unchanged.`,
  ];
  // The beads still to open are the ledger→GitHub backlog's to say (mirror-beads.ts mirrorPending), which opens them.
  if (plan.lost.length > 0) lines.push(`Linked to issues GitHub no longer lists (deleted or transferred): ${plan.lost.join(", ")}.`);
  return lines.join("\n");
}
