// The drift repair's effects (app/mirror/drift-plan.ts decides): list the repository's issues
// (conditional requests: unchanged pages are free), compare them with the ledger, send the edits
// GitHub lacks, then write what the ledger lacks in one compare-and-swap commit. The edits go
// first: a commit that records a field as synced before its edit landed would, if the edit then
// failed, make the next look take GitHub's old value as a person's change and lose the ledger's.
// Idempotent, so `gt mirror sync`, the patrol and a second replica may all run it.
import { sendIssueEdit } from "../github/edit-issue.js";
import { listIssues, type PageCache } from "../github/issue-pages.js";
import { ledgerPrefix } from "../ledger/id-prefix.js";
import type { Ledger } from "../ledger/ledger.js";
import { applyDrift, planDrift, type DriftInput, type DriftPlan } from "../mirror/drift-plan.js";
import { driftLinkChanges, linkListsToRead, type IssueAt, type LinkLists, type ListsToRead } from "../mirror/drift-links.js";
import { listBlockedBy, listSubIssues, type LinkedIssue } from "../github/sub-issues.js";
import { LedgerStatuses } from "./mirror-statuses.js";
import type { Town } from "./repository-town.js";

export type DriftReport =
  | { readonly kind: "off" }
  | {
      readonly kind: "repaired";
      readonly plan: DriftPlan;
      /** Requests made listing the issues, and how many of them GitHub answered 304 (unchanged, free). */
      readonly listing: { readonly requests: number; readonly notModified: number };
      /** Whether the ledger was written. */
      readonly wrote: boolean;
    };

export async function repairDrift(town: Town, cache?: PageCache): Promise<DriftReport> {
  if (!town.config.mirror.enabled) return { kind: "off" };
  const repo = { owner: town.owner, repo: town.repo };
  const listing = await listIssues(town.github, repo, cache);
  const ledger = await town.store.peek();
  const lists = await readLinkLists(town, linkListsToRead(ledger, listing.issues, town.config.mirror));
  const customStatuses = await new LedgerStatuses(town.store).for(listing.issues);
  const input = (current: Ledger): DriftInput => ({
    issues: listing.issues, mirror: town.config.mirror, now: town.deps.clock(), repository: repo, customStatuses,
    prefix: ledgerPrefix(town.config.ledger.prefix ?? undefined, current.records.keys()) ?? town.fallbackPrefix,
    links: driftLinkChanges(current, lists, town.config.mirror),
  });
  const plan = planDrift(ledger, input(ledger));
  for (const repair of plan.edits) await sendIssueEdit(town.github, { ...repo, issue_number: repair.number }, repair.edit);
  let wrote = false;
  if (plan.beads.length > 0) {
    const written = await town.store.update(() => driftMessage(plan), (current) => applyDrift(current, input(current)));
    wrote = written.changed;
  }
  return { kind: "repaired", plan, listing: { requests: listing.requests, notModified: listing.notModified }, wrote };
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
  ];
  const lines = [
    `Mirror: ${did.join(", ")}; ${listing.requests} page${listing.requests === 1 ? "" : "s"} read, ${listing.notModified} unchanged.`,
  ];
  // The beads still to open are the ledger→GitHub backlog's to say (mirror-beads.ts mirrorPending), which opens them.
  if (plan.lost.length > 0) lines.push(`Linked to issues GitHub no longer lists (deleted or transferred): ${plan.lost.join(", ")}.`);
  return lines.join("\n");
}
