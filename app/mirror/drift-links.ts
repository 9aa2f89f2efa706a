// The drift repair of links: sub-issues and blocked-by made or removed on GitHub whose webhooks
// were missed (or, in Actions-only mode, never start a workflow at all). Reading every issue's
// lists would cost two requests an issue, so the listing's counts pick the few to read: an issue
// whose `sub_issues_summary.total` or `issue_dependencies_summary.total_blocked_by` differs from
// the links the ledger last agreed on with GitHub (`synced_links`). A list read is compared with
// that record, 3-way: only what GitHub changed since is taken in (as the webhook would have, by
// link-changes.ts); what the ledger changed is the push pass's to send. A swap that keeps a count
// the same goes unseen until a count moves; an issue linked to issues the ledger does not hold
// is read on every look.
import type { MirrorSettings } from "../config/config-schema.js";
import type { Bead } from "../ledger/bead-schema.js";
import type { Ledger } from "../ledger/ledger.js";
import { isMirrored } from "./issue-shape.js";
import type { LinkChange } from "./link-changes.js";
import { syncedLinks } from "./mirror-links.js";

/** The counts the issue listing gives of an issue's links. */
export interface LinkSummaries {
  readonly html_url: string;
  readonly number: number;
  readonly sub_issues_summary?: { readonly total?: number } | null;
  readonly issue_dependencies_summary?: { readonly total_blocked_by?: number } | null;
}

/** An issue of the repository, as the lists are asked for (number) and keyed (URL). */
export interface IssueAt {
  readonly number: number;
  readonly html_url: string;
}

/** The issues whose lists to read. */
export interface ListsToRead {
  readonly subIssues: readonly IssueAt[];
  readonly blockedBy: readonly IssueAt[];
}

/** What GitHub's lists say now: issue URL → the URLs it lists. */
export interface LinkLists {
  readonly subIssues: ReadonlyMap<string, readonly string[]>;
  readonly blockedBy: ReadonlyMap<string, readonly string[]>;
}

/** Who a link taken in by the repair is recorded as made by. */
const REPAIR_SENDER = "github";

/** The mirrored, linked beads by their issue's URL. */
function linkedBeads(ledger: Ledger, mirror: MirrorSettings): Map<string, Bead> {
  const byUrl = new Map<string, Bead>();
  for (const bead of ledger.beads()) {
    if (bead.external_ref !== undefined && isMirrored(bead, mirror) && !byUrl.has(bead.external_ref)) byUrl.set(bead.external_ref, bead);
  }
  return byUrl;
}

/** The issues whose counts differ from what the ledger last agreed on. */
export function linkListsToRead(ledger: Ledger, issues: readonly LinkSummaries[], mirror: MirrorSettings): ListsToRead {
  const byUrl = linkedBeads(ledger, mirror);
  const children = new Map<string, number>();
  for (const bead of byUrl.values()) {
    const parent = syncedLinks(bead).parent;
    if (parent !== undefined) children.set(parent, (children.get(parent) ?? 0) + 1);
  }
  const subIssues: IssueAt[] = [];
  const blockedBy: IssueAt[] = [];
  for (const issue of issues) {
    const bead = byUrl.get(issue.html_url);
    if (bead === undefined) continue;
    const total = issue.sub_issues_summary?.total;
    const at = { number: issue.number, html_url: issue.html_url };
    if (typeof total === "number" && total !== (children.get(bead.id) ?? 0)) subIssues.push(at);
    const blockers = issue.issue_dependencies_summary?.total_blocked_by;
    if (typeof blockers === "number" && blockers !== syncedLinks(bead).blocked_by.length) blockedBy.push(at);
  }
  return { subIssues, blockedBy };
}

/** The link changes GitHub made since the ledger last agreed with it, by the lists read. */
export function driftLinkChanges(ledger: Ledger, lists: LinkLists, mirror: MirrorSettings): LinkChange[] {
  const byUrl = linkedBeads(ledger, mirror);
  const urlOf = new Map([...byUrl].map(([url, bead]) => [bead.id, url]));
  const changes: LinkChange[] = [];
  const change = (link: LinkChange["link"], added: boolean, from: string, to: string) =>
    changes.push({ kind: "link", link, added, from, to, sender: REPAIR_SENDER });
  for (const [parentUrl, listed] of lists.subIssues) {
    const parent = byUrl.get(parentUrl);
    if (parent === undefined) continue;
    for (const childUrl of listed) {
      const child = byUrl.get(childUrl);
      if (child !== undefined && syncedLinks(child).parent !== parent.id) change("parent", true, childUrl, parentUrl);
    }
    for (const [childUrl, child] of byUrl) {
      if (syncedLinks(child).parent === parent.id && !listed.includes(childUrl)) change("parent", false, childUrl, parentUrl);
    }
  }
  for (const [blockedUrl, listed] of lists.blockedBy) {
    const blocked = byUrl.get(blockedUrl);
    if (blocked === undefined) continue;
    const agreed = syncedLinks(blocked).blocked_by;
    for (const blockerUrl of listed) {
      const blocker = byUrl.get(blockerUrl);
      if (blocker !== undefined && !agreed.includes(blocker.id)) change("blocked_by", true, blockedUrl, blockerUrl);
    }
    for (const id of agreed) {
      const blockerUrl = urlOf.get(id);
      if (blockerUrl !== undefined && !listed.includes(blockerUrl)) change("blocked_by", false, blockedUrl, blockerUrl);
    }
  }
  return changes;
}
